-- Two spellings of one driver split the driver's points into two lines. Fails with every name of a season's
-- car_drivers that differs from another only by letter case, accents or spacing ("Lucas Lühr", "lucas luhr",
-- "Lucas  Lühr"), one row per driver with every spelling quoted, how many rows use it and from which round, unless
-- a row of reference.distinct_driver_names says the two names are different people. Fix the seed to the entry
-- list's spelling.

with

car_drivers as (
    select * from {{ ref('stg_car_drivers') }}
),

distinct_driver_names as (
    select * from {{ ref('distinct_driver_names') }}
),

spellings as (
    select
        season,
        driver_name,
        {{ folded_name('driver_name') }} as folded_driver_name,
        count(*) as car_driver_rows,
        min(round_number) as first_round
    from car_drivers
    group by season, driver_name
),

spelling_pairs as (
    select
        spellings.season,
        spellings.folded_driver_name,
        spellings.driver_name,
        other_spellings.driver_name as other_driver_name
    from spellings
    inner join spellings as other_spellings
        on
            spellings.season = other_spellings.season
            and spellings.folded_driver_name = other_spellings.folded_driver_name
            and spellings.driver_name < other_spellings.driver_name
),

pairs_not_known_as_two_people as (
    select spelling_pairs.*
    from spelling_pairs
    left join distinct_driver_names as known
        on
            spelling_pairs.season = known.season
            and (
                (
                    spelling_pairs.driver_name = known.driver_name
                    and spelling_pairs.other_driver_name = known.other_driver_name
                )
                or (
                    spelling_pairs.driver_name = known.other_driver_name
                    and spelling_pairs.other_driver_name = known.driver_name
                )
            )
    where known.season is null
),

names_split as (
    select
        season,
        folded_driver_name,
        driver_name
    from pairs_not_known_as_two_people
    union distinct
    select
        season,
        folded_driver_name,
        other_driver_name as driver_name
    from pairs_not_known_as_two_people
),

spellings_described as (
    select
        names_split.season,
        names_split.folded_driver_name,
        '"' || names_split.driver_name || '" (' || cast(spellings.car_driver_rows as {{ dbt.type_string() }})
        || ' rows from round ' || cast(spellings.first_round as {{ dbt.type_string() }}) || ')' as spelling
    from names_split
    inner join spellings
        on
            names_split.season = spellings.season
            and names_split.driver_name = spellings.driver_name
)

select
    season,
    {{ sorted_listagg('spelling', "' ; '") }} as spellings,
    'one driver spelled several ways: use the entry list''s spelling, or list two people in distinct_driver_names'
        as what_to_do
from spellings_described
group by season, folded_driver_name
