with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
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
        results.race_name,
        results.race_type,
        results.class_code,
        results.car_key,
        results.car_number,
        results.team_name,
        results.chassis,
        results.class_position,
        results.laps,
        results.finish_status,
        results.status_detail,
        results.distance_rule_outcome,
        results.is_points_eligible,
        cast(results.points as integer) as points,
        coalesce(team_rounds.result_key is not null and results.points > 0, false) as is_team_scoring_result,
        results.evidence,
        results.car_identification,
        results.finish_note,
        -- The BI interface names this column `source`, a keyword in some dialects.
        results.finish_source as source  -- noqa: RF04
    from selected_scenario_results as results
    left join team_rounds_scored as team_rounds
        on
            results.scenario_code = team_rounds.scenario_code
            and results.result_key = team_rounds.result_key
)

select * from final
