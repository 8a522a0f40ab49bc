with

source_car_drivers as (
    select * from {{ ref('car_drivers') }}
),

renamed as (
    select
        season,
        round_number,
        {{ normalized_text('car_key') }} as car_key,
        {{ normalized_text('driver_name') }} as driver_name,
        source as driver_source
    from source_car_drivers
)

select * from renamed
