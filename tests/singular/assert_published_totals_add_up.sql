-- Each published total is the sum of its row's round cells (a transcription check of seeds/expected). Returns
-- each published row whose total differs, with the sum of its cells.
with

published_team_standings as (
    select * from {{ ref('published_team_standings') }}
),

published_team_round_points as (
    select * from {{ ref('published_team_round_points') }}
),

round_cells_summed as (
    select
        season,
        class_code,
        team_name,
        sum(coalesce(points, 0)) as round_points_sum
    from published_team_round_points
    group by season, class_code, team_name
)

select
    published.season,
    published.class_code,
    published.team_name,
    published.total_points,
    round_cells_summed.round_points_sum
from published_team_standings as published
left join round_cells_summed
    on
        published.season = round_cells_summed.season
        and published.class_code = round_cells_summed.class_code
        and published.team_name = round_cells_summed.team_name
where published.total_points != coalesce(round_cells_summed.round_points_sum, 0)
