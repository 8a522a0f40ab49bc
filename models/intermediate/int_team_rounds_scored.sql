-- Each team's scoring result per scenario, round and class (int_team_best_results, stored) with the result's
-- key, built from the scoring car as int_finishes_joined builds it: no model stores a unique text per team round
-- that only the race results read.
with

team_best_results as (
    select * from {{ ref('int_team_best_results') }}
),

team_rounds_keyed as (
    select
        scenario_code,
        is_official_scenario,
        season,
        round_number,
        class_code,
        team_name,
        points,
        {{ result_key('season', 'round_number', 'car_key', 'class_code', 'team_name') }} as result_key,
        car_key,
        car_number,
        class_position
    from team_best_results
)

select * from team_rounds_keyed
