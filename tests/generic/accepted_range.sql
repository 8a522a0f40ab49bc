{#- Fails with every row whose `column_name` lies outside [min_value, max_value] (either bound optional; nulls
    pass, as in dbt_utils' test of the same name). inclusive=false (as in dbt_utils) makes both bounds exclusive:
    min_value 0 with inclusive false is "greater than zero", which 0.5 meets under a decimal type. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    select *
    from {{ model }}
    where
        false
        {%- if min_value is not none %}
            or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
            or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
        {%- endif %}
{% endtest %}
