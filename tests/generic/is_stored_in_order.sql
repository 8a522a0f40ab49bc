{#- A table is stored in its natural order, so a BI user's bare `select *` shows it as its model orders it (DuckDB
    keeps insertion order). Fails with every row whose stored position differs from its position by `order_by`
    (a list of columns that orders the rows fully). -#}
{% test is_stored_in_order(model, order_by) %}
    with

    stored as (
        select
            *,
            row_number() over () as stored_position
        from {{ model }}
    ),

    ordered as (
        select
            *,
            row_number() over (order by {{ order_by }}) as ordered_position
        from stored
    )

    select *
    from ordered
    where stored_position != ordered_position
{% endtest %}
