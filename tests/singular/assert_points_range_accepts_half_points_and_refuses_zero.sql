-- Points are greater than zero whatever their type: the range test on reference.points_scales.points (min_value 0,
-- inclusive false) accepts 0.5, the foot of an exact half-points scale under a decimal points_data_type, and
-- refuses 0 and below. Runs that test's macro over a few probe values and returns each probe it judges wrongly.
with

probes as (
    select
        cast(0.5 as decimal(9, 1)) as points,
        false as is_refused
    union all
    select
        cast(1 as decimal(9, 1)) as points,
        false as is_refused
    union all
    select
        cast(0 as decimal(9, 1)) as points,
        true as is_refused
    union all
    select
        cast(-0.5 as decimal(9, 1)) as points,
        true as is_refused
),

refused as (
    {{ test_accepted_range(model='probes', column_name='points', min_value=0, inclusive=false) }}
)

select
    probes.points,
    probes.is_refused as should_be_refused
from probes
left join refused
    on probes.points = refused.points
where probes.is_refused != (refused.points is not null)
