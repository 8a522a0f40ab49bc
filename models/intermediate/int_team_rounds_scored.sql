-- Each team's scoring result per scenario, round and class (int_team_best_results, stored) with the result's
-- key, built from the scoring car as int_finishes_joined builds it: no model stores a unique text per team round
-- that only the race results read.
with

team_best_results as (
    select * from {{ ref('int_team_best_results') }}
),

team_rounds_keyed as (
    -- Every column of int_team_best_results passes through unchanged: selected as `team_best_results.*`.
    select
        team_best_results.*,
        {{ result_key('season', 'round_number', 'car_key', 'class_code', 'team_name') }} as result_key
    from team_best_results
)

select * from team_rounds_keyed  -- noqa: AM04
