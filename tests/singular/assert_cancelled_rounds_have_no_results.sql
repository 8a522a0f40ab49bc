-- A cancelled round (seeds/raw/round_cancellations.csv) was never run, so it has no finishes. Returns each
-- cancelled round with results: remove its cancellation, or its finishes.
select
    season,
    round_number,
    race_name
from {{ ref('dim_rounds') }}
where round_status = 'cancelled' and has_results
