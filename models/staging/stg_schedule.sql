with

source_schedule as (
    select * from {{ ref('schedule') }}
),

renamed as (
    select
        season,
        round_number,
        trim(race_name) as race_name,
        trim(circuit) as circuit,
        race_date,
        lower({{ normalized_text('race_type') }}) as race_type,
        overall_winner_laps
    from source_schedule
)

select * from renamed
