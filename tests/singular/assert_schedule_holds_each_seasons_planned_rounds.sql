-- Each season's schedule holds exactly rounds 1 to its rounds_planned (reference.seasons), with no gap.
-- Returns each season whose scheduled rounds are not 1..rounds_planned.
with

seasons as (
    select * from {{ ref('seasons') }}
),

schedule as (
    select * from {{ ref('stg_schedule') }}
),

scheduled_rounds as (
    select
        season,
        count(*) as rounds_scheduled,
        min(round_number) as first_round,
        max(round_number) as last_round
    from schedule
    group by season
)

select
    seasons.season,
    seasons.rounds_planned,
    scheduled_rounds.rounds_scheduled,
    scheduled_rounds.first_round,
    scheduled_rounds.last_round
from seasons
left join scheduled_rounds
    on seasons.season = scheduled_rounds.season
where
    scheduled_rounds.season is null
    or scheduled_rounds.rounds_scheduled != seasons.rounds_planned
    or scheduled_rounds.first_round != 1
    or scheduled_rounds.last_round != seasons.rounds_planned
