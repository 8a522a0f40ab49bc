with

source_entries as (
    select * from {{ ref('entries') }}
),

renamed as (
    select
        season,
        round_number,
        {{ normalized_text('car_key') }} as car_key,
        upper({{ normalized_text('class_code') }}) as class_code,
        {{ normalized_text('team_entered') }} as team_entered,
        nullif({{ normalized_text('car_number') }}, '') as car_number,
        trim(chassis) as chassis,
        nullif(trim(engine), '') as engine,
        nullif(trim(tyre), '') as tyre,
        took_part,
        entry_source,
        car_number_source
    from source_entries
)

select * from renamed
