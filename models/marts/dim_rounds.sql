-- The rounds of every season, as the schedule gives them: each round's status (raced, cancelled or scheduled), its
-- place in the order the season's races are run (race_order: a rescheduled round keeps its number), and why a
-- round was cancelled or moved.
with

rounds_statused as (
    select * from {{ ref('int_rounds_statused') }}
),

final as (
    select
        {{ round_key('season', 'round_number') }} as round_key,
        season,
        round_number,
        race_code,
        race_name,
        circuit,
        race_date,
        race_type,
        overall_winner_laps,
        has_results,
        round_status,
        cancellation_reason,
        cast(race_order as integer) as race_order,
        is_rescheduled,
        original_race_date,
        reschedule_reason
    from rounds_statused
)

select * from final
order by season, round_number
