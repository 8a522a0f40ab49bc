-- A result may leave its car unidentified only when the team ran two or more cars that round.
-- Returns unidentified results of teams with a single car in the round.
with

finishes as (
    select * from {{ ref('stg_finishes') }}
),

entries as (
    select * from {{ ref('stg_entries') }}
),

team_car_counts as (
    select
        season,
        round_number,
        class_code,
        team_entered,
        count(*) as cars_entered
    from entries
    where took_part
    group by season, round_number, class_code, team_entered
)

select
    finishes.season,
    finishes.round_number,
    finishes.class_code,
    finishes.team_entered,
    team_car_counts.cars_entered
from finishes
left join team_car_counts
    on
        finishes.season = team_car_counts.season
        and finishes.round_number = team_car_counts.round_number
        and finishes.class_code = team_car_counts.class_code
        and finishes.team_entered = team_car_counts.team_entered
where finishes.car_key is null and coalesce(team_car_counts.cars_entered, 0) < 2
