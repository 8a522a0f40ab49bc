{#- Fails with every row of `columns` found in one relation and not the other (both directions). -#}
{% test equal_rowsets(model, compare_model, columns) %}
    {%- set column_list = columns | join(', ') -%}
    with missing_from_model as (
        select {{ column_list }} from {{ compare_model }}
        except
        select {{ column_list }} from {{ model }}
    ),

    unexpected_in_model as (
        select {{ column_list }} from {{ model }}
        except
        select {{ column_list }} from {{ compare_model }}
    )

    select 'missing_from_model' as difference, * from missing_from_model
    union all
    select 'unexpected_in_model' as difference, * from unexpected_in_model
{% endtest %}
