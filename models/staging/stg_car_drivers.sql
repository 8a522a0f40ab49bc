with

source_car_drivers as (
    select * from {{ ref('car_drivers') }}
),

renamed as (
    select
        round_number,
        car_key,
        trim(driver_name) as driver_name,
        source as driver_source
    from source_car_drivers
)

select * from renamed
