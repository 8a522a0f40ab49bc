-- The class winners of every round (official results in first place) with their drivers.
with

race_results as (
    select * from {{ ref('fct_race_results') }}
),

car_drivers as (
    select * from {{ ref('stg_car_drivers') }}
),

class_winners as (
    select * from race_results
    where class_position = 1
),

winner_drivers as (
    select
        car_drivers.season,
        car_drivers.round_number,
        car_drivers.car_key,
        {{ sorted_listagg("car_drivers.driver_name", "' / '") }} as drivers
    from car_drivers
    inner join class_winners
        on
            car_drivers.season = class_winners.season
            and car_drivers.round_number = class_winners.round_number
            and car_drivers.car_key = class_winners.car_key
    group by car_drivers.season, car_drivers.round_number, car_drivers.car_key
),

final as (
    select
        class_winners.result_key,
        class_winners.season,
        class_winners.round_number,
        class_winners.race_name,
        class_winners.class_code,
        class_winners.class_order,
        class_winners.car_number,
        class_winners.team_name,
        winner_drivers.drivers
    from class_winners
    left join winner_drivers
        on
            class_winners.season = winner_drivers.season
            and class_winners.round_number = winner_drivers.round_number
            and class_winners.car_key = winner_drivers.car_key
)

select * from final
order by season, round_number, class_order
