-- The var points_data_type (dbt_project.yml) types every points column in seeds and marts: integer, or an exact
-- decimal(p, s) with p at most 38 and at least 4 digits before the point (p - s >= 4, season totals up to 9,999),
-- such as decimal(9, 1) for a series that awards half points. `make build` refuses anything else in one line
-- before dbt starts (scripts/check_seeds.py, the same rule); this test is that guard for a plain `dbt build`, where
-- a float (which would round the standings) or text would otherwise build. Returns the var's value when it is not
-- accepted: set it to integer or decimal(p, s).
{%- set points_type = var('points_data_type') | string | trim | lower %}
{%- set decimal_shape = modules.re.fullmatch('decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)', points_type) %}
{%- set is_accepted = points_type == 'integer' or (
    decimal_shape is not none
    and decimal_shape.group(1) | int <= 38
    and (decimal_shape.group(1) | int) - (decimal_shape.group(2) | int) >= 4
) %}
with

points_scales as (
    select * from {{ ref('points_scales') }}
)

select distinct {{ sql_string_literal(var('points_data_type') | string) }} as points_data_type
from points_scales
where {{ 'false' if is_accepted else 'true' }}
