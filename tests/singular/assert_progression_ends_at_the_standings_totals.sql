-- After a season's last raced round, each team's cumulative points in the championship progression are its total
-- in the standings (official scoring). Returns each team whose progression ends elsewhere, with both figures.
with

championship_progression as (
    select * from {{ ref('fct_championship_progression') }}
),

team_standings as (
    select * from {{ ref('fct_team_standings') }}
),

last_rounds as (
    select
        season,
        max(round_number) as round_number
    from championship_progression
    group by season
),

progression_ends as (
    select championship_progression.*
    from championship_progression
    inner join last_rounds
        on
            championship_progression.season = last_rounds.season
            and championship_progression.round_number = last_rounds.round_number
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
where progression_ends.cumulative_points is null or progression_ends.cumulative_points != team_standings.total_points
