-- Each class's title fight in a season, under the season's official scoring scenario: the season's rounds counted
-- (as in dim_seasons), who leads after the last race run (the champion once every round not cancelled has results),
-- by how much over the runner-up, and after which race, in the order they were run, no rival could catch them.
with

championship_progression as (
    select * from {{ ref('fct_championship_progression') }}
),

scenario_class_summary as (
    select * from {{ ref('fct_scenario_class_summary') }}
),

rounds as (
    select * from {{ ref('dim_rounds') }}
),

team_standings as (
    select * from {{ ref('fct_team_standings') }}
),

calendars as (
    -- The season's rounds counted, as in dim_seasons (a test checks both against dim_rounds).
    select
        season,
        count(*) as rounds_on_calendar,
        count(case when round_status = 'cancelled' then 1 end) as rounds_cancelled,
        count(case when round_status = 'raced' then 1 end) as rounds_raced,
        count(case when round_status = 'scheduled' then 1 end) as rounds_still_to_race,
        max(case when round_status = 'raced' then race_order end) as last_race_order
    from rounds
    group by season
),

last_races as (
    -- The round raced last, by date (a rescheduled round raced after the final is the last raced).
    select
        calendars.season,
        rounds.round_number as last_raced_round
    from calendars
    inner join rounds
        on
            calendars.season = rounds.season
            and calendars.last_race_order = rounds.race_order
),

leaders_and_runners_up as (
    -- The leaders are the teams first in the table (after the scenario's tie-break); the runners-up, the teams in
    -- the best place behind them.
    select
        season,
        scenario_code,
        class_code,
        class_order,
        {{ sorted_listagg("case when championship_position = 1 then team_name end", "' and '") }}
            as leader_team_name,
        max(case when championship_position = 1 then total_points end) as leader_points,
        min(case when championship_position > 1 then championship_position end) as runner_up_position,
        count(*) as teams_scoring
    from team_standings
    group by season, scenario_code, class_code, class_order
),

runners_up as (
    select
        standings.season,
        standings.class_code,
        {{ sorted_listagg("standings.team_name", "' and '") }} as runner_up_team_name,
        max(standings.total_points) as runner_up_points
    from team_standings as standings
    inner join leaders_and_runners_up as leaders
        on
            standings.season = leaders.season
            and standings.class_code = leaders.class_code
            and standings.championship_position = leaders.runner_up_position
    group by standings.season, standings.class_code
),

first_decided_races as (
    -- The title is decided after the first race, in the order races were run, after which no rival could catch
    -- the leader.
    select
        season,
        class_code,
        min(race_order) as decided_race_order
    from championship_progression
    where is_title_decided
    group by season, class_code
),

title_decisions as (
    select
        first_decided_races.season,
        first_decided_races.class_code,
        first_decided_races.decided_race_order,
        rounds.round_number as decided_after_round,
        rounds.race_name as decided_at_race_name
    from first_decided_races
    inner join rounds
        on
            first_decided_races.season = rounds.season
            and first_decided_races.decided_race_order = rounds.race_order
),

rounds_left_when_decided as (
    -- The rounds not cancelled that were still to race when the title was decided: those run after the deciding
    -- race (a rescheduled round raced after the final included), and any earlier one still without results.
    select
        title_decisions.season,
        title_decisions.class_code,
        count(rounds.round_number) as rounds_to_spare
    from title_decisions
    left join rounds
        on
            title_decisions.season = rounds.season
            and rounds.round_status != 'cancelled'
            and (
                title_decisions.decided_race_order < rounds.race_order
                or rounds.round_status = 'scheduled'
            )
    group by title_decisions.season, title_decisions.class_code
),

official_champions as (
    select
        season,
        class_code,
        champion_team_name,
        champion_total_points,
        is_title_shared
    from scenario_class_summary
    where is_official_scenario
),

final as (
    select
        leaders.season,
        leaders.scenario_code,
        leaders.class_code,
        leaders.class_order,
        cast(calendars.rounds_on_calendar as integer) as rounds_on_calendar,
        cast(calendars.rounds_cancelled as integer) as rounds_cancelled,
        cast(calendars.rounds_raced as integer) as rounds_raced,
        cast(calendars.rounds_still_to_race as integer) as rounds_still_to_race,
        cast(last_races.last_raced_round as integer) as last_raced_round,
        calendars.rounds_still_to_race = 0 as is_season_complete,
        leaders.leader_team_name,
        cast(leaders.leader_points as {{ var('points_data_type') }}) as leader_points,
        official_champions.champion_team_name,
        official_champions.champion_total_points,
        coalesce(official_champions.is_title_shared, false) as is_title_shared,
        runners_up.runner_up_team_name,
        cast(runners_up.runner_up_points as {{ var('points_data_type') }}) as runner_up_points,
        cast(
            leaders.leader_points - coalesce(runners_up.runner_up_points, 0) as {{ var('points_data_type') }}
        ) as margin_points,
        cast(title_decisions.decided_after_round as integer) as decided_after_round,
        title_decisions.decided_at_race_name,
        cast(rounds_left_when_decided.rounds_to_spare as integer) as rounds_to_spare,
        cast(leaders.teams_scoring as integer) as teams_scoring
    from leaders_and_runners_up as leaders
    inner join calendars
        on leaders.season = calendars.season
    left join last_races
        on leaders.season = last_races.season
    left join official_champions
        on
            leaders.season = official_champions.season
            and leaders.class_code = official_champions.class_code
    left join runners_up
        on
            leaders.season = runners_up.season
            and leaders.class_code = runners_up.class_code
    left join title_decisions
        on
            leaders.season = title_decisions.season
            and leaders.class_code = title_decisions.class_code
    left join rounds_left_when_decided
        on
            title_decisions.season = rounds_left_when_decided.season
            and title_decisions.class_code = rounds_left_when_decided.class_code
)

select * from final
order by season, class_order
