-- No two results share a class position in a round, unless a reviewed known exception lists both.
-- Returns each shared position with the teams that hold it and no exception.
with

finishes_enriched as (
    select * from {{ ref('int_finishes_enriched') }}
),

known_exceptions as (
    select * from {{ ref('known_exceptions') }}
),

shared_positions as (
    select
        season,
        round_number,
        class_code,
        class_position
    from finishes_enriched
    where class_position is not null
    group by season, round_number, class_code, class_position
    having count(*) > 1
)

select
    finishes_enriched.season,
    finishes_enriched.round_number,
    finishes_enriched.class_code,
    finishes_enriched.class_position,
    finishes_enriched.team_name,
    finishes_enriched.car_key
from finishes_enriched
inner join shared_positions
    on
        finishes_enriched.season = shared_positions.season
        and finishes_enriched.round_number = shared_positions.round_number
        and finishes_enriched.class_code = shared_positions.class_code
        and finishes_enriched.class_position = shared_positions.class_position
left join known_exceptions
    on
        finishes_enriched.season = known_exceptions.season
        and finishes_enriched.round_number = known_exceptions.round_number
        and finishes_enriched.class_code = known_exceptions.class_code
        and finishes_enriched.team_name = known_exceptions.team_name
        and finishes_enriched.class_position = known_exceptions.class_position
where known_exceptions.exception_code is null
