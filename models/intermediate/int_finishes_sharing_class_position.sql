-- Results whose class position is also held by another result in the same round and class: impossible in a
-- real classification, so each must be a reviewed known exception (or a data error).
with

finishes_joined as (
    select * from {{ ref('int_finishes_joined') }}
),

results_per_class_position as (
    select
        result_key,
        season,
        round_number,
        class_code,
        class_position,
        team_name,
        car_key,
        count(*) over (
            partition by season, round_number, class_code, class_position
        ) as results_at_position
    from finishes_joined
    where class_position is not null
),

shared as (
    select
        result_key,
        season,
        round_number,
        class_code,
        class_position,
        team_name,
        car_key
    from results_per_class_position
    where results_at_position > 1
)

select * from shared
