-- The teams' championships round by round, under each season's official scoring scenario (reference.seasons):
-- points, running total, position after the round (ties shared), gap to the leader, and whether the title was
-- mathematically decided (the leader's margin over every rival exceeds the points still available to win).
-- Only rounds with results have rows, in the order the races were run (race_order, by date: a round rescheduled
-- after the final is raced last, though it keeps its number); the points of rounds still to be raced count as
-- still available.
with

team_rounds_scored as (
    select * from {{ ref('int_team_rounds_scored') }}
),

team_standings_ranked as (
    select * from {{ ref('int_team_standings_ranked') }}
),

rounds_statused as (
    select * from {{ ref('int_rounds_statused') }}
),

championship_teams as (
    select
        season,
        scenario_code,
        class_code,
        class_order,
        team_name
    from team_standings_ranked
    where is_official_scenario
),

rounds_with_points_remaining as (
    -- After a race, a team can still win the top points of every round not raced yet: the rounds run after it (a
    -- round rescheduled after the final included), and any round before it still to be raced (postponed, or its
    -- results not entered yet).
    select
        season,
        round_number,
        race_order,
        has_results,
        coalesce(sum(most_points_available) over (
            partition by season
            order by race_order rows between 1 following and unbounded following
        ), 0)
        + coalesce(sum(case when not has_results then most_points_available else 0 end) over (
            partition by season
            order by race_order rows between unbounded preceding and 1 preceding
        ), 0) as points_still_available
    from rounds_statused
),

team_round_grid as (
    select
        championship_teams.season,
        championship_teams.scenario_code,
        championship_teams.class_code,
        championship_teams.class_order,
        championship_teams.team_name,
        rounds_with_points_remaining.round_number,
        rounds_with_points_remaining.race_order,
        rounds_with_points_remaining.points_still_available,
        coalesce(team_rounds.points, 0) as round_points
    from championship_teams
    inner join rounds_with_points_remaining
        on
            championship_teams.season = rounds_with_points_remaining.season
            and rounds_with_points_remaining.has_results
    left join team_rounds_scored as team_rounds
        on
            championship_teams.season = team_rounds.season
            and championship_teams.class_code = team_rounds.class_code
            and championship_teams.team_name = team_rounds.team_name
            and rounds_with_points_remaining.round_number = team_rounds.round_number
            and team_rounds.is_official_scenario
),

points_accumulated as (
    select
        *,
        sum(round_points) over (
            partition by season, class_code, team_name
            order by race_order rows between unbounded preceding and current row
        ) as cumulative_points
    from team_round_grid
),

positions_after_round as (
    select
        *,
        rank() over (
            partition by season, class_code, round_number order by cumulative_points desc
        ) as position_after_round,
        max(cumulative_points) over (partition by season, class_code, round_number) as leader_points,
        count(*) over (partition by season, class_code, round_number, cumulative_points) as teams_on_same_points
    from points_accumulated
),

leaders_margin as (
    select
        season,
        class_code,
        round_number,
        max(leader_points) - max(case when position_after_round > 1 then cumulative_points else 0 end)
            as leader_margin,
        max(case when position_after_round = 1 then teams_on_same_points end) as teams_sharing_lead,
        max(points_still_available) as points_still_available
    from positions_after_round
    group by season, class_code, round_number
),

title_decisions as (
    select
        season,
        class_code,
        round_number,
        teams_sharing_lead = 1 and leader_margin > points_still_available as is_title_decided
    from leaders_margin
),

final as (
    select
        positions.season,
        positions.scenario_code,
        positions.class_code,
        positions.class_order,
        positions.team_name,
        positions.round_number,
        cast(positions.race_order as integer) as race_order,
        cast(positions.round_points as {{ var('points_data_type') }}) as round_points,
        cast(positions.cumulative_points as {{ var('points_data_type') }}) as cumulative_points,
        cast(positions.position_after_round as integer) as position_after_round,
        {{ shared_position_label(
            'positions.position_after_round',
            ['positions.season', 'positions.class_code', 'positions.round_number']
        ) }} as position_label,
        cast(positions.leader_points - positions.cumulative_points as {{ var('points_data_type') }}) as gap_to_leader,
        cast(positions.points_still_available as {{ var('points_data_type') }}) as points_still_available,
        decisions.is_title_decided,
        decisions.is_title_decided and positions.position_after_round = 1 as is_champion_decided
    from positions_after_round as positions
    inner join title_decisions as decisions
        on
            positions.season = decisions.season
            and positions.class_code = decisions.class_code
            and positions.round_number = decisions.round_number
)

select * from final
order by season, class_order, race_order, position_after_round, team_name
