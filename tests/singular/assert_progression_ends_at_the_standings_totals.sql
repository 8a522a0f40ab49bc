-- After a season's last race (in the order races were run), each team's cumulative points in the championship
-- progression are its total in the standings (official scoring). Returns each team whose progression ends
-- elsewhere, with both figures.
with

championship_progression as (
    select * from {{ ref('fct_championship_progression') }}
),

team_standings as (
    select * from {{ ref('fct_team_standings') }}
),

last_races as (
    select
        season,
        max(race_order) as race_order
    from championship_progression
    group by season
),

progression_ends as (
    select championship_progression.*
    from championship_progression
    inner join last_races
        on
            championship_progression.season = last_races.season
            and championship_progression.race_order = last_races.race_order
)

select
    team_standings.season,
    team_standings.class_code,
    team_standings.team_name,
    team_standings.total_points,
    progression_ends.cumulative_points
from team_standings
left join progression_ends
    on
        team_standings.season = progression_ends.season
        and team_standings.class_code = progression_ends.class_code
        and team_standings.team_name = progression_ends.team_name
where
    progression_ends.cumulative_points is null
    or progression_ends.cumulative_points != team_standings.total_points
