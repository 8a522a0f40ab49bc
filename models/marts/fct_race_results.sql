-- Each season's official scoring scenario only (reference.seasons); what-ifs are in fct_scenario_race_results.
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

finishes_joined as (
    select * from {{ ref('int_finishes_joined') }}
),

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

entries as (
    select * from {{ ref('stg_entries') }}
),

official_results as (
    select * from finishes_scored
    where is_official_scenario
),

final as (
    select
        results.result_key,
        results.season,
        results.scenario_code,
        results.round_number,
        finishes.race_name,
        results.race_type,
        results.class_code,
        results.class_order,
        results.car_key,
        results.car_number,
        results.team_name,
        entries.chassis,
        results.class_position,
        results.laps,
        results.laps_at_most,
        finishes.finish_status,
        finishes.status_detail,
        results.distance_rule_outcome,
        results.is_points_eligible,
        cast(results.points as {{ var('points_data_type') }}) as points,
        team_rounds.team_name is not null as is_team_scoring_result,
        finishes.evidence,
        finishes.car_identification,
        finishes.finish_note,
        -- The BI interface names this column `source`, a keyword in some dialects.
        finishes.finish_source as source  -- noqa: RF04
    from official_results as results
    inner join finishes_joined as finishes
        on results.result_key = finishes.result_key
    -- The car's entry that round, for its chassis (none for an unidentified car).
    left join entries
        on
            results.season = entries.season
            and results.round_number = entries.round_number
            and results.car_key = entries.car_key
    left join team_rounds_scored as team_rounds
        on
            results.scenario_code = team_rounds.scenario_code
            and results.season = team_rounds.season
            and results.round_number = team_rounds.round_number
            and results.class_code = team_rounds.class_code
            and results.team_name = team_rounds.team_name
            -- The scoring car; a team's unidentified car has no key (at most one a class and round: result_key).
            and results.car_key is not distinct from team_rounds.car_key
)

select * from final
order by season, round_number, class_order, class_position nulls last, team_name, result_key
