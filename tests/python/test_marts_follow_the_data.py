"""Nothing is hard-coded: change a finish or a race type and the marts change, and the checks fail."""

from __future__ import annotations

from pathlib import Path

import duckdb
from conftest import copy_project, run_build, run_dbt, set_cell


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
    set_cell("raw/finishes.csv", {"round_number": "10", "car_key": "lmp900-audi-sport-north-america-2"},
             "class_position", "9")(project)

    build_models_only(project, tmp_path / "models.duckdb")
    assert audi_row(tmp_path / "models.duckdb") == (19, 243 - 30 + 19)

    result = run_build(project, tmp_path / "published.duckdb")
    assert result.returncode != 0
    assert "accepted_values_fct_standings_reconciliation_status" in result.output
    assert "assert_lmp900_2002_champion_is_audi_sport_north_america_with_243" in result.output
    assert not (tmp_path / "published.duckdb").exists()


def test_a_changed_race_type_changes_the_scale(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    set_cell("raw/schedule.csv", {"round_number": "10"}, "race_type", "standard")(project)

    build_models_only(project, tmp_path / "models.duckdb")

    assert audi_row(tmp_path / "models.duckdb") == (25, 243 - 30 + 25)
