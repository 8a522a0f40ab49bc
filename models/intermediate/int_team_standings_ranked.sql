-- Season totals per scenario, class and team, ranked as the published tables rank them:
-- standard competition ranking ("12="), with a countback key for scenarios that break ties.
with

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

scoring_scenarios as (
    select * from {{ ref('scoring_scenarios') }}
),

team_totals as (
    select
        scenario_code,
        is_official_scenario,
        season,
        class_code,
        class_order,
        team_name,
        cast(sum(points) as {{ var('points_data_type') }}) as total_points,
        min(round_number) as first_scoring_round
    from team_rounds_scored
    group by scenario_code, is_official_scenario, season, class_code, class_order, team_name
),

countback_keys as (
    -- Only scenarios that break ties by countback need it: the team's class positions in ascending
    -- order; a team with more good results sorts first, and the terminator makes an extra result beat none.
    select
        team_rounds_scored.scenario_code,
        team_rounds_scored.season,
        team_rounds_scored.class_code,
        team_rounds_scored.team_name,
        {{ sorted_listagg(
            "lpad(cast(team_rounds_scored.class_position as " ~ dbt.type_string() ~ "), 3, '0')", "''"
        ) }} || '999' as countback_key
    from team_rounds_scored
    inner join scoring_scenarios
        on team_rounds_scored.scenario_code = scoring_scenarios.scenario_code
    where scoring_scenarios.tie_break = 'countback'
    group by
        team_rounds_scored.scenario_code,
        team_rounds_scored.season,
        team_rounds_scored.class_code,
        team_rounds_scored.team_name
),

totals_ranked as (
    select
        team_totals.*,
        scoring_scenarios.scenario_name,
        cast(rank() over (
            partition by team_totals.scenario_code, team_totals.season, team_totals.class_code
            order by
                team_totals.total_points desc,
                case
                    when scoring_scenarios.tie_break = 'countback' then countback_keys.countback_key
                end asc
        ) as integer) as championship_position,
        cast(row_number() over (
            partition by team_totals.scenario_code, team_totals.season, team_totals.class_code
            order by
                team_totals.total_points desc,
                case
                    when scoring_scenarios.tie_break = 'countback' then countback_keys.countback_key
                end asc,
                team_totals.first_scoring_round asc,
                team_totals.team_name asc
        ) as integer) as display_order
    from team_totals
    inner join scoring_scenarios
        on team_totals.scenario_code = scoring_scenarios.scenario_code
    left join countback_keys
        on
            team_totals.scenario_code = countback_keys.scenario_code
            and team_totals.season = countback_keys.season
            and team_totals.class_code = countback_keys.class_code
            and team_totals.team_name = countback_keys.team_name
),

positions_labelled as (
    select
        scenario_code,
        is_official_scenario,
        scenario_name,
        season,
        class_code,
        class_order,
        team_name,
        total_points,
        championship_position,
        {{ shared_position_label(
            'championship_position', ['scenario_code', 'season', 'class_code']
        ) }} as position_label,
        display_order
    from totals_ranked
)

select * from positions_labelled
