-- Within a season, rounds are raced in round order: a later round is not dated before an earlier one. The one
-- exception is a round marked rescheduled (seeds/raw/round_reschedules.csv): it keeps its number and may be raced
-- on any day, even after the final; it is checked at the day first announced. Returns the round that breaks the
-- order (int_rounds_dated.breaks_round_order: the round out of order with the most others, not its neighbour),
-- the neighbour it conflicts with, and what to do.
with

rounds as (
    select * from {{ ref('int_rounds_dated') }}
),

rounds_with_neighbours as (
    select
        season,
        round_number,
        race_name,
        race_date,
        calendar_date,
        is_rescheduled,
        breaks_round_order,
        lag(round_number) over (partition by season order by round_number) as previous_round,
        lag(calendar_date) over (partition by season order by round_number) as previous_round_date,
        lead(round_number) over (partition by season order by round_number) as next_round,
        lead(calendar_date) over (partition by season order by round_number) as next_round_date
    from rounds
),

conflicts_described as (
    select
        season,
        round_number,
        race_name,
        race_date,
        case
            when calendar_date > next_round_date
                then
                    'dated after round ' || cast(next_round as {{ dbt.type_string() }})
                    || ' (' || cast(next_round_date as {{ dbt.type_string() }}) || ')'
            when calendar_date < previous_round_date
                then
                    'dated before round ' || cast(previous_round as {{ dbt.type_string() }})
                    || ' (' || cast(previous_round_date as {{ dbt.type_string() }}) || ')'
            else 'dated out of order with rounds further away'
        end as date_conflict,
        case
            when is_rescheduled
                then
                    'it is rescheduled: correct its original_date in seeds/raw/round_reschedules.csv (the day first '
                    || 'announced, in round order)'
            else
                'if it was rescheduled, keep its number and add a row to seeds/raw/round_reschedules.csv (its '
                || 'original date, this new date and the source); otherwise correct its race_date or round_number '
                || 'in seeds/raw/schedule.csv'
        end as what_to_do
    from rounds_with_neighbours
    where breaks_round_order
)

select * from conflicts_described
