-- Each published statement about a drivers' championship (expected.published_driver_standings) beside what the
-- models compute after the same round (fct_driver_championship_progression): the position, points and gap it
-- states against the computed ones. A checkpoint holds when every value it states is met (two drivers published
-- at the same position after a round are tied, so the computed table must tie them too); one that does not is a
-- known difference when expected.known_driver_differences gives its reason, and differs otherwise.
with

published_driver_standings as (
    select * from {{ ref('published_driver_standings') }}
),

known_driver_differences as (
    select * from {{ ref('known_driver_differences') }}
),

driver_championship_progression as (
    select * from {{ ref('fct_driver_championship_progression') }}
),

published_positions_shared as (
    select
        *,
        position is not null and count(*) over (
            partition by season, after_round, class_code, position
        ) > 1 as is_published_position_shared
    from published_driver_standings
),

checkpoints_computed as (
    select
        published.checkpoint_code,
        published.season,
        published.after_round,
        published.class_code,
        published.driver_name,
        published.compared_driver_name,
        published.position as published_position,
        published.is_published_position_shared,
        published.position_at_most as published_position_at_most,
        published.points as published_points,
        published.points_gap as published_points_gap,
        published.source as published_source,
        driver_progress.position_after_round as computed_position,
        driver_progress.position_label as computed_position_label,
        driver_progress.position_label like '%=' as is_computed_position_shared,
        driver_progress.cumulative_points as computed_points,
        driver_progress.cumulative_points - compared_progress.cumulative_points as computed_points_gap,
        driver_progress.cumulative_unchecked_bonus_points as unchecked_bonus_points,
        compared_progress.cumulative_unchecked_bonus_points as compared_unchecked_bonus_points
    from published_positions_shared as published
    left join driver_championship_progression as driver_progress
        on
            published.season = driver_progress.season
            and published.after_round = driver_progress.round_number
            and published.class_code = driver_progress.class_code
            and published.driver_name = driver_progress.driver_name
    left join driver_championship_progression as compared_progress
        on
            published.season = compared_progress.season
            and published.after_round = compared_progress.round_number
            and published.class_code = compared_progress.class_code
            and published.compared_driver_name = compared_progress.driver_name
),

checkpoints_checked as (
    -- A stated value with no computed counterpart (a driver missing from the computed table) does not hold.
    select
        *,
        coalesce(
            computed_position is not null
            and (published_position is null or computed_position = published_position)
            and (not is_published_position_shared or is_computed_position_shared)
            and (published_position_at_most is null or computed_position <= published_position_at_most)
            and (published_points is null or computed_points = published_points)
            and (published_points_gap is null or computed_points_gap = published_points_gap),
            false
        ) as is_holding,
        case
            when published_points is not null
                then
                    published_points between computed_points and computed_points + unchecked_bonus_points
            when published_points_gap is not null
                then
                    published_points_gap between computed_points_gap - compared_unchecked_bonus_points
                    and computed_points_gap + unchecked_bonus_points
        end as is_within_unchecked_bonus_points
    from checkpoints_computed
),

final as (
    select
        checkpoints.checkpoint_code,
        checkpoints.season,
        checkpoints.after_round,
        checkpoints.class_code,
        checkpoints.driver_name,
        checkpoints.compared_driver_name,
        checkpoints.published_position,
        checkpoints.is_published_position_shared,
        checkpoints.published_position_at_most,
        checkpoints.published_points,
        checkpoints.published_points_gap,
        cast(checkpoints.computed_position as integer) as computed_position,
        checkpoints.computed_position_label,
        cast(checkpoints.computed_points as {{ var('points_data_type') }}) as computed_points,
        cast(checkpoints.computed_points_gap as {{ var('points_data_type') }}) as computed_points_gap,
        cast(checkpoints.unchecked_bonus_points as {{ var('points_data_type') }}) as unchecked_bonus_points,
        cast(
            checkpoints.compared_unchecked_bonus_points as {{ var('points_data_type') }}
        ) as compared_unchecked_bonus_points,
        checkpoints.is_within_unchecked_bonus_points,
        case
            when checkpoints.is_holding then 'holds'
            when known.checkpoint_code is not null then 'known_difference'
            else 'differs'
        end as status,
        known.reason as known_difference_reason,
        known.source as known_difference_source,
        checkpoints.published_source
    from checkpoints_checked as checkpoints
    left join known_driver_differences as known
        on checkpoints.checkpoint_code = known.checkpoint_code
)

select * from final
order by season, after_round, class_code, checkpoint_code
