{#- A model's single-column key: an md5 hash of its grain columns, as dbt_utils' generate_surrogate_key builds it
    (null as a marker of its own, so a null and an empty string differ). -#}
{% macro surrogate_key(columns) -%}
    md5(
        {%- for column in columns %}
            coalesce(cast({{ column }} as {{ dbt.type_string() }}), '_null_')
            {%- if not loop.last %} || '|' ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
