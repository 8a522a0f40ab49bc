with

source_round_cancellations as (
    select * from {{ ref('round_cancellations') }}
),

renamed as (
    select
        season,
        round_number,
        nullif(trim(reason), '') as cancellation_reason,
        source as cancellation_source
    from source_round_cancellations
)

select * from renamed
