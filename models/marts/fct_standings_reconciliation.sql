{#- The cells of a standings table: each round's points, the total, the position label and the row order. -#}
{%- set measures = [] -%}
{%- for round_number in range(1, var('standings_round_columns') + 1) -%}
    {%- do measures.append("round_" ~ round_number ~ "_points") -%}
{%- endfor -%}
{%- do measures.extend(["total_points", "position_label", "display_order"]) -%}
{#- Both tables are cut into cells the same way: (cells CTE, table CTE, value column, row-order column). -#}
{%- set sides = [
    ("published_cells", "published_team_standings", "published_value", "published_row"),
    ("computed_cells", "team_standings", "computed_value", "display_order"),
] -%}
with

published_team_standings as (
    select * from {{ ref('published_team_standings') }}
),

team_standings as (
    select * from {{ ref('fct_team_standings') }}
),

finishes_sharing_class_position as (
    select * from {{ ref('int_finishes_sharing_class_position') }}
),

known_exceptions as (
    select * from {{ ref('known_exceptions') }}
),

{% for cells_cte, table_cte, value_column, row_order_column in sides %}
    {{ cells_cte }} as (
        {% for measure in measures -%}
            select
                season,
                class_code,
                team_name,
                '{{ measure }}' as measure,
                cast({{ row_order_column if measure == "display_order" else measure }} as {{ dbt.type_string() }})
                    as {{ value_column }}
            from {{ table_cte }}
            {%- if not loop.last %}
                union all
            {% endif %}
        {% endfor %}
    ),

{% endfor %}
exceptions_occurring as (
    -- An exception applies while its team's result still shares the class position it names.
    select
        known_exceptions.*,
        'round_' || cast(known_exceptions.round_number as {{ dbt.type_string() }}) || '_points' as measure,
        shared.result_key is not null as still_occurs
    from known_exceptions
    left join finishes_sharing_class_position as shared
        on
            known_exceptions.season = shared.season
            and known_exceptions.round_number = shared.round_number
            and known_exceptions.class_code = shared.class_code
            and known_exceptions.team_name = shared.team_name
            and known_exceptions.class_position = shared.class_position
),

cells_compared as (
    select
        coalesce(published_cells.season, computed_cells.season) as season,
        coalesce(published_cells.class_code, computed_cells.class_code) as class_code,
        coalesce(published_cells.team_name, computed_cells.team_name) as team_name,
        coalesce(published_cells.measure, computed_cells.measure) as measure,
        published_cells.published_value,
        computed_cells.computed_value
    from published_cells
    full outer join computed_cells
        on
            published_cells.season = computed_cells.season
            and published_cells.class_code = computed_cells.class_code
            and published_cells.team_name = computed_cells.team_name
            and published_cells.measure = computed_cells.measure
),

final as (
    select
        cells_compared.season,
        cells_compared.class_code,
        cells_compared.team_name,
        cells_compared.measure,
        cells_compared.published_value,
        cells_compared.computed_value,
        case
            when exceptions_occurring.still_occurs then 'documented_exception'
            when
                cells_compared.published_value = cells_compared.computed_value
                or (cells_compared.published_value is null and cells_compared.computed_value is null)
                then 'match'
            else 'mismatch'
        end as status,
        exceptions_occurring.exception_code,
        exceptions_occurring.reason as exception_reason,
        exceptions_occurring.source as exception_source
    from cells_compared
    left join exceptions_occurring
        on
            cells_compared.season = exceptions_occurring.season
            and cells_compared.class_code = exceptions_occurring.class_code
            and cells_compared.team_name = exceptions_occurring.team_name
            and cells_compared.measure = exceptions_occurring.measure
)

select * from final
