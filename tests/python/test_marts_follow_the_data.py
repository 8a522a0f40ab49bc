"""Nothing is hard-coded: change a finish or a race type and the marts change, and the checks fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import copy_project, edit_rows, run_dbt, set_cell

pytestmark = pytest.mark.slow  # every test runs its own dbt build


def build_models_only(project: Path, database: Path) -> None:
    """Seeds and models, no tests: to read what the marts say about broken data."""
    completed = run_dbt(project, database, "build", "--resource-type", "seed", "--resource-type", "model", "--quiet")
    assert completed.returncode == 0, completed.stdout[-3000:]


def audi_row(database: Path) -> tuple:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(
            "select round_10_points, total_points from marts.fct_team_standings "
            "where team_name = 'Audi Sport North America'"
        ).fetchone()
    finally:
        connection.close()


def test_a_changed_finish_changes_the_standings_and_fails_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    # Petit Le Mans: the winning Audi #2 dropped to 9th; Audi's best is then #1 in 6th (19 points).
    set_cell(
        "raw/finishes.csv",
        {"round_number": "10", "car_key": "lmp900-audi-sport-north-america-2"},
        "class_position",
        "9",
    )(project)

    # One plain `dbt build`: the marts are built before the tests that read them fail (make build would not publish
    # them: test_bad_inputs.py).
    database = tmp_path / "built.duckdb"
    completed = run_dbt(project, database, "build")
    assert completed.returncode != 0
    assert "accepted_values_fct_standings_reconciliation_status" in completed.stdout
    assert "assert_lmp900_2002_champion_is_audi_sport_north_america_with_243" in completed.stdout
    assert audi_row(database) == (19, 243 - 30 + 19)


def test_a_changed_race_type_changes_the_scale(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    set_cell("raw/schedule.csv", {"round_number": "10"}, "race_type", "standard")(project)

    build_models_only(project, tmp_path / "models.duckdb")

    assert audi_row(tmp_path / "models.duckdb") == (25, 243 - 30 + 25)


def test_seed_columns_are_read_by_name_not_position(warehouse: Path, tmp_path: Path) -> None:
    """A user reorders a seed's columns (a valid CSV, same header names) and rebuilds with plain `dbt build` into
    the same file: the seed's existing table keeps its column order, and each value must land in its own column."""
    project = copy_project(tmp_path / "project")
    database = tmp_path / "models.duckdb"
    shutil.copy(warehouse, database)  # the seeds' tables exist, as after any earlier build (the session's)

    def swap(first: str, second: str):
        def edit(rows: list[list[str]]) -> list[list[str]]:
            left, right = rows[0].index(first), rows[0].index(second)
            for row in rows:
                row[left], row[right] = row[right], row[left]
            return rows

        return edit

    edit_rows("raw/schedule.csv", swap("race_name", "circuit"))(project)
    # Two integer columns too: a swap there would silently change the points.
    edit_rows("raw/finishes.csv", swap("class_position", "laps"))(project)
    build_models_only(project, database)

    connection = duckdb.connect(str(database), read_only=True)
    try:
        assert connection.execute(
            "select race_name, circuit from marts.dim_rounds where season = 2002 and round_number = 1"
        ).fetchone() == ("Mobil 1 12 Hours of Sebring", "Sebring International Raceway")
    finally:
        connection.close()
    assert audi_row(database) == (30, 243)


def test_a_season_in_progress_decides_no_title_and_names_no_champion(tmp_path: Path) -> None:
    """2002 with its last round on the calendar but no results yet (a season added round by round): progression
    stops at round 9, Petit Le Mans' 30 points are still available, and no champion is named."""
    project = copy_project(tmp_path / "project")
    edit_rows("raw/finishes.csv", lambda rows: [row for row in rows if row[1] != "10"])(project)
    database = tmp_path / "models.duckdb"
    build_models_only(project, database)

    connection = duckdb.connect(str(database), read_only=True)
    try:
        assert connection.execute(
            "select max(round_number), min(points_still_available) from marts.fct_championship_progression"
        ).fetchone() == (9, 30)
        assert connection.execute(
            "select count(*) from marts.fct_scenario_class_summary where champion_team_name is not null"
        ).fetchone() == (0,)
        assert connection.execute(
            "select count(*) from marts.fct_scenario_standings where is_scenario_champion"
        ).fetchone() == (0,)
    finally:
        connection.close()
