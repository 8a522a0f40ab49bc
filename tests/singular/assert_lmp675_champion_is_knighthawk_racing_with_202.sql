-- Headline (2002): KnightHawk Racing is the LMP675 teams' champion with 202 points, computed from the finishes.
-- Returns the LMP675 championship leader when it is not KnightHawk Racing on 202, or nothing at all.
with

leader as (
    select
        team_name,
        total_points
    from {{ ref('fct_team_standings') }}
    where season = 2002 and class_code = 'LMP675' and display_order = 1
)

select
    'leader' as subject,
    team_name,
    total_points
from leader
where team_name != 'KnightHawk Racing' or total_points != 202
union all
select
    'no leader' as subject,
    null as team_name,
    null as total_points
where not exists (select 1 from leader)
