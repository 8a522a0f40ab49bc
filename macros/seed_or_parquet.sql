{#- A raw input: the seed, or <input_parquet_dir>/<seed>.parquet when the var input_parquet_dir is set
    (the benchmark points the real models at synthetic seasons this way, with no copy of the logic). -#}
{% macro seed_or_parquet(seed_name) -%}
    {%- set parquet_dir = var('input_parquet_dir', none) -%}
    {%- if parquet_dir -%}
        {{ parquet_file(parquet_dir ~ '/' ~ seed_name ~ '.parquet') }}
    {%- else -%}
        {{ ref(seed_name) }}
    {%- endif -%}
{%- endmacro %}

{#- A Parquet file as a relation, in the adapter's syntax. -#}
{% macro parquet_file(path) -%}
    {{ return(adapter.dispatch('parquet_file')(path)) }}
{%- endmacro %}

{% macro default__parquet_file(path) -%}
    read_parquet('{{ path }}')
{%- endmacro %}

{% macro spark__parquet_file(path) -%}
    parquet.`{{ path }}`
{%- endmacro %}
