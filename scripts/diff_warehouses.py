"""What a change does to the warehouse: build a base git ref and the working tree, and compare their marts.

Both sides are built into private DuckDB files in a temporary folder (never the published warehouse), with the
project's seeds and models (`dbt build --resource-type seed --resource-type model`, each side with its own
--target-path): the data tests are left to `make test`, so a change that breaks one still gets its report. The two
builds run side by side. The report (scripts/diff_report.py) is Markdown for a pull request, on stdout and with
--output in a file; scripts/post_diff_comment.py posts it.

Everything that can be refused is refused before a build, in one line: an unknown BASE, an OUTPUT that cannot be
written (its missing folders are created), a --keep folder that exists, a --reuse-base folder of another base. A
side that fails to build stops the diff with one line naming the side, the failing node and dbt's error. SIGINT
(Ctrl-C), SIGTERM and SIGHUP stop both builds and remove the temporary folder, in one line (exit 128 + signal).

Usage: python scripts/diff_warehouses.py [--base REF] [--output FILE] [--keep DIR] [--reuse-base DIR]
       make diff [BASE=REF] [OUTPUT=FILE] [DIFF_ARGS=...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from alms_tools.processes import StopSignal, child_stopped_on_exit, stop_on_signals
from alms_tools.toolchain import dbt_executable, export_commit
from diff_report import Titles, attach, model_ids, report

PROJECT_DIR = Path(__file__).resolve().parent.parent
BUILT_RESOURCES = ["--resource-type", "seed", "--resource-type", "model"]
TEMP_PREFIX = "alms-diff-"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TIMESTAMP = re.compile(r"^\d\d:\d\d:\d\d\s+")
# The first line of a failed node's message in run_results.json says where; the next says what.
WHERE_LINE = re.compile(r"^(Runtime|Database|Compilation|Dependency) Error in ")


class DiffStopped(Exception):
    """The diff stops with one line for the user."""


# Before any build -----------------------------------------------------------------------------------------------


def git(*arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines() or [f"exit {completed.returncode}"]
        raise DiffStopped(f"git {' '.join(arguments)} failed: {lines[-1]}")
    return completed.stdout.strip()


def resolve_base(reference: str | None) -> tuple[str, str]:
    """(commit, how the report names it): REF, or the merge base of HEAD and main (or origin/main)."""
    if reference:
        try:
            return git("rev-parse", "--verify", "--quiet", f"{reference}^{{commit}}"), reference
        except DiffStopped:
            raise DiffStopped(
                f"Unknown git ref {reference!r} (BASE): no commit of that name here; nothing was built."
            ) from None
    for main in ("main", "origin/main"):  # a CI checkout may have only the remote's branch
        try:
            return git("merge-base", "HEAD", main), f"merge base with {main}"
        except DiffStopped:
            continue
    raise DiffStopped("No main or origin/main branch to take the merge base with: pass BASE=<git ref>.")


def prepare_output(output: Path) -> Path:
    """The report's file, its missing folders created and its folder checked writable, before the builds."""
    path = output.expanduser().resolve()
    if path.is_dir():
        raise DiffStopped(f"OUTPUT {output} is a folder: give a file name, e.g. {output}/diff.md; nothing was built.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".alms-diff-probe-"):
            pass
        if path.exists() and not os.access(path, os.W_OK):
            raise PermissionError(f"{path} is read-only")
    except OSError as error:
        reason = error.strerror or str(error)
        raise DiffStopped(f"Cannot write OUTPUT {output} ({reason}); nothing was built.") from None
    return path


def prepare_keep(keep: Path) -> Path:
    try:
        keep.mkdir(parents=True)
    except FileExistsError:
        raise DiffStopped(f"--keep {keep} exists: give a new folder; nothing was built.") from None
    except OSError as error:
        raise DiffStopped(f"Cannot create --keep {keep} ({error.strerror}); nothing was built.") from None
    return keep.resolve()


# Building the two sides -----------------------------------------------------------------------------------------


@dataclass
class Side:
    name: str  # "base" or "head"
    label: str
    project: Path
    database: Path
    target: Path
    log: Path


def dbt_environment(side: Side) -> dict[str, str]:
    return dict(os.environ, ALMS_DUCKDB_PATH=str(side.database), DBT_PROFILES_DIR=str(side.project))


def dbt_command(side: Side, *arguments: str) -> list[str]:
    return [
        str(dbt_executable()),
        "--no-use-colors",
        *arguments,
        "--project-dir",
        str(side.project),
        "--target-path",
        str(side.target),
        "--log-path",
        str(side.log.parent),
    ]


def build_both(sides: Sequence[Side]) -> None:
    """Build the sides at once (seeds and models); stop with one line naming the first side that failed. Whatever
    ends this (a stop signal included), no dbt started here is still running when it returns."""
    with ExitStack() as stack:
        processes = []
        for side in sides:
            log = stack.enter_context(side.log.open("w"))
            command = dbt_command(side, "build", *BUILT_RESOURCES)
            processes.append(
                stack.enter_context(
                    child_stopped_on_exit(
                        subprocess.Popen(
                            command, cwd=side.project, env=dbt_environment(side), stdout=log, stderr=subprocess.STDOUT
                        )
                    )
                )
            )
        codes = [process.wait() for process in processes]
    for side, code in zip(sides, codes, strict=True):
        if code != 0:
            raise DiffStopped(f"The {side.name} build ({side.label}) failed: {failure(side)}")


def failure(side: Side) -> str:
    """The failing node and its error, from the build's run_results.json; dbt's own error line when the build
    stopped before running a node (a project that does not parse)."""
    results = side.target / "run_results.json"
    if results.exists():
        failed = [
            result
            for result in json.loads(results.read_text(encoding="utf-8")).get("results", [])
            if result.get("status") in ("error", "fail")
        ]
        if failed:
            first = failed[0]
            kind, _, name = first["unique_id"].split(".", 2)
            more = f" (and {len(failed) - 1} more failed)" if len(failed) > 1 else ""
            return f"{kind} {name.split('.')[-1]}: {error_line(first.get('message') or '')}{more}"
    return last_error(side.log.read_text(encoding="utf-8", errors="replace") if side.log.exists() else "")


def error_line(message: str) -> str:
    """What went wrong, in one line, from a node's message (its first line only says where)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) > 1 and WHERE_LINE.match(lines[0]):
        lines = lines[1:]
    return lines[0] if lines else "no message"


def last_error(output: str) -> str:
    """dbt's error, in one line, from its output: what follows 'Encountered an error:', else the last line naming
    an error, without colours or timestamps."""
    lines = [TIMESTAMP.sub("", ANSI.sub("", line)).strip() for line in output.splitlines()]
    if "Encountered an error:" in lines:
        after = [line for line in lines[lines.index("Encountered an error:") + 1 :] if line]
        if after:
            return ": ".join(after[:2])
    errors = [line for line in lines if re.search(r"error", line, re.IGNORECASE) and not line.startswith("Done.")]
    informative = [line for line in errors if not re.match(r"Completed with \d+ errors?", line)]
    found = informative or errors or [line for line in lines if line]
    return found[-1] if found else "dbt printed nothing"


def modified_nodes(head: Side, base: Side) -> list[dict[str, str]]:
    """dbt's `ls --select state:modified` on the head project, against the base's manifest."""
    arguments = ["--quiet", "ls", "--select", "state:modified", "--state", str(base.target), "--output", "json"]
    command = dbt_command(head, *arguments, "--output-keys", "unique_id", "resource_type", "name")
    completed = subprocess.run(
        command, cwd=head.project, env=dbt_environment(head), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise DiffStopped(f"dbt ls --select state:modified failed: {last_error(completed.stdout + completed.stderr)}")
    return [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]


def downstream_marts(manifest: dict, starts: Iterable[str]) -> list[str]:
    """The marts among the nodes and their descendants: what `state:modified+` selects, read from the manifest's
    child_map instead of a second dbt ls (a second parse of the project)."""
    seen, frontier = set(starts), list(starts)
    while frontier:
        for child in manifest["child_map"].get(frontier.pop(), []):
            if child not in seen:
                seen.add(child)
                frontier.append(child)
    return sorted(table for table, unique_id in model_ids(manifest).items() if unique_id in seen)


def load_manifest(side: Side) -> dict:
    return json.loads((side.target / "manifest.json").read_text(encoding="utf-8"))


# Entry point ----------------------------------------------------------------------------------------------------


def head_title() -> str:
    dirty = git("status", "--porcelain", "--untracked-files=normal")
    return f"working tree (HEAD {git('rev-parse', '--short', 'HEAD')}{' + uncommitted changes' if dirty else ''})"


def reuse_base(folder: Path, commit: str, base: Side) -> None:
    """Point the base side at a base built by an earlier --keep run, after checking it is of the same commit."""
    recorded = folder / "base-commit"
    if not recorded.exists() or recorded.read_text().strip() != commit:
        raise DiffStopped(
            f"{folder} holds no base build of {commit[:8]} (kept by --keep for that base); run without --reuse-base."
        )
    base.project, base.database, base.target = folder / "base-project", folder / "base.duckdb", folder / "base-target"


def sides(workdir: Path, commit: str, described: str) -> tuple[Side, Side]:
    base = Side(
        "base",
        f"{commit[:8]}, {described}",
        workdir / "base-project",
        workdir / "base.duckdb",
        workdir / "base-target",
        workdir / "base-dbt.log",
    )
    head = Side(
        "head",
        "the working tree",
        PROJECT_DIR,
        workdir / "head.duckdb",
        workdir / "head-target",
        workdir / "head-dbt.log",
    )
    return base, head


def run(commit: str, described: str, workdir: Path, reused: Path | None = None) -> str:
    base, head = sides(workdir, commit, described)
    if reused:
        reuse_base(reused, commit, base)
    else:
        export_commit(PROJECT_DIR, commit, base.project)
    building = [head] if reused else [base, head]
    what = "the working tree" if reused else f"base {commit[:8]} ({described}) and the working tree"
    print(f"Building {what} (seeds and models)...", file=sys.stderr, flush=True)
    build_both(building)
    if not reused:
        (workdir / "base-commit").write_text(commit + "\n")
    manifests = {"base": load_manifest(base), "head": load_manifest(head)}
    modified = modified_nodes(head, base)
    downstream = downstream_marts(manifests["head"], [node["unique_id"] for node in modified])
    comparison = attach(base.database, head.database, manifests)
    try:
        return report(comparison, Titles(f"{commit[:8]} ({described})", head_title()), modified, downstream)
    finally:
        comparison.connection.close()


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parsed.add_argument("--base", help="git ref to compare with (default: the merge base of HEAD and main)")
    parsed.add_argument("--output", type=Path, help="also write the Markdown report to this file")
    parsed.add_argument(
        "--keep", type=Path, metavar="DIR", help="build into this new folder and keep it (DuckDB files, logs, targets)"
    )
    parsed.add_argument(
        "--reuse-base",
        type=Path,
        metavar="DIR",
        help="use the base built in DIR by an earlier --keep run (same base commit): builds the working tree only",
    )
    return parsed


def main(argv: list[str]) -> int:
    arguments = parser().parse_args(argv)
    try:
        stop_on_signals()
        commit, described = resolve_base(arguments.base)
        output = prepare_output(arguments.output) if arguments.output else None
        reused = arguments.reuse_base.resolve() if arguments.reuse_base else None
        if reused and not reused.is_dir():
            raise DiffStopped(f"--reuse-base {arguments.reuse_base} is not a folder; nothing was built.")
        if arguments.keep:
            text = run(commit, described, prepare_keep(arguments.keep), reused)
        else:
            with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as folder:
                text = run(commit, described, Path(folder), reused)
        if output:
            output.write_text(text, encoding="utf-8")
    except DiffStopped as stop:
        print(stop, file=sys.stderr, flush=True)
        return 1
    except StopSignal as stop:
        left = f"what they wrote is in {arguments.keep}" if arguments.keep else "their temporary files removed"
        print(f"Diff stopped ({stop}): both builds stopped, {left}.", file=sys.stderr, flush=True)
        return 128 + stop.signum
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
