-- Headline (2002): Corvette Racing is the GTS teams' champion with 254 points, computed from the finishes.
-- Returns the GTS championship leader when it is not Corvette Racing on 254, or nothing at all.
with

leader as (
    select
        team_name,
        total_points
    from {{ ref('fct_team_standings') }}
    where season = 2002 and class_code = 'GTS' and display_order = 1
)

select
    'leader' as subject,
    team_name,
    total_points
from leader
where team_name != 'Corvette Racing' or total_points != 254
union all
select
    'no leader' as subject,
    null as team_name,
    null as total_points
where not exists (select 1 from leader)
