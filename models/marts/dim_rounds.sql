-- The rounds of every season, as the schedule gives them, and each round's status: raced, cancelled or scheduled.
with

rounds_raced as (
    select * from {{ ref('int_rounds_raced') }}
),

final as (
    select
        {{ round_key('season', 'round_number') }} as round_key,
        season,
        round_number,
        race_name,
        circuit,
        race_date,
        race_type,
        overall_winner_laps,
        has_results,
        round_status,
        cancellation_reason
    from rounds_raced
)

select * from final
order by season, round_number
