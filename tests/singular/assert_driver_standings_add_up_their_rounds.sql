-- A driver's line in the standings is the sum of the driver's rounds: fails with every line of fct_driver_standings
-- whose finishing, bonus, total, derived or unchecked bonus points, or rounds credited, differ from what
-- fct_driver_round_points adds up to for the driver, season and class.
with

driver_standings as (
    select * from {{ ref('fct_driver_standings') }}
),

driver_round_points as (
    select * from {{ ref('fct_driver_round_points') }}
),

rounds_added_up as (
    select
        season,
        class_code,
        driver_name,
        sum(finishing_points) as finishing_points,
        sum(pole_bonus_points + most_laps_bonus_points) as bonus_points,
        sum(total_points) as total_points,
        sum(derived_bonus_points) as derived_bonus_points,
        sum(unchecked_bonus_points) as unchecked_bonus_points,
        count(distinct round_number) as rounds_credited
    from driver_round_points
    group by season, class_code, driver_name
)

select
    standings.season,
    standings.class_code,
    standings.driver_name,
    standings.total_points,
    rounds.total_points as rounds_total_points,
    standings.unchecked_bonus_points,
    rounds.unchecked_bonus_points as rounds_unchecked_bonus_points
from driver_standings as standings
left join rounds_added_up as rounds
    on
        standings.season = rounds.season
        and standings.class_code = rounds.class_code
        and standings.driver_name = rounds.driver_name
where
    rounds.driver_name is null
    or standings.finishing_points != rounds.finishing_points
    or standings.bonus_points != rounds.bonus_points
    or standings.total_points != rounds.total_points
    or standings.derived_bonus_points != rounds.derived_bonus_points
    or standings.unchecked_bonus_points != rounds.unchecked_bonus_points
    or standings.rounds_credited != rounds.rounds_credited
