-- A team scores only its highest-finishing entry: per scenario, round, class and team, its result with the most
-- points, then the better class position (a team's cars never share one). Its other cars keep their class
-- positions, so no other team moves up into them. Team rounds without points are left out.
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

results_ranked_within_team as (
    select
        scenario_code,
        is_official_scenario,
        season,
        round_number,
        class_code,
        class_order,
        team_name,
        car_key,
        car_number,
        class_position,
        points,
        -- The numbers first: the window sorts on these columns, and numbers compare cheaper than text.
        row_number() over (
            partition by season, round_number, class_code, team_name, scenario_code
            order by points desc, class_position asc
        ) as rank_within_team
    from finishes_scored
    where points > 0
),

team_best_results as (
    select
        scenario_code,
        is_official_scenario,
        season,
        round_number,
        class_code,
        class_order,
        team_name,
        car_key,
        car_number,
        class_position,
        points
    from results_ranked_within_team
    where rank_within_team = 1
)

select * from team_best_results
