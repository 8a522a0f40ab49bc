-- The drivers' championships round by round, under each season's official scoring scenario: every driver who
-- scored in the class that season (as in fct_driver_standings) after every round with results, in the order the
-- races were run (race_order, by date: a round rescheduled after the final comes last), with the round's
-- points, the running total, the position after the round (drivers on equal points share it), the gap to the
-- leader, and the running total of bonus points the rules award that no source settles (the driver has at most
-- that many more points).
with

driver_round_points as (
    select * from {{ ref('fct_driver_round_points') }}
),

rounds_statused as (
    select * from {{ ref('int_rounds_statused') }}
),

championship_drivers as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        driver_name
    from driver_round_points
    group by season, scenario_code, class_code, class_order, driver_name
    having sum(total_points) > 0
),

driver_round_grid as (
    select
        championship_drivers.season,
        championship_drivers.scenario_code,
        championship_drivers.class_code,
        championship_drivers.class_order,
        championship_drivers.driver_name,
        rounds_statused.round_number,
        rounds_statused.race_order,
        coalesce(driver_rounds.total_points, 0) as round_points,
        coalesce(driver_rounds.unchecked_bonus_points, 0) as round_unchecked_bonus_points
    from championship_drivers
    inner join rounds_statused
        on
            championship_drivers.season = rounds_statused.season
            and rounds_statused.has_results
    left join driver_round_points as driver_rounds
        on
            championship_drivers.season = driver_rounds.season
            and championship_drivers.class_code = driver_rounds.class_code
            and championship_drivers.driver_name = driver_rounds.driver_name
            and rounds_statused.round_number = driver_rounds.round_number
),

points_accumulated as (
    select
        *,
        sum(round_points) over (
            partition by season, class_code, driver_name
            order by race_order rows between unbounded preceding and current row
        ) as cumulative_points,
        sum(round_unchecked_bonus_points) over (
            partition by season, class_code, driver_name
            order by race_order rows between unbounded preceding and current row
        ) as cumulative_unchecked_bonus_points
    from driver_round_grid
),

positions_after_round as (
    select
        *,
        rank() over (
            partition by season, class_code, round_number order by cumulative_points desc
        ) as position_after_round,
        max(cumulative_points) over (partition by season, class_code, round_number) as leader_points
    from points_accumulated
),

final as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        driver_name,
        round_number,
        cast(race_order as integer) as race_order,
        cast(round_points as {{ var('points_data_type') }}) as round_points,
        cast(cumulative_points as {{ var('points_data_type') }}) as cumulative_points,
        cast(position_after_round as integer) as position_after_round,
        {{ shared_position_label('position_after_round', ['season', 'class_code', 'round_number']) }}
            as position_label,
        cast(leader_points - cumulative_points as {{ var('points_data_type') }}) as gap_to_leader,
        cast(round_unchecked_bonus_points as {{ var('points_data_type') }}) as round_unchecked_bonus_points,
        cast(cumulative_unchecked_bonus_points as {{ var('points_data_type') }}) as cumulative_unchecked_bonus_points
    from positions_after_round
)

select * from final
order by season, class_order, race_order, position_after_round, driver_name
