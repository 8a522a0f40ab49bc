-- Each driver scores the class points of the car they drove (finishing points), plus any bonus points
-- recorded in driver_bonus_points. Drivers of a result whose car is unidentified cannot be credited.
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

car_drivers as (
    select * from {{ ref('stg_car_drivers') }}
),

driver_bonus_points as (
    select * from {{ ref('stg_driver_bonus_points') }}
),

classes as (
    select * from {{ ref('classes') }}
),

identified_car_results as (
    select * from finishes_scored
    where
        is_official_scenario
        and car_key is not null
),

bonuses_by_driver_round as (
    select
        season,
        round_number,
        class_code,
        driver_name,
        sum(case when bonus_kind = 'pole' then bonus_points else 0 end) as pole_bonus_points,
        sum(case when bonus_kind = 'most_laps' then bonus_points else 0 end) as most_laps_bonus_points
    from driver_bonus_points
    group by season, round_number, class_code, driver_name
),

drivers_joined_to_results as (
    select
        car_drivers.season,
        results.scenario_code,
        car_drivers.round_number,
        results.class_code,
        car_drivers.driver_name,
        car_drivers.car_key,
        results.car_number,
        results.team_name,
        results.class_position,
        results.points as finishing_points,
        coalesce(bonuses.pole_bonus_points, 0) as pole_bonus_points,
        coalesce(bonuses.most_laps_bonus_points, 0) as most_laps_bonus_points
    from car_drivers
    inner join identified_car_results as results
        on
            car_drivers.season = results.season
            and car_drivers.round_number = results.round_number
            and car_drivers.car_key = results.car_key
    left join bonuses_by_driver_round as bonuses
        on
            car_drivers.season = bonuses.season
            and car_drivers.round_number = bonuses.round_number
            and results.class_code = bonuses.class_code
            and car_drivers.driver_name = bonuses.driver_name
),

final as (
    select
        driver_rounds.season,
        driver_rounds.scenario_code,
        driver_rounds.round_number,
        driver_rounds.class_code,
        classes.class_order,
        driver_rounds.driver_name,
        driver_rounds.car_key,
        driver_rounds.car_number,
        driver_rounds.team_name,
        driver_rounds.class_position,
        cast(driver_rounds.finishing_points as integer) as finishing_points,
        cast(driver_rounds.pole_bonus_points as integer) as pole_bonus_points,
        cast(driver_rounds.most_laps_bonus_points as integer) as most_laps_bonus_points,
        cast(
            driver_rounds.finishing_points + driver_rounds.pole_bonus_points + driver_rounds.most_laps_bonus_points
            as integer
        ) as total_points
    from drivers_joined_to_results as driver_rounds
    inner join classes
        on driver_rounds.class_code = classes.class_code
)

select * from final
order by season, round_number, class_order, class_position nulls last, driver_name
