-- The wide fct_team_standings has one column per round up to the var standings_round_columns. Returns each season
-- with more rounds: raise the var in dbt_project.yml and add the columns to models/marts/fct_team_standings.yml
-- (fct_team_round_points, the long table, holds every round whatever its number).
select
    season,
    max(round_number) as last_round,
    {{ var('standings_round_columns') }} as round_columns
from {{ ref('dim_rounds') }}
group by season
having max(round_number) > {{ var('standings_round_columns') }}
