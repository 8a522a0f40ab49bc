{#- dbt-duckdb's column comments first look the relation's columns up (one query and one result table per
    model) so that a documented column the relation lacks is skipped. A model with an enforced contract has
    exactly the columns its YAML lists (dbt checks that before it creates the table), and a seed the columns of
    its CSV, each declared in column_types (the pre-check of make build checks the header against them): there
    the lookup is skipped, and a documented column a seed lacks fails the build, naming it. Other models keep
    dbt-duckdb's behaviour. This overrides dbt-duckdb's macro of the same name (dispatch looks in the project
    first). -#}
{% macro duckdb__alter_column_comment(relation, column_dict) %}
    {%- set contract = config.get('contract') -%}
    {%- if model.resource_type == 'seed' or (contract and contract.enforced) -%}
        {%- set existing_columns = column_dict.keys() | list -%}
    {%- else -%}
        {%- set existing_columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- endif -%}
    {%- for column_name in column_dict if column_name in existing_columns -%}
        {%- set column = column_dict[column_name] %}
        comment on column {{ relation }}.{{ adapter.quote(column_name) if column['quote'] else column_name }}
            is {{ duckdb_escape_comment(column['description']) }};
    {%- endfor %}
{% endmacro %}
