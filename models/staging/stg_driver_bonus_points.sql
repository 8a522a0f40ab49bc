with

source_driver_bonus_points as (
    select * from {{ seed_or_parquet('driver_bonus_points') }}
),

renamed as (
    select
        season,
        round_number,
        upper(trim(class_code)) as class_code,
        trim(driver_name) as driver_name,
        trim(bonus_kind) as bonus_kind,
        points as bonus_points
    from source_driver_bonus_points
)

select * from renamed
