"""Small warehouses made by hand from a copy of the session's build, for the screens' tests: what the marts look like
for a cancelled round and for seasons without results, without a dbt build (only the screens are under test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

CANCELLED_REASON = "hurricane warning"
# The marts with a row per result or per team and round: a cancelled round has none.
ROUND_MARTS = (
    "fct_race_results",
    "fct_team_round_points",
    "fct_race_winners",
    "fct_driver_round_points",
    "fct_championship_progression",
    "fct_team_round_evidence",
    "fct_scenario_race_results",
)


def with_cancellations(source: Path, destination: Path) -> Path:
    """`source` (the 2002 build) copied to `destination` with 2002's round 6 (TRV) cancelled and its results gone,
    2004 on the calendar with every round cancelled, and 2005 on the calendar with no results yet."""
    shutil.copy(source, destination)
    connection = duckdb.connect(str(destination))
    try:
        connection.execute(
            "update marts.dim_rounds set round_status = 'cancelled', cancellation_reason = ?, has_results = false "
            "where season = 2002 and round_number = 6",
            [CANCELLED_REASON],
        )
        for mart in ROUND_MARTS:
            connection.execute(f"delete from marts.{mart} where season = 2002 and round_number = 6")
        connection.execute("update marts.fct_team_standings set round_6_points = null where season = 2002")
        connection.execute(
            "update marts.dim_seasons set rounds_cancelled = 1, rounds_raced = rounds_raced - 1 where season = 2002"
        )
        for season, status, reason in ((2004, "cancelled", "the series was not run"), (2005, "scheduled", None)):
            cancelled = 3 if status == "cancelled" else 0
            connection.execute(
                "insert into marts.dim_seasons select * replace (? as season, false as has_published_standings, "
                "3 as rounds_on_calendar, ? as rounds_cancelled, 0 as rounds_raced, ? as rounds_still_to_race, "
                "null as last_raced_round) from marts.dim_seasons where season = 2002",
                [season, cancelled, 3 - cancelled],
            )
            connection.execute(
                "insert into marts.dim_rounds select * replace (? as season, "
                "cast(? as varchar) || '-r' || lpad(cast(round_number as varchar), 2, '0') as round_key, "
                "? as round_status, ? as cancellation_reason, false as has_results, "
                "race_date + to_years(? - 2002) as race_date) from marts.dim_rounds "
                "where season = 2002 and round_number <= 3",
                [season, season, status, reason, season],
            )
    finally:
        connection.close()
    return destination
