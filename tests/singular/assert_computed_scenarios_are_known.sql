-- Every code the var computed_scenarios names is a scenario of reference.scoring_scenarios. Returns each unknown
-- code: correct it, or add the scenario's rows (README, "Adding a scenario").
{%- set wanted = computed_scenario_codes() or [] %}
with

scoring_scenarios as (
    select * from {{ ref('scoring_scenarios') }}
),

wanted_codes as (
    {% for code in wanted -%}
        select {{ sql_string_literal(code) }} as scenario_code
        {% if not loop.last %}union all{% endif %}
    {% else -%}
        select scenario_code
        from scoring_scenarios
        where false
    {%- endfor %}
)

select wanted_codes.scenario_code as unknown_scenario_code
from wanted_codes
where wanted_codes.scenario_code not in (select scoring_scenarios.scenario_code from scoring_scenarios)
