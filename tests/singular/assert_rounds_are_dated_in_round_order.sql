-- Within a season, a later round is not dated before an earlier one (a typo in a date or a round number). Returns
-- each round dated before the round numbered before it.
with

rounds as (
    select * from {{ ref('stg_schedule') }}
),

rounds_with_previous as (
    select
        season,
        round_number,
        race_name,
        race_date,
        lag(race_date) over (partition by season order by round_number) as previous_round_date
    from rounds
)

select *
from rounds_with_previous
where race_date < previous_round_date
