with

source_finishes as (
    select * from {{ ref('finishes') }}
),

renamed as (
    select
        season,
        round_number,
        upper({{ normalized_text('class_code') }}) as class_code,
        {{ normalized_text('team_entered') }} as team_entered,
        nullif({{ normalized_text('car_key') }}, '') as car_key,
        class_position,
        laps,
        laps_at_most,
        {{ normalized_text('status') }} as finish_status,
        nullif(trim(status_detail), '') as status_detail,
        evidence,
        car_identification,
        note as finish_note,
        source as finish_source
    from source_finishes
)

select * from renamed
