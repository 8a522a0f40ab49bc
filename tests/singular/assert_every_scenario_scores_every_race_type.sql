-- Every scoring scenario names a points scale for every race type (reference.scenario_scales): a scenario added
-- without one would silently score nothing at those rounds. Returns each scenario and race type with no scale.
with

scoring_scenarios as (
    select * from {{ ref('scoring_scenarios') }}
),

race_types as (
    select * from {{ ref('race_types') }}
),

scenario_scales as (
    select * from {{ ref('scenario_scales') }}
)

select
    scoring_scenarios.scenario_code,
    race_types.race_type
from scoring_scenarios
cross join race_types
left join scenario_scales
    on
        scoring_scenarios.scenario_code = scenario_scales.scenario_code
        and race_types.race_type = scenario_scales.race_type
where scenario_scales.scale_code is null
