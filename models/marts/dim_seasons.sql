-- The seasons in the warehouse: each season's official scoring scenario, its calendar counted (on the calendar,
-- cancelled, raced, still to race), the round raced last, and whether published tables exist to reconcile it with.
with

seasons as (
    select * from {{ ref('seasons') }}
),

scoring_scenarios as (
    select * from {{ ref('scoring_scenarios') }}
),

rounds as (
    select * from {{ ref('dim_rounds') }}
),

published_team_standings as (
    select * from {{ ref('published_team_standings') }}
),

calendars as (
    select
        season,
        count(*) as rounds_on_calendar,
        count(case when round_status = 'cancelled' then 1 end) as rounds_cancelled,
        count(case when round_status = 'raced' then 1 end) as rounds_raced,
        count(case when round_status = 'scheduled' then 1 end) as rounds_still_to_race,
        max(case when round_status = 'raced' then race_order end) as last_race_order,
        min(race_date) as first_race_date,
        max(race_date) as last_race_date
    from rounds
    group by season
),

last_races as (
    -- The round raced last, by date (a rescheduled round raced after the final is the last raced).
    select
        calendars.season,
        rounds.round_number as last_raced_round
    from calendars
    inner join rounds
        on
            calendars.season = rounds.season
            and calendars.last_race_order = rounds.race_order
),

published_seasons as (
    select distinct season
    from published_team_standings
),

final as (
    select
        seasons.season,
        seasons.official_scenario_code,
        scoring_scenarios.scenario_name as official_scenario_name,
        cast(coalesce(calendars.rounds_on_calendar, 0) as integer) as rounds_on_calendar,
        cast(coalesce(calendars.rounds_cancelled, 0) as integer) as rounds_cancelled,
        cast(coalesce(calendars.rounds_raced, 0) as integer) as rounds_raced,
        cast(coalesce(calendars.rounds_still_to_race, 0) as integer) as rounds_still_to_race,
        cast(last_races.last_raced_round as integer) as last_raced_round,
        calendars.first_race_date,
        calendars.last_race_date,
        published_seasons.season is not null as has_published_standings,
        seasons.source
    from seasons
    inner join scoring_scenarios
        on seasons.official_scenario_code = scoring_scenarios.scenario_code
    left join calendars
        on seasons.season = calendars.season
    left join last_races
        on seasons.season = last_races.season
    left join published_seasons
        on seasons.season = published_seasons.season
)

select * from final
order by season
