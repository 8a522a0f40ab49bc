"""Shared fixtures: every test builds into throwaway files, never the user's warehouse."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
COPIED = ["dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests", "scripts"]


@dataclass
class BuildResult:
    returncode: int
    output: str


def copy_project(destination: Path) -> Path:
    """A private copy of the project (no venv, no target, no warehouse) to break on purpose."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__", "python"))
        else:
            shutil.copy2(source, destination / name)
    return destination


def run_build(project: Path, warehouse: Path, *extra: str) -> BuildResult:
    """Run the project's build command (write-audit-publish) against `warehouse`."""
    env = dict(os.environ, ALMS_WAREHOUSE=str(warehouse), DBT_PROFILES_DIR=str(project))
    env.pop("ALMS_DUCKDB_PATH", None)
    completed = subprocess.run(
        [str(BIN_DIR / "python"), str(project / "scripts" / "build_warehouse.py"), *extra],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )
    return BuildResult(completed.returncode, completed.stdout + completed.stderr)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mart_names(warehouse: Path) -> list[str]:
    """Every table in the warehouse's marts schema."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by table_name"
        ).fetchall()
        return [row[0] for row in rows]
    finally:
        connection.close()


def mart_checksums(warehouse: Path) -> dict[str, str]:
    """A checksum of every mart's rows, in a stable order."""
    marts = mart_names(warehouse)
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        sums = {}
        for mart in marts:
            rows = connection.execute(f"select * from marts.{mart} order by all").fetchall()
            sums[mart] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return sums
    finally:
        connection.close()


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The real project built once into a throwaway warehouse: (project copy, warehouse file)."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    warehouse = tmp_path_factory.mktemp("warehouse") / "alms.duckdb"
    result = run_build(project, warehouse)
    assert result.returncode == 0, result.output[-4000:]
    return project, warehouse


@pytest.fixture(scope="session")
def warehouse(built_project: tuple[Path, Path]) -> Path:
    return built_project[1]


@pytest.fixture()
def query(warehouse: Path):
    """Run a query against the throwaway warehouse, read-only."""
    def run(sql: str) -> list[tuple]:
        connection = duckdb.connect(str(warehouse), read_only=True)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()
    return run
