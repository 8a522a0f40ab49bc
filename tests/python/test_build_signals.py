"""Stopping a build with a signal, and `make docs`, never touch the published file.

A build stopped by SIGTERM or SIGINT (Ctrl-C) stops its dbt child before it lets go of the lock, removes its side
file and says so in one line; `make docs` reads a private copy of the published file, so it neither creates the
file when there is none nor waits on a reader that holds it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import DEADLINE_S, Standin, children_of, file_digest, is_running, make_checkout, side_files, wait_until
from filelock import FileLock


@pytest.mark.parametrize(
    ("stop", "exit_code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_a_signalled_build_stops_dbt_removes_its_side_file_and_keeps_the_published_file(
    standin: Standin, tmp_path: Path, stop: signal.Signals, exit_code: int
) -> None:
    published = standin.published
    before = file_digest(published)
    # The stand-in dbt writes its side file, then holds on until a file that never comes: a build still running.
    build = standin.start(STANDIN_WAIT_FOR=str(tmp_path / "never"))
    # dbt has started writing once its side file exists (or the build ended early, which the asserts report)
    wait_until(
        lambda: side_files(published.parent) or build.poll() is not None, "the build to start writing its side file"
    )
    assert side_files(published.parent), "the build never wrote its side file"
    dbt = children_of(build.pid)
    assert dbt, "no dbt child is running"

    build.send_signal(stop)
    output = build.communicate(timeout=DEADLINE_S)[0]

    assert build.returncode == exit_code, output[-3000:]
    assert output.strip().splitlines()[-1] == (
        f"Build stopped ({stop.name}): nothing was published and {published} is unchanged."
    ), output[-3000:]
    assert [pid for pid in dbt if is_running(pid)] == []
    assert side_files(published.parent) == []
    assert file_digest(published) == before
    with FileLock(published.with_name(f".{published.name}.lock"), timeout=0):
        pass  # released: the next build can start (a build after a stopped one publishes: test_build_safety)


# make docs -------------------------------------------------------------------------------------------------------


def make_docs(project: Path, published: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(ALMS_DUCKDB_PATH=str(published), DBT_PROFILES_DIR=str(project))
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", ".venv-duckdb1/.installed", "docs"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_docs_before_any_build_says_to_build_and_creates_nothing(tmp_path: Path) -> None:
    project = make_checkout(tmp_path / "clone")
    published = tmp_path / "warehouse" / "alms.duckdb"

    completed = make_docs(project, published)

    assert completed.returncode != 0
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    assert lines[0] == f"No warehouse at {published} yet: run `make build` first, then `make docs`.", lines
    assert all(line.startswith("make: ***") for line in lines[1:]), lines
    assert not published.parent.exists()
    assert not (project / "warehouse").exists()


@pytest.mark.slow
def test_make_docs_reads_a_copy_while_a_reader_holds_the_published_file(
    built_project: tuple[Path, Path], tmp_path: Path
) -> None:
    project = make_checkout(tmp_path / "clone")
    published = tmp_path / "warehouse" / "alms.duckdb"
    published.parent.mkdir()
    shutil.copy(built_project[1], published)
    before = file_digest(published)

    reader = duckdb.connect(str(published), read_only=True)  # as a DuckDB 1.x BI tool holds it
    try:
        completed = make_docs(project, published)
    finally:
        reader.close()

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    # The whole docs site in one file (dbt docs generate --static): opens offline, no server.
    assert (project / "target" / "static_index.html").stat().st_size > 100_000
    assert file_digest(published) == before
    assert sorted(path.name for path in published.parent.iterdir()) == ["alms.duckdb"]
    assert list(project.rglob("*.duckdb")) == []  # the private copy is gone
