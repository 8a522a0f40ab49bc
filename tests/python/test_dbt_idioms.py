"""The project as dbt expects it: it compiles without data, and overrides none of an adapter's own macros."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import copy_project, run_dbt

pytestmark = pytest.mark.slow  # runs dbt compile (a full parse and compile of the project)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project copy compiled with `dbt compile` into a new, empty DuckDB file: (project, database)."""
    folder = tmp_path_factory.mktemp("compiled")
    project = copy_project(folder / "project")
    database = folder / "empty.duckdb"
    completed = run_dbt(project, database, "compile")
    assert completed.returncode == 0, completed.stdout[-3000:]
    return project, database


def test_every_model_compiles_into_a_new_empty_file(compiled: tuple[Path, Path]) -> None:
    """No model reads the database to decide its SQL or shape: `dbt compile` into a file with nothing in it works,
    and leaves it with no table or view."""
    _, database = compiled
    connection = duckdb.connect(str(database), read_only=True)
    try:
        relations = connection.execute("select table_schema, table_name from information_schema.tables").fetchall()
    finally:
        connection.close()
    assert relations == []


def test_no_macro_overrides_an_adapters_own(compiled: tuple[Path, Path]) -> None:
    """Configuration, not overrides: no project macro stands in for one of dbt's or dbt-duckdb's (but
    generate_schema_name, which dbt asks projects to override). The one deliberate exception, on Spark only, is the
    seed loader in macros/spark/ (dbt-spark's session cursor does not escape quotes in seed values)."""
    project, _ = compiled
    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    own = {
        macro["name"]: macro["original_file_path"]
        for macro in manifest["macros"].values()
        if macro["package_name"] == "alms_standings"
    }
    adapters = {
        macro["name"] for macro in manifest["macros"].values() if macro["package_name"] in ("dbt", "dbt_duckdb")
    }
    overrides = {name: path for name, path in own.items() if name in adapters and name != "generate_schema_name"}
    assert overrides == {}
    assert [path for path in own.values() if "spark" in path] == ["macros/spark/load_csv_rows.sql"] * 2
