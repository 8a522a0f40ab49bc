"""Shared fixtures: every test builds into throwaway files, never the user's warehouse."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest
from alms_tools.warehouse import compare_marts
from filelock import FileLock

T = TypeVar("T")

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
COPIED = ["dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests", "scripts"]

# How long a test waits for a condition (a process to start, a file to appear, a page to render) before it fails.
# Generous on purpose: tests wait on conditions, never on a fixed time, and a loaded 2-core machine is slow.
DEADLINE_S = 600

Rows = list[list[str]]
Breakage = Callable[[Path], None]


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


def build_command(
    project: Path, warehouse: Path, *extra: str, python: Path | None = None, env: dict[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The project's build command (write-audit-publish) publishing to `warehouse`, and its environment."""
    environment = dict(os.environ, ALMS_DUCKDB_PATH=str(warehouse), DBT_PROFILES_DIR=str(project), **(env or {}))
    command = [str(python or BIN_DIR / "python"), str(project / "scripts" / "build_warehouse.py"), *extra]
    return command, environment


def run_build(
    project: Path, warehouse: Path, *extra: str, python: Path | None = None, env: dict[str, str] | None = None
) -> BuildResult:
    """Run the project's build command against `warehouse` (ALMS_DUCKDB_PATH) and wait for it."""
    command, environment = build_command(project, warehouse, *extra, python=python, env=env)
    completed = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True, check=False)
    return BuildResult(completed.returncode, completed.stdout + completed.stderr)


def run_dbt(project: Path, database: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """A plain dbt command (no publishing step) on a project copy, into the DuckDB file `database`."""
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(project))
    return subprocess.run(
        [str(BIN_DIR / "dbt"), *arguments], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def wait_until(condition: Callable[[], T], what: str, timeout: float = DEADLINE_S) -> T:
    """Poll `condition` until it returns something truthy and return that; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(0.1)
    return result


# Seed edits on a project copy ---------------------------------------------------------------------------------


def make_checkout(destination: Path) -> Path:
    """A copy of the project as a clone has it, with this machine's virtual environments linked in."""
    project = copy_project(destination)
    for name in (
        "Makefile",
        "pyproject.toml",
        "requirements.txt",
        "requirements-duckdb1.txt",
        "requirements-spark.txt",
        "dashboard",
        "benchmarks",
    ):
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
            os.utime(project / name, (0, 0))  # older than the venvs' stamps: make sees them as set up
    for venv in (".venv", ".venv-duckdb1", ".venv-spark"):
        if (PROJECT_DIR / venv).exists():
            (project / venv).symlink_to(PROJECT_DIR / venv)
    return project


def side_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*building*"))


def last_line(result: BuildResult) -> str:
    return result.output.strip().splitlines()[-1]


def read_rows(path: Path) -> Rows:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: Rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def edit_rows(seed: str, edit: Callable[[Rows], Rows]) -> Breakage:
    """Rewrite seeds/`seed` (header first) with what `edit` makes of its rows."""

    def apply(project: Path) -> None:
        path = project / "seeds" / seed
        write_rows(path, edit(read_rows(path)))

    return apply


def set_cell(seed: str, match: dict[str, str], column: str, value: str) -> Breakage:
    """Set `column` to `value` in the one row of seeds/`seed` whose columns equal `match`."""

    def edit(rows: Rows) -> Rows:
        header = rows[0]
        found = [row for row in rows[1:] if all(row[header.index(key)] == wanted for key, wanted in match.items())]
        assert len(found) == 1, f"{seed}: {len(found)} rows match {match}"
        found[0][header.index(column)] = value
        return rows

    return edit_rows(seed, edit)


STANDIN_DBT = """#!{python}
\"\"\"Stand-in for `dbt build`, for tests of locking and publishing: writes what publishing relies on (the side
file named by ALMS_DUCKDB_PATH, and target/manifest.json) from a tiny warehouse and manifest (conftest.py's
tiny_build, made without dbt). STANDIN_MODE: good (default), fail, no-file (writes no side file), kill-build (half a
side file, then SIGKILL to the build that runs it), failing-test (a data test fails: its stored rows in the side file
and run_results.json, as dbt leaves them). STANDIN_WAIT_FOR: a path; once the side file is written, wait until it
exists (tests wait on conditions, never on time: the stand-in holds the build's lock while it waits).
STANDIN_THEN: Python run after the copy.\"\"\"
import json, os, shutil, signal, sys, time
from pathlib import Path

side = Path(os.environ["ALMS_DUCKDB_PATH"])
project = Path(sys.argv[sys.argv.index("--project-dir") + 1])
mode = os.environ.get("STANDIN_MODE", "good")
print(f"stand-in dbt build into {{side}}", flush=True)
(project / "target").mkdir(exist_ok=True)
shutil.copy(os.environ["STANDIN_MANIFEST"], project / "target" / "manifest.json")
if mode == "fail":
    sys.exit(1)
if mode == "kill-build":
    side.write_bytes(Path(os.environ["STANDIN_WAREHOUSE"]).read_bytes()[:4096])
    os.kill(os.getppid(), signal.SIGKILL)
    sys.exit(0)
if mode != "no-file":
    shutil.copy(os.environ["STANDIN_WAREHOUSE"], side)
if mode == "failing-test":
    import duckdb
    connection = duckdb.connect(str(side))
    connection.execute("create schema test_failures")
    connection.execute(
        "create table test_failures.accepted_range_finishes_laps__0 as select * from "
        "(values ('a-car', 1, -5), ('b-car', 2, -7)) as failing(car_key, round_number, laps)"
    )
    connection.close()
    results = [{{"unique_id": "test.alms_standings.accepted_range_finishes_laps__0", "status": "fail"}}]
    (project / "target" / "run_results.json").write_text(json.dumps({{"results": results}}))
    print("Failure in test accepted_range_finishes_laps__0 (seeds/raw/_raw__seeds.yml)", flush=True)
    sys.exit(1)
exec(os.environ.get("STANDIN_THEN", ""))
wait_for = os.environ.get("STANDIN_WAIT_FOR")
while wait_for and not Path(wait_for).exists():
    time.sleep(0.05)
"""


def tiny_build(folder: Path) -> dict[str, str]:
    """What the stand-in dbt copies, made without dbt: a warehouse in DuckDB 1.x storage with three small marts,
    and a manifest that declares them (and one data test), as far as scripts/build_warehouse.py reads one."""
    folder.mkdir(parents=True, exist_ok=True)
    warehouse, manifest = folder / "alms.duckdb", folder / "manifest.json"
    connection = duckdb.connect()
    try:
        connection.execute(f"attach '{warehouse}' as tiny (storage_version 'v1.0.0')")
        connection.execute("create schema tiny.marts")
        for mart in TINY_MARTS:
            connection.execute(f"create table tiny.marts.{mart} as select 2002 as season, 'GT' as class_code")
    finally:
        connection.close()
    nodes = {
        f"model.alms_standings.{mart}": {
            "resource_type": "model",
            "name": mart,
            "schema": "marts",
            "original_file_path": f"models/marts/{mart}.sql",
            "config": {"materialized": "table"},
        }
        for mart in TINY_MARTS
    }
    nodes["test.alms_standings.accepted_range_finishes_laps__0"] = {
        "resource_type": "test",
        "name": "accepted_range_finishes_laps__0",
        "schema": "test_failures",
        "original_file_path": "seeds/raw/_raw__seeds.yml",
        "relation_name": '"alms"."test_failures"."accepted_range_finishes_laps__0"',
        "config": {"materialized": "test"},
    }
    manifest.write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    return {"STANDIN_WAREHOUSE": str(warehouse), "STANDIN_MANIFEST": str(manifest)}


TINY_MARTS = ["fct_driver_standings", "fct_race_winners", "fct_team_standings"]


def standin_venv(project: Path) -> Path:
    """A `.venv` in `project` whose python is the real one (same packages) and whose `dbt` is the stand-in above,
    with make's stamps in place; returns its python."""
    venv = project / ".venv"
    (venv / "bin").mkdir(parents=True)
    shutil.copy(BIN_DIR.parent / "pyvenv.cfg", venv / "pyvenv.cfg")
    (venv / "lib").symlink_to((BIN_DIR.parent / "lib").resolve())
    (venv / "bin" / "python").symlink_to((BIN_DIR / "python").resolve())
    dbt = venv / "bin" / "dbt"
    dbt.write_text(STANDIN_DBT.format(python=venv / "bin" / "python"))
    dbt.chmod(0o755)
    for stamp in (venv / ".installed", project / ".venv-duckdb1" / ".installed"):
        stamp.parent.mkdir(exist_ok=True)
        stamp.touch()
    return venv / "bin" / "python"


@dataclass
class Standin:
    project: Path
    python: Path
    published: Path
    env: dict[str, str]

    def build(self, *args: str, **env: str) -> BuildResult:
        return run_build(self.project, self.published, *args, python=self.python, env={**self.env, **env})

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        command, environment = build_command(
            self.project, self.published, *args, python=self.python, env={**self.env, **env}
        )
        return subprocess.Popen(
            command, cwd=self.project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )


@pytest.fixture()
def standin(tmp_path: Path, standin_sources: dict[str, str]) -> Standin:
    """A project copy with the stand-in dbt, and a published warehouse that differs from what a build makes
    (it holds main.published_marker), so an unchanged file and a newly published one are told apart."""
    project = copy_project(tmp_path / "project")
    for name in (
        "Makefile",
        "pyproject.toml",
        "requirements.txt",
        "requirements-duckdb1.txt",
        "requirements-spark.txt",
    ):
        shutil.copy(PROJECT_DIR / name, project / name)
    python = standin_venv(project)
    published = tmp_path / "published" / "alms.duckdb"
    published.parent.mkdir()
    shutil.copy(standin_sources["STANDIN_WAREHOUSE"], published)
    connection = duckdb.connect(str(published))
    connection.execute("create table main.published_marker as select 1 as marker")
    connection.close()
    return Standin(project, python, published, dict(standin_sources))


def has_marker(warehouse: Path) -> bool:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return bool(
            connection.execute(
                "select count(*) from information_schema.tables where table_name = 'published_marker'"
            ).fetchone()[0]
        )
    finally:
        connection.close()


def children_of(pid: int) -> list[int]:
    """The pids of `pid`'s running children (from /proc: psutil is not in the toolchain)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def is_running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


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


def marts_identical(first: Path, second: Path) -> bool:
    """Both files hold the same marts with the same columns and rows."""
    return all(
        mart["unchanged"] and not mart["only_before"] and not mart["only_after"]
        for mart in compare_marts(first, second)
    )


# The fixtures below build the project with dbt once per session. A test that uses them is slow whatever its own
# marks say, so it never lands in `make test-fast` (pytest -m "not slow") by a forgotten marker.
BUILD_FIXTURES = {"readme_checkout", "built_project", "warehouse", "query", "synthetic_seasons"}
# The files whose builds take longest (pytest --durations) start first, longest first (pyproject.toml sends files in
# this order: --no-loadscope-reorder), so that no long file runs alone at the end of a run.
STARTED_FIRST = [
    "test_spark.py",
    "test_readme.py",
    "test_bad_inputs.py",
    "test_synthetic_seasons.py",
    "test_diff.py",
]


# Variables an outer `make test` hands down (its jobserver among them): the tests run `make` as a user's shell does.
OUTER_MAKE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def pytest_configure(config: pytest.Config) -> None:
    for name in OUTER_MAKE:
        os.environ.pop(name, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    order = {name: position for position, name in enumerate(STARTED_FIRST)}
    items.sort(key=lambda item: order.get(item.path.name, len(order)))  # stable: the rest in collection order
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if BUILD_FIXTURES.intersection(fixtures) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


def build_once_per_run(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], str | None]
) -> Path:
    """A folder that `build` fills once for the whole run (it returns an error message, or None when it built).
    Under pytest-xdist the workers share it: the first to ask builds while the others wait on a lock, and see the
    same error if it failed, without building again. Callers copy out of it whatever they will write to."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    root = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.getbasetemp()
    folder, failed = root / name, root / f"{name}.failed"
    with FileLock(str(root / f"{name}.lock")):
        if not folder.exists() and not failed.exists():
            partial = root / f"{name}.partial"
            try:
                error = build(partial)
            except BaseException as exception:
                failed.write_text(f"{name}: {exception!r}", encoding="utf-8")
                raise
            if error is None:
                partial.rename(folder)  # whole, or absent
            else:
                failed.write_text(error, encoding="utf-8")
    if failed.exists():
        pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
    return folder


def readme_environment() -> dict[str, str]:
    """The environment of a user's shell: none of the variables this suite or an outer make sets."""
    ignored = ("ALMS_DUCKDB_PATH", "DBT_PROFILES_DIR")
    return {key: value for key, value in os.environ.items() if key not in ignored}


@pytest.fixture(scope="session")
def readme_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh checkout in which the README's commands ran (those test_readme.COMMANDS marks RUN, `make build`
    first), once per run: its published warehouse, warehouse/alms.duckdb, is the build most tests read. Each
    command's exit code and output are kept beside it (commands.json) for test_readme.py."""
    from test_readme import COMMANDS, RUN

    def build(folder: Path) -> str | None:
        project = make_checkout(folder / "project")
        ran = []
        for command in (command for command, check in COMMANDS.items() if check == RUN):
            completed = subprocess.run(
                command, shell=True, cwd=project, env=readme_environment(), capture_output=True, text=True, check=False
            )
            ran.append(
                {"command": command, "returncode": completed.returncode, "output": completed.stdout + completed.stderr}
            )
            if completed.returncode != 0:
                return f"{command} (in a fresh checkout) failed:\n{ran[-1]['output'][-4000:]}"
        (folder / "commands.json").write_text(json.dumps(ran, indent=1), encoding="utf-8")
        return None

    return build_once_per_run(tmp_path_factory, "readme-checkout", build)


@pytest.fixture(scope="session")
def built_project(readme_checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The project as the README's `make build` built it: (project copy, warehouse file). Each xdist worker gets
    its own copy of both (the project with the build's target/, without the checkout's environments), so no
    worker's dbt writes where another reads."""
    project = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(readme_checkout / "project", project, ignore=shutil.ignore_patterns(".venv*", "warehouse"))
    warehouse = tmp_path_factory.mktemp("warehouse") / "alms.duckdb"
    shutil.copy(readme_checkout / "project" / "warehouse" / "alms.duckdb", warehouse)
    return project, warehouse


@pytest.fixture(scope="session")
def synthetic_seasons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with every synthetic season of synthetic_seasons.py added beside 2002 (seed rows, and the decimal
    points type they need), built with every test (write-audit-publish) once per run: the project's folder, whose
    warehouse/alms.duckdb the seasons' tests, the dashboard's and the report's read, and whose seeds the oracle
    reads."""
    from synthetic_seasons import add_every_season

    def build(folder: Path) -> str | None:
        project = copy_project(folder / "project")
        add_every_season(project)
        result = run_build(project, project / "warehouse" / "alms.duckdb")
        return None if result.returncode == 0 else result.output[-5000:]

    return build_once_per_run(tmp_path_factory, "synthetic-seasons", build) / "project"


@pytest.fixture(scope="session")
def standin_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What the stand-in dbt copies (tiny_build): no dbt runs, so the publishing tests are in make test-fast."""
    return tiny_build(tmp_path_factory.mktemp("standin"))


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
