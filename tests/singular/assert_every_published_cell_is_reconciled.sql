-- Every published team appears in the reconciliation with all its measures (each round, total,
-- position label, row order), and every computed team appears in a published table.
-- Returns the teams whose cells are incomplete.
select
    season,
    class_code,
    team_name,
    count(*) as measures,
    count(published_value) as published_non_blank
from {{ ref('fct_standings_reconciliation') }}
group by season, class_code, team_name
having
    count(*) != {{ var('standings_round_columns') + 3 }}
    or count(case when measure = 'total_points' then published_value end) != 1
