{#- Multi-column relationships: fails with every row of `model` whose `columns` match no row of `to`. -#}
{% test has_matching_row(model, to, columns) %}
    with child_rows as (
        select * from {{ model }}
    )

    select child.*
    from child_rows as child
    where not exists (
        select 1
        from {{ to }} as parent
        where
            {% for column in columns -%}
                parent.{{ column }} = child.{{ column }}
                {%- if not loop.last %} and {% endif %}
            {% endfor %}
    )
{% endtest %}
