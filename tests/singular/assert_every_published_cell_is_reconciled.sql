-- Classes with published tables only (seeds/expected): every published team appears in the reconciliation with
-- all its measures (each round of its season, total, position label, row order), and every computed team of
-- such a class appears in a published table. Returns the teams whose cells are incomplete.
with

reconciliation as (
    select * from {{ ref('fct_standings_reconciliation') }}
),

schedule as (
    select * from {{ ref('dim_rounds') }}
),

rounds_per_season as (
    select
        season,
        count(*) as rounds_on_calendar
    from schedule
    group by season
),

cells_per_team as (
    select
        season,
        class_code,
        team_name,
        count(*) as measures,
        count(case when measure = 'total_points' then published_value end) as published_totals
    from reconciliation
    group by season, class_code, team_name
)

select
    cells_per_team.season,
    cells_per_team.class_code,
    cells_per_team.team_name,
    cells_per_team.measures,
    cells_per_team.published_totals
from cells_per_team
inner join rounds_per_season
    on cells_per_team.season = rounds_per_season.season
where
    cells_per_team.measures != rounds_per_season.rounds_on_calendar + 3
    or cells_per_team.published_totals != 1
