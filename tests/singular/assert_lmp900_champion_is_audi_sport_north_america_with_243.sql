-- Headline (2002): Audi Sport North America is the LMP900 teams' champion with 243 points, computed from the finishes.
-- Returns the LMP900 championship leader when it is not Audi Sport North America on 243, or nothing at all.
with

leader as (
    select
        team_name,
        total_points
    from {{ ref('fct_team_standings') }}
    where season = 2002 and class_code = 'LMP900' and display_order = 1
)

select
    'leader' as subject,
    team_name,
    total_points
from leader
where team_name != 'Audi Sport North America' or total_points != 243
union all
select
    'no leader' as subject,
    null as team_name,
    null as total_points
where not exists (select 1 from leader)
