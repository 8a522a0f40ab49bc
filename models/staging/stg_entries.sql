with

source_entries as (
    select * from {{ seed_or_parquet('entries') }}
),

renamed as (
    select
        season,
        round_number,
        car_key,
        upper(trim(class_code)) as class_code,
        trim(team_entered) as team_entered,
        nullif(trim(car_number), '') as car_number,
        trim(chassis) as chassis,
        nullif(trim(engine), '') as engine,
        nullif(trim(tyre), '') as tyre,
        took_part,
        entry_source,
        car_number_source
    from source_entries
)

select * from renamed
