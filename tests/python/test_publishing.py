"""Write-audit-publish: readers never block a rebuild or see half a build; builds are idempotent.

Both tests read one rebuild: the session's warehouse copied as the published file, then the real build run again
over it while a reader holds it open."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import BuildResult, mart_checksums, run_build

pytestmark = pytest.mark.slow  # both tests read a build of their own


@dataclass
class Rebuild:
    published: Path
    result: BuildResult
    count_before: tuple
    count_seen_by_the_reader_after: tuple
    checksums_before: dict[str, str]


@pytest.fixture(scope="module")
def rebuild(built_project: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Rebuild:
    project, warehouse = built_project
    published = tmp_path_factory.mktemp("publishing") / "alms.duckdb"
    shutil.copy(warehouse, published)
    checksums = mart_checksums(published)

    reader = duckdb.connect(str(published), read_only=True)
    try:
        before = reader.execute("select count(*) from marts.fct_team_standings").fetchone()
        result = run_build(project, published)
        # The reader keeps the state it opened, whole, while the new file is published beside it.
        seen = reader.execute("select count(*) from marts.fct_team_standings").fetchone()
    finally:
        reader.close()
    return Rebuild(published, result, before, seen, checksums)


def test_reader_holding_the_published_file_does_not_block_a_rebuild(rebuild: Rebuild) -> None:
    assert rebuild.result.returncode == 0, rebuild.result.output[-3000:]
    assert rebuild.count_seen_by_the_reader_after == rebuild.count_before

    fresh = duckdb.connect(str(rebuild.published), read_only=True)
    try:
        assert fresh.execute("select count(*) from marts.fct_team_standings").fetchone() == rebuild.count_before
    finally:
        fresh.close()
    assert not Path(str(rebuild.published) + ".wal").exists()
    assert not list(rebuild.published.parent.glob(".*building*"))


def test_building_twice_gives_identical_marts(rebuild: Rebuild) -> None:
    assert rebuild.result.returncode == 0, rebuild.result.output[-3000:]
    assert mart_checksums(rebuild.published) == rebuild.checksums_before
