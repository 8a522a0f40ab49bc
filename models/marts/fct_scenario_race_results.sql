-- Every result under every scoring scenario beside its points in the season's official one (reference.seasons):
-- which results a rule strikes (distance_rule_outcome = 'struck') and what each scenario pays.
with

finishes_scored as (
    select * from {{ ref('int_finishes_scored') }}
),

official_results as (
    select
        result_key,
        points as official_points
    from finishes_scored
    where is_official_scenario
),

final as (
    select
        scenario.season,
        scenario.scenario_code,
        scenario.is_official_scenario,
        scenario.result_key,
        scenario.round_number,
        scenario.class_code,
        scenario.class_order,
        scenario.team_name,
        scenario.car_number,
        scenario.class_position,
        scenario.laps,
        scenario.laps_at_most,
        scenario.distance_basis_laps,
        scenario.distance_rule_outcome,
        scenario.is_points_eligible,
        cast(scenario.points as {{ var('points_data_type') }}) as points,
        cast(official_results.official_points as {{ var('points_data_type') }}) as official_points,
        cast(scenario.points - official_results.official_points as {{ var('points_data_type') }}) as points_change
    from finishes_scored as scenario
    inner join official_results
        on scenario.result_key = official_results.result_key
)

select * from final
order by season, scenario_code, round_number, class_order, class_position nulls last, result_key
