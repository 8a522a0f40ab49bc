{#- Fails with every row of `columns` found in one relation and not the other (both directions). With `within`
    (columns such as [season]), only the model's rows whose `within` values occur in compare_model count: a
    season with no published table is not compared. -#}
{% test equal_rowsets(model, compare_model, columns, within=none) %}
    {%- set column_list = columns | join(', ') -%}
    with compared_model as (
        select * from {{ model }}
        {%- if within %}
            where ({{ within | join(', ') }}) in (select {{ within | join(', ') }} from {{ compare_model }})
        {%- endif %}
    ),

    missing_from_model as (
        select {{ column_list }} from {{ compare_model }}
        except
        select {{ column_list }} from compared_model
    ),

    unexpected_in_model as (
        select {{ column_list }} from compared_model
        except
        select {{ column_list }} from {{ compare_model }}
    )

    select 'missing_from_model' as difference, * from missing_from_model
    union all
    select 'unexpected_in_model' as difference, * from unexpected_in_model
{% endtest %}
