-- Bonus eligibility and the unchecked-bonus estimate, per driver credited with a result in a round and class.
-- A sourced bonus (driver_bonus_points) counts where the season's rules (driver_bonus_rules) award that kind of
-- bonus, once per driver, round and class. A bonus the rules award that no source settles is counted as unchecked
-- for every driver it could belong to: the class's pole when no source names the class's fastest qualifier, and the
-- most-laps point of the driver's car when no source names that car's most-laps driver (a most-laps row settles the
-- car its driver is credited with in that class). The driver has at most that many more points.
with

driver_rounds_scored as (
    select * from {{ ref('int_driver_rounds_scored') }}
),

driver_bonus_points as (
    select * from {{ ref('stg_driver_bonus_points') }}
),

driver_bonus_rules as (
    select * from {{ ref('driver_bonus_rules') }}
),

bonuses_the_rules_award as (
    select
        driver_bonus_points.season,
        driver_bonus_points.round_number,
        driver_bonus_points.class_code,
        driver_bonus_points.driver_name,
        driver_bonus_points.bonus_kind,
        driver_bonus_points.bonus_points,
        driver_bonus_points.bonus_basis,
        driver_bonus_points.bonus_source
    from driver_bonus_points
    inner join driver_bonus_rules
        on
            driver_bonus_points.season = driver_bonus_rules.season
            and driver_bonus_points.bonus_kind = driver_bonus_rules.bonus_kind
),

bonuses_by_driver_round as (
    select
        season,
        round_number,
        class_code,
        driver_name,
        sum(case when bonus_kind = 'pole' then bonus_points else 0 end) as pole_bonus_points,
        sum(case when bonus_kind = 'most_laps' then bonus_points else 0 end) as most_laps_bonus_points,
        sum(case when bonus_basis = 'derived' then bonus_points else 0 end) as derived_bonus_points,
        {{ sorted_listagg('bonus_source', "' ; '") }} as bonus_source
    from bonuses_the_rules_award
    group by season, round_number, class_code, driver_name
),

class_rounds_with_sourced_pole as (
    -- A pole a source gives settles the class's pole for everyone, whether or not its driver is credited here.
    select distinct
        season,
        round_number,
        class_code
    from bonuses_the_rules_award
    where bonus_kind = 'pole'
),

car_rounds_with_sourced_most_laps as (
    select distinct
        driver_rounds.season,
        driver_rounds.round_number,
        driver_rounds.car_key
    from bonuses_the_rules_award as bonuses
    inner join driver_rounds_scored as driver_rounds
        on
            bonuses.season = driver_rounds.season
            and bonuses.round_number = driver_rounds.round_number
            and bonuses.class_code = driver_rounds.class_code
            and bonuses.driver_name = driver_rounds.driver_name
    where bonuses.bonus_kind = 'most_laps'
),

pole_rules as (
    select
        season,
        points
    from driver_bonus_rules
    where bonus_kind = 'pole'
),

most_laps_rules as (
    select
        season,
        points
    from driver_bonus_rules
    where bonus_kind = 'most_laps'
),

final as (
    select
        driver_rounds.season,
        driver_rounds.scenario_code,
        driver_rounds.round_number,
        driver_rounds.class_code,
        driver_rounds.class_order,
        driver_rounds.driver_name,
        driver_rounds.car_key,
        driver_rounds.car_number,
        driver_rounds.team_name,
        driver_rounds.class_position,
        driver_rounds.finishing_points,
        coalesce(bonuses.pole_bonus_points, 0) as pole_bonus_points,
        coalesce(bonuses.most_laps_bonus_points, 0) as most_laps_bonus_points,
        coalesce(bonuses.derived_bonus_points, 0) as derived_bonus_points,
        case
            when sourced_poles.class_code is null then coalesce(pole_rules.points, 0) else 0
        end
        + case
            when sourced_most_laps.car_key is null then coalesce(most_laps_rules.points, 0) else 0
        end as unchecked_bonus_points,
        bonuses.bonus_source
    from driver_rounds_scored as driver_rounds
    left join bonuses_by_driver_round as bonuses
        on
            driver_rounds.season = bonuses.season
            and driver_rounds.round_number = bonuses.round_number
            and driver_rounds.class_code = bonuses.class_code
            and driver_rounds.driver_name = bonuses.driver_name
    left join pole_rules
        on driver_rounds.season = pole_rules.season
    left join most_laps_rules
        on driver_rounds.season = most_laps_rules.season
    left join class_rounds_with_sourced_pole as sourced_poles
        on
            driver_rounds.season = sourced_poles.season
            and driver_rounds.round_number = sourced_poles.round_number
            and driver_rounds.class_code = sourced_poles.class_code
    left join car_rounds_with_sourced_most_laps as sourced_most_laps
        on
            driver_rounds.season = sourced_most_laps.season
            and driver_rounds.round_number = sourced_most_laps.round_number
            and driver_rounds.car_key = sourced_most_laps.car_key
)

select * from final
