-- Every cell of the published team standings tables (seeds/expected) beside the one the models compute, long
-- against long: each round's points (published_team_round_points vs fct_team_round_points), the total, the
-- printed position label and the row order (published_team_standings vs fct_team_standings). Only seasons with
-- published tables are reconciled (and in them only the classes published), each under its official scenario.
{#- A table row's cells beside the round cells: (measure, its published_team_standings column, its fct_team_standings
    column). -#}
{%- set row_measures = [
    ('total_points', 'total_points', 'total_points'),
    ('position_label', 'position_label', 'position_label'),
    ('display_order', 'published_row', 'display_order'),
] %}
with

published_team_standings as (
    select * from {{ ref('published_team_standings') }}
),

published_team_round_points as (
    select * from {{ ref('published_team_round_points') }}
),

team_standings as (
    select * from {{ ref('fct_team_standings') }}
),

team_round_points as (
    select * from {{ ref('fct_team_round_points') }}
),

finishes_sharing_class_position as (
    select * from {{ ref('int_finishes_sharing_class_position') }}
),

known_exceptions as (
    select * from {{ ref('known_exceptions') }}
),

published_cells as (
    select
        season,
        class_code,
        team_name,
        'round_' || cast(round_number as {{ dbt.type_string() }}) || '_points' as measure,
        round_number,
        cast(points as {{ dbt.type_string() }}) as published_value
    from published_team_round_points
    {% for measure, published_column, _ in row_measures %}
        union all
        select
            season,
            class_code,
            team_name,
            '{{ measure }}' as measure,
            null as round_number,
            cast({{ published_column }} as {{ dbt.type_string() }}) as published_value
        from published_team_standings
    {% endfor %}
),

computed_cells as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        team_name,
        'round_' || cast(round_number as {{ dbt.type_string() }}) || '_points' as measure,
        round_number,
        cast(points as {{ dbt.type_string() }}) as computed_value
    from team_round_points
    {% for measure, _, computed_column in row_measures %}
        union all
        select
            season,
            scenario_code,
            class_code,
            class_order,
            team_name,
            '{{ measure }}' as measure,
            null as round_number,
            cast({{ computed_column }} as {{ dbt.type_string() }}) as computed_value
        from team_standings
    {% endfor %}
),

cells_compared as (
    select
        coalesce(published_cells.season, computed_cells.season) as season,
        -- A team only the published table has takes its season's official scenario (and its class's order)
        -- from the other teams.
        coalesce(
            computed_cells.scenario_code,
            max(computed_cells.scenario_code) over (
                partition by coalesce(published_cells.season, computed_cells.season)
            )
        ) as scenario_code,
        coalesce(published_cells.class_code, computed_cells.class_code) as class_code,
        coalesce(
            computed_cells.class_order,
            max(computed_cells.class_order) over (
                partition by coalesce(published_cells.class_code, computed_cells.class_code)
            )
        ) as class_order,
        coalesce(published_cells.team_name, computed_cells.team_name) as team_name,
        coalesce(published_cells.measure, computed_cells.measure) as measure,
        coalesce(published_cells.round_number, computed_cells.round_number) as round_number,
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

final as (
    select
        cells.season,
        cells.scenario_code,
        cells.class_code,
        cells.class_order,
        cells.team_name,
        cells.measure,
        cells.round_number,
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
    from cells_compared as cells
    left join exceptions_occurring
        on
            cells.season = exceptions_occurring.season
            and cells.class_code = exceptions_occurring.class_code
            and cells.team_name = exceptions_occurring.team_name
            and cells.measure = exceptions_occurring.measure
    where exists (
        select 1
        from published_team_standings as published
        where published.season = cells.season and published.class_code = cells.class_code
    )
)

select * from final
order by season, class_order, team_name, round_number nulls last, measure
