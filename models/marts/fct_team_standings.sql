{#- One column per round up to the var standings_round_columns (dbt_project.yml; fct_team_standings.yml lists the
    same columns): null where the team scored nothing or its season has no such round. A season longer than that
    fails tests/singular/assert_seasons_fit_the_wide_standings.sql. -#}
{%- set round_numbers = range(1, var('standings_round_columns') + 1) -%}
with

team_standings_ranked as (
    select * from {{ ref('int_team_standings_ranked') }}
),

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

official_standings as (
    select * from team_standings_ranked
    where is_official_scenario
),

round_points_pivoted as (
    select
        {% for round_number in round_numbers -%}
            cast(max(case when round_number = {{ round_number }} then points end) as {{ var('points_data_type') }})
                as round_{{ round_number }}_points,
        {% endfor -%}
        season,
        class_code,
        team_name
    from team_rounds_scored
    where is_official_scenario
    group by season, class_code, team_name
),

final as (
    select
        standings.season,
        standings.scenario_code,
        standings.class_code,
        standings.class_order,
        standings.team_name,
        standings.championship_position,
        standings.position_label,
        standings.display_order,
        {% for round_number in round_numbers -%}
            round_points.round_{{ round_number }}_points,
        {% endfor -%}
        standings.total_points
    from official_standings as standings
    inner join round_points_pivoted as round_points
        on
            standings.season = round_points.season
            and standings.class_code = round_points.class_code
            and standings.team_name = round_points.team_name
)

select * from final
order by season, class_order, display_order
