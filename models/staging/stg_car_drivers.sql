with

source_car_drivers as (
    select * from {{ seed_or_parquet('car_drivers') }}
),

renamed as (
    select
        season,
        round_number,
        car_key,
        trim(driver_name) as driver_name,
        source as driver_source
    from source_car_drivers
)

select * from renamed
