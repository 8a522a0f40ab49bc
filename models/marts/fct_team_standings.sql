{%- set round_numbers = range(1, var('standings_round_columns') + 1) -%}
with

team_standings_ranked as (
    select * from {{ ref('int_team_standings_ranked') }}
),

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

selected_standings as (
    select * from team_standings_ranked
    where scenario_code = '{{ var("scoring_scenario") }}'
),

round_points_pivoted as (
    select
        {% for round_number in round_numbers -%}
            cast(max(case when round_number = {{ round_number }} then points end) as integer)
                as round_{{ round_number }}_points,
        {% endfor -%}
        season,
        class_code,
        team_name
    from team_rounds_scored
    where scenario_code = '{{ var("scoring_scenario") }}'
    group by season, class_code, team_name
),

final as (
    select
        standings.season,
        standings.class_code,
        standings.team_name,
        standings.championship_position,
        standings.position_label,
        standings.display_order,
        {% for round_number in round_numbers -%}
            round_points.round_{{ round_number }}_points,
        {% endfor -%}
        standings.total_points
    from selected_standings as standings
    inner join round_points_pivoted as round_points
        on
            standings.season = round_points.season
            and standings.class_code = round_points.class_code
            and standings.team_name = round_points.team_name
)

select * from final
