-- One row per scheduled round: whether it has results yet. A season is added round by round (README), so a round
-- on the calendar without finishes is still to be raced: its points are still available, and no title is decided
-- and no champion named until the season's last round has results.
with

schedule as (
    select * from {{ ref('stg_schedule') }}
),

finishes as (
    select * from {{ ref('stg_finishes') }}
),

rounds_with_results as (
    select distinct
        season,
        round_number
    from finishes
),

final as (
    select
        schedule.season,
        schedule.round_number,
        rounds_with_results.round_number is not null as has_results,
        count(rounds_with_results.round_number) over (partition by schedule.season)
        = count(*) over (partition by schedule.season) as is_season_complete
    from schedule
    left join rounds_with_results
        on
            schedule.season = rounds_with_results.season
            and schedule.round_number = rounds_with_results.round_number
)

select * from final
