-- Each reported result (int_finishes_joined) with its round's entry details: chassis and engine.
with

finishes_joined as (
    select * from {{ ref('int_finishes_joined') }}
),

entries as (
    select * from {{ ref('stg_entries') }}
),

finishes_with_entry as (
    select
        finishes.season,
        finishes.round_number,
        finishes.class_code,
        finishes.car_key,
        finishes.car_number,
        entries.chassis,
        entries.engine,
        finishes.team_name,
        finishes.team_entered,
        finishes.class_position,
        finishes.laps,
        finishes.laps_at_most,
        finishes.finish_status,
        finishes.status_detail,
        finishes.evidence,
        finishes.car_identification,
        finishes.finish_note,
        finishes.finish_source,
        finishes.race_name,
        finishes.race_type,
        finishes.overall_winner_laps,
        finishes.class_winner_laps,
        finishes.result_key
    from finishes_joined as finishes
    left join entries
        on
            finishes.season = entries.season
            and finishes.round_number = entries.round_number
            and finishes.car_key = entries.car_key
)

select * from finishes_with_entry
