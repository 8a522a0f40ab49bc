with

source_driver_bonus_points as (
    select * from {{ ref('driver_bonus_points') }}
),

renamed as (
    select
        season,
        round_number,
        upper({{ normalized_text('class_code') }}) as class_code,
        {{ normalized_text('driver_name') }} as driver_name,
        {{ normalized_text('bonus_kind') }} as bonus_kind,
        points as bonus_points,
        {{ normalized_text('basis') }} as bonus_basis,
        source as bonus_source
    from source_driver_bonus_points
)

select * from renamed
