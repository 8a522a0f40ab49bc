"""One build at a time, verify before publish, clear lines for a hostile machine (issue 12).

Every case runs the real scripts/build_warehouse.py (and `make build`) with a stand-in `dbt` that copies a tiny
warehouse made without dbt (conftest.standin_venv, tiny_build): the lock, the checks and the rename are what is
under test, so these tests run in make test-fast, each in about a second. The races run over a published file a
reader holds: readers never block a rebuild or see half a build. (That building twice gives identical marts is the
real `make diff` of a refactor: test_diff.py.)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import (
    DEADLINE_S,
    PROJECT_DIR,
    TINY_MARTS,
    BuildResult,
    Standin,
    build_command,
    copy_project,
    file_digest,
    has_marker,
    last_line,
    mart_names,
    side_files,
    standin_venv,
    wait_until,
)
from filelock import FileLock

DUCKDB1_PYTHON = PROJECT_DIR / ".venv-duckdb1" / "bin" / "python"
COUNT_EVERY_MART = """
import json, sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
marts = [row[0] for row in connection.execute(
    "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
print(json.dumps({mart: connection.execute(f"select count(*) from marts.{mart}").fetchone()[0] for mart in marts}))
"""
# A client that writes to the file and is killed before it closes it: its WAL stays beside the file.
KILLED_WRITER = """
import os, signal, sys, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("create table main.stray as select 42 as answer")
os.kill(os.getpid(), signal.SIGKILL)
"""
NOT_BUILDING = "(it holds .alms.duckdb.lock); not building. Run again when it ends, or pass --wait-seconds N"


def counts_read_by_duckdb_1x(warehouse: Path) -> dict[str, int]:
    """Every mart's row count, read by a DuckDB 1.x client (so the file is readable by 1.x)."""
    completed = subprocess.run(
        [str(DUCKDB1_PYTHON), "-c", COUNT_EVERY_MART, str(warehouse)], capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout)


# One build at a time --------------------------------------------------------------------------------------------


def test_a_second_build_refuses_at_once_with_no_wait(standin: Standin) -> None:
    before = file_digest(standin.published)
    with FileLock(standin.published.with_name(".alms.duckdb.lock")):
        result = standin.build("--no-wait")
    assert result.returncode == 3
    assert result.output.strip() == (f"Another build is publishing {standin.published} {NOT_BUILDING} to wait for it.")
    assert file_digest(standin.published) == before


def test_a_waiting_build_says_so_and_gives_up_after_its_timeout(standin: Standin) -> None:
    before = file_digest(standin.published)
    with FileLock(standin.published.with_name(".alms.duckdb.lock")):
        result = standin.build("--wait-seconds", "1")
    assert result.returncode == 3
    assert result.output.strip().splitlines() == [
        f"Another build is publishing {standin.published}; waiting up to 1 s for it "
        "(--wait-seconds N to change, --no-wait to refuse at once)...",
        "Gave up after 1 s: another build still holds .alms.duckdb.lock; nothing was built and "
        f"{standin.published} is unchanged.",
    ]
    assert file_digest(standin.published) == before


def test_a_waiting_build_publishes_once_the_lock_is_released(standin: Standin) -> None:
    lock = FileLock(standin.published.with_name(".alms.duckdb.lock"))
    lock.acquire()
    try:
        process = standin.start()
        assert process.stdout is not None
        assert "waiting up to 600 s" in process.stdout.readline()
    finally:
        lock.release()
    output = process.communicate(timeout=DEADLINE_S)[0]
    assert process.returncode == 0, output
    assert output.strip().endswith(f"Published {standin.published}")
    assert not has_marker(standin.published)


# Killed at any point: the published file is whole, the next build succeeds -------------------------------------


@pytest.mark.parametrize("step", ["dbt", "checkpoint", "verify", "publish", "fsync_folder"])
def test_a_build_killed_at_any_step_never_damages_the_published_file(standin: Standin, step: str) -> None:
    before = file_digest(standin.published)
    if step == "dbt":  # the stand-in writes half a side file, then SIGKILLs the build
        result = standin.build(STANDIN_MODE="kill-build")
    else:
        command, environment = build_command(standin.project, standin.published, python=standin.python, env=standin.env)
        driver = [command[0], str(Path(__file__).with_name("build_driver.py")), str(standin.project), step]
        completed = subprocess.run(
            driver, cwd=standin.project, env=environment, capture_output=True, text=True, check=False
        )
        result = BuildResult(completed.returncode, completed.stdout + completed.stderr)
    assert result.returncode == -signal.SIGKILL, result.output
    if step == "fsync_folder":  # killed just after the rename: the new file is the published one, whole
        assert not has_marker(standin.published)
        assert mart_names(standin.published) == TINY_MARTS
    else:
        assert file_digest(standin.published) == before
    assert not Path(f"{standin.published}.wal").exists()

    again = standin.build()
    assert again.returncode == 0, again.output
    assert last_line(again) == f"Published {standin.published}"
    if step == "dbt":  # the killed build's half side file is removed before the next build's dbt starts
        assert "Note: removing .alms.building.duckdb, left by an interrupted build." in again.output
    assert not has_marker(standin.published)
    assert side_files(standin.published.parent) == []


# Verify before publish -------------------------------------------------------------------------------------------


def variant_warehouse(source: str, folder: Path, sql: str) -> str:
    path = folder / "variant.duckdb"
    shutil.copy(source, path)
    connection = duckdb.connect(str(path))
    connection.execute(sql)
    connection.close()
    return str(path)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("dbt fails", "dbt build failed (see above); {published} is unchanged."),
        ("no side file", "dbt finished but the side file .alms.building.duckdb does not exist"),
        (
            "a mart with no rows",
            "The built file failed verification: marts.fct_race_winners has no rows; nothing was published.",
        ),
        (
            "a mart missing",
            "The built file failed verification: marts.fct_driver_standings is missing; nothing was published.",
        ),
        (
            "DuckDB 2.x storage",
            "The built file failed verification: storage version 999 is not 64, the one DuckDB "
            "1.x reads (profiles.yml: storage_compatibility_version v1.0.0); nothing was published.",
        ),
    ],
)
def test_a_side_file_that_fails_verification_is_never_published(
    standin: Standin, tmp_path: Path, case: str, expected: str
) -> None:
    env: dict[str, str] = {}
    source = standin.env["STANDIN_WAREHOUSE"]
    if case == "dbt fails":
        env["STANDIN_MODE"] = "fail"
    elif case == "no side file":
        env["STANDIN_MODE"] = "no-file"
    elif case == "a mart with no rows":
        env["STANDIN_WAREHOUSE"] = variant_warehouse(source, tmp_path, "delete from marts.fct_race_winners")
    elif case == "a mart missing":
        env["STANDIN_WAREHOUSE"] = variant_warehouse(source, tmp_path, "drop table marts.fct_driver_standings")
    else:
        path = tmp_path / "new-format.duckdb"
        connection = duckdb.connect(str(path))
        connection.execute("create schema marts")
        for mart in mart_names(Path(source)):
            connection.execute(f"create table marts.{mart} as select 1 as x")
        connection.close()
        env["STANDIN_WAREHOUSE"] = str(path)
    before = file_digest(standin.published)

    result = standin.build(**env)

    assert result.returncode == 1, result.output
    assert last_line(result).startswith(expected.format(published=standin.published)), result.output
    assert file_digest(standin.published) == before
    assert side_files(standin.published.parent) == []


def test_a_failing_test_prints_each_row_with_its_own_values(standin: Standin) -> None:
    """dbt stores a failing test's rows (store_failures); the build prints them under the test's name, each row
    with its own values (a folded test once printed one row's key with another row's value), and publishes nothing.
    """
    before = file_digest(standin.published)

    result = standin.build(STANDIN_MODE="failing-test")

    assert result.returncode == 1, result.output
    lines = result.output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("accepted_range_finishes_laps__0 failed on")))
    assert lines[start + 1 : start + 4] == ["  car_key | round_number | laps", "  a-car | 1 | -5", "  b-car | 2 | -7"]
    assert last_line(result) == f"dbt build failed (see above); {standin.published} is unchanged."
    assert file_digest(standin.published) == before
    assert side_files(standin.published.parent) == []


# DuckDB writers and their WAL never meet a new file ------------------------------------------------------------


def stale_wal_message(published: Path) -> str:
    return (
        f"{published}.wal is a stale write-ahead log left by a client that wrote to the published file and "
        f"did not close it; nothing was published and {published} is unchanged. Delete that .wal (the new build "
        "replaces the file it belongs to), or open the file read-write once to keep its changes, "
        "then build again."
    )


def test_a_stale_wal_beside_the_published_file_is_named_and_nothing_changes(standin: Standin) -> None:
    subprocess.run([str(standin.python), "-c", KILLED_WRITER, str(standin.published)], check=False)
    wal = Path(f"{standin.published}.wal")
    assert wal.exists()
    before = (file_digest(standin.published), file_digest(wal))

    result = standin.build()

    assert result.returncode == 1
    assert result.output.strip() == stale_wal_message(standin.published)
    assert (file_digest(standin.published), file_digest(wal)) == before
    wal.unlink()  # what the message says to do
    assert standin.build().returncode == 0
    assert "stray" not in mart_names(standin.published)


def test_a_client_writing_during_the_build_keeps_its_wal_away_from_the_new_file(standin: Standin) -> None:
    # While dbt runs, a client opens the published file read-write, writes and is killed: its WAL is stale
    # by the time the build would publish, so the build refuses instead of renaming a new file beside it.
    then = (
        f"import subprocess, sys; subprocess.run([sys.executable, '-c', {KILLED_WRITER!r}, {str(standin.published)!r}])"
    )
    before = file_digest(standin.published)

    result = standin.build(STANDIN_THEN=then)

    assert result.returncode == 1
    assert last_line(result) == stale_wal_message(standin.published)
    assert file_digest(standin.published) == before
    assert side_files(standin.published.parent) == []


def test_a_writer_holding_the_published_file_stops_the_build(standin: Standin) -> None:
    writer = duckdb.connect(str(standin.published))
    try:
        result = standin.build()
    finally:
        writer.close()
    assert result.returncode == 1
    assert result.output.strip() == (
        f"{standin.published} is open read-write by another program (a DuckDB client or BI tool holds its write "
        f"lock); close it or open it read-only, then build again; {standin.published} is unchanged."
    )
    assert has_marker(standin.published)  # (the writer's own close may rewrite the file: no digest here)
    assert standin.build().returncode == 0


def test_every_build_points_dbt_at_the_same_side_file(standin: Standin) -> None:
    """dbt's partial parse cache holds only while its profile renders the same: a side file named anew each build
    made every `make build` parse the whole project again. One name, written only under the lock."""
    printed = [
        next(line for line in standin.build().output.splitlines() if line.startswith("stand-in dbt build into "))
        for _ in range(2)
    ]
    assert printed == [f"stand-in dbt build into {standin.published.parent}/.alms.building.duckdb"] * 2


# One variable for the path; the environment ---------------------------------------------------------------------


def test_make_build_publishes_to_alms_duckdb_path(standin: Standin) -> None:
    env = dict(os.environ, **standin.env, ALMS_DUCKDB_PATH="elsewhere/a.duckdb", ALMS_WAREHOUSE="ignored.duckdb")
    completed = subprocess.run(
        ["make", "--no-print-directory", "build"],
        cwd=standin.project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    published = standin.project / "elsewhere" / "a.duckdb"
    assert completed.stdout.strip().endswith("Published elsewhere/a.duckdb")
    # dbt was pointed at a side file beside it, through the same variable
    assert f"stand-in dbt build into {published.parent}/.a.building.duckdb" in completed.stdout
    assert mart_names(published) == TINY_MARTS
    assert not (standin.project / "warehouse" / "alms.duckdb").exists()
    assert not (standin.project / "ignored.duckdb").exists()


def test_make_build_with_a_broken_venv_says_so_in_one_line(standin: Standin) -> None:
    python = standin.project / ".venv" / "bin" / "python"
    python.unlink()
    python.symlink_to("/nonexistent/python3")  # the interpreter the venv was made from is gone
    before = file_digest(standin.published)
    env = dict(os.environ, **standin.env, ALMS_DUCKDB_PATH=str(standin.published))
    completed = subprocess.run(
        ["make", "--no-print-directory", "build"],
        cwd=standin.project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode != 0
    output = (completed.stdout + completed.stderr).strip().splitlines()
    assert len(output) == 1, output
    assert ".venv is broken" in output[0] and "rm -rf .venv && make build" in output[0]
    assert file_digest(standin.published) == before


def test_a_read_only_warehouse_folder_is_one_line_and_nothing_changes(tmp_path: Path) -> None:
    """The folder is made read-only (chmod). Root's capabilities override permission bits, so as root the build
    runs with none (setpriv): still root, owner of the checkout and its .venv wherever the clone lives, but bound
    by the folder's bits like any user."""
    project = copy_project(tmp_path / "project")
    folder = tmp_path / "warehouse"
    folder.mkdir()
    published = folder / "alms.duckdb"
    published.write_bytes(b"the published file")  # never opened: the build stops before it
    command, env = build_command(project, published)
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", *command]
    folder.chmod(0o555)
    try:
        completed = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    finally:
        folder.chmod(0o755)
    assert completed.returncode == 1
    assert (completed.stdout + completed.stderr).strip() == (
        f"Cannot write in {folder}/ (Permission denied): the build writes its lock and side file there; "
        f"nothing was built and {published} is unchanged."
    )
    assert published.read_bytes() == b"the published file"
    assert sorted(path.name for path in folder.iterdir()) == ["alms.duckdb"]


def limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000, 1_000))


def test_a_full_disk_is_one_line_and_nothing_changes(standin: Standin) -> None:
    """Every file the build writes is limited to a few bytes, as on a full disk: the stand-in dbt fails writing its
    manifest with EFBIG (File too large), as dbt fails writing its parse cache."""
    published = standin.published
    before = file_digest(published)
    command, env = build_command(standin.project, published, python=standin.python, env=standin.env)
    completed = subprocess.run(
        command, cwd=standin.project, env=env, capture_output=True, text=True, check=False, preexec_fn=limit_file_size
    )
    assert completed.returncode == 1, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert completed.stdout.strip().splitlines()[-1] == (
        f"Disk full while building (File too large); free some space and build again; {published} is unchanged."
    )
    assert file_digest(published) == before
    assert side_files(published.parent) == []


# Races, over a published file a reader holds -----------------------------------------------------------------


@dataclass
class Race:
    published: Path
    builder: subprocess.Popen[str]
    built: str  # the builder's output
    refusers: list[subprocess.Popen[str]]
    refusals: list[str]
    count_before: tuple
    count_seen_by_the_reader_after: tuple


@pytest.fixture(scope="module")
def race(standin_sources: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Race:
    """Builds racing over a published file a reader holds open: two started at the same instant, then four more
    while the one that took the lock is still building (the issue's `make build & sleep 3; make build`), all with
    --no-wait. The race is about the lock, not the data, so dbt is the stand-in; the builder's stand-in holds the
    lock until a file the test writes exists, so the outcome waits on conditions, not on a loaded machine's speed.
    (Waiting is the default; the tests above show it.) The tests below read this one race."""
    folder = tmp_path_factory.mktemp("race")
    project = copy_project(folder / "project")
    python = standin_venv(project)
    published = folder / "published" / "alms.duckdb"
    published.parent.mkdir()
    shutil.copy(standin_sources["STANDIN_WAREHOUSE"], published)
    go = folder / "go"
    command, env = build_command(
        project, published, "--no-wait", python=python, env={**standin_sources, "STANDIN_WAIT_FOR": str(go)}
    )

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    reader = duckdb.connect(str(published), read_only=True)
    try:
        before = reader.execute("select count(*) from marts.fct_team_standings").fetchone()
        first_two = [start(), start()]
        wait_until(lambda: side_files(published.parent), "a build to take the lock and start dbt")
        refused = wait_until(lambda: [build for build in first_two if build.poll() is not None], "the other to refuse")
        builder = next(build for build in first_two if build not in refused)
        try:
            refusers = [build for build in first_two if build is not builder] + [start() for _ in range(4)]
            refusals = [build.communicate(timeout=DEADLINE_S)[0] for build in refusers]
        finally:
            go.touch()
        built = builder.communicate(timeout=DEADLINE_S)[0]
        # The reader keeps the state it opened, whole, while the new file is published beside it.
        seen = reader.execute("select count(*) from marts.fct_team_standings").fetchone()
    finally:
        reader.close()
    return Race(published, builder, built, refusers, refusals, before, seen)


def test_racing_builds_publish_exactly_one_valid_warehouse(race: Race) -> None:
    """One publishes, five refuse in one line, and what is published is whole and readable by DuckDB 1.x."""
    assert race.builder.returncode == 0, race.built[-3000:]
    assert [build.returncode for build in race.refusers] == [3, 3, 3, 3, 3], race.refusals
    for output in race.refusals:
        assert output.strip() == f"Another build is publishing {race.published} {NOT_BUILDING} to wait for it."
    assert counts_read_by_duckdb_1x(race.published) == dict.fromkeys(TINY_MARTS, 1)
    assert side_files(race.published.parent) == []
    assert not Path(f"{race.published}.wal").exists()


def test_reader_holding_the_published_file_does_not_block_a_rebuild(race: Race) -> None:
    """Write-audit-publish: a reader never blocks a rebuild, and never sees half a build."""
    assert race.builder.returncode == 0, race.built[-3000:]
    assert race.count_seen_by_the_reader_after == race.count_before

    fresh = duckdb.connect(str(race.published), read_only=True)
    try:
        assert fresh.execute("select count(*) from marts.fct_team_standings").fetchone() == race.count_before
    finally:
        fresh.close()
