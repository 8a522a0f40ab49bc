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
),

keyed as (
    select
        {{ surrogate_key(['season', 'round_number']) }} as round_key,
        *
    from renamed
)

select * from keyed
