{#- The printed position: the number, with '=' when more than one row shares it ("12="). -#}
{% macro shared_position_label(position_column, partition_columns) -%}
    cast({{ position_column }} as {{ dbt.type_string() }})
    || case
        when count(*) over (partition by {{ partition_columns | join(', ') }}, {{ position_column }}) > 1
            then '='
        else ''
    end
{%- endmacro %}
