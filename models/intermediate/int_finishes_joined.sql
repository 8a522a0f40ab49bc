-- Each reported result with what scoring and readers need of it: its round (race name and type, the laps the
-- distance rule measures against), its class's display order, its team's standings name, and its car's race number.
with

finishes as (
    select * from {{ ref('stg_finishes') }}
),

entries as (
    select * from {{ ref('stg_entries') }}
),

schedule as (
    select * from {{ ref('stg_schedule') }}
),

class_winner_gaps as (
    select * from {{ ref('stg_class_winner_gaps') }}
),

team_aliases as (
    select * from {{ ref('stg_team_aliases') }}
),

classes as (
    select * from {{ ref('classes') }}
),

car_numbers as (
    -- Each car's race number a season. A car keeps one number a season (assert_cars_keep_one_number_a_season) and
    -- every identified result has its car's entry that round (the finishes seed's relationship to entries), so
    -- the number is looked up by season and car: one row per car, not one per round it entered.
    select
        season,
        car_key,
        max(car_number) as car_number
    from entries
    group by season, car_key
),

finishes_joined as (
    select
        {{ result_key(
            'finishes.season', 'finishes.round_number', 'finishes.car_key', 'finishes.class_code',
            'team_aliases.team_name'
        ) }} as result_key,
        finishes.season,
        finishes.round_number,
        finishes.class_code,
        classes.class_order,
        finishes.car_key,
        car_numbers.car_number,
        team_aliases.team_name,
        finishes.class_position,
        finishes.laps,
        finishes.laps_at_most,
        finishes.finish_status,
        finishes.status_detail,
        finishes.evidence,
        finishes.car_identification,
        finishes.finish_note,
        finishes.finish_source,
        schedule.race_name,
        schedule.race_type,
        schedule.overall_winner_laps,
        schedule.overall_winner_laps
        - class_winner_gaps.laps_behind_overall_winner as class_winner_laps
    from finishes
    inner join schedule
        on
            finishes.season = schedule.season
            and finishes.round_number = schedule.round_number
    inner join team_aliases
        on finishes.team_entered = team_aliases.team_alias
    inner join classes
        on finishes.class_code = classes.class_code
    left join car_numbers
        on
            finishes.season = car_numbers.season
            and finishes.car_key = car_numbers.car_key
    left join class_winner_gaps
        on
            finishes.season = class_winner_gaps.season
            and finishes.round_number = class_winner_gaps.round_number
            and finishes.class_code = class_winner_gaps.class_code
)

select * from finishes_joined
