with

source_round_reschedules as (
    select * from {{ ref('round_reschedules') }}
),

renamed as (
    select
        season,
        round_number,
        original_date as original_race_date,
        new_date as new_race_date,
        nullif(trim(reason), '') as reschedule_reason,
        source as reschedule_source
    from source_round_reschedules
)

select * from renamed
