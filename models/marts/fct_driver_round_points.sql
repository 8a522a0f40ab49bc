-- Each driver scores, per round and class, the class points of the car they drove (finishing points) once: where
-- a driver was nominated for two cars of one class in a race, the better result (most points, then the better
-- class position) counts. Bonus points recorded in driver_bonus_points are added once per driver, round and
-- class, where the season's rules (driver_bonus_rules) award that kind of bonus. Drivers of a result whose car is
-- unidentified cannot be credited. A bonus the rules award that no source settles (no pole row for the class and
-- round; no most-laps row for any driver of the car) is counted as unchecked: at most that many more points.
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

driver_bonus_rules as (
    select * from {{ ref('driver_bonus_rules') }}
),

identified_car_results as (
    select * from finishes_scored
    where
        is_official_scenario
        and car_key is not null
),

bonuses_the_rules_award as (
    select driver_bonus_points.*
    from driver_bonus_points
    inner join driver_bonus_rules
        on
            driver_bonus_points.season = driver_bonus_rules.season
            and driver_bonus_points.bonus_kind = driver_bonus_rules.bonus_kind
),

bonuses_by_driver_round as (
    select
        season,
        round_number,
        class_code,
        driver_name,
        sum(case when bonus_kind = 'pole' then bonus_points else 0 end) as pole_bonus_points,
        sum(case when bonus_kind = 'most_laps' then bonus_points else 0 end) as most_laps_bonus_points,
        sum(case when bonus_basis = 'derived' then bonus_points else 0 end) as derived_bonus_points,
        {{ sorted_listagg('bonus_source', "' ; '") }} as bonus_source
    from bonuses_the_rules_award
    group by season, round_number, class_code, driver_name
),

class_rounds_with_sourced_pole as (
    select distinct
        season,
        round_number,
        class_code
    from bonuses_the_rules_award
    where bonus_kind = 'pole'
),

car_rounds_with_sourced_most_laps as (
    select distinct
        car_drivers.season,
        car_drivers.round_number,
        car_drivers.car_key
    from bonuses_the_rules_award as bonuses
    inner join car_drivers
        on
            bonuses.season = car_drivers.season
            and bonuses.round_number = car_drivers.round_number
            and bonuses.driver_name = car_drivers.driver_name
    where bonuses.bonus_kind = 'most_laps'
),

pole_rules as (
    select
        season,
        points
    from driver_bonus_rules
    where bonus_kind = 'pole'
),

most_laps_rules as (
    select
        season,
        points
    from driver_bonus_rules
    where bonus_kind = 'most_laps'
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

driver_results_with_unchecked_bonuses as (
    -- A pole the rules award in the class and round that no source names could be this driver's; so could the
    -- most-laps point of the driver's car when no source names that car's most-laps driver.
    select
        driver_results.*,
        case
            when sourced_poles.class_code is null then coalesce(pole_rules.points, 0) else 0
        end
        + case
            when sourced_most_laps.car_key is null then coalesce(most_laps_rules.points, 0) else 0
        end as unchecked_bonus_points
    from driver_results_ranked as driver_results
    left join pole_rules
        on driver_results.season = pole_rules.season
    left join most_laps_rules
        on driver_results.season = most_laps_rules.season
    left join class_rounds_with_sourced_pole as sourced_poles
        on
            driver_results.season = sourced_poles.season
            and driver_results.round_number = sourced_poles.round_number
            and driver_results.class_code = sourced_poles.class_code
    left join car_rounds_with_sourced_most_laps as sourced_most_laps
        on
            driver_results.season = sourced_most_laps.season
            and driver_results.round_number = sourced_most_laps.round_number
            and driver_results.car_key = sourced_most_laps.car_key
    where driver_results.rank_within_driver_round = 1
),

final as (
    select
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
        cast(driver_results.finishing_points as {{ var('points_data_type') }}) as finishing_points,
        cast(coalesce(bonuses.pole_bonus_points, 0) as {{ var('points_data_type') }}) as pole_bonus_points,
        cast(coalesce(bonuses.most_laps_bonus_points, 0) as {{ var('points_data_type') }}) as most_laps_bonus_points,
        cast(
            driver_results.finishing_points
            + coalesce(bonuses.pole_bonus_points, 0)
            + coalesce(bonuses.most_laps_bonus_points, 0)
            as {{ var('points_data_type') }}
        ) as total_points,
        cast(coalesce(bonuses.derived_bonus_points, 0) as {{ var('points_data_type') }}) as derived_bonus_points,
        cast(driver_results.unchecked_bonus_points as {{ var('points_data_type') }}) as unchecked_bonus_points,
        bonuses.bonus_source
    from driver_results_with_unchecked_bonuses as driver_results
    left join bonuses_by_driver_round as bonuses
        on
            driver_results.season = bonuses.season
            and driver_results.round_number = bonuses.round_number
            and driver_results.class_code = bonuses.class_code
            and driver_results.driver_name = bonuses.driver_name
)

select * from final
order by season, round_number, class_order, class_position nulls last, driver_name
