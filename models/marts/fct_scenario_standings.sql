-- Every scoring scenario's table beside the season's official one (reference.seasons). A team that scores
-- officially but nothing under a scenario keeps a row (no position, 0 points): it leaves that table.
with

team_standings_ranked as (
    select * from {{ ref('int_team_standings_ranked') }}
),

scenario_champions as (
    select * from {{ ref('int_scenario_champions') }}
),

official_standings as (
    select * from team_standings_ranked
    where is_official_scenario
),

scenarios_per_season as (
    select distinct
        season,
        scenario_code,
        scenario_name,
        is_official_scenario
    from team_standings_ranked
),

teams_left_out as (
    select
        scenarios.season,
        scenarios.scenario_code,
        scenarios.scenario_name,
        scenarios.is_official_scenario,
        official.class_code,
        official.class_order,
        official.team_name,
        cast(null as integer) as championship_position,
        cast(null as {{ dbt.type_string() }}) as position_label,
        cast(null as integer) as display_order,
        cast(0 as {{ var('points_data_type') }}) as total_points
    from scenarios_per_season as scenarios
    inner join official_standings as official
        on scenarios.season = official.season
    where not exists (
        select 1
        from team_standings_ranked as scored
        where
            scored.season = scenarios.season
            and scored.scenario_code = scenarios.scenario_code
            and scored.class_code = official.class_code
            and scored.team_name = official.team_name
    )
),

scenario_tables as (
    select
        season,
        scenario_code,
        scenario_name,
        is_official_scenario,
        class_code,
        class_order,
        team_name,
        championship_position,
        position_label,
        display_order,
        total_points
    from team_standings_ranked
    union all
    select * from teams_left_out
),

final as (
    select
        scenario.season,
        scenario.scenario_code,
        scenario.scenario_name,
        scenario.is_official_scenario,
        scenario.class_code,
        scenario.class_order,
        scenario.team_name,
        scenario.championship_position,
        scenario.position_label,
        scenario.display_order,
        scenario.total_points,
        official.championship_position as official_championship_position,
        official.total_points as official_total_points,
        cast(
            scenario.total_points - coalesce(official.total_points, 0) as {{ var('points_data_type') }}
        ) as points_change,
        cast(
            official.championship_position - scenario.championship_position as integer
        ) as positions_gained,
        scenario.championship_position is not null as scores_under_scenario,
        coalesce(
            scenario.championship_position = 1 and scenario_champions.champion_team_name is not null, false
        ) as is_scenario_champion,
        scenario_champions.official_champion_team_name,
        scenario_champions.is_champion_changed
    from scenario_tables as scenario
    left join scenario_champions
        on
            scenario.scenario_code = scenario_champions.scenario_code
            and scenario.season = scenario_champions.season
            and scenario.class_code = scenario_champions.class_code
    left join official_standings as official
        on
            scenario.season = official.season
            and scenario.class_code = official.class_code
            and scenario.team_name = official.team_name
)

select * from final
order by season, scenario_code, class_order, display_order nulls last, team_name
