-- Each season's official scoring scenario (reference.seasons): finishing points plus the sourced bonus points
-- (fct_driver_round_points), and the bonus points the rules award that no source settles (at most that many more).
with

driver_round_points as (
    select * from {{ ref('fct_driver_round_points') }}
),

driver_totals as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        driver_name,
        cast(sum(finishing_points) as {{ var('points_data_type') }}) as finishing_points,
        cast(sum(pole_bonus_points + most_laps_bonus_points) as {{ var('points_data_type') }}) as bonus_points,
        cast(sum(total_points) as {{ var('points_data_type') }}) as total_points,
        cast(sum(derived_bonus_points) as {{ var('points_data_type') }}) as derived_bonus_points,
        cast(sum(unchecked_bonus_points) as {{ var('points_data_type') }}) as unchecked_bonus_points,
        cast(count(distinct round_number) as integer) as rounds_credited,
        min(case when total_points > 0 then round_number end) as first_scoring_round
    from driver_round_points
    group by season, scenario_code, class_code, class_order, driver_name
),

totals_ranked as (
    select
        *,
        cast(rank() over (
            partition by season, class_code order by total_points desc
        ) as integer) as championship_position,
        cast(row_number() over (
            partition by season, class_code
            order by total_points desc, first_scoring_round asc, driver_name asc
        ) as integer) as display_order
    from driver_totals
    where total_points > 0
),

final as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        driver_name,
        championship_position,
        {{ shared_position_label('championship_position', ['season', 'class_code']) }} as position_label,
        display_order,
        finishing_points,
        bonus_points,
        total_points,
        derived_bonus_points,
        unchecked_bonus_points,
        rounds_credited
    from totals_ranked
)

select * from final
order by season, class_order, display_order
