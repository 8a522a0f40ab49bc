-- No two results share a class position in a round, unless a reviewed known exception lists the team.
-- Returns each result sharing a position with no exception for its team.
select
    shared.season,
    shared.round_number,
    shared.class_code,
    shared.class_position,
    shared.team_name,
    shared.car_key
from {{ ref('int_finishes_sharing_class_position') }} as shared
left join {{ ref('known_exceptions') }} as known_exceptions
    on
        shared.season = known_exceptions.season
        and shared.round_number = known_exceptions.round_number
        and shared.class_code = known_exceptions.class_code
        and shared.team_name = known_exceptions.team_name
        and shared.class_position = known_exceptions.class_position
where known_exceptions.exception_code is null
