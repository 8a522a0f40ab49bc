-- One row per round on a season's calendar (int_rounds_dated: its dates and race order): its status (raced once it
-- has results, cancelled when round_cancellations says so, else scheduled: still to race), and the most points one
-- team can still win there under the season's official scoring (the top of the scale its race type picks; none at a
-- cancelled round). A season is added round by round (README), so a round on the calendar without finishes is
-- still to be raced, whatever its number or date: its points are still available, and no champion is named until
-- every round of the season that is not cancelled has results.
with

rounds_dated as (
    select * from {{ ref('int_rounds_dated') }}
),

finishes as (
    select * from {{ ref('stg_finishes') }}
),

round_cancellations as (
    select * from {{ ref('stg_round_cancellations') }}
),

seasons as (
    select * from {{ ref('seasons') }}
),

scenario_scales as (
    select * from {{ ref('scenario_scales') }}
),

points_scales as (
    select * from {{ ref('points_scales') }}
),

rounds_with_results as (
    select distinct
        season,
        round_number
    from finishes
),

official_scale_tops as (
    select
        scenario_scales.scenario_code,
        scenario_scales.race_type,
        max(points_scales.points) as most_points_available
    from scenario_scales
    inner join points_scales
        on scenario_scales.scale_code = points_scales.scale_code
    group by scenario_scales.scenario_code, scenario_scales.race_type
),

rounds_statused as (
    select
        rounds_dated.season,
        rounds_dated.round_number,
        rounds_dated.race_code,
        rounds_dated.race_name,
        rounds_dated.circuit,
        rounds_dated.race_date,
        rounds_dated.race_type,
        rounds_dated.overall_winner_laps,
        rounds_dated.race_order,
        rounds_dated.is_rescheduled,
        rounds_dated.original_race_date,
        rounds_dated.reschedule_reason,
        rounds_with_results.round_number is not null as has_results,
        round_cancellations.round_number is not null as is_cancelled,
        round_cancellations.cancellation_reason,
        case
            when round_cancellations.round_number is not null then 'cancelled'
            when rounds_with_results.round_number is not null then 'raced'
            else 'scheduled'
        end as round_status,
        case
            when round_cancellations.round_number is null then coalesce(official_scale_tops.most_points_available, 0)
            else 0
        end as most_points_available
    from rounds_dated
    inner join seasons
        on rounds_dated.season = seasons.season
    left join official_scale_tops
        on
            seasons.official_scenario_code = official_scale_tops.scenario_code
            and rounds_dated.race_type = official_scale_tops.race_type
    left join rounds_with_results
        on
            rounds_dated.season = rounds_with_results.season
            and rounds_dated.round_number = rounds_with_results.round_number
    left join round_cancellations
        on
            rounds_dated.season = round_cancellations.season
            and rounds_dated.round_number = round_cancellations.round_number
),

seasons_completed as (
    -- A season is complete once every round of it that is not cancelled has results.
    select
        *,
        count(case when round_status = 'scheduled' then 1 end) over (partition by season) = 0 as is_season_complete
    from rounds_statused
)

select * from seasons_completed
