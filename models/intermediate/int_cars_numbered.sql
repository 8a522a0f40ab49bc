-- A car's race number for the season. The car key names one car with one number (class, team and number, or a
-- letter where no source gives the number), so scoring looks the number up once per season and car instead of
-- joining every result to its round's entry. The YAML test fails if a car's number changes within a season.
with

entries as (
    select * from {{ ref('stg_entries') }}
),

cars_numbered as (
    select
        season,
        car_key,
        max(car_number) as car_number
    from entries
    group by season, car_key
)

select * from cars_numbered
