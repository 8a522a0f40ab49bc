-- A car key names one car with one race number a season (the number is part of what identifies the car in
-- results). Returns each car whose entries give it more than one number (or a number in some rounds and none in
-- others) within a season: give the car a new car_key from the round its number changes.
with

entries as (
    select * from {{ ref('entries') }}
),

numbers_entered as (
    select distinct
        season,
        car_key,
        coalesce(car_number, '(none)') as car_number_entered
    from entries
)

select
    season,
    car_key,
    {{ sorted_listagg('car_number_entered', "', '") }} as car_numbers_entered,
    'give the car a new car_key from the round its number changes' as what_to_do
from numbers_entered
group by season, car_key
having count(*) > 1
