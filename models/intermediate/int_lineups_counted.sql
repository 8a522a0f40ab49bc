-- Each result that scores under the season's official scenario, with the number of drivers car_drivers names for
-- its car in that round. A result whose car is unidentified (the team's result, no car_key) names nobody: 0.
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

car_drivers as (
    select * from {{ ref('stg_car_drivers') }}
),

scoring_results as (
    select
        season,
        round_number,
        class_code,
        class_order,
        team_name,
        car_key
    from finishes_scored
    where
        is_official_scenario
        and points > 0
),

drivers_per_car_round as (
    select
        season,
        round_number,
        car_key,
        count(distinct driver_name) as drivers_named
    from car_drivers
    group by season, round_number, car_key
),

final as (
    select
        scoring_results.season,
        scoring_results.round_number,
        scoring_results.class_code,
        scoring_results.class_order,
        scoring_results.team_name,
        scoring_results.car_key,
        cast(coalesce(drivers_per_car_round.drivers_named, 0) as integer) as drivers_named
    from scoring_results
    left join drivers_per_car_round
        on
            scoring_results.season = drivers_per_car_round.season
            and scoring_results.round_number = drivers_per_car_round.round_number
            and scoring_results.car_key = drivers_per_car_round.car_key
)

select * from final
