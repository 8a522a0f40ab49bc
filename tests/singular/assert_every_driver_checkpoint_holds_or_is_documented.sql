-- Every published drivers' checkpoint (expected.published_driver_standings) holds against the computed drivers'
-- championship, or is a known difference with its reason (expected.known_driver_differences); and every known
-- difference still differs, so the list stays true (a checkpoint that holds again is taken off it). Returns the
-- offending checkpoints: what was published beside what was computed.
with

driver_checkpoints as (
    select * from {{ ref('fct_driver_checkpoints') }}
)

select
    checkpoint_code,
    status,
    published_position,
    published_position_at_most,
    published_points,
    published_points_gap,
    computed_position_label,
    computed_points,
    computed_points_gap,
    unchecked_bonus_points,
    known_difference_reason
from driver_checkpoints
where
    status = 'differs'
    or (status = 'holds' and known_difference_reason is not null)
