-- The seasons in the warehouse: each season's official scoring scenario, its calendar, and whether published
-- tables exist to reconcile it with.
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
        count(*) as rounds_scheduled,
        min(race_date) as first_race_date,
        max(race_date) as last_race_date
    from rounds
    group by season
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
        cast(coalesce(calendars.rounds_scheduled, 0) as integer) as rounds_scheduled,
        calendars.first_race_date,
        calendars.last_race_date,
        published_seasons.season is not null as has_published_standings,
        seasons.source
    from seasons
    inner join scoring_scenarios
        on seasons.official_scenario_code = scoring_scenarios.scenario_code
    left join calendars
        on seasons.season = calendars.season
    left join published_seasons
        on seasons.season = published_seasons.season
)

select * from final
order by season
