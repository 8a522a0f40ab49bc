-- Each season's official scoring scenario only (reference.seasons); what-ifs are in fct_scenario_standings.
with

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

final as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        team_name,
        round_number,
        -- The scoring result's key, built for the picked rows only (int_finishes_joined builds it for every result).
        {{ result_key('season', 'round_number', 'car_key', 'class_code', 'team_name') }} as result_key,
        car_key,
        car_number,
        class_position,
        cast(points as {{ var('points_data_type') }}) as points
    from team_rounds_scored
    where is_official_scenario
)

select * from final
order by season, class_order, team_name, round_number
