-- One row per round on a season's calendar: its status (raced once it has results, cancelled when
-- round_cancellations says so, else scheduled: still to race), its place in the order the season's races are run
-- (race_order, by race date: a round rescheduled after the final comes last, though it keeps its number), and the
-- most points one team can still win there under the season's official scoring (the top of the scale its race type
-- picks; none at a cancelled round). A season is added round by round (README), so a round on the calendar without
-- finishes is still to be raced, whatever its number or date: its points are still available, and no champion is
-- named until every round of the season that is not cancelled has results.
with

schedule as (
    select * from {{ ref('stg_schedule') }}
),

finishes as (
    select * from {{ ref('stg_finishes') }}
),

round_cancellations as (
    select * from {{ ref('stg_round_cancellations') }}
),

round_reschedules as (
    select * from {{ ref('stg_round_reschedules') }}
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
        schedule.round_key,
        schedule.season,
        schedule.round_number,
        schedule.race_name,
        schedule.circuit,
        schedule.race_date,
        schedule.race_type,
        schedule.overall_winner_laps,
        round_reschedules.round_key is not null as is_rescheduled,
        round_reschedules.original_race_date,
        round_reschedules.reschedule_reason,
        -- Where the round sits in the calendar as first announced: the round order is checked against it.
        coalesce(round_reschedules.original_race_date, schedule.race_date) as calendar_date,
        rounds_with_results.round_number is not null as has_results,
        round_cancellations.round_key is not null as is_cancelled,
        round_cancellations.cancellation_reason,
        case
            when round_cancellations.round_key is not null then 'cancelled'
            when rounds_with_results.round_number is not null then 'raced'
            else 'scheduled'
        end as round_status,
        case
            when round_cancellations.round_key is null then coalesce(official_scale_tops.most_points_available, 0)
            else 0
        end as most_points_available
    from schedule
    inner join seasons
        on schedule.season = seasons.season
    left join official_scale_tops
        on
            seasons.official_scenario_code = official_scale_tops.scenario_code
            and schedule.race_type = official_scale_tops.race_type
    left join rounds_with_results
        on
            schedule.season = rounds_with_results.season
            and schedule.round_number = rounds_with_results.round_number
    left join round_cancellations
        on schedule.round_key = round_cancellations.round_key
    left join round_reschedules
        on schedule.round_key = round_reschedules.round_key
),

rounds_ordered as (
    -- A season is complete once every round of it that is not cancelled has results.
    select
        *,
        row_number() over (partition by season order by race_date, round_number) as race_order,
        count(case when round_status = 'scheduled' then 1 end) over (partition by season) = 0 as is_season_complete
    from rounds_statused
),

round_order_conflicts as (
    -- How many rounds of its season each round is dated out of order with, at its calendar date: a round moved
    -- after the final and not marked rescheduled conflicts with every round after it, each of those with it alone.
    select
        this_round.round_key,
        count(other_round.round_key) as conflicting_rounds
    from rounds_ordered as this_round
    left join rounds_ordered as other_round
        on
            this_round.season = other_round.season
            and (
                (
                    this_round.round_number < other_round.round_number
                    and this_round.calendar_date > other_round.calendar_date
                )
                or (
                    this_round.round_number > other_round.round_number
                    and this_round.calendar_date < other_round.calendar_date
                )
            )
    group by this_round.round_key
),

final as (
    -- The round that breaks the order is the one in conflict with the most rounds of its season (two rounds
    -- swapped are both named).
    select
        rounds_ordered.*,
        round_order_conflicts.conflicting_rounds > 0
        and round_order_conflicts.conflicting_rounds
        = max(round_order_conflicts.conflicting_rounds) over (partition by rounds_ordered.season)
            as breaks_round_order
    from rounds_ordered
    inner join round_order_conflicts
        on rounds_ordered.round_key = round_order_conflicts.round_key
)

select * from final
