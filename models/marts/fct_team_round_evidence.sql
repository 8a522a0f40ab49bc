-- The evidence behind every scoring cell of the official team tables (season, round, class, team): what the
-- scoring car's class position rests on, and how many sources the row cites.
with

team_round_points as (
    select * from {{ ref('fct_team_round_points') }}
),

finishes_joined as (
    select * from {{ ref('int_finishes_joined') }}
),

final as (
    select
        team_rounds.season,
        team_rounds.scenario_code,
        team_rounds.round_number,
        finishes.race_name,
        team_rounds.class_code,
        team_rounds.class_order,
        team_rounds.team_name,
        team_rounds.car_number,
        team_rounds.class_position,
        team_rounds.points,
        finishes.evidence,
        finishes.evidence != 'published_points' as is_cross_checked,
        finishes.evidence = 'race_results' as rests_on_race_result,
        finishes.car_identification,
        -- Sources are listed in `source` separated by ' ; '.
        cast(
            (length(finishes.finish_source) - length(replace(finishes.finish_source, ' ; ', ''))) / 3 + 1
            as integer
        ) as source_count,
        finishes.finish_source as source  -- noqa: RF04
    from team_round_points as team_rounds
    inner join finishes_joined as finishes
        on team_rounds.result_key = finishes.result_key
)

select * from final
order by season, class_order, team_name, round_number
