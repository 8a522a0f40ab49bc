-- Each scenario's class champion beside the season's official one.
with

team_standings_ranked as (
    select * from {{ ref('int_team_standings_ranked') }}
),

champions as (
    select
        season,
        scenario_code,
        is_official_scenario,
        class_code,
        team_name as champion_team_name,
        total_points as champion_total_points
    from team_standings_ranked
    where display_order = 1
),

champions_compared as (
    select
        scenario_champions.season,
        scenario_champions.scenario_code,
        scenario_champions.class_code,
        scenario_champions.champion_team_name,
        scenario_champions.champion_total_points,
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
