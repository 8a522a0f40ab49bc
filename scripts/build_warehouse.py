"""Build the warehouse and publish it only when the whole build is green (write-audit-publish).

`dbt build` writes and tests a side file next to the published one; only a green build replaces
`warehouse/alms.duckdb`, with an atomic rename after a checkpoint leaves nothing in a WAL. A failed build
leaves the published file byte-for-byte unchanged, and a BI tool holding it open keeps reading the old
state until it reconnects.

Usage: python scripts/build_warehouse.py [extra dbt build arguments...]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from check_seeds import check_seed_folder  # noqa: E402


def published_path() -> Path:
    """The published warehouse: ALMS_WAREHOUSE, or warehouse/alms.duckdb in the project."""
    return Path(os.environ.get("ALMS_WAREHOUSE", PROJECT_DIR / "warehouse" / "alms.duckdb")).resolve()


def side_path(published: Path) -> Path:
    return published.with_name(f".{published.stem}.building{published.suffix}")


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def run_dbt_build(database: Path, extra_args: list[str]) -> int:
    dbt = Path(sys.executable).with_name("dbt")
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(PROJECT_DIR))
    command = [str(dbt), "build", "--project-dir", str(PROJECT_DIR), *extra_args]
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, check=False).returncode


def checkpoint(database: Path) -> None:
    """Fold any WAL into the file, so the renamed file is complete on its own."""
    connection = duckdb.connect(str(database))
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()
    if wal_of(database).exists():
        raise RuntimeError(f"{wal_of(database)} is still present after a checkpoint")


def build_and_publish(extra_args: list[str]) -> int:
    published = published_path()
    side = side_path(published)
    published.parent.mkdir(parents=True, exist_ok=True)

    problems = check_seed_folder(PROJECT_DIR / "seeds")
    if problems:
        print("The seed CSVs have problems; nothing was built and the published warehouse is unchanged:")
        for problem in problems:
            print(f"  - {problem}")
        return 2

    remove_quietly(side, wal_of(side))
    if run_dbt_build(side, extra_args) != 0:
        remove_quietly(side, wal_of(side))
        print(f"dbt build failed (see above); {published} is unchanged.")
        return 1
    if wal_of(published).exists():
        remove_quietly(side, wal_of(side))
        print(f"{wal_of(published)} exists: the published warehouse is open for writing or was not closed "
              "cleanly. Close the writer and build again; the published file is unchanged.")
        return 1
    checkpoint(side)
    os.replace(side, published)
    print(f"Published {published}")
    return 0


if __name__ == "__main__":
    sys.exit(build_and_publish(sys.argv[1:]))
