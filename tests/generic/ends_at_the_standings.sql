{#- A championship run round by round ends where its standings stand. Fails with every competitor (`keys`, e.g.
    season, class_code, team_name) whose line after the season's last race run (the model's highest race_order: a
    round rescheduled after the final is raced last) differs from its line in `standings` in any pair of
    `columns` (progression column: standings column; a value missing on one side differs), or who is in one and
    not the other. -#}
{% test ends_at_the_standings(model, standings, keys, columns) %}
    with

    progression as (
        select * from {{ model }}
    ),

    standings as (
        select * from {{ standings }}
    ),

    last_races as (
        select
            season,
            max(race_order) as race_order
        from progression
        group by season
    ),

    progression_ends as (
        select progression.*
        from progression
        inner join last_races
            on
                progression.season = last_races.season
                and progression.race_order = last_races.race_order
    )

    select
        {% for key in keys -%}
            coalesce(progression_ends.{{ key }}, standings.{{ key }}) as {{ key }},
        {% endfor -%}
        {% for progression_column, standings_column in columns.items() -%}
            progression_ends.{{ progression_column }} as progression_{{ progression_column }},
            standings.{{ standings_column }} as standings_{{ standings_column }}{{ ',' if not loop.last }}
        {% endfor %}
    from progression_ends
    full outer join standings
        on
            {% for key in keys -%}
                progression_ends.{{ key }} = standings.{{ key }}{{ ' and ' if not loop.last }}
            {%- endfor %}
    where
        progression_ends.{{ keys | last }} is null
        or standings.{{ keys | last }} is null
        {%- for progression_column, standings_column in columns.items() %}
            or progression_ends.{{ progression_column }} is distinct from standings.{{ standings_column }}
        {%- endfor %}
{% endtest %}
