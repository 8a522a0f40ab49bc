{#- One wide test per relation: all its row rules in one query, so one dbt node instead of one per column and
    rule. Fails with one row per violation: `checked_relation`, `rule` (the name the rule's own test had, e.g.
    `accepted_range_finishes_laps`, `finishes_rounds_are_in_the_schedule`), `row_key` (the `key` columns,
    '/'-joined) and `reason` (what is wrong, in words). When it fails, the on-run-end hook
    (macros/log_broken_rules.sql) prints one line per broken rule, so the build output names every broken rule and
    not only this test; a passing test costs dbt one query. Rules, each optional:
      not_null: [column, ...]
      unique: [[column, ...] or {columns: [...], where: ...}, ...]
      accepted_values: {column: [value, ...]}
      accepted_range: {column: {min_value: ..., max_value: ...}}
      relationships: [{columns: [...], to: ref(...), to_columns: [...], where: ..., name: ..., skip_nulls: ...}]
        (as dbt's relationships, a one-column rule skips nulls; a multi-column rule fails a row with a null)
      expressions: [{name: ..., expression: ..., reason: ...}]  (a row fails unless the expression is true)
      strictly_decreasing: [{column: ..., order_by: ..., partition_by: ...}] -#}
{% test integrity(
    model, key=[], not_null=[], unique=[], accepted_values={}, accepted_range={}, relationships=[],
    expressions=[], strictly_decreasing=[]
) %}
    {%- set relation_name = model.identifier -%}
    {%- set text = dbt.type_string() -%}
    {%- set row_key -%}
        {%- for column in key -%}
            coalesce(cast({{ column }} as {{ text }}), 'null'){% if not loop.last %} || '/' || {% endif %}
        {%- else -%}
            cast(null as {{ text }})
        {%- endfor -%}
    {%- endset -%}
    {%- set checks = [] -%}

    {%- for column in not_null -%}
        {%- do checks.append(
            "select " ~ row_key ~ " as row_key, 'not_null_" ~ relation_name ~ "_" ~ column ~ "' as rule, '"
            ~ column ~ " is null' as reason from " ~ model ~ " where " ~ column ~ " is null"
        ) -%}
    {%- endfor -%}

    {%- for rule in unique -%}
        {%- set columns = rule['columns'] if rule is mapping else rule -%}
        {%- set code = ('unique_' if columns | length == 1 else 'unique_combination_of_columns_')
            ~ relation_name ~ '_' ~ columns | join('__') -%}
        {%- set group_key -%}
            {%- for column in columns -%}
                coalesce(cast({{ column }} as {{ text }}), 'null'){% if not loop.last %} || '/' || {% endif %}
            {%- endfor -%}
        {%- endset -%}
        {%- do checks.append(
            "select " ~ group_key ~ " as row_key, '" ~ code ~ "' as rule, cast(count(*) as " ~ text
            ~ ") || ' rows share these " ~ columns | join(', ') ~ "' as reason from " ~ model
            ~ (" where " ~ rule['where'] if rule is mapping and rule.get('where') else "")
            ~ " group by " ~ columns | join(', ') ~ " having count(*) > 1"
        ) -%}
    {%- endfor -%}

    {%- for column, values in accepted_values.items() -%}
        {%- set quoted = [] -%}
        {%- for value in values -%}{%- do quoted.append("'" ~ value ~ "'") -%}{%- endfor -%}
        {%- do checks.append(
            "select " ~ row_key ~ " as row_key, 'accepted_values_" ~ relation_name ~ "_" ~ column ~ "' as rule, '"
            ~ column ~ " ' || cast(" ~ column ~ " as " ~ text ~ ") || ' is not one of " ~ values | join(', ')
            ~ "' as reason from " ~ model ~ " where " ~ column ~ " not in (" ~ quoted | join(', ') ~ ")"
        ) -%}
    {%- endfor -%}

    {%- for column, bounds in accepted_range.items() -%}
        {%- for bound, comparison, words in [('min_value', '<', 'below'), ('max_value', '>', 'above')] -%}
            {%- if bounds.get(bound) is not none -%}
                {%- do checks.append(
                    "select " ~ row_key ~ " as row_key, 'accepted_range_" ~ relation_name ~ "_" ~ column
                    ~ "' as rule, '" ~ column ~ " ' || cast(" ~ column ~ " as " ~ text ~ ") || ' is " ~ words ~ " "
                    ~ bounds[bound] ~ "' as reason from " ~ model ~ " where " ~ column ~ " " ~ comparison ~ " "
                    ~ bounds[bound]
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- for rule in relationships -%}
        {%- set to_columns = rule.get('to_columns', rule['columns']) -%}
        {%- set conditions = [] -%}
        {%- if rule.get('skip_nulls', rule['columns'] | length == 1) -%}
            {%- for column in rule['columns'] -%}{%- do conditions.append(column ~ ' is not null') -%}{%- endfor -%}
        {%- endif -%}
        {%- if rule.get('where') -%}{%- do conditions.append('(' ~ rule['where'] ~ ')') -%}{%- endif -%}
        {%- set matches = [] -%}
        {%- for column in rule['columns'] -%}
            {%- do matches.append('parent.' ~ to_columns[loop.index0] ~ ' = child.' ~ column) -%}
        {%- endfor -%}
        {%- do conditions.append(
            'not exists (select 1 from ' ~ rule['to'] ~ ' as parent where ' ~ matches | join(' and ') ~ ')'
        ) -%}
        {#- The values themselves, quoted: a trailing space or a look-alike letter shows. -#}
        {%- set values = [] -%}
        {%- for column in rule['columns'] -%}
            {%- do values.append(
                "coalesce('''' || cast(child." ~ column ~ " as " ~ text ~ ") || '''', 'null')"
            ) -%}
        {%- endfor -%}
        {%- do checks.append(
            "select " ~ row_key ~ " as row_key, '"
            ~ rule.get('name', 'relationships_' ~ relation_name ~ '_' ~ rule['columns'] | join('__'))
            ~ "' as rule, '" ~ rule['columns'] | join(', ') ~ " ' || " ~ values | join(" || ', ' || ")
            ~ " || ' not found in " ~ rule['to'].identifier
            ~ "' as reason from " ~ model ~ " as child where " ~ conditions | join(' and ')
        ) -%}
    {%- endfor -%}

    {%- for rule in expressions -%}
        {%- do checks.append(
            "select " ~ row_key ~ " as row_key, '" ~ rule['name'] ~ "' as rule, '"
            ~ rule.get('reason', 'the rule is not true') | replace("'", "''") ~ "' as reason from " ~ model
            ~ " where not coalesce((" ~ rule['expression'] ~ "), false)"
        ) -%}
    {%- endfor -%}

    {%- for rule in strictly_decreasing -%}
        {%- do checks.append(
            "select cast(partition_value as " ~ text ~ ") || '/' || cast(order_value as " ~ text ~ ") as row_key, "
            ~ "'strictly_decreasing_" ~ relation_name ~ "_" ~ rule['column'] ~ "' as rule, '" ~ rule['column']
            ~ " ' || cast(checked_value as " ~ text ~ ") || ' is not below the previous ' || cast(previous_value as "
            ~ text ~ ") as reason from (select " ~ rule['partition_by'] ~ " as partition_value, "
            ~ rule['order_by'] ~ " as order_value, " ~ rule['column'] ~ " as checked_value, lag(" ~ rule['column']
            ~ ") over (partition by " ~ rule['partition_by'] ~ " order by " ~ rule['order_by']
            ~ ") as previous_value from " ~ model
            ~ ") as ordered where previous_value is not null and checked_value >= previous_value"
        ) -%}
    {%- endfor -%}

    select
        '{{ relation_name }}' as checked_relation,
        violations.rule,
        violations.row_key,
        violations.reason
    from (
        {{ checks | join('\n        union all\n        ') }}
    ) as violations
{% endtest %}
