"""Plain dbt, started from another folder, opens the project's warehouse (profiles.yml takes a relative path from
the project folder), never a file in the folder it was started in, nor another clone's. Each test runs `dbt debug`,
whose connection check opens (and so creates) the profile's DuckDB file, without parsing the project."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import BIN_DIR, copy_project, file_digest

pytestmark = pytest.mark.slow  # runs dbt


def clone(destination: Path) -> Path:
    """A project copy as `git clone` gives it: with its empty warehouse/ folder (warehouse/.gitkeep)."""
    project = copy_project(destination)
    (project / "warehouse").mkdir()
    return project


def plain_dbt(cwd: Path, project: str, warehouse: str | None) -> subprocess.CompletedProcess[str]:
    """Plain `dbt debug`, started in `cwd`, with `project` as project and profiles folder."""
    env = {key: value for key, value in os.environ.items() if key not in ("DBT_PROFILES_DIR", "ALMS_DUCKDB_PATH")}
    if warehouse is not None:
        env["ALMS_DUCKDB_PATH"] = warehouse
    return subprocess.run(
        [str(BIN_DIR / "dbt"), "debug", "--project-dir", project, "--profiles-dir", project],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_plain_dbt_from_models_writes_the_projects_warehouse(tmp_path: Path) -> None:
    """`cd models && ../.venv/bin/dbt debug --project-dir .. --profiles-dir ..` with a relative ALMS_DUCKDB_PATH."""
    project = clone(tmp_path / "a")
    result = plain_dbt(project / "models", "..", "warehouse/relative.duckdb")
    assert result.returncode == 0, result.stdout[-3000:]
    assert (project / "warehouse" / "relative.duckdb").is_file()
    assert not (project / "models" / "warehouse").exists()


def test_plain_dbt_from_another_clone_never_writes_that_clones_warehouse(tmp_path: Path) -> None:
    """`cd b && dbt seed --project-dir ../a --profiles-dir ../a` once overwrote b's published warehouse."""
    project_a, project_b = clone(tmp_path / "a"), clone(tmp_path / "b")
    published_b = project_b / "warehouse" / "alms.duckdb"
    published_b.write_bytes(b"clone B's published warehouse")
    before = file_digest(published_b)
    result = plain_dbt(project_b, "../a", None)  # the default path, warehouse/alms.duckdb: relative too
    assert result.returncode == 0, result.stdout[-3000:]
    assert (project_a / "warehouse" / "alms.duckdb").is_file()
    assert file_digest(published_b) == before
    assert sorted(path.name for path in published_b.parent.iterdir()) == ["alms.duckdb"]
