-- Each season's schedule numbers its rounds 1 to N without a gap: the season's length is its schedule's rows.
-- A season may be announced in reference.seasons before its calendar (it then has no rounds yet). Returns each
-- season whose rounds have a gap or do not start at 1.
with

seasons as (
    select * from {{ ref('seasons') }}
),

schedule as (
    select * from {{ ref('stg_schedule') }}
),

calendar_rounds as (
    select
        season,
        count(*) as rounds_on_calendar,
        min(round_number) as first_round,
        max(round_number) as last_round
    from schedule
    group by season
)

select
    seasons.season,
    calendar_rounds.rounds_on_calendar,
    calendar_rounds.first_round,
    calendar_rounds.last_round
from seasons
inner join calendar_rounds
    on seasons.season = calendar_rounds.season
where
    calendar_rounds.first_round != 1
    or calendar_rounds.last_round != calendar_rounds.rounds_on_calendar
