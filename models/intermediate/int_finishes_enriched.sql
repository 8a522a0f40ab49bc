-- Each reported result (int_finishes_joined) with its round's entry details: chassis and engine. Every column of
-- int_finishes_joined passes through unchanged, so it is selected as `finishes.*` rather than listed again.
with

finishes_joined as (
    select * from {{ ref('int_finishes_joined') }}
),

entries as (
    select * from {{ ref('stg_entries') }}
),

finishes_with_entry as (
    select
        finishes.*,
        entries.chassis,
        entries.engine
    from finishes_joined as finishes
    left join entries
        on
            finishes.season = entries.season
            and finishes.round_number = entries.round_number
            and finishes.car_key = entries.car_key
)

select * from finishes_with_entry  -- noqa: AM04
