{#- A seed's table is made anew from its CSV on every build, as Spark and `dbt seed --full-refresh` do, instead of
    dbt's default of emptying the existing table. dbt-duckdb loads the file by position (COPY ... HEADER), so into
    an emptied table a file whose columns were reordered would put each value in another column (a race name in
    the circuit column, laps as class positions) and pass; a new table has the file's own column order. -#}
{% macro duckdb__reset_csv_table(model, full_refresh, old_relation, agate_table) %}
    {{ adapter.drop_relation(old_relation) }}
    {{ return(create_csv_table(model, agate_table)) }}
{% endmacro %}
