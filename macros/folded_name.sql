{#- A name as two spellings of one person may differ: letter case, accents and spacing removed ('Lucas  Lühr',
    'lucas luhr' and 'Lucas Lühr' fold to 'lucasluhr'). Spark has no accent stripping: there the common Latin
    accented letters are translated one by one. -#}
{% macro folded_name(column_name) -%}
    {{ return(adapter.dispatch('folded_name')(column_name)) }}
{%- endmacro %}

{% macro default__folded_name(column_name) -%}
    lower(strip_accents(regexp_replace({{ column_name }}, '\s+', '', 'g')))
{%- endmacro %}

{% macro spark__folded_name(column_name) -%}
    lower(regexp_replace(
        translate(
            {{ column_name }},
            'ÀÁÂÃÄÅàáâãäåÇçČčĆćÈÉÊËèéêëĚěÌÍÎÏìíîïÑñŇňÒÓÔÕÖØòóôõöøŘřŠšŤťÙÚÛÜùúûüŮůÝýÿŽž',
            'AAAAAAaaaaaaCcCcCcEEEEeeeeEeIIIIiiiiNnNnOOOOOOooooooRrSsTtUUUUuuuuUuYyyZz'
        ),
        '\\s+', ''
    ))
{%- endmacro %}
