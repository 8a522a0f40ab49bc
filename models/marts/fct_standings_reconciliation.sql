{%- set measures = [] -%}
{%- for round_number in range(1, 11) -%}
    {%- do measures.append("round_" ~ round_number ~ "_points") -%}
{%- endfor -%}
{%- do measures.append("total_points") -%}
with

published_team_standings as (
    select * from {{ ref('published_team_standings') }}
),

team_standings as (
    select * from {{ ref('fct_team_standings') }}
),

finishes_enriched as (
    select * from {{ ref('int_finishes_enriched') }}
),

known_exceptions as (
    select * from {{ ref('known_exceptions') }}
),

published_cells as (
    {% for measure in measures -%}
        select
            season,
            class_code,
            team_name,
            '{{ measure }}' as measure,
            cast({{ measure }} as {{ dbt.type_string() }}) as published_value
        from published_team_standings
        union all
    {% endfor -%}
    select
        season,
        class_code,
        team_name,
        'position_label' as measure,
        position_label as published_value
    from published_team_standings
    union all
    select
        season,
        class_code,
        team_name,
        'display_order' as measure,
        cast(published_row as {{ dbt.type_string() }}) as published_value
    from published_team_standings
),

computed_cells as (
    {% for measure in measures -%}
        select
            season,
            class_code,
            team_name,
            '{{ measure }}' as measure,
            cast({{ measure }} as {{ dbt.type_string() }}) as computed_value
        from team_standings
        union all
    {% endfor -%}
    select
        season,
        class_code,
        team_name,
        'position_label' as measure,
        position_label as computed_value
    from team_standings
    union all
    select
        season,
        class_code,
        team_name,
        'display_order' as measure,
        cast(display_order as {{ dbt.type_string() }}) as computed_value
    from team_standings
),

shared_class_positions as (
    select
        season,
        round_number,
        class_code,
        class_position
    from finishes_enriched
    where class_position is not null
    group by season, round_number, class_code, class_position
    having count(*) > 1
),

exceptions_occurring as (
    select
        known_exceptions.*,
        'round_' || cast(known_exceptions.round_number as {{ dbt.type_string() }}) || '_points' as measure,
        shared_class_positions.class_position is not null as still_occurs
    from known_exceptions
    left join shared_class_positions
        on
            known_exceptions.season = shared_class_positions.season
            and known_exceptions.round_number = shared_class_positions.round_number
            and known_exceptions.class_code = shared_class_positions.class_code
            and known_exceptions.class_position = shared_class_positions.class_position
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
