-- The drivers' championship round by round ends where the standings stand: fails with every driver whose line after
-- the season's last round with results (fct_driver_championship_progression) differs from fct_driver_standings in
-- points, position or unchecked bonus points, or who is in one table and not the other.
with

driver_progression as (
    select * from {{ ref('fct_driver_championship_progression') }}
),

driver_standings as (
    select * from {{ ref('fct_driver_standings') }}
),

last_rounds as (
    select
        season,
        max(round_number) as round_number
    from driver_progression
    group by season
),

progression_after_last_round as (
    select driver_progression.*
    from driver_progression
    inner join last_rounds
        on
            driver_progression.season = last_rounds.season
            and driver_progression.round_number = last_rounds.round_number
)

select
    coalesce(progression.season, standings.season) as season,
    coalesce(progression.class_code, standings.class_code) as class_code,
    coalesce(progression.driver_name, standings.driver_name) as driver_name,
    progression.cumulative_points,
    standings.total_points,
    progression.position_after_round,
    standings.championship_position
from progression_after_last_round as progression
full outer join driver_standings as standings
    on
        progression.season = standings.season
        and progression.class_code = standings.class_code
        and progression.driver_name = standings.driver_name
where
    progression.driver_name is null
    or standings.driver_name is null
    or progression.cumulative_points != standings.total_points
    or progression.position_after_round != standings.championship_position
    or progression.cumulative_unchecked_bonus_points != standings.unchecked_bonus_points
