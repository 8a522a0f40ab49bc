-- Every finish scored under every scoring scenario: the round's race type picks the scale,
-- the class position picks the points, and the scenario's distance rule may strike them.
-- is_official_scenario marks the season's own scenario (reference.seasons); the rest are what-ifs.
with

finishes_joined as (
    select * from {{ ref('int_finishes_joined') }}
),

scoring_scenarios as (
    select * from {{ ref('scoring_scenarios') }}
),

seasons as (
    select * from {{ ref('seasons') }}
),

scenario_scales as (
    select * from {{ ref('scenario_scales') }}
),

points_scales as (
    select * from {{ ref('points_scales') }}
),

distance_rule_outcomes as (
    select * from {{ ref('distance_rule_outcomes') }}
),

season_scenario_scales as (
    -- Each season's scenarios (every one, unless the var computed_scenarios names fewer; the season's official one
    -- always) and the scale each gives each race type: a few rows, joined to the finishes by season and race type.
    select
        seasons.season,
        scoring_scenarios.scenario_code,
        scoring_scenarios.scenario_code = seasons.official_scenario_code as is_official_scenario,
        scoring_scenarios.min_distance_fraction,
        scoring_scenarios.distance_basis,
        scenario_scales.race_type,
        scenario_scales.scale_code
    from seasons
    cross join scoring_scenarios
    inner join scenario_scales
        on scoring_scenarios.scenario_code = scenario_scales.scenario_code
    where {{ scenario_is_computed(
        'scoring_scenarios.scenario_code', 'scoring_scenarios.scenario_code = seasons.official_scenario_code'
    ) }}
),

finishes_with_scenario as (
    select
        season_scales.scenario_code,
        season_scales.is_official_scenario,
        season_scales.min_distance_fraction,
        season_scales.scale_code,
        finishes_joined.*,
        case season_scales.distance_basis
            when 'class_winner' then finishes_joined.class_winner_laps
            else finishes_joined.overall_winner_laps
        end as distance_basis_laps
    from finishes_joined
    inner join season_scenario_scales as season_scales
        on
            finishes_joined.season = season_scales.season
            and finishes_joined.race_type = season_scales.race_type
),

distance_rule_checked as (
    -- A result is tested against the threshold by its laps; where no source gives them, by an upper bound a
    -- source does give (a car out on the first lap ran at most 1 lap). Untestable results keep their points.
    select
        *,
        case
            when min_distance_fraction = 0 then 'not_applied'
            when distance_basis_laps is null then 'basis_unknown'
            when laps >= min_distance_fraction * distance_basis_laps then 'met'
            when laps is not null then 'struck'
            when laps_at_most < min_distance_fraction * distance_basis_laps then 'known_short'
            else 'laps_unknown'
        end as distance_rule_outcome
    from finishes_with_scenario
),

finishes_scored as (
    select
        checked_finishes.scenario_code,
        checked_finishes.is_official_scenario,
        checked_finishes.result_key,
        checked_finishes.season,
        checked_finishes.round_number,
        checked_finishes.race_type,
        checked_finishes.class_code,
        checked_finishes.class_order,
        checked_finishes.team_name,
        checked_finishes.car_key,
        checked_finishes.car_number,
        checked_finishes.class_position,
        checked_finishes.laps,
        checked_finishes.laps_at_most,
        checked_finishes.distance_basis_laps,
        checked_finishes.distance_rule_outcome,
        checked_finishes.class_position is not null
        and not outcomes.strikes_points as is_points_eligible,
        case
            when checked_finishes.class_position is not null and not outcomes.strikes_points
                then coalesce(points_scales.points, 0)
            else 0
        end as points
    from distance_rule_checked as checked_finishes
    inner join distance_rule_outcomes as outcomes
        on checked_finishes.distance_rule_outcome = outcomes.distance_rule_outcome
    left join points_scales
        on
            checked_finishes.scale_code = points_scales.scale_code
            and checked_finishes.class_position = points_scales.class_position
)

select * from finishes_scored
