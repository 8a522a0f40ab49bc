{#- Headline: `team_name` is the `class_code` teams' champion of `season` with `total_points`, as computed from
    the finishes. Fails with the class leader(s) when they differ, or one row when the class has no leader. -#}
{% test class_champion_is(model, season, class_code, team_name, total_points) %}
    with

    leaders as (
        select
            team_name,
            total_points
        from {{ model }}
        where season = {{ season }} and class_code = '{{ class_code }}' and championship_position = 1
    )

    select
        team_name,
        total_points
    from leaders
    where team_name != '{{ team_name }}' or total_points != {{ total_points }}
    union all
    select
        'no leader' as team_name,
        null as total_points
    where not exists (select 1 from leaders)
{% endtest %}
