-- Every published team appears in the reconciliation with all 13 measures (10 rounds, total,
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
having count(*) != 13 or count(case when measure = 'total_points' then published_value end) != 1
