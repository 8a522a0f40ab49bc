{#- on-run-end hook (dbt_project.yml): for each folded `integrity` test that failed in this run, one line per
    rule it found broken, e.g. `finishes breaks accepted_range_finishes_laps (1 violating row(s); e.g. [2002/3/...]
    laps -5 is below 0)`, so the build output names the rule and not only the test. It re-reads only the failed
    tests' own SQL, so a passing build pays nothing for it. Renders no SQL: the hook only logs. -#}
{% macro log_broken_rules(results) -%}
    {%- if execute and target.name != 'lint' -%}
        {%- for result in results
            if result.status == 'fail' and result.node.resource_type == 'test'
            and result.node.test_metadata and result.node.test_metadata.name == 'integrity' -%}
            {%- set broken = run_query(
                'select checked_relation, rule, count(*) as violating_rows, min(row_key) as first_row_key,'
                ~ ' min(reason) as first_reason from (' ~ result.node.compiled_code ~ ') as violations'
                ~ ' group by checked_relation, rule order by rule'
            ) -%}
            {%- for row in broken.rows -%}
                {%- do log(
                    row['checked_relation'] ~ ' breaks ' ~ row['rule'] ~ ' (' ~ row['violating_rows']
                    ~ ' violating row(s); e.g. [' ~ row['first_row_key'] ~ '] ' ~ row['first_reason'] ~ ')',
                    info=true
                ) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
