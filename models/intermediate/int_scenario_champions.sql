-- Each scenario's class champion beside the season's official one: every team first in its class table (a tied
-- title is shared: both are named), and only once every round of the season that is not cancelled has results.
with

team_standings_ranked as (
    select * from {{ ref('int_team_standings_ranked') }}
),

rounds_statused as (
    select * from {{ ref('int_rounds_statused') }}
),

complete_seasons as (
    select distinct season
    from rounds_statused
    where is_season_complete
),

champions as (
    select
        standings.season,
        standings.scenario_code,
        standings.is_official_scenario,
        standings.class_code,
        {{ sorted_listagg('standings.team_name', "' and '") }} as champion_team_name,
        max(standings.total_points) as champion_total_points,
        count(*) > 1 as is_title_shared
    from team_standings_ranked as standings
    inner join complete_seasons
        on standings.season = complete_seasons.season
    where standings.championship_position = 1
    group by standings.season, standings.scenario_code, standings.is_official_scenario, standings.class_code
),

champions_compared as (
    select
        scenario_champions.season,
        scenario_champions.scenario_code,
        scenario_champions.class_code,
        scenario_champions.champion_team_name,
        scenario_champions.champion_total_points,
        scenario_champions.is_title_shared,
        official_champions.champion_team_name as official_champion_team_name,
        scenario_champions.champion_team_name != official_champions.champion_team_name as is_champion_changed
    from champions as scenario_champions
    left join champions as official_champions
        on
            scenario_champions.season = official_champions.season
            and scenario_champions.class_code = official_champions.class_code
            and official_champions.is_official_scenario
)

select * from champions_compared
