-- One score per driver per race and class: where car_drivers names a driver for two cars of one class in a race,
-- the better result counts (most points, then the better class position, then the car key, so the choice is
-- stable); the other car's result is not the driver's.
with

driver_results_attributed as (
    select * from {{ ref('int_driver_results_attributed') }}
),

driver_results_ranked as (
    select
        *,
        row_number() over (
            partition by season, round_number, class_code, driver_name
            order by finishing_points desc, class_position asc nulls last, car_key asc
        ) as rank_within_driver_round
    from driver_results_attributed
),

final as (
    select
        season,
        scenario_code,
        round_number,
        class_code,
        class_order,
        driver_name,
        car_key,
        car_number,
        team_name,
        class_position,
        finishing_points
    from driver_results_ranked
    where rank_within_driver_round = 1
)

select * from final
