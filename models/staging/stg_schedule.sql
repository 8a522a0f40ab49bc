with

source_schedule as (
    select * from {{ ref('schedule') }}
),

renamed as (
    select
        season,
        round_number,
        -- The schedule's short code (SEB, WAS), else R and the round's number, so every round has one.
        coalesce(
            upper(trim(race_code)),
            'R' || cast(round_number as {{ dbt.type_string() }})
        ) as race_code,
        trim(race_name) as race_name,
        trim(circuit) as circuit,
        race_date,
        lower({{ normalized_text('race_type') }}) as race_type,
        overall_winner_laps
    from source_schedule
)

select * from renamed
