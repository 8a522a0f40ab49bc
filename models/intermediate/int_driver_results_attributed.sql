-- Attribution: every driver car_drivers names for a car in a round is credited with that car's result under the
-- season's official scenario. A result whose car is unidentified (the team's result, no car_key) credits nobody, and
-- a named driver whose car has no result in the round is not credited.
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

car_drivers as (
    select * from {{ ref('stg_car_drivers') }}
),

identified_official_results as (
    select
        season,
        scenario_code,
        round_number,
        class_code,
        class_order,
        car_key,
        car_number,
        team_name,
        class_position,
        points
    from finishes_scored
    where
        is_official_scenario
        and car_key is not null
),

final as (
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
        results.points as finishing_points
    from car_drivers
    inner join identified_official_results as results
        on
            car_drivers.season = results.season
            and car_drivers.round_number = results.round_number
            and car_drivers.car_key = results.car_key
)

select * from final
