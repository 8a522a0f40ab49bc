-- Every listed exception must still explain a published cell: an exception that no longer occurs
-- (the data was corrected) must be removed from known_exceptions, so exceptions cannot rot.
-- Returns each listed exception that marks no reconciliation cell.
select
    known_exceptions.exception_code,
    known_exceptions.round_number,
    known_exceptions.class_code,
    known_exceptions.team_name
from {{ ref('known_exceptions') }} as known_exceptions
left join {{ ref('fct_standings_reconciliation') }} as reconciliation
    on
        known_exceptions.exception_code = reconciliation.exception_code
        and reconciliation.status = 'documented_exception'
where reconciliation.exception_code is null
