with

source_team_aliases as (
    select * from {{ ref('team_aliases') }}
),

renamed as (
    select
        {{ normalized_text('team_alias') }} as team_alias,
        {{ normalized_text('team_name') }} as team_name,
        alias_source
    from source_team_aliases
)

select * from renamed
