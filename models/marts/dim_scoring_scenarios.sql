-- The scoring scenarios: the official rules of each season and the what-ifs, each as a row of rules, and whether
-- this build computed it (the var computed_scenarios can leave what-ifs out; official ones are always computed).
with

scoring_scenarios as (
    select * from {{ ref('scoring_scenarios') }}
),

seasons as (
    select * from {{ ref('seasons') }}
),

official_for as (
    select
        official_scenario_code as scenario_code,
        {{ sorted_listagg("cast(season as " ~ dbt.type_string() ~ ")", "', '") }} as official_for_seasons
    from seasons
    group by official_scenario_code
),

final as (
    select
        scoring_scenarios.scenario_code,
        scoring_scenarios.scenario_name,
        scoring_scenarios.min_distance_fraction,
        scoring_scenarios.distance_basis,
        scoring_scenarios.tie_break,
        official_for.official_for_seasons,
        {{ scenario_is_computed('scoring_scenarios.scenario_code', 'official_for.scenario_code is not null') }}
            as is_computed,
        scoring_scenarios.description,
        scoring_scenarios.source
    from scoring_scenarios
    left join official_for
        on scoring_scenarios.scenario_code = official_for.scenario_code
)

select * from final
order by scenario_code
