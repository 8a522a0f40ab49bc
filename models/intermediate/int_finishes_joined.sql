-- Each reported result with what scoring and readers need of it: its round (race name and type, the laps the
-- distance rule measures against), its class's display order, its team's standings name, and its car's entry
-- that round (number, chassis).
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
        entries.car_number,
        team_aliases.team_name,
        entries.chassis,
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
    left join entries
        on
            finishes.season = entries.season
            and finishes.round_number = entries.round_number
            and finishes.car_key = entries.car_key
    left join class_winner_gaps
        on
            finishes.season = class_winner_gaps.season
            and finishes.round_number = class_winner_gaps.round_number
            and finishes.class_code = class_winner_gaps.class_code
)

select * from finishes_joined
