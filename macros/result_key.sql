{#- The key of a reported result: season, round and car key, or season, round, class and team for a team's
    unidentified car. Built for every result (int_finishes_joined) and for each team's scoring result
    (int_team_rounds_scored), which must match it. -#}
{% macro result_key(season, round_number, car_key, class_code, team_name) -%}
    cast({{ season }} as {{ dbt.type_string() }})
    || ':' || cast({{ round_number }} as {{ dbt.type_string() }})
    || ':' || coalesce({{ car_key }}, lower({{ class_code }}) || ':' || {{ team_name }} || ':unidentified')
{%- endmacro %}
