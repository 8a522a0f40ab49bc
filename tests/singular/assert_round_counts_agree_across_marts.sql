-- A count of rounds means one thing in every mart: dim_seasons and each fct_class_titles row give the same
-- rounds_on_calendar, rounds_cancelled, rounds_raced and rounds_still_to_race as dim_rounds' statuses, which add up
-- (on the calendar = cancelled + raced + still to race), and the same last_raced_round (a round number: the round
-- raced last, by date). Returns each mart row whose counts or last raced round differ from dim_rounds'.
with

rounds as (
    select * from {{ ref('dim_rounds') }}
),

seasons as (
    select * from {{ ref('dim_seasons') }}
),

class_titles as (
    select * from {{ ref('fct_class_titles') }}
),

statuses_counted as (
    select
        season,
        count(*) as rounds_on_calendar,
        count(case when round_status = 'cancelled' then 1 end) as rounds_cancelled,
        count(case when round_status = 'raced' then 1 end) as rounds_raced,
        count(case when round_status = 'scheduled' then 1 end) as rounds_still_to_race,
        max(case when round_status = 'raced' then race_order end) as last_race_order
    from rounds
    group by season
),

calendars as (
    select
        statuses_counted.season,
        statuses_counted.rounds_on_calendar,
        statuses_counted.rounds_cancelled,
        statuses_counted.rounds_raced,
        statuses_counted.rounds_still_to_race,
        rounds.round_number as last_raced_round
    from statuses_counted
    left join rounds
        on
            statuses_counted.season = rounds.season
            and statuses_counted.last_race_order = rounds.race_order
),

marts_counts as (
    select
        'dim_seasons' as mart,
        season,
        cast(null as {{ dbt.type_string() }}) as class_code,
        rounds_on_calendar,
        rounds_cancelled,
        rounds_raced,
        rounds_still_to_race,
        last_raced_round
    from seasons
    union all
    select
        'fct_class_titles' as mart,
        season,
        class_code,
        rounds_on_calendar,
        rounds_cancelled,
        rounds_raced,
        rounds_still_to_race,
        last_raced_round
    from class_titles
),

compared as (
    select
        marts_counts.*,
        coalesce(calendars.rounds_on_calendar, 0) as statuses_on_calendar,
        coalesce(calendars.rounds_cancelled, 0) as statuses_cancelled,
        coalesce(calendars.rounds_raced, 0) as statuses_raced,
        coalesce(calendars.rounds_still_to_race, 0) as statuses_still_to_race,
        calendars.last_raced_round as statuses_last_raced_round
    from marts_counts
    left join calendars
        on marts_counts.season = calendars.season
)

select *
from compared
where
    rounds_on_calendar != statuses_on_calendar
    or rounds_cancelled != statuses_cancelled
    or rounds_raced != statuses_raced
    or rounds_still_to_race != statuses_still_to_race
    or rounds_on_calendar != rounds_cancelled + rounds_raced + rounds_still_to_race
    or coalesce(last_raced_round, -1) != coalesce(statuses_last_raced_round, -1)
