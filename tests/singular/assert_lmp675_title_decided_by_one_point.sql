-- Headline: KnightHawk Racing (202) beat Intersport Racing (201) to the LMP675 title by one point.
-- Returns the top two of LMP675 when they are not KnightHawk 202 and Intersport 201.
select
    display_order,
    team_name,
    total_points
from {{ ref('fct_team_standings') }}
where
    season = 2002
    and class_code = 'LMP675'
    and display_order <= 2
    and not (
        (display_order = 1 and team_name = 'KnightHawk Racing' and total_points = 202)
        or (display_order = 2 and team_name = 'Intersport Racing' and total_points = 201)
    )
