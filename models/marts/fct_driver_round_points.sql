-- Each driver scores, per round and class, the class points of the car they drove (finishing points) once: where
-- a driver was nominated for two cars of one class in a race, the better result (most points, then the better
-- class position) counts. Bonus points recorded in driver_bonus_points are added once per driver, round and
-- class. Drivers of a result whose car is unidentified cannot be credited.
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
        sum(case when bonus_kind = 'most_laps' then bonus_points else 0 end) as most_laps_bonus_points,
        {{ sorted_listagg('bonus_source', "' ; '") }} as bonus_source
    from driver_bonus_points
    group by season, round_number, class_code, driver_name
),

driver_results_ranked as (
    select
        car_drivers.season,
        results.scenario_code,
        car_drivers.round_number,
        results.class_code,
        results.class_order,
        car_drivers.driver_name,
        car_drivers.car_key,
        results.car_number,
        results.team_name,
        results.class_position,
        results.points as finishing_points,
        row_number() over (
            partition by car_drivers.season, car_drivers.round_number, results.class_code, car_drivers.driver_name
            order by results.points desc, results.class_position asc nulls last, car_drivers.car_key asc
        ) as rank_within_driver_round
    from car_drivers
    inner join identified_car_results as results
        on
            car_drivers.season = results.season
            and car_drivers.round_number = results.round_number
            and car_drivers.car_key = results.car_key
),

final as (
    select
        {{ surrogate_key([
            'driver_results.season', 'driver_results.round_number', 'driver_results.class_code',
            'driver_results.driver_name'
        ]) }} as driver_round_key,
        driver_results.season,
        driver_results.scenario_code,
        driver_results.round_number,
        driver_results.class_code,
        driver_results.class_order,
        driver_results.driver_name,
        driver_results.car_key,
        driver_results.car_number,
        driver_results.team_name,
        driver_results.class_position,
        cast(driver_results.finishing_points as integer) as finishing_points,
        cast(coalesce(bonuses.pole_bonus_points, 0) as integer) as pole_bonus_points,
        cast(coalesce(bonuses.most_laps_bonus_points, 0) as integer) as most_laps_bonus_points,
        cast(
            driver_results.finishing_points
            + coalesce(bonuses.pole_bonus_points, 0)
            + coalesce(bonuses.most_laps_bonus_points, 0)
            as integer
        ) as total_points,
        bonuses.bonus_source
    from driver_results_ranked as driver_results
    left join bonuses_by_driver_round as bonuses
        on
            driver_results.season = bonuses.season
            and driver_results.round_number = bonuses.round_number
            and driver_results.class_code = bonuses.class_code
            and driver_results.driver_name = bonuses.driver_name
    where driver_results.rank_within_driver_round = 1
)

select * from final
order by season, round_number, class_order, class_position nulls last, driver_name
