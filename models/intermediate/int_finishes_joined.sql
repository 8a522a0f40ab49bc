-- What scoring needs of each reported result: its round, its team's standings name, the laps the distance rule
-- measures against, and its car's number for the season (int_cars_numbered, one row per season and car).
-- No round x car join to the entries: int_finishes_enriched adds the entry's chassis and engine for readers
-- that show them, so the scoring path never pays that join.
with

finishes as (
    select * from {{ ref('stg_finishes') }}
),

cars_numbered as (
    select * from {{ ref('int_cars_numbered') }}
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

finishes_joined as (
    select
        finishes.season,
        finishes.round_number,
        finishes.class_code,
        finishes.car_key,
        cars_numbered.car_number,
        team_aliases.team_name,
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
        schedule.race_name,
        schedule.race_type,
        schedule.overall_winner_laps,
        schedule.overall_winner_laps
        - class_winner_gaps.laps_behind_overall_winner as class_winner_laps,
        -- One key for identified cars and for a team's unidentified car alike.
        {{ result_key(
            'finishes.season', 'finishes.round_number', 'finishes.car_key', 'finishes.class_code',
            'team_aliases.team_name'
        ) }} as result_key
    from finishes
    inner join schedule
        on
            finishes.season = schedule.season
            and finishes.round_number = schedule.round_number
    inner join team_aliases
        on finishes.team_entered = team_aliases.team_alias
    left join cars_numbered
        on
            finishes.season = cars_numbered.season
            and finishes.car_key = cars_numbered.car_key
    left join class_winner_gaps
        on
            finishes.season = class_winner_gaps.season
            and finishes.round_number = class_winner_gaps.round_number
            and finishes.class_code = class_winner_gaps.class_code
)

select * from finishes_joined
