{#- The scenarios int_finishes_scored computes: every row of scoring_scenarios, or the var computed_scenarios
    (a list of codes; each season's official scenario is always added). Refuses an unknown code, and the var
    scoring_scenario that earlier versions swapped the official marts with. -#}
{% macro computed_scenario_codes(scoring_scenarios_relation) -%}
    {%- if var('scoring_scenario', none) is not none -%}
        {{ exceptions.raise_compiler_error(
            "The var scoring_scenario is gone: every scenario is built side by side and the official marts always "
            ~ "show each season's official scenario (reference.seasons). Read a what-if from "
            ~ "marts.fct_scenario_standings where scenario_code = '" ~ var('scoring_scenario') ~ "'."
        ) }}
    {%- endif -%}
    {%- set wanted = var('computed_scenarios', none) -%}
    {#- A unit test's given rows are its scenarios: the var does not filter them. -#}
    {%- if wanted is none or wanted == [] or model.resource_type == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if wanted is string -%}
        {%- set wanted = [wanted] -%}
    {%- endif -%}
    {%- if execute -%}
        {%- set known = run_query(
            "select scenario_code from " ~ scoring_scenarios_relation ~ " order by scenario_code"
        ).columns[0].values() | list -%}
        {%- set unknown = wanted | reject('in', known) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(
                "computed_scenarios names unknown scenario(s) " ~ unknown | join(', ')
                ~ "; reference.scoring_scenarios has: " ~ known | join(', ')
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(wanted) }}
{%- endmacro %}

{#- Whether a scenario is computed by this build, as SQL: every scenario when the var computed_scenarios is not
    set; otherwise the listed codes, and the official one (`is_official`, a SQL condition) always. The one place
    that rule is written: int_finishes_scored filters with it, dim_scoring_scenarios reports it. -#}
{% macro scenario_is_computed(scenario_code, is_official) -%}
    {%- set computed_scenarios = computed_scenario_codes(ref('scoring_scenarios')) -%}
    {%- if computed_scenarios -%}
        ({{ scenario_code }} in ('{{ computed_scenarios | join("', '") }}') or {{ is_official }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
