{#- Fails where `column_name` does not fall strictly as `order_by` rises within `partition_by`. -#}
{% test strictly_decreasing(model, column_name, order_by, partition_by) %}
    with ordered as (
        select
            {{ partition_by }} as partition_value,
            {{ order_by }} as order_value,
            {{ column_name }} as checked_value,
            lag({{ column_name }}) over (
                partition by {{ partition_by }} order by {{ order_by }}
            ) as previous_value
        from {{ model }}
    )

    select *
    from ordered
    where previous_value is not null and checked_value >= previous_value
{% endtest %}
