-- What each scenario's distance rule could check, per season and class: of the results that score officially,
-- how many it checked (laps or a bound known), struck, and could not test; and who is champion under it.
with

scenario_race_results as (
    select * from {{ ref('fct_scenario_race_results') }}
),

scenario_champions as (
    select * from {{ ref('int_scenario_champions') }}
),

scoring_scenarios as (
    select * from {{ ref('dim_scoring_scenarios') }}
),

distance_rule_outcomes as (
    select * from {{ ref('distance_rule_outcomes') }}
),

rule_outcomes as (
    select
        scenario.season,
        scenario.scenario_code,
        scenario.is_official_scenario,
        scenario.class_code,
        scenario.class_order,
        cast(count(*) as integer) as scoring_results,
        cast(count(case when outcomes.is_checked then 1 end) as integer) as checked_results,
        cast(count(case when outcomes.strikes_points then 1 end) as integer) as struck_results,
        cast(count(
            case when outcomes.strikes_points and scenario.laps is null then 1 end
        ) as integer) as known_short_results,
        cast(count(case when outcomes.is_untested then 1 end) as integer) as unknown_results
    from scenario_race_results as scenario
    inner join distance_rule_outcomes as outcomes
        on scenario.distance_rule_outcome = outcomes.distance_rule_outcome
    where scenario.official_points > 0
    group by
        scenario.season,
        scenario.scenario_code,
        scenario.is_official_scenario,
        scenario.class_code,
        scenario.class_order
),

final as (
    select
        outcomes.season,
        outcomes.scenario_code,
        scoring_scenarios.scenario_name,
        outcomes.is_official_scenario,
        outcomes.class_code,
        outcomes.class_order,
        scoring_scenarios.min_distance_fraction,
        scoring_scenarios.distance_basis,
        outcomes.scoring_results,
        outcomes.checked_results,
        outcomes.struck_results,
        outcomes.known_short_results,
        outcomes.unknown_results,
        case
            when scoring_scenarios.min_distance_fraction = 0 then 'no distance rule'
            else
                cast(outcomes.checked_results as {{ dbt.type_string() }}) || ' of '
                || cast(outcomes.scoring_results as {{ dbt.type_string() }}) || ' checked'
        end as checked_label,
        scenario_champions.champion_team_name,
        scenario_champions.champion_total_points,
        scenario_champions.is_title_shared,
        scenario_champions.official_champion_team_name,
        scenario_champions.is_champion_changed
    from rule_outcomes as outcomes
    inner join scoring_scenarios
        on outcomes.scenario_code = scoring_scenarios.scenario_code
    left join scenario_champions
        on
            outcomes.season = scenario_champions.season
            and outcomes.scenario_code = scenario_champions.scenario_code
            and outcomes.class_code = scenario_champions.class_code
)

select * from final
order by season, scenario_code, class_order
