{#- The grain over several columns: fails with every row whose combination of `combination_of_columns` occurs
    more than once (as dbt_utils' test of the same name, but returning the rows themselves). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}
    select *
    from (
        select
            *,
            count(*) over (partition by {{ columns }}) as rows_sharing_these_values
        from {{ model }}
    ) as counted
    where rows_sharing_these_values > 1
{% endtest %}
