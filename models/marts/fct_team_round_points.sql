with

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

final as (
    select
        season,
        class_code,
        team_name,
        round_number,
        car_key,
        car_number,
        class_position,
        cast(points as integer) as points
    from team_rounds_scored
    where scenario_code = '{{ var("scoring_scenario") }}'
)

select * from final
