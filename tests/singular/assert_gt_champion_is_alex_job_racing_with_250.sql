-- Headline (2002): Alex Job Racing is the GT teams' champion with 250 points, computed from the finishes.
-- Returns the GT championship leader when it is not Alex Job Racing on 250, or nothing at all.
with

leader as (
    select
        team_name,
        total_points
    from {{ ref('fct_team_standings') }}
    where season = 2002 and class_code = 'GT' and display_order = 1
)

select
    'leader' as subject,
    team_name,
    total_points
from leader
where team_name != 'Alex Job Racing' or total_points != 250
union all
select
    'no leader' as subject,
    null as team_name,
    null as total_points
where not exists (select 1 from leader)
