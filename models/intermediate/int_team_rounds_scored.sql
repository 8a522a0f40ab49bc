-- A team scores only its highest-finishing entry: the best eligible car per scenario, round, class
-- and team. Its other cars keep their class positions (nobody moves up into them).
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

finishes_ranked_within_team as (
    select
        *,
        row_number() over (
            partition by scenario_code, season, round_number, class_code, team_name
            order by points desc, class_position asc nulls last, result_key asc
        ) as rank_within_team
    from finishes_scored
),

team_rounds as (
    select
        scenario_code,
        season,
        round_number,
        class_code,
        team_name,
        result_key,
        car_key,
        car_number,
        class_position,
        points
    from finishes_ranked_within_team
    where rank_within_team = 1
)

select * from team_rounds
