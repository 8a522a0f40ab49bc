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
),

keyed as (
    select
        {{ surrogate_key(['season', 'round_number', 'class_code']) }} as class_winner_gap_key,
        *
    from renamed
)

select * from keyed
