with

source_class_winner_gaps as (
    select * from {{ ref('class_winner_gaps') }}
),

renamed as (
    select
        season,
        round_number,
        upper({{ normalized_text('class_code') }}) as class_code,
        laps_behind_overall_winner
    from source_class_winner_gaps
)

select * from renamed
