-- Each driver's points per round and class under the season's official scenario: the car's class points, scored
-- once per race and class (int_driver_rounds_scored), plus the sourced bonus points the season's rules award and the
-- bonus points no source settles (int_driver_bonuses_checked).
with

driver_bonuses_checked as (
    select * from {{ ref('int_driver_bonuses_checked') }}
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
        cast(finishing_points as {{ var('points_data_type') }}) as finishing_points,
        cast(pole_bonus_points as {{ var('points_data_type') }}) as pole_bonus_points,
        cast(most_laps_bonus_points as {{ var('points_data_type') }}) as most_laps_bonus_points,
        cast(
            finishing_points + pole_bonus_points + most_laps_bonus_points as {{ var('points_data_type') }}
        ) as total_points,
        cast(derived_bonus_points as {{ var('points_data_type') }}) as derived_bonus_points,
        cast(unchecked_bonus_points as {{ var('points_data_type') }}) as unchecked_bonus_points,
        bonus_source
    from driver_bonuses_checked
)

select * from final
order by season, round_number, class_order, class_position nulls last, driver_name
