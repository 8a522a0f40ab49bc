-- The rounds of every season, as the schedule gives them.
with

schedule as (
    select * from {{ ref('stg_schedule') }}
),

final as (
    select
        season,
        round_number,
        race_name,
        circuit,
        race_date,
        race_type,
        overall_winner_laps
    from schedule
)

select * from final
order by season, round_number
