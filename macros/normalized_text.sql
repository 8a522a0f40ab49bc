{#- A text key as every model downstream compares it: NFC-normalised and trimmed, so two spellings that look
    identical (a precomposed 'ü' and 'u' + combining diaeresis) are one value. Spark SQL has no Unicode
    normalisation function: there it only trims, and the seed pre-check (scripts/check_seeds.py, run by
    make build and make spark) refuses keys that are not NFC. -#}
{% macro normalized_text(column_name) -%}
    {{ return(adapter.dispatch('normalized_text')(column_name)) }}
{%- endmacro %}

{% macro default__normalized_text(column_name) -%}
    nfc_normalize(trim({{ column_name }}))
{%- endmacro %}

{% macro spark__normalized_text(column_name) -%}
    trim({{ column_name }})
{%- endmacro %}
