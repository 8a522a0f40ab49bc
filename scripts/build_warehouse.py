"""Build the warehouse and publish it only when the whole build is green and verified (write-audit-publish).

One build at a time: an OS file lock beside the warehouse (`.alms.duckdb.lock`) is taken before anything is
written; a second build waits for it (`--wait-seconds N`, default 600) or, with `--no-wait`, refuses at once.
`dbt build` writes and tests a side file beside it (`.alms.building.duckdb`, only ever written under the lock,
so its name is the same every build and dbt's partial parse cache stays valid from one build to the next; an
interrupted build's leftover is removed by the next one); the side file is checkpointed (no WAL left),
verified read-only (every mart of this build's manifest exists and has rows; storage version readable by
DuckDB 1.x) and only then renamed over the published file, atomically, while a shared lock on the published
file keeps any DuckDB writer out (a writer's WAL never meets the new file). Any failure prints one line,
removes the side file and leaves the published file byte-for-byte unchanged; so does SIGTERM, SIGINT (Ctrl-C)
or SIGHUP before the rename, once dbt has been stopped (exit 128 + the signal's number).

The published file is ALMS_DUCKDB_PATH (default warehouse/alms.duckdb; a relative path is relative to the
project); dbt is pointed at the side file through the same variable.

Usage: python scripts/build_warehouse.py [--no-wait | --wait-seconds N] [extra dbt build arguments...]
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import yaml
from alms_tools.processes import STOP_SIGNALS, StopSignal, child_stopped_on_exit, stop_on_signals
from alms_tools.toolchain import dbt_executable
from alms_tools.warehouse import warehouse_path
from check_seeds import capped, check_seed_folder, points_data_type_problem
from filelock import FileLock, Timeout

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_WAIT_SECONDS = 600.0
# The storage version in the header of a file written with storage_compatibility_version v1.0.0 (profiles.yml):
# the only one every DuckDB 1.x client (1.0 and 1.1 included) can open.
DUCKDB_1X_STORAGE_VERSION = 64
DISK_FULL = re.compile(r"No space left on device|File too large|Disk quota exceeded")
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
NOT_WRITABLE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
# A failed test's stored rows printed when the build refuses to publish (the rest stay queryable by the name shown).
FAILING_ROWS_SHOWN = 10
# Where the data tests store their failing rows (dbt_project.yml, data_tests: +schema).
TEST_FAILURES_SCHEMA = "test_failures"
SELECTION_FLAGS = {"--select", "-s", "--exclude", "--selector", "--resource-type", "--exclude-resource-type"}


class BuildStopped(Exception):
    """The build stops here with one line for the user; nothing was published."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# Paths -------------------------------------------------------------------------------------------------------


def published_path() -> Path:
    """ALMS_DUCKDB_PATH, or warehouse/alms.duckdb; a relative path is taken from the project folder."""
    return warehouse_path(PROJECT_DIR)


def shown(path: Path) -> str:
    """A path as the user reads it: relative to the project when inside it."""
    try:
        return path.relative_to(PROJECT_DIR).as_posix()
    except ValueError:
        return str(path)


def lock_path(published: Path) -> Path:
    return published.with_name(f".{published.name}.lock")


def side_path(published: Path) -> Path:
    """The file dbt builds into, in the published file's folder (so the final rename stays on one filesystem and is
    atomic). Only the build holding the lock writes it, so one name serves every build: the warehouse path in dbt's
    profile is then the same from one build to the next, and dbt reuses its partial parse cache (a path that
    changed would make it parse the whole project again)."""
    return published.with_name(f".{published.stem}.building{published.suffix}")


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def unchanged(published: Path) -> str:
    if published.exists():
        return f"{shown(published)} is unchanged"
    return f"nothing was published at {shown(published)}"


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


# One build at a time -------------------------------------------------------------------------------------------


@contextmanager
def build_lock(published: Path, wait_seconds: float) -> Iterator[None]:
    """Hold the OS lock beside the published file: wait up to `wait_seconds` for another build, or refuse."""
    lock = FileLock(lock_path(published))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if wait_seconds <= 0:
            raise BuildStopped(
                f"Another build is publishing {shown(published)} (it holds {lock_path(published).name}); "
                "not building. Run again when it ends, or pass --wait-seconds N to wait for it.",
                3,
            ) from None
        print(
            f"Another build is publishing {shown(published)}; waiting up to {wait_seconds:g} s for it "
            "(--wait-seconds N to change, --no-wait to refuse at once)...",
            flush=True,
        )
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise BuildStopped(
                f"Gave up after {wait_seconds:g} s: another build still holds {lock_path(published).name}; "
                f"nothing was built and {unchanged(published)}.",
                3,
            ) from None
    try:
        yield
    finally:
        lock.release()


def check_folder_writable(published: Path) -> None:
    """Create and remove a probe file where the side file will go (permission bits do not stop root; a
    read-only mount does, and this finds both)."""
    probe = published.with_name(f".{published.stem}.probe-{os.getpid()}-{secrets.token_hex(4)}")
    probe.touch(exist_ok=False)
    probe.unlink()


def remove_leftover_side_file(side: Path) -> None:
    """A side file (or its WAL) still there was left by a build that was killed (SIGKILL, power loss): no build is
    writing it, as this one holds the lock. Removed before dbt starts, so no stale WAL is replayed into the new
    build."""
    leftovers = [path for path in (side, wal_of(side)) if path.exists()]
    if leftovers:
        print(f"Note: removing {', '.join(path.name for path in leftovers)}, left by an interrupted build.", flush=True)
        remove_quietly(*leftovers)


# Keeping DuckDB writers off the published file ----------------------------------------------------------------


@contextmanager
def published_file_held(published: Path) -> Iterator[None]:
    """Check that no DuckDB writer holds the published file and no stale WAL lies beside it, and keep writers
    out while the caller works: a shared lock on the file (the kind a read-only DuckDB client takes) makes a
    read-write open fail, so no writer can start a WAL for the old file while the new one is renamed in."""
    descriptor = None
    try:
        if published.exists():
            descriptor = os.open(published, os.O_RDONLY)
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                raise BuildStopped(
                    f"{shown(published)} is open read-write by another program (a DuckDB client or BI tool holds "
                    f"its write lock); close it or open it read-only, then build again; {unchanged(published)}."
                ) from None
        wal = wal_of(published)
        if wal.exists():
            raise BuildStopped(
                f"{shown(wal)} is a stale write-ahead log left by a client that wrote to the published file and "
                f"did not close it; nothing was published and {unchanged(published)}. Delete that .wal (the new build "
                "replaces the file it belongs to), or open the file read-write once to keep its changes, "
                "then build again."
            )
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)


# Build, audit, publish -----------------------------------------------------------------------------------------


def run_dbt_build(side: Path, dbt_args: list[str]) -> tuple[int, str | None]:
    """Run `dbt build` into the side file, echoing its output; (exit code, disk-full reason seen or None)."""
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(side), DBT_PROFILES_DIR=str(PROJECT_DIR))
    command = [str(dbt_executable()), "build", "--project-dir", str(PROJECT_DIR), *dbt_args]
    disk_full = None
    with child_stopped_on_exit(
        subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            if disk_full is None and (match := DISK_FULL.search(line)):
                disk_full = match.group(0)
        sys.stdout.flush()
        return process.wait(), disk_full


def checkpoint(side: Path) -> None:
    """Fold any WAL into the side file, so the renamed file is complete on its own. The tests' stored failures
    (all empty once the build passed) stay out of the published file: BI users see the warehouse."""
    if not side.exists():  # never let duckdb.connect create a new, empty file under the name
        raise BuildStopped(
            f"dbt finished but the side file {side.name} does not exist: it built nothing (BUILD_ARGS that select "
            "nothing? `make build` builds and publishes the whole project) or something deleted the file; "
            "nothing was published."
        )
    connection = duckdb.connect(str(side))
    try:
        connection.execute(f'drop schema if exists "{TEST_FAILURES_SCHEMA}" cascade')
        connection.execute("checkpoint")
    finally:
        connection.close()


def storage_version(database: Path) -> int | None:
    """The storage version in a DuckDB file's main header (magic 'DUCK' at byte 8), or None if not DuckDB."""
    with database.open("rb") as handle:
        header = handle.read(20)
    if header[8:12] != b"DUCK":
        return None
    return int.from_bytes(header[12:20], "little")


def declared_marts(manifest: Path, since: float) -> list[tuple[str, str]]:
    """(schema, table) of every model under models/marts in the manifest this build wrote."""
    if not manifest.exists() or manifest.stat().st_mtime < since:
        raise BuildStopped(f"{shown(manifest)} was not written by this build; nothing was published.")
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return sorted(
        (node["schema"], node.get("alias") or node["name"])
        for node in nodes
        if node["resource_type"] == "model"
        and Path(node["original_file_path"]).parts[:2] == ("models", "marts")
        and node["config"].get("materialized") != "ephemeral"
    )


def verification_problems(side: Path, marts: list[tuple[str, str]]) -> list[str]:
    """What makes the side file unfit to publish (empty when it is fit)."""
    problems = []
    version = storage_version(side)
    if version != DUCKDB_1X_STORAGE_VERSION:
        problems.append(
            f"storage version {version} is not {DUCKDB_1X_STORAGE_VERSION}, the one DuckDB 1.x reads "
            "(profiles.yml: storage_compatibility_version v1.0.0)"
        )
    if wal_of(side).exists():
        problems.append("a WAL is still beside it after the checkpoint")
    if not marts:
        problems.append("the manifest declares no model under models/marts")
    connection = duckdb.connect(str(side), read_only=True)
    try:
        tables = set(connection.execute("select table_schema, table_name from information_schema.tables").fetchall())
        for schema, table in marts:
            if (schema, table) not in tables:
                problems.append(f"{schema}.{table} is missing")
            elif connection.execute(f'select count(*) from "{schema}"."{table}"').fetchone() == (0,):
                problems.append(f"{schema}.{table} has no rows")
    finally:
        connection.close()
    return problems


def verify(side: Path, since: float, dbt_args: list[str]) -> None:
    marts = declared_marts(PROJECT_DIR / "target" / "manifest.json", since)
    problems = verification_problems(side, marts)
    if problems and SELECTION_FLAGS.intersection(argument.split("=")[0] for argument in dbt_args):
        raise BuildStopped(
            "BUILD_ARGS select part of the project, and a partial build is never published (the published file "
            "always holds every mart from one run); nothing was published. Run `make build` without a selection, "
            "or plain `.venv/bin/dbt build --select ...` with ALMS_DUCKDB_PATH pointing at a file of your own."
        )
    if problems:
        raise BuildStopped(
            f"The built file failed verification: {'; '.join(capped(problems, 5))}; nothing was published."
        )


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(side: Path, published: Path) -> None:
    """Rename the verified side file over the published one, atomically, with DuckDB writers kept out. Stop
    signals are held back from here to the exit: once the rename may have happened, the build finishes and
    reports what it published rather than claiming nothing was."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    with published_file_held(published):
        os.replace(side, published)
        fsync_folder(published.parent)


def failed_tests(target: Path, since: float) -> list[tuple[str, str | None]]:
    """(test name, relation holding its failing rows or None) of each data test this build failed."""
    run_results, manifest = target / "run_results.json", target / "manifest.json"
    if not run_results.exists() or run_results.stat().st_mtime < since or not manifest.exists():
        return []
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    failed = []
    for result in json.loads(run_results.read_text(encoding="utf-8"))["results"]:
        node = nodes.get(result["unique_id"], {})
        if result["status"] == "fail" and node.get("resource_type") == "test":
            failed.append((node["name"], node.get("relation_name")))
    return failed


def print_failing_rows(side: Path, target: Path, since: float, limit: int = FAILING_ROWS_SHOWN) -> None:
    """Each failed test's stored rows (store_failures), so the output names the rows, not only a count."""
    failed = failed_tests(target, since)
    if not failed or not side.exists():
        return
    connection = duckdb.connect(str(side), read_only=True)
    try:
        for name, relation in failed:
            if relation is None:
                continue
            try:
                cursor = connection.execute(f"select * from {relation} limit {limit + 1}")
            except duckdb.Error:
                continue
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
            print(f"{name} failed on these rows ({relation}):")
            print("  " + " | ".join(columns))
            for row in rows[:limit]:
                print("  " + " | ".join("null" if value is None else str(value) for value in row))
            if len(rows) > limit:
                print(f"  ... (first {limit} shown)")
    finally:
        connection.close()


def build_side_file(side: Path, dbt_args: list[str], published: Path) -> None:
    started = time.time() - 1
    returncode, disk_full = run_dbt_build(side, dbt_args)
    if disk_full:
        raise OSError(errno.ENOSPC, disk_full)
    if returncode != 0:
        print_failing_rows(side, PROJECT_DIR / "target", since=started)
        raise BuildStopped(f"dbt build failed (see above); {unchanged(published)}.")
    checkpoint(side)
    verify(side, since=started, dbt_args=dbt_args)


def vars_given(dbt_args: list[str]) -> dict[str, object]:
    """The vars passed to dbt (`--vars '{points_data_type: "decimal(9, 1)"}'`), which the seed check also reads;
    empty when there are none or they do not parse (dbt then says what is wrong with them)."""
    text = None
    for index, argument in enumerate(dbt_args):
        if argument == "--vars" and index + 1 < len(dbt_args):
            text = dbt_args[index + 1]
        elif argument.startswith("--vars="):
            text = argument.partition("=")[2]
    try:
        given = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        given = None
    return given if isinstance(given, dict) else {}


def build_and_publish(dbt_args: list[str], wait_seconds: float) -> int:
    published = published_path()
    side = None
    try:
        stop_on_signals()
        if problem := points_data_type_problem(PROJECT_DIR / "seeds", vars_given(dbt_args)):
            print(f"{problem} Nothing was built and {unchanged(published)}.")
            return 2
        problems = check_seed_folder(PROJECT_DIR / "seeds", vars_given(dbt_args))
        if problems:
            print(f"The seed CSVs have problems; nothing was built and {unchanged(published)}:")
            for problem in capped(problems):
                print(f"  - {problem}")
            return 2
        published.parent.mkdir(parents=True, exist_ok=True)
        with build_lock(published, wait_seconds):
            check_folder_writable(published)
            with published_file_held(published):
                pass  # fail fast, before a ten-second build, on a writer or a stale WAL
            side = side_path(published)
            remove_leftover_side_file(side)
            build_side_file(side, dbt_args, published)
            publish(side, published)
    except BuildStopped as stop:
        print(stop, flush=True)
        return stop.exit_code
    except StopSignal as stop:
        print(f"Build stopped ({stop}): nothing was published and {unchanged(published)}.", flush=True)
        return 128 + stop.signum
    except (OSError, duckdb.Error) as error:
        print(environment_message(error, published), flush=True)
        return 1
    finally:
        if side is not None:
            remove_quietly(side, wal_of(side))
    print(f"Published {shown(published)}")
    return 0


def environment_message(error: OSError | duckdb.Error, published: Path) -> str:
    """One line for a failure of the machine rather than of the data."""
    code = error.errno if isinstance(error, OSError) else None
    text = (error.strerror if isinstance(error, OSError) and error.strerror else str(error)).splitlines()[0]
    folder = shown(published.parent)
    match = DISK_FULL.search(text)
    if code in DISK_FULL_ERRNOS or match:
        reason = match.group(0) if match else text
        return f"Disk full while building ({reason}); free some space and build again; {unchanged(published)}."
    if code in NOT_WRITABLE_ERRNOS:
        return (
            f"Cannot write in {folder}/ ({text}): the build writes its lock and side file there; "
            f"nothing was built and {unchanged(published)}."
        )
    return f"Build stopped: {text}; nothing was published and {unchanged(published)}."


# Entry point ---------------------------------------------------------------------------------------------------


def split_arguments(argv: list[str]) -> tuple[float, list[str]]:
    """This script's own options (--no-wait, --wait-seconds N); everything else goes to dbt build unchanged."""
    wait_seconds, rest = DEFAULT_WAIT_SECONDS, []
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--no-wait":
            wait_seconds = 0.0
        elif argument == "--wait-seconds":
            wait_seconds = float(next(arguments, "0"))
        elif argument.startswith("--wait-seconds="):
            wait_seconds = float(argument.partition("=")[2])
        else:
            rest.append(argument)
    return wait_seconds, rest


def main(argv: list[str]) -> int:
    if {"-h", "--help"} & set(argv):
        print(__doc__)
        return 0
    try:
        wait_seconds, dbt_args = split_arguments(argv)
    except ValueError:
        print("--wait-seconds takes a number of seconds, e.g. --wait-seconds 60")
        return 2
    return build_and_publish(dbt_args, wait_seconds)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
