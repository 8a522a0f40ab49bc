{#- dbt's `relationships` for a key of several columns: fails with every row whose `columns` values have no row
    in `to` with the same `to_columns` values (`to_columns` defaults to `columns`). A row with a null in any of
    the columns fails too: use the test's `where` config to leave such rows out. -#}
{% test relationships_over_columns(model, columns, to, to_columns=none) %}
    {%- set parent_columns = to_columns or columns %}
    with

    child as (
        select * from {{ model }}
    ),

    parent as (
        select * from {{ to }}
    )

    select child.*
    from child
    where not exists (
        select 1
        from parent
        where
            {% for column in columns -%}
                parent.{{ parent_columns[loop.index0] }} = child.{{ column }}
                {%- if not loop.last %} and {% endif %}
            {% endfor %}
    )
{% endtest %}
