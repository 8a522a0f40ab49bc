"""Text keys are normalised once, in staging: an NFD and an NFC spelling that look identical are one value.

The seed pre-check refuses keys that are not NFC (tests/python/test_bad_inputs.py), so this builds with plain
`dbt build`, as a user of the profile would: the staging models alone must collapse the two spellings.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb
import pytest
from conftest import copy_project, run_dbt

pytestmark = pytest.mark.slow  # runs its own dbt build

DRIVER = "Lucas Lühr"
TEAM = "Larbre Compétition"


def decompose_every_other(text: str, name: str) -> str:
    """Write every other occurrence of `name` in NFD (decomposed accents)."""
    pieces = text.split(name)
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name and len(pieces) > 2
    return "".join(piece + (decomposed if index % 2 else name) for index, piece in enumerate(pieces[:-1])) + pieces[-1]


def rows(warehouse: Path, sql: str, *parameters: str) -> list[tuple]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return sorted(connection.execute(sql, list(parameters)).fetchall())
    finally:
        connection.close()


def test_an_nfd_and_an_nfc_spelling_are_one_driver_and_one_team(warehouse: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    drivers = project / "seeds" / "raw" / "car_drivers.csv"
    drivers.write_text(decompose_every_other(drivers.read_text(encoding="utf-8"), DRIVER), encoding="utf-8")
    aliases = project / "seeds" / "reference" / "team_aliases.csv"
    aliases.write_text(decompose_every_other(aliases.read_text(encoding="utf-8"), TEAM), encoding="utf-8")
    built = tmp_path / "nfd.duckdb"

    completed = run_dbt(project, built, "build")

    assert completed.returncode == 0, completed.stdout[-3000:]
    driver_sql = "select * from marts.fct_driver_standings where driver_name like 'Lucas L%'"
    team_sql = "select * from marts.fct_team_standings where team_name like 'Larbre%'"
    # One Lucas Lühr (217 points in GT) and one Larbre Compétition, exactly as from the NFC-only seeds.
    assert rows(built, driver_sql) == rows(warehouse, driver_sql) != []
    assert rows(built, team_sql) == rows(warehouse, team_sql) != []
    assert all(
        unicodedata.is_normalized("NFC", row[0])
        for row in rows(
            built,
            "select driver_name from marts.fct_driver_standings union all "
            "select team_name from marts.fct_team_standings",
        )
    )
