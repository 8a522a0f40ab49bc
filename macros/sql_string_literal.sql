{#- A Jinja string as a SQL string literal, its quotes doubled (a var's value pasted into SQL). -#}
{% macro sql_string_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
