{#- The scenario codes of the var computed_scenarios: none when it is not set (every row of scoring_scenarios is
    computed), else a list of codes. One code may be given as a string; anything else stops with one line. A
    code reference.scoring_scenarios does not have fails the test assert_computed_scenarios_are_known. -#}
{% macro computed_scenario_codes() -%}
    {%- set wanted = var('computed_scenarios', none) -%}
    {%- if wanted is none or wanted == [] or wanted == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if wanted is string -%}
        {%- set wanted = [wanted] -%}
    {%- endif -%}
    {%- if wanted is not iterable or wanted is mapping or wanted | reject('string') | list -%}
        {{ exceptions.raise_compiler_error(
            "The var computed_scenarios must be a list of scenario codes, e.g. --vars '{computed_scenarios: "
            ~ "[article_70pct_rule]}'; got " ~ wanted ~ "."
        ) }}
    {%- endif -%}
    {{ return(wanted) }}
{%- endmacro %}

{#- Whether a scenario is computed by this build, as SQL: every scenario when the var computed_scenarios is not
    set; otherwise the listed codes, and the official one (`is_official`, a SQL condition) always. The one place
    that rule is written: int_finishes_scored filters with it, dim_scoring_scenarios reports it. A unit test's
    given rows are its scenarios: the var does not filter them. -#}
{% macro scenario_is_computed(scenario_code, is_official) -%}
    {%- set computed_scenarios = computed_scenario_codes() -%}
    {%- if computed_scenarios and model.resource_type != 'unit_test' -%}
        ({{ scenario_code }} in (
            {%- for code in computed_scenarios -%}
                {{ sql_string_literal(code) }}{{ ", " if not loop.last }}
            {%- endfor -%}
        ) or {{ is_official }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
