-- A bonus point that credits nobody disappears from the drivers' tables without a word. Fails with every row of
-- driver_bonus_points that credits no driver's result in its class and round (int_driver_rounds_scored), saying why:
-- the round was cancelled; no car_drivers row names the driver that round; the driver's cars that round are all of
-- another class (a mistyped class); or the driver's car of that class has no identified result that round (no
-- finishes row, or a team result that names no car). A bonus the season's rules do not award is refused by
-- stg_driver_bonus_points' own test.
with

driver_bonus_points as (
    select * from {{ ref('stg_driver_bonus_points') }}
),

driver_rounds_scored as (
    select * from {{ ref('int_driver_rounds_scored') }}
),

car_drivers as (
    select * from {{ ref('stg_car_drivers') }}
),

entries as (
    select * from {{ ref('stg_entries') }}
),

round_cancellations as (
    select * from {{ ref('stg_round_cancellations') }}
),

bonuses_crediting_nobody as (
    select driver_bonus_points.*
    from driver_bonus_points
    left join driver_rounds_scored as credited
        on
            driver_bonus_points.season = credited.season
            and driver_bonus_points.round_number = credited.round_number
            and driver_bonus_points.class_code = credited.class_code
            and driver_bonus_points.driver_name = credited.driver_name
    where credited.driver_name is null
),

cars_named as (
    select
        car_drivers.season,
        car_drivers.round_number,
        car_drivers.driver_name,
        entries.class_code,
        car_drivers.car_key || ' (' || entries.class_code || ')' as car_and_class
    from car_drivers
    inner join entries
        on
            car_drivers.season = entries.season
            and car_drivers.round_number = entries.round_number
            and car_drivers.car_key = entries.car_key
),

cars_per_driver_round as (
    select
        season,
        round_number,
        driver_name,
        {{ sorted_listagg('car_and_class', "', '") }} as cars_named
    from cars_named
    group by season, round_number, driver_name
),

cars_per_driver_round_class as (
    select
        season,
        round_number,
        driver_name,
        class_code,
        {{ sorted_listagg('car_and_class', "', '") }} as cars_named_in_class
    from cars_named
    group by season, round_number, driver_name, class_code
)

select
    bonuses.season,
    bonuses.round_number,
    bonuses.class_code,
    bonuses.driver_name,
    bonuses.bonus_kind,
    case
        when cancelled.round_number is not null
            then 'round ' || cast(bonuses.round_number as {{ dbt.type_string() }}) || ' was cancelled: no results'
        when driver_cars.cars_named is null
            then
                'no car_drivers row names ' || bonuses.driver_name || ' in round '
                || cast(bonuses.round_number as {{ dbt.type_string() }})
        when class_cars.cars_named_in_class is null
            then
                bonuses.driver_name || ' drove ' || driver_cars.cars_named || ' that round, no '
                || bonuses.class_code || ' car: is the class mistyped?'
        else
            'the ' || bonuses.class_code || ' car ' || bonuses.driver_name || ' drove that round, '
            || class_cars.cars_named_in_class
            || ', has no identified result (no finishes row, or a team result naming no car)'
    end as why_it_credits_nobody
from bonuses_crediting_nobody as bonuses
left join round_cancellations as cancelled
    on
        bonuses.season = cancelled.season
        and bonuses.round_number = cancelled.round_number
left join cars_per_driver_round as driver_cars
    on
        bonuses.season = driver_cars.season
        and bonuses.round_number = driver_cars.round_number
        and bonuses.driver_name = driver_cars.driver_name
left join cars_per_driver_round_class as class_cars
    on
        bonuses.season = class_cars.season
        and bonuses.round_number = class_cars.round_number
        and bonuses.driver_name = class_cars.driver_name
        and bonuses.class_code = class_cars.class_code
