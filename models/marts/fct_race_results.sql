with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

finishes_enriched as (
    select * from {{ ref('int_finishes_enriched') }}
),

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

selected_scenario_results as (
    select * from finishes_scored
    where scenario_code = '{{ var("scoring_scenario") }}'
),

final as (
    select
        results.result_key,
        results.season,
        results.round_number,
        finishes.race_name,
        results.race_type,
        results.class_code,
        results.car_key,
        results.car_number,
        results.team_name,
        finishes.chassis,
        results.class_position,
        results.laps,
        finishes.finish_status,
        finishes.status_detail,
        results.distance_rule_outcome,
        results.is_points_eligible,
        cast(results.points as integer) as points,
        team_rounds.result_key is not null as is_team_scoring_result,
        finishes.evidence,
        finishes.car_identification,
        finishes.finish_note,
        -- The BI interface names this column `source`, a keyword in some dialects.
        finishes.finish_source as source  -- noqa: RF04
    from selected_scenario_results as results
    inner join finishes_enriched as finishes
        on results.result_key = finishes.result_key
    left join team_rounds_scored as team_rounds
        on
            results.scenario_code = team_rounds.scenario_code
            and results.result_key = team_rounds.result_key
)

select * from final
