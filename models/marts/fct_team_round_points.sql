-- Each season's official scoring scenario only (reference.seasons); what-ifs are in fct_scenario_standings.
with

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

classes as (
    select * from {{ ref('classes') }}
),

final as (
    select
        team_rounds.season,
        team_rounds.scenario_code,
        team_rounds.class_code,
        classes.class_order,
        team_rounds.team_name,
        team_rounds.round_number,
        team_rounds.car_key,
        team_rounds.car_number,
        team_rounds.class_position,
        cast(team_rounds.points as integer) as points
    from team_rounds_scored as team_rounds
    inner join classes
        on team_rounds.class_code = classes.class_code
    where team_rounds.is_official_scenario
)

select * from final
order by season, class_order, team_name, round_number
