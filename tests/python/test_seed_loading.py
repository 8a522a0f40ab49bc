"""A seed's table is filled by column name, not position: a user who reorders a seed's columns (a valid CSV, the same
header names) and reloads it into a file an earlier build left gets each value in its own column.

(That the marts follow the data is tested where it is cheapest: a changed finish fails the reconciliation in
test_bad_inputs.py's "standings rules"; a race type picking its scale, a season in progress and text keys in one
spelling are unit tests of the models.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import copy_project, edit_rows, run_dbt

pytestmark = pytest.mark.slow  # reloads two seeds into a copy of the session's warehouse


def swap(first: str, second: str):
    def edit(rows: list[list[str]]) -> list[list[str]]:
        left, right = rows[0].index(first), rows[0].index(second)
        for row in rows:
            row[left], row[right] = row[right], row[left]
        return rows

    return edit


def test_seed_columns_are_read_by_name_not_position(warehouse: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    database = tmp_path / "seeds.duckdb"
    shutil.copy(warehouse, database)  # the seeds' tables exist, as after any earlier build (the session's)
    edit_rows("raw/schedule.csv", swap("race_name", "circuit"))(project)
    # Two integer columns too: a swap there would silently change the points.
    edit_rows("raw/finishes.csv", swap("class_position", "laps"))(project)

    completed = run_dbt(project, database, "seed", "--select", "schedule", "finishes")

    assert completed.returncode == 0, completed.stdout[-3000:]
    connection = duckdb.connect(str(database), read_only=True)
    try:
        assert connection.execute(
            "select race_name, circuit from raw.schedule where season = 2002 and round_number = 1"
        ).fetchone() == ("Mobil 1 12 Hours of Sebring", "Sebring International Raceway")
        assert connection.execute(
            "select class_position, laps from raw.finishes "
            "where round_number = 1 and car_key = 'lmp900-audi-sport-north-america-2'"
        ).fetchone() == (1, 346)
    finally:
        connection.close()
