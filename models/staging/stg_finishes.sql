with

source_finishes as (
    select * from {{ seed_or_parquet('finishes') }}
),

renamed as (
    select
        season,
        round_number,
        upper(trim(class_code)) as class_code,
        trim(team_entered) as team_entered,
        nullif(trim(car_key), '') as car_key,
        class_position,
        laps,
        laps_at_most,
        trim(status) as finish_status,
        nullif(trim(status_detail), '') as status_detail,
        evidence,
        car_identification,
        note as finish_note,
        source as finish_source
    from source_finishes
)

select * from renamed
