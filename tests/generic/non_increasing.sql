{#- Fails with every row whose `column_name` is above the previous row's, in `order_by` order within each
    `partition_by` group (e.g. a points scale: no place pays more than the one before; a scale may repeat a value,
    as rounded half points do). -#}
{% test non_increasing(model, column_name, order_by, partition_by) %}
    select *
    from (
        select
            *,
            lag({{ column_name }}) over (
                partition by {{ partition_by }} order by {{ order_by }}
            ) as previous_value
        from {{ model }}
    ) as ordered
    where {{ column_name }} > previous_value
{% endtest %}
