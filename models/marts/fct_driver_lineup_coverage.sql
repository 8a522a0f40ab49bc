-- How complete the drivers' tables are: per class and round, how many results that score under the season's
-- official scenario have a full line-up in car_drivers (at least var('full_lineup_drivers') drivers named for the
-- car that round), how many name fewer or none, and how many name no car at all (unidentified: nobody can be
-- credited). A driver is credited only where a source names them in the car, never by guess.
with

lineups_counted as (
    select * from {{ ref('int_lineups_counted') }}
),

counted_per_class_round as (
    select
        season,
        class_code,
        class_order,
        round_number,
        count(*) as scoring_results,
        count(car_key) as identified_results,
        sum(
            case when drivers_named >= {{ var('full_lineup_drivers') }} then 1 else 0 end
        ) as full_lineup_results,
        sum(
            case
                when car_key is not null and drivers_named between 1 and {{ var('full_lineup_drivers') }} - 1
                    then 1
                else 0
            end
        ) as partial_lineup_results,
        sum(case when car_key is not null and drivers_named = 0 then 1 else 0 end) as no_driver_results,
        sum(case when car_key is null then 1 else 0 end) as unidentified_results
    from lineups_counted
    group by season, class_code, class_order, round_number
),

final as (
    select
        season,
        class_code,
        class_order,
        round_number,
        cast(scoring_results as integer) as scoring_results,
        cast(identified_results as integer) as identified_results,
        cast(full_lineup_results as integer) as full_lineup_results,
        cast(partial_lineup_results as integer) as partial_lineup_results,
        cast(no_driver_results as integer) as no_driver_results,
        cast(unidentified_results as integer) as unidentified_results,
        cast(full_lineup_results as {{ dbt.type_string() }}) || ' of '
        || cast(scoring_results as {{ dbt.type_string() }}) || ' with a full line-up' as full_lineup_label
    from counted_per_class_round
)

select * from final
order by season, class_order, round_number
