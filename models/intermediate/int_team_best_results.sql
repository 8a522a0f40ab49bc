-- A team scores only its highest-finishing entry: its best-scoring car per scenario, round, class and team
-- (most points, then the better class position). Its other cars keep their class positions, so no other
-- team moves up into them. Team rounds without points are left out. Stored (the marts read it through
-- int_team_rounds_scored, which adds the scoring result's key from the best car rather than storing it).
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

scoring_finishes as (
    select * from finishes_scored
    where points > 0
),

team_rounds as (
    select
        scenario_code,
        is_official_scenario,
        season,
        round_number,
        class_code,
        team_name,
        max(points) as points,
        -- The best row: most points, then the better class position (a team's cars never share one).
        -- max_by skips null values, so a missing car key or number travels as '' and comes back null.
        nullif(max_by(coalesce(car_key, ''), points * 1000 - class_position), '') as car_key,
        nullif(max_by(coalesce(car_number, ''), points * 1000 - class_position), '') as car_number,
        max_by(class_position, points * 1000 - class_position) as class_position
    from scoring_finishes
    group by scenario_code, is_official_scenario, season, round_number, class_code, team_name
)

select * from team_rounds
