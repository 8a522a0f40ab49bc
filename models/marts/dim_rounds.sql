-- The rounds of every season, as the schedule gives them, and whether each has results yet.
with

rounds_raced as (
    select * from {{ ref('int_rounds_raced') }}
),

final as (
    select
        round_key,
        season,
        round_number,
        race_name,
        circuit,
        race_date,
        race_type,
        overall_winner_laps,
        has_results
    from rounds_raced
)

select * from final
order by season, round_number
