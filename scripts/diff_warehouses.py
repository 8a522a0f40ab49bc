"""What a change does to the warehouse: build a base git ref and the working tree, and compare their marts.

Both sides are built into private DuckDB files in a temporary folder (never the published warehouse), with the
project's seeds and models (`dbt build --resource-type seed --resource-type model`, each side with its own
--target-path): the data tests are left to `make test`, so a change that breaks one still gets its report. The two
builds run side by side. A side that fails to build stops the diff with one line saying which side and why.

The report (Markdown, on stdout and with --output in a file) has: the published cells of the article that stop or
start matching; per season and class, each team whose total or position changed, a changed champion, a title
decided at another round and what-if results that changed; breaking schema changes in the marts; per mart, the
rows added, removed and changed by the mart's key (a column tested unique and not_null, else the columns of a
key test over several columns, else whole rows); the dbt nodes changed (dbt's state:modified) and the marts
downstream of them. A change that moves no mart data says "No mart data changed." in one line.

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
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from alms_tools.toolchain import dbt_executable, export_commit

PROJECT_DIR = Path(__file__).resolve().parent.parent
MARTS = "marts"
BUILT_RESOURCES = ["--resource-type", "seed", "--resource-type", "model"]
# Tests over several columns that define a grain, and the argument naming its columns. `integrity` is the test the
# project had before dbt's own tests replaced it: a base commit that old still declares its keys with it.
KEY_TEST_ARGUMENTS = {"unique_combination_of_columns": "combination_of_columns", "integrity": "key"}
# How a published cell is named in the report (joined by the mart's key, whatever it is).
CELL_LABEL = ["season", "class_code", "team_name", "measure"]
STANDINGS_COLUMNS = {"season", "class_code", "team_name", "total_points", "championship_position", "position_label"}
LIST_LIMIT = 40
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TIMESTAMP = re.compile(r"^\d\d:\d\d:\d\d\s+")


class DiffStopped(Exception):
    """The diff stops with one line for the user."""


# Building the two sides ----------------------------------------------------------------------------------------


@dataclass
class Side:
    name: str  # "base" or "head": also the catalog each file is attached as
    label: str
    project: Path
    database: Path
    target: Path
    log: Path


def git(*arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise DiffStopped(f"git {' '.join(arguments)} failed: {completed.stderr.strip().splitlines()[-1]}")
    return completed.stdout.strip()


def resolve_base(reference: str | None) -> tuple[str, str]:
    """(commit, how the report names it): REF, or the merge base of HEAD and main (or origin/main)."""
    if reference:
        return git("rev-parse", "--verify", f"{reference}^{{commit}}"), reference
    for main in ("main", "origin/main"):  # a CI checkout may have only the remote's branch
        try:
            return git("merge-base", "HEAD", main), f"merge base with {main}"
        except DiffStopped:
            continue
    raise DiffStopped("No main or origin/main branch to take the merge base with: pass BASE=<git ref>.")


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
    """Build the sides at once (seeds and models); stop with one line naming the first side that failed."""
    processes = []
    for side in sides:
        with side.log.open("w") as log:
            processes.append(
                subprocess.Popen(
                    dbt_command(side, "build", *BUILT_RESOURCES),
                    cwd=side.project,
                    env=dbt_environment(side),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    codes = [process.wait() for process in processes]
    for side, code in zip(sides, codes, strict=True):
        if code != 0:
            raise DiffStopped(f"The {side.name} build ({side.label}) failed: {last_error(side.log.read_text())}")


def last_error(output: str) -> str:
    """The last line of dbt's output that names an error, without colours or timestamp."""
    lines = [TIMESTAMP.sub("", ANSI.sub("", line)).strip() for line in output.splitlines()]
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
    marts = model_ids(manifest)
    return sorted(table for table, unique_id in marts.items() if unique_id in seen)


def changed_nodes(head: Side, base: Side, manifest: dict) -> tuple[list[str], list[str]]:
    """(nodes changed per state:modified, marts among state:modified+)."""
    modified = modified_nodes(head, base)
    marts = downstream_marts(manifest, [node["unique_id"] for node in modified])
    return [f"{node['resource_type']} {node['name']}" for node in modified], marts


# Keys from the manifest ---------------------------------------------------------------------------------------


def load_manifest(side: Side) -> dict:
    return json.loads((side.target / "manifest.json").read_text(encoding="utf-8"))


def model_ids(manifest: dict) -> dict[str, str]:
    """Mart table name -> the model's unique_id."""
    return {
        node.get("alias") or node["name"]: unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == MARTS
    }


def declared_key(manifest: dict, table: str) -> list[str]:
    """A column tested (or constrained) unique and not_null; else a multi-column key test's columns; else []."""
    model_id = model_ids(manifest).get(table)
    if model_id is None:
        return []
    model = manifest["nodes"][model_id]
    tests = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("attached_node") == model_id and node.get("test_metadata")
    ]
    named = {
        name: {test.get("column_name") for test in tests if test["test_metadata"]["name"] == name}
        for name in ("unique", "not_null")
    }
    constrained = {
        column: {constraint["type"] for constraint in spec.get("constraints", [])}
        for column, spec in model.get("columns", {}).items()
    }
    not_null = named["not_null"] | {column for column, kinds in constrained.items() if "not_null" in kinds}
    unique = named["unique"] | {column for column, kinds in constrained.items() if "unique" in kinds}
    single = [column for column in model.get("columns", {}) if column in unique & not_null]
    single += sorted((unique & not_null) - set(single) - {None})
    if single:
        return [single[0]]
    for test in tests:
        argument = KEY_TEST_ARGUMENTS.get(test["test_metadata"]["name"])
        columns = test["test_metadata"].get("kwargs", {}).get(argument) if argument else None
        if isinstance(columns, list) and columns and all(isinstance(column, str) for column in columns):
            return columns
    return []


# Comparing the two files --------------------------------------------------------------------------------------


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_ref(side: str, table: str) -> str:
    return f"{side}.{MARTS}.{quoted(table)}"


@dataclass
class MartDiff:
    table: str
    key: list[str]
    added: int = 0
    removed: int = 0
    changed: int = 0
    changed_columns: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class Comparison:
    connection: duckdb.DuckDBPyConnection
    columns: dict[str, dict[str, dict[str, str]]]  # side -> table -> column -> type
    manifests: dict[str, dict]

    def tables(self, side: str) -> set[str]:
        return set(self.columns[side])

    def common(self, table: str) -> list[str]:
        head = self.columns["head"].get(table, {})
        return [column for column in self.columns["base"].get(table, {}) if column in head]

    def has(self, table: str, wanted: Iterable[str]) -> bool:
        return set(wanted) <= set(self.common(table))

    def rows(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()


def attach(base: Path, head: Path, manifests: dict[str, dict]) -> Comparison:
    connection = duckdb.connect()
    for name, path in (("base", base), ("head", head)):
        connection.execute(f"attach '{path}' as {name} (read_only)")
    columns: dict[str, dict[str, dict[str, str]]] = {"base": {}, "head": {}}
    for side, table, column, data_type in connection.execute(
        "select database_name, table_name, column_name, data_type from duckdb_columns() "
        f"where database_name in ('base', 'head') and schema_name = '{MARTS}' order by column_index"
    ).fetchall():
        columns[side].setdefault(table, {})[column] = data_type
    return Comparison(connection, columns, manifests)


def mart_key(comparison: Comparison, table: str) -> list[str]:
    """The first declared key (head's, then base's) whose columns both sides have and which is unique on both."""
    for side in ("head", "base"):
        key = declared_key(comparison.manifests[side], table)
        if (
            key
            and comparison.has(table, key)
            and all(key_is_unique(comparison, name, table, key) for name in ("base", "head"))
        ):
            return key
    return []


def key_is_unique(comparison: Comparison, side: str, table: str, key: list[str]) -> bool:
    columns = ", ".join(quoted(column) for column in key)
    total, distinct = comparison.rows(f"select count(*), count(distinct ({columns})) from {table_ref(side, table)}")[0]
    return total == distinct


def differs(column: str, comparison: Comparison, table: str) -> str:
    """SQL: the column differs between the sides (compared as text when its type changed)."""
    if comparison.columns["base"][table][column] != comparison.columns["head"][table][column]:
        return f"base_.{quoted(column)}::varchar is distinct from head_.{quoted(column)}::varchar"
    return f"base_.{quoted(column)} is distinct from head_.{quoted(column)}"


def compare_by_key(comparison: Comparison, table: str, key: list[str]) -> MartDiff:
    values = [column for column in comparison.common(table) if column not in key]
    on = " and ".join(f"base_.{quoted(column)} is not distinct from head_.{quoted(column)}" for column in key)
    conditions = [differs(column, comparison, table) for column in values]
    any_change = " or ".join(conditions) or "false"
    both = "base_.present_ and head_.present_"
    per_column = "".join(f", count(*) filter (where {both} and ({condition}))" for condition in conditions)
    joined = (
        f"from (select *, true as present_ from {table_ref('base', table)}) as base_ "
        f"full join (select *, true as present_ from {table_ref('head', table)}) as head_ on {on}"
    )
    kind = (
        f"case when base_.present_ is null then 'added' when head_.present_ is null then 'removed' "
        f"when {any_change} then 'changed' end"
    )
    counts = comparison.rows(
        "select count(*) filter (where base_.present_ is null), count(*) filter (where head_.present_ is null), "
        f"count(*) filter (where {both} and ({any_change})){per_column} {joined}"
    )[0]
    diff = MartDiff(table, key, *counts[:3])
    diff.changed_columns = [column for column, count in zip(values, counts[3:], strict=True) if count]
    if diff.differs:
        shown = ", ".join(f"coalesce(head_.{quoted(column)}, base_.{quoted(column)})::varchar" for column in key)
        examples = comparison.rows(
            f"select {kind} as kind_, concat_ws(' / ', {shown}) as key_ {joined} "
            "qualify kind_ is not null and row_number() over (partition by kind_ order by key_) <= 3 "
            "order by kind_, key_"
        )
        diff.examples = [f"{kind_name}: {key_text}" for kind_name, key_text in examples]
    return diff


def compare_whole_rows(comparison: Comparison, table: str) -> MartDiff:
    columns = ", ".join(quoted(column) for column in comparison.common(table))

    def count(first: str, second: str) -> int:
        return comparison.rows(
            f"select count(*) from (select {columns} from {table_ref(first, table)} "
            f"except all select {columns} from {table_ref(second, table)})"
        )[0][0]

    return MartDiff(
        table,
        [],
        added=count("head", "base"),
        removed=count("base", "head"),
        note="no key declared: whole rows compared",
    )


def compare_marts(comparison: Comparison) -> list[MartDiff]:
    diffs = []
    for table in sorted(comparison.tables("base") & comparison.tables("head")):
        key = mart_key(comparison, table)
        diffs.append(compare_by_key(comparison, table, key) if key else compare_whole_rows(comparison, table))
    return diffs


# Schema changes -------------------------------------------------------------------------------------------------


def schema_changes(comparison: Comparison) -> list[str]:
    """One line per table or column added, removed or retyped in the marts."""
    lines = []
    base, head = comparison.columns["base"], comparison.columns["head"]
    for table in sorted(set(base) | set(head)):
        if table not in head:
            lines.append(f"`{MARTS}.{table}` removed")
            continue
        if table not in base:
            lines.append(f"`{MARTS}.{table}` added ({len(head[table])} columns)")
            continue
        for column in base[table]:
            if column not in head[table]:
                lines.append(f"`{MARTS}.{table}.{column}` removed")
            elif base[table][column] != head[table][column]:
                lines.append(f"`{MARTS}.{table}.{column}` retyped {base[table][column]} -> {head[table][column]}")
        lines.extend(
            f"`{MARTS}.{table}.{column}` added ({head[table][column]})"
            for column in head[table]
            if column not in base[table]
        )
    return lines


# The standings in a reader's words ------------------------------------------------------------------------------


def ordinal(position: int | None, label: str | None) -> str:
    if position is None:
        return "-"
    suffix = "th" if 10 <= position % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(position % 10, "th")
    return f"{position}{suffix}" + (" (shared)" if label and label.endswith("=") else "")


def standing(points: int | None, position: int | None, label: str | None) -> str:
    return "not classified" if points is None else f"{ordinal(position, label)}, {points} pts"


def team_changes(comparison: Comparison) -> dict[tuple, list[str]]:
    """(season, class) -> one line per team whose total or position changed, entered or left the table."""
    table = "fct_team_standings"
    order = "coalesce(head_.class_order, base_.class_order), " if comparison.has(table, ["class_order"]) else ""
    rows = comparison.rows(
        f"select coalesce(head_.season, base_.season), coalesce(head_.class_code, base_.class_code), "
        "coalesce(head_.team_name, base_.team_name), base_.total_points, base_.championship_position, "
        "base_.position_label, head_.total_points, head_.championship_position, head_.position_label "
        f"from {table_ref('base', table)} as base_ full join {table_ref('head', table)} as head_ "
        "on base_.season = head_.season and base_.class_code = head_.class_code and base_.team_name = head_.team_name "
        "where base_.total_points is distinct from head_.total_points "
        "or base_.position_label is distinct from head_.position_label "
        f"order by 1, {order}2, coalesce(head_.championship_position, base_.championship_position), 3"
    )
    changes: dict[tuple, list[str]] = {}
    for season, class_code, team, old_points, old_position, old_label, points, position, label in rows:
        was, now = standing(old_points, old_position, old_label), standing(points, position, label)
        changes.setdefault((season, class_code), []).append(f"{team}: {was} -> **{now}**")
    return changes


def champions(comparison: Comparison, side: str) -> dict[tuple, str]:
    rows = comparison.rows(
        "select season, class_code, string_agg(distinct team_name, ' and ' order by team_name), "
        "count(distinct team_name) "
        f"from {table_ref(side, 'fct_team_standings')} where championship_position = 1 group by season, class_code"
    )
    return {(season, klass): names + (" (shared title)" if count > 1 else "") for season, klass, names, count in rows}


def title_rounds(comparison: Comparison, side: str) -> dict[tuple, int | None]:
    rows = comparison.rows(
        "select season, class_code, min(round_number) filter (where is_title_decided) "
        f"from {table_ref(side, 'fct_championship_progression')} group by season, class_code"
    )
    return {(season, klass): decided for season, klass, decided in rows}


def headline_changes(comparison: Comparison) -> dict[tuple, list[str]]:
    """(season, class) -> a changed champion and a title decided at another round."""
    lines: dict[tuple, list[str]] = {}
    before, after = champions(comparison, "base"), champions(comparison, "head")
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            lines.setdefault(key, []).append(f"**Champion: {before.get(key, 'none')} -> {after.get(key, 'none')}**")
    if comparison.has("fct_championship_progression", ["season", "class_code", "round_number", "is_title_decided"]):
        decided_before, decided_after = title_rounds(comparison, "base"), title_rounds(comparison, "head")
        for key in sorted(set(decided_before) & set(decided_after)):
            if decided_before[key] != decided_after[key]:
                whose = f"{after[key]}'s title" if key in after else "Title"
                lines.setdefault(key, []).append(
                    f"{whose} decided {decided_label(decided_before[key])} -> {decided_label(decided_after[key])}"
                )
    return lines


def decided_label(round_number: int | None) -> str:
    return "not decided" if round_number is None else f"at round {round_number}"


def scenario_changes(comparison: Comparison) -> list[str]:
    """What-if tables (not the official one) in which a team's total, position or the champion changed."""
    table = "fct_scenario_standings"
    wanted = [
        "season",
        "scenario_code",
        "class_code",
        "team_name",
        "total_points",
        "championship_position",
        "position_label",
        "is_official_scenario",
    ]
    if not comparison.has(table, wanted):
        return []
    rows = comparison.rows(
        "select coalesce(head_.scenario_code, base_.scenario_code), coalesce(head_.season, base_.season), "
        "coalesce(head_.class_code, base_.class_code), coalesce(head_.team_name, base_.team_name), "
        "base_.total_points, base_.championship_position, base_.position_label, "
        "head_.total_points, head_.championship_position, head_.position_label "
        f"from {table_ref('base', table)} as base_ full join {table_ref('head', table)} as head_ "
        "on base_.season = head_.season and base_.scenario_code = head_.scenario_code "
        "and base_.class_code = head_.class_code and base_.team_name = head_.team_name "
        "where not coalesce(head_.is_official_scenario, base_.is_official_scenario) "
        "and (base_.total_points is distinct from head_.total_points "
        "or base_.position_label is distinct from head_.position_label) order by 1, 2, 3, 9, 4"
    )
    return [
        f"{scenario}, {season} {klass}, {team}: {standing(*row[:3])} -> {standing(*row[3:])}"
        for scenario, season, klass, team, *row in rows
    ]


# Published cells ------------------------------------------------------------------------------------------------


def reconciliation_changes(comparison: Comparison) -> tuple[list[str], list[str], list[str]]:
    """(cells that stop matching, that start matching, other changes), read by the mart's key and status."""
    table = "fct_standings_reconciliation"
    if table not in comparison.tables("base") or table not in comparison.tables("head"):
        return [], [], []
    key = mart_key(comparison, table)
    if not key or "status" not in comparison.common(table):
        return [], [], [f"`{MARTS}.{table}` has no usable key or status column: compared as rows only"]
    values = [column for column in comparison.common(table) if column not in key]
    on = " and ".join(f"base_.{quoted(column)} is not distinct from head_.{quoted(column)}" for column in key)
    changed = " or ".join(differs(column, comparison, table) for column in values)
    label = [column for column in CELL_LABEL if column in comparison.common(table)] or key
    selected = ", ".join(
        [
            f"concat_ws(' / ', {', '.join(f'coalesce(head_.{quoted(c)}, base_.{quoted(c)})' for c in label)})",
            *(f"base_.{quoted(c)}, head_.{quoted(c)}" for c in values),
        ]
    )
    rows = comparison.rows(
        f"select {selected}, base_.status is not null, head_.status is not null from {table_ref('base', table)} "
        f"as base_ full join {table_ref('head', table)} as head_ on {on} "
        f"where base_.status is null or head_.status is null or {changed} order by all"
    )
    stops, starts, others = [], [], []
    for row in rows:
        key_text = row[0]
        pairs = dict(zip(values, zip(row[1:-2:2], row[2:-2:2], strict=True), strict=True))
        in_base, in_head = row[-2], row[-1]
        detail = "; ".join(
            f"{column} {old} -> {new}" if str(old) != str(new) else f"{column} {new}"
            for column, (old, new) in pairs.items()
            if (str(old) != str(new) or column.startswith("published")) and column not in CELL_LABEL
        )
        old_status, new_status = pairs["status"]
        if not in_head:
            line, bucket = f"{key_text}: no longer compared (was {old_status})", others
        elif not in_base:
            line = f"{key_text}: newly compared, {new_status}"
            bucket = starts if new_status == "match" else stops
        else:
            line = f"{key_text}: {detail}"
            bucket = stops if old_status == "match" else starts if new_status == "match" else others
        bucket.append(line)
    return stops, starts, others


# The report -----------------------------------------------------------------------------------------------------


def capped(lines: list[str], limit: int = LIST_LIMIT) -> list[str]:
    return lines if len(lines) <= limit else [*lines[:limit], f"... and {len(lines) - limit} more"]


def bullets(lines: list[str]) -> list[str]:
    return [f"- {line}" for line in capped(lines)]


def standings_section(comparison: Comparison) -> list[str]:
    table = "fct_team_standings"
    if not comparison.has(table, STANDINGS_COLUMNS):
        return ["## Standings", "", f"`{MARTS}.{table}` lacks {sorted(STANDINGS_COLUMNS)} on a side: not compared.", ""]
    teams, headlines = team_changes(comparison), headline_changes(comparison)
    scenarios = scenario_changes(comparison)
    lines = ["## Standings", ""]
    for season, klass in sorted(set(teams) | set(headlines)):
        lines += [
            f"### {season} {klass}",
            "",
            *bullets(headlines.get((season, klass), [])),
            *bullets(teams.get((season, klass), [])),
            "",
        ]
    if not teams and not headlines:
        lines += ["No team's total or position changed.", ""]
    if scenarios:
        lines += ["### What-if scenarios", "", *bullets(scenarios), ""]
    return lines


def reconciliation_section(stops: list[str], starts: list[str], others: list[str]) -> list[str]:
    lines = []
    if stops:
        lines += [f"## ⚠️ {len(stops)} published cell(s) STOP matching the article", "", *bullets(stops), ""]
    if starts:
        lines += [f"## {len(starts)} published cell(s) start matching the article", "", *bullets(starts), ""]
    if others:
        lines += ["## Other changes in the reconciliation with the article", "", *bullets(others), ""]
    return lines


def marts_section(diffs: list[MartDiff], added_tables: int) -> list[str]:
    lines = [
        "## Rows per mart (by key)",
        "",
        "| mart | key | added | removed | changed | changed columns |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for diff in diffs:
        if diff.differs:
            key = ", ".join(diff.key) or f"_{diff.note}_"
            columns = ", ".join(diff.changed_columns)
            lines.append(f"| {diff.table} | {key} | {diff.added} | {diff.removed} | {diff.changed} | {columns} |")
    same = [diff.table for diff in diffs if not diff.differs]
    lines += ["", f"Unchanged ({len(same)}): {', '.join(same)}." if same else "", ""]
    examples = [f"{diff.table} {example}" for diff in diffs for example in diff.examples]
    if examples:
        lines += [
            "<details><summary>Examples (up to 3 keys per kind)</summary>",
            "",
            *bullets(examples),
            "",
            "</details>",
            "",
        ]
    if added_tables:
        lines += [f"{added_tables} mart(s) only on one side: see the schema changes.", ""]
    return lines


def nodes_section(modified: list[str], marts: list[str]) -> list[str]:
    if not modified:
        return ["## dbt nodes changed", "", "None (`state:modified` against the base's manifest is empty).", ""]
    return [
        "## dbt nodes changed",
        "",
        f"`state:modified` ({len(modified)}): {', '.join(modified)}.",
        "",
        f"Marts downstream (`state:modified+`): {', '.join(marts) or 'none'}.",
        "",
    ]


@dataclass
class Titles:
    base: str
    head: str


def report(comparison: Comparison, titles: Titles, modified: list[str], downstream: list[str]) -> str:
    diffs = compare_marts(comparison)
    schema = schema_changes(comparison)
    only_one_side = len(comparison.tables("base") ^ comparison.tables("head"))
    lines = [f"# Warehouse diff: {titles.base} -> {titles.head}", ""]
    if not schema and not any(diff.differs for diff in diffs):
        lines += ["No mart data changed.", "", *nodes_section(modified, downstream)]
        return "\n".join(lines).rstrip() + "\n"
    stops, starts, others = reconciliation_changes(comparison)
    lines += reconciliation_section(stops, starts, others)
    lines += standings_section(comparison)
    if schema:
        lines += ["## ⚠️ Breaking schema changes for BI users", "", *bullets(schema), ""]
    lines += marts_section(diffs, only_one_side)
    lines += nodes_section(modified, downstream)
    return "\n".join(lines).rstrip() + "\n"


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


def run(reference: str | None, workdir: Path, reused: Path | None = None) -> str:
    commit, described = resolve_base(reference)
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
    if reused:
        reuse_base(reused, commit, base)
    else:
        base.project.mkdir()
        export_commit(PROJECT_DIR, commit, base.project)
    building = [head] if reused else [base, head]
    print(
        f"Building {'the working tree' if reused else f'base {commit[:8]} ({described}) and the working tree'} "
        "(seeds and models)...",
        file=sys.stderr,
        flush=True,
    )
    build_both(building)
    if not reused:
        (workdir / "base-commit").write_text(commit + "\n")
    manifests = {"base": load_manifest(base), "head": load_manifest(head)}
    modified, downstream = changed_nodes(head, base, manifests["head"])
    comparison = attach(base.database, head.database, manifests)
    try:
        return report(comparison, Titles(f"{commit[:8]} ({described})", head_title()), modified, downstream)
    finally:
        comparison.connection.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="git ref to compare with (default: the merge base of HEAD and main)")
    parser.add_argument("--output", type=Path, help="also write the Markdown report to this file")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="build into this new folder and keep it (both DuckDB files, dbt logs and targets)",
    )
    parser.add_argument(
        "--reuse-base",
        type=Path,
        metavar="DIR",
        help="use the base built in DIR by an earlier --keep run (same base commit): builds the working tree only",
    )
    arguments = parser.parse_args(argv)
    reused = arguments.reuse_base.resolve() if arguments.reuse_base else None
    try:
        if arguments.keep:
            arguments.keep.mkdir(parents=True)
            text = run(arguments.base, arguments.keep.resolve(), reused)
        else:
            with tempfile.TemporaryDirectory(prefix="alms-diff-") as folder:
                text = run(arguments.base, Path(folder), reused)
    except (DiffStopped, FileExistsError) as stop:
        print(stop, file=sys.stderr)
        return 1
    sys.stdout.write(text)
    if arguments.output:
        arguments.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
