{#- The project's one key style: a key is its grain's values, most general first, codes in lowercase, joined by '-',
    as people write them; never a hash. Only a round and a result have one (a result's grain holds a car that may
    be unknown); every other row is named by its grain columns. -#}

{#- A round, '2002-r05': the season, 'r' and the round number on at least two digits (so a season's keys sort in
    round order as text), as the published checkpoints' codes name rounds; a round 100 stays '2002-r100'. -#}
{% macro round_key(season_column, round_number_column) -%}
    cast({{ season_column }} as {{ dbt.type_string() }})
    || '-r' || case when {{ round_number_column }} < 10 then '0' else '' end
    || cast({{ round_number_column }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- A result, '2002-r05-gt-alex-job-racing-23': its round, then its car, or for a team's unidentified car its class
    and team ('2002-r03-gt-Orbit-unidentified'). Built where results are formed (int_finishes_joined) and where
    a team's scoring result is published (fct_team_round_points: only the picked rows, and no intermediate
    table stores it). -#}
{% macro result_key(season_column, round_number_column, car_key_column, class_code_column, team_name_column) -%}
    {{ round_key(season_column, round_number_column) }} || '-' || coalesce(
        {{ car_key_column }},
        lower({{ class_code_column }}) || '-' || {{ team_name_column }} || '-unidentified'
    )
{%- endmacro %}
