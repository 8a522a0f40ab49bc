-- One row per round on a season's calendar with its dates: the day it is (or will be) raced, and for a rescheduled
-- round the day first announced (round_reschedules). Its calendar date (the original day of a rescheduled round) is
-- where it sits in the round order; its race_order is its place in the order the season's races are run, by race
-- date: a round rescheduled after the final comes last, though it keeps its number. breaks_round_order names the
-- round dated out of round order (the date rule's test returns it).
with

schedule as (
    select * from {{ ref('stg_schedule') }}
),

round_reschedules as (
    select * from {{ ref('stg_round_reschedules') }}
),

rounds_rescheduled as (
    select
        schedule.season,
        schedule.round_number,
        schedule.race_code,
        schedule.race_name,
        schedule.circuit,
        schedule.race_date,
        schedule.race_type,
        schedule.overall_winner_laps,
        round_reschedules.round_number is not null as is_rescheduled,
        round_reschedules.original_race_date,
        round_reschedules.reschedule_reason,
        coalesce(round_reschedules.original_race_date, schedule.race_date) as calendar_date
    from schedule
    left join round_reschedules
        on
            schedule.season = round_reschedules.season
            and schedule.round_number = round_reschedules.round_number
),

rounds_ordered as (
    select
        *,
        row_number() over (partition by season order by race_date, round_number) as race_order
    from rounds_rescheduled
),

round_order_conflicts as (
    -- How many rounds of its season each round is dated out of order with, at its calendar date: a round moved
    -- after the final and not marked rescheduled conflicts with every round after it, each of those with it alone.
    select
        this_round.season,
        this_round.round_number,
        count(other_round.round_number) as conflicting_rounds
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
    group by this_round.season, this_round.round_number
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
        on
            rounds_ordered.season = round_order_conflicts.season
            and rounds_ordered.round_number = round_order_conflicts.round_number
)

select * from final
