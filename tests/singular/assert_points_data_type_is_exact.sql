-- The var points_data_type (dbt_project.yml) types every points column in seeds and marts: integer, or an exact
-- decimal such as decimal(9, 1) for a series that awards half points. Returns the var's value when it is anything
-- else (a float would round the standings): set it to integer or decimal(precision, scale).
{%- set points_type = var('points_data_type') | string | lower | replace(' ', '') %}
{%- set is_exact = points_type in ['integer', 'int', 'bigint']
    or modules.re.fullmatch('decimal\\(\\d+,\\d+\\)', points_type) is not none %}
with

points_scales as (
    select * from {{ ref('points_scales') }}
)

select distinct {{ sql_string_literal(var('points_data_type') | string) }} as points_data_type
from points_scales
where {{ 'false' if is_exact else 'true' }}
