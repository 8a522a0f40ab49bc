{#- The cells of a standings table: each round's points, the total, the position label and the row order.
    The computed side has a column per round of the longest season (standings_round_numbers); the published
    side the round columns its seed has. A round cell counts only where the season has that round. -#}
{%- set computed_rounds = standings_round_numbers() -%}
{%- if execute and target.name != 'lint' -%}
    {%- set published_rounds = [] -%}
    {%- for column in adapter.get_columns_in_relation(ref('published_team_standings')) -%}
        {%- set match = modules.re.match('^round_(\\d+)_points$', column.name) -%}
        {%- if match -%}{%- do published_rounds.append(match.group(1) | int) -%}{%- endif -%}
    {%- endfor -%}
{%- else -%}
    {%- set published_rounds = [1] -%}
{%- endif -%}
{#- Both tables are cut into cells the same way: (cells CTE, table CTE, rounds, value column, row-order column). -#}
{%- set sides = [
    ("published_cells", "published_team_standings", published_rounds | sort, "published_value", "published_row"),
    ("computed_cells", "team_standings", computed_rounds, "computed_value", "display_order"),
] -%}
-- depends_on: {{ ref('stg_schedule') }}
-- Only the seasons with published tables (seeds/expected) are reconciled, each under its official scenario.
with

published_team_standings as (
    select * from {{ ref('published_team_standings') }}
),

team_standings as (
    select * from {{ ref('fct_team_standings') }}
),

schedule as (
    select * from {{ ref('stg_schedule') }}
),

seasons as (
    select * from {{ ref('seasons') }}
),

classes as (
    select * from {{ ref('classes') }}
),

finishes_sharing_class_position as (
    select * from {{ ref('int_finishes_sharing_class_position') }}
),

known_exceptions as (
    select * from {{ ref('known_exceptions') }}
),

{% for cells_cte, table_cte, round_numbers, value_column, row_order_column in sides %}
    {{ cells_cte }} as (
        {% for round_number in round_numbers -%}
            select
                season,
                class_code,
                team_name,
                'round_{{ round_number }}_points' as measure,
                {{ round_number }} as measure_round_number,
                cast(round_{{ round_number }}_points as {{ dbt.type_string() }}) as {{ value_column }}
            from {{ table_cte }}
            union all
        {% endfor -%}
        {% for measure in ["total_points", "position_label", "display_order"] -%}
            select
                season,
                class_code,
                team_name,
                '{{ measure }}' as measure,
                null as measure_round_number,
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
        coalesce(published_cells.measure_round_number, computed_cells.measure_round_number)
            as measure_round_number,
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

cells_in_published_seasons as (
    -- A round cell exists only where the season has that round; only seasons with published tables count.
    select cells_compared.*
    from cells_compared
    left join schedule
        on
            cells_compared.season = schedule.season
            and cells_compared.measure_round_number = schedule.round_number
    where
        cells_compared.season in (select published.season from published_team_standings as published)
        and (cells_compared.measure_round_number is null or schedule.round_number is not null)
),

final as (
    select
        cells.season,
        seasons.official_scenario_code as scenario_code,
        cells.class_code,
        classes.class_order,
        cells.team_name,
        cells.measure,
        cells.measure_round_number as round_number,
        cells.published_value,
        cells.computed_value,
        case
            when exceptions_occurring.still_occurs then 'documented_exception'
            when
                cells.published_value = cells.computed_value
                or (cells.published_value is null and cells.computed_value is null)
                then 'match'
            else 'mismatch'
        end as status,
        exceptions_occurring.exception_code,
        exceptions_occurring.reason as exception_reason,
        exceptions_occurring.source as exception_source
    from cells_in_published_seasons as cells
    inner join seasons
        on cells.season = seasons.season
    inner join classes
        on cells.class_code = classes.class_code
    left join exceptions_occurring
        on
            cells.season = exceptions_occurring.season
            and cells.class_code = exceptions_occurring.class_code
            and cells.team_name = exceptions_occurring.team_name
            and cells.measure = exceptions_occurring.measure
)

select * from final
order by season, class_order, team_name, round_number nulls last, measure
