"""Write-audit-publish: readers never block a rebuild or see half a build; builds are idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import mart_checksums, run_build

pytestmark = pytest.mark.slow  # every test runs its own build


def test_reader_holding_the_published_file_does_not_block_a_rebuild(
    built_project: tuple[Path, Path], tmp_path: Path
) -> None:
    project, warehouse = built_project
    published = tmp_path / "alms.duckdb"
    shutil.copy(warehouse, published)

    reader = duckdb.connect(str(published), read_only=True)
    try:
        before = reader.execute("select count(*) from marts.fct_team_standings").fetchone()
        result = run_build(project, published)
        assert result.returncode == 0, result.output[-3000:]
        # The reader keeps the state it opened, whole, while the new file is published beside it.
        assert reader.execute("select count(*) from marts.fct_team_standings").fetchone() == before
    finally:
        reader.close()

    fresh = duckdb.connect(str(published), read_only=True)
    try:
        assert fresh.execute("select count(*) from marts.fct_team_standings").fetchone() == before
    finally:
        fresh.close()
    assert not Path(str(published) + ".wal").exists()
    assert not list(tmp_path.glob(".*building*"))


def test_building_twice_gives_identical_marts(built_project: tuple[Path, Path], tmp_path: Path) -> None:
    project, warehouse = built_project
    published = tmp_path / "alms.duckdb"
    shutil.copy(warehouse, published)
    first = mart_checksums(published)

    result = run_build(project, published)

    assert result.returncode == 0, result.output[-3000:]
    assert mart_checksums(published) == first
