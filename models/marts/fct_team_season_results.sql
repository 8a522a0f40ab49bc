-- Each team's season in a class, under the season's official scoring scenario: its race results counted (class
-- wins, podiums, results reported, best class position) beside its final championship position and points.
with

race_results as (
    select * from {{ ref('fct_race_results') }}
),

team_standings_ranked as (
    select * from {{ ref('int_team_standings_ranked') }}
),

official_standings as (
    select * from team_standings_ranked
    where is_official_scenario
),

results_counted as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        team_name,
        count(*) as results_reported,
        count(distinct round_number) as rounds_entered,
        count(case when class_position = 1 then 1 end) as class_wins,
        count(case when class_position <= 3 then 1 end) as podium_finishes,
        count(distinct case when class_position <= 3 then round_number end) as rounds_on_podium,
        min(class_position) as best_class_position
    from race_results
    group by season, scenario_code, class_code, class_order, team_name
),

final as (
    select
        results_counted.season,
        results_counted.scenario_code,
        results_counted.class_code,
        results_counted.class_order,
        results_counted.team_name,
        official_standings.championship_position,
        official_standings.position_label,
        official_standings.total_points,
        cast(results_counted.class_wins as integer) as class_wins,
        cast(results_counted.podium_finishes as integer) as podium_finishes,
        cast(results_counted.rounds_on_podium as integer) as rounds_on_podium,
        cast(results_counted.results_reported as integer) as results_reported,
        cast(results_counted.rounds_entered as integer) as rounds_entered,
        cast(results_counted.best_class_position as integer) as best_class_position
    from results_counted
    left join official_standings
        on
            results_counted.season = official_standings.season
            and results_counted.class_code = official_standings.class_code
            and results_counted.team_name = official_standings.team_name
)

select * from final
order by season, class_order, championship_position, team_name
