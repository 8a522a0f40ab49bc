"""The report of `make diff` (scripts/diff_warehouses.py): two built DuckDB files and their dbt manifests in, the
Markdown a reviewer reads first in a pull request out. No dbt and no git here: the tests feed it small hand-made
files.

Its order is a reader's: one summary line (champions, published cells, title rounds, marts, schema), then the
published cells as a table, the standings in words, the schema changes (breaking apart from additions), each
mart's changed rows named by its grain, and the dbt nodes changed, long lists folded in <details>.

A mart's grain is what its YAML declares, read from the manifest: the columns of a grain test over several columns
(`unique_combination_of_columns`), else a column tested (or constrained) unique and not_null. Rows are paired by
the first declared grain that both sides have and that is unique on both, and named by it, never by a hash: when
the only grain a mart declares holds hashes, rows are paired by it but named by the mart's first columns that
tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from alms_tools.words import measure_text, ordinal

MARTS = "marts"
# Tests over several columns that define a grain, and the argument naming its columns.
GRAIN_TEST_ARGUMENTS = {"unique_combination_of_columns": "combination_of_columns"}
HASH_PATTERN = "[0-9a-f]{32}"
HASH = re.compile(rf"\b{HASH_PATTERN}\b")
LIST_LIMIT = 40
EXAMPLES_PER_MART = 5
CHANGES_PER_ROW = 4
NUMERIC_TYPES = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|REAL|DECIMAL.*)$")
STANDINGS = "fct_team_standings"
STANDINGS_COLUMNS = ["season", "class_code", "team_name", "total_points", "championship_position", "position_label"]
CELLS = "fct_standings_reconciliation"
CELL_COLUMNS = ["season", "class_code", "team_name", "measure", "published_value", "computed_value", "status"]
# A position is one cell for a reader: the label (1, 2=) and the table's row order move together.
POSITION, ROW_ORDER = "position_label", "display_order"
PROGRESSION = "fct_championship_progression"
SCENARIOS = "fct_scenario_standings"


# Reading both sides ---------------------------------------------------------------------------------------------


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_ref(side: str, table: str) -> str:
    return f"{side}.{MARTS}.{quoted(table)}"


@dataclass
class Comparison:
    connection: duckdb.DuckDBPyConnection
    columns: dict[str, dict[str, dict[str, str]]]  # side -> table -> column -> type
    manifests: dict[str, dict]

    def tables(self, side: str) -> set[str]:
        return set(self.columns[side])

    def both(self) -> list[str]:
        return sorted(self.tables("base") & self.tables("head"))

    def common(self, table: str) -> list[str]:
        head = self.columns["head"].get(table, {})
        return [column for column in self.columns["base"].get(table, {}) if column in head]

    def has(self, table: str, wanted: Iterable[str]) -> bool:
        return set(wanted) <= set(self.common(table))

    def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        return self.connection.execute(sql, list(parameters)).fetchall()

    def count(self, side: str, table: str) -> int:
        return self.rows(f"select count(*) from {table_ref(side, table)}")[0][0]


def attach(base: Path, head: Path, manifests: dict[str, dict]) -> Comparison:
    """Both files attached read-only in one in-memory DuckDB session, as catalogs `base` and `head`."""
    connection = duckdb.connect()
    for name, path in (("base", base), ("head", head)):
        connection.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {name} (read_only)")
    columns: dict[str, dict[str, dict[str, str]]] = {"base": {}, "head": {}}
    for side, table, column, data_type in connection.execute(
        "select database_name, table_name, column_name, data_type from duckdb_columns() "
        "where database_name in ('base', 'head') and schema_name = ? order by column_index",
        [MARTS],
    ).fetchall():
        columns[side].setdefault(table, {})[column] = data_type
    return Comparison(connection, columns, manifests)


# Grains from the manifest ---------------------------------------------------------------------------------------


def model_ids(manifest: dict) -> dict[str, str]:
    """Mart table name -> the model's unique_id."""
    return {
        node.get("alias") or node["name"]: unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == MARTS
    }


def declared_grains(manifest: dict, table: str) -> list[list[str]]:
    """Every grain the mart's YAML declares, in its order: the columns of each grain test over several columns,
    then each column tested (or constrained) unique and not_null."""
    model_id = model_ids(manifest).get(table)
    if model_id is None:
        return []
    model = manifest["nodes"][model_id]
    tests = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("attached_node") == model_id and node.get("test_metadata")
    ]
    grains: list[list[str]] = []
    for test in tests:
        argument = GRAIN_TEST_ARGUMENTS.get(test["test_metadata"]["name"])
        columns = test["test_metadata"].get("kwargs", {}).get(argument) if argument else None
        if isinstance(columns, list) and columns and all(isinstance(column, str) for column in columns):
            grains.append(columns)
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
    keys = unique & not_null - {None}
    grains += [[column] for column in model.get("columns", {}) if column in keys]
    grains += [[column] for column in sorted(keys - set(model.get("columns", {})))]
    return grains


@dataclass
class Grain:
    paired_by: list[str]  # the declared grain that pairs the two sides' rows
    named_by: list[str]  # the columns that name a row for a reader (the grain itself unless it holds hashes)

    @property
    def stand_in(self) -> bool:
        return self.named_by != self.paired_by


def is_unique(comparison: Comparison, side: str, table: str, columns: list[str]) -> bool:
    listed = ", ".join(quoted(column) for column in columns)
    total, distinct = comparison.rows(f"select count(*), count(distinct ({listed})) from {table_ref(side, table)}")[0]
    return total == distinct


def holds_hashes(comparison: Comparison, table: str, column: str) -> bool:
    """Every value of the text column, on both sides, is 32 hex digits (an md5 key)."""
    types = {comparison.columns[side][table][column] for side in ("base", "head")}
    if types != {"VARCHAR"}:
        return False
    counts = [
        comparison.rows(
            f"select count({quoted(column)}), count(*) filter (where regexp_full_match({quoted(column)}, ?)) "
            f"from {table_ref(side, table)}",
            [HASH_PATTERN],
        )[0]
        for side in ("base", "head")
    ]
    return sum(total for total, _ in counts) > 0 and all(total == hashes for total, hashes in counts)


def mart_grain(comparison: Comparison, table: str) -> Grain | None:
    """The first declared grain (head's, then base's) that both sides have and that is unique on both; one that
    holds hashes only when no other will do."""
    usable: list[list[str]] = []
    for side in ("head", "base"):
        for grain in declared_grains(comparison.manifests[side], table):
            if (
                grain not in usable
                and comparison.has(table, grain)
                and all(is_unique(comparison, name, table, grain) for name in ("base", "head"))
            ):
                usable.append(grain)
    hashed = {column for grain in usable for column in grain if holds_hashes(comparison, table, column)}
    for grain in usable:
        if not hashed & set(grain):
            return Grain(grain, grain)
    if usable:
        return Grain(usable[0], first_telling_columns(comparison, table, hashed))
    return None


def first_telling_columns(comparison: Comparison, table: str, hashed: set[str]) -> list[str]:
    """The mart's first columns, hashes left out, each kept only if it tells more rows apart than the columns
    before it (the first one always), up to the first set that names every row on both sides."""
    chosen: list[str] = []
    distinct = {"base": 1, "head": 1}
    for column in comparison.common(table):
        if column in hashed:
            continue
        counts = {
            side: comparison.rows(
                f"select count(distinct ({', '.join(quoted(c) for c in [*chosen, column])})) "
                f"from {table_ref(side, table)}"
            )[0][0]
            for side in ("base", "head")
        }
        if not chosen or any(counts[side] > distinct[side] for side in counts):
            chosen.append(column)
            distinct = counts
            if all(is_unique(comparison, side, table, chosen) for side in ("base", "head")):
                break
    return chosen


# Comparing the marts --------------------------------------------------------------------------------------------


def is_numeric(data_type: str) -> bool:
    return bool(NUMERIC_TYPES.match(data_type))


def differs(comparison: Comparison, table: str, column: str, old: str = "base_", new: str = "head_") -> str:
    """SQL: the column's value differs between the sides (a retyped column compared as a number, or as text)."""
    before, after = comparison.columns["base"][table][column], comparison.columns["head"][table][column]
    left, right = f"{old}.{quoted(column)}", f"{new}.{quoted(column)}"
    if before == after:
        return f"{left} is distinct from {right}"
    cast = "double" if is_numeric(before) and is_numeric(after) else "varchar"
    return f"{left}::{cast} is distinct from {right}::{cast}"


def joined(table: str, on: list[str]) -> str:
    pairs = " and ".join(f"base_.{quoted(column)} is not distinct from head_.{quoted(column)}" for column in on)
    return (
        f"from (select *, true as present_ from {table_ref('base', table)}) as base_ "
        f"full join (select *, true as present_ from {table_ref('head', table)}) as head_ on {pairs}"
    )


def shown(value: object) -> str:
    """A value as a reader sees it: blank for null, never a hash."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "a hash" if HASH.fullmatch(text) else text


def value_change(column: str, old: object, new: object) -> str:
    if shown(old) == shown(new):  # two hashes, or a value retyped (10 -> 10.0)
        return f"{column} changed"
    return f"{column} {shown(old)} → {shown(new)}"


@dataclass
class Example:
    kind: str  # added, removed or changed
    named: tuple  # the row's values in the grain's columns
    change: str


@dataclass
class MartDiff:
    table: str
    grain: Grain | None
    added: int = 0
    removed: int = 0
    changed: int = 0
    changed_columns: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    schema: list[SchemaChange] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def unchanged(self) -> bool:
        return not self.differs and not self.schema


def compare_by_grain(comparison: Comparison, table: str, grain: Grain) -> MartDiff:
    key = grain.paired_by
    values = [column for column in comparison.common(table) if column not in key]
    conditions = [differs(comparison, table, column) for column in values]
    any_change = " or ".join(conditions) or "false"
    both = "base_.present_ and head_.present_"
    per_column = "".join(f", count(*) filter (where {both} and ({condition}))" for condition in conditions)
    source = joined(table, key)
    counts = comparison.rows(
        "select count(*) filter (where base_.present_ is null), count(*) filter (where head_.present_ is null), "
        f"count(*) filter (where {both} and ({any_change})){per_column} {source}"
    )[0]
    diff = MartDiff(table, grain, *counts[:3])
    diff.changed_columns = [column for column, count in zip(values, counts[3:], strict=True) if count]
    if diff.differs:
        diff.examples = examples(comparison, table, grain, diff.changed_columns, any_change)
    return diff


def examples(
    comparison: Comparison, table: str, grain: Grain, changed_columns: list[str], any_change: str
) -> list[Example]:
    """Up to EXAMPLES_PER_MART rows, each kind (added, removed, changed) in turn, named by the grain's columns."""
    kind = (
        "case when base_.present_ is null then 'added' when head_.present_ is null then 'removed' "
        f"when {any_change} then 'changed' end"
    )
    named = [f"coalesce(head_.{quoted(column)}, base_.{quoted(column)})" for column in grain.named_by]
    pairs = [f"base_.{quoted(column)}, head_.{quoted(column)}" for column in changed_columns]
    order = ", ".join(f"{position + 2}" for position in range(len(named)))
    rows = comparison.rows(
        f"select {kind} as kind_, {', '.join([*named, *pairs])} {joined(table, grain.paired_by)} "
        f"qualify kind_ is not null and row_number() over (partition by kind_ order by {order}) <= "
        f"{EXAMPLES_PER_MART} order by case kind_ when 'changed' then 1 when 'added' then 2 else 3 end, {order}"
    )
    found = []
    for row in rows[:EXAMPLES_PER_MART]:
        values = row[1 + len(named) :]
        if row[0] == "changed":
            moved = [
                value_change(column, old, new)
                for column, old, new in zip(changed_columns, values[::2], values[1::2], strict=True)
                if old != new or (old is None) != (new is None)
            ]
            moved.sort(key=lambda text: text.endswith(" changed"))  # a changed hash says least: last
            more = len(moved) - CHANGES_PER_ROW
            change = "; ".join(moved[:CHANGES_PER_ROW]) + (f"; and {more} more" if more > 0 else "")
        else:
            change = row[0]
        found.append(Example(row[0], tuple(row[1 : 1 + len(named)]), change))
    return found


def compare_whole_rows(comparison: Comparison, table: str) -> MartDiff:
    """A mart with no usable grain: rows only on one side (`except all` over the columns both have)."""
    columns = ", ".join(quoted(column) for column in comparison.common(table))

    def count(first: str, second: str) -> int:
        if not columns:
            return comparison.count(first, table)
        return comparison.rows(
            f"select count(*) from (select {columns} from {table_ref(first, table)} "
            f"except all select {columns} from {table_ref(second, table)})"
        )[0][0]

    return MartDiff(table, None, added=count("head", "base"), removed=count("base", "head"))


def compare_marts(comparison: Comparison) -> list[MartDiff]:
    """Every mart of either side: its rows by grain and its schema changes."""
    diffs = []
    for table in sorted(comparison.tables("base") | comparison.tables("head")):
        if table not in comparison.tables("base"):
            diff = MartDiff(table, None, added=comparison.count("head", table))
        elif table not in comparison.tables("head"):
            diff = MartDiff(table, None, removed=comparison.count("base", table))
        else:
            grain = mart_grain(comparison, table)
            diff = compare_by_grain(comparison, table, grain) if grain else compare_whole_rows(comparison, table)
        diff.schema = schema_changes(comparison, table, diff.grain)
        diffs.append(diff)
    return diffs


# Schema changes -------------------------------------------------------------------------------------------------


@dataclass
class SchemaChange:
    table: str
    kind: str  # mart added, mart removed, added, removed, renamed, retyped
    text: str

    @property
    def breaking(self) -> bool:
        """A BI user's query can fail: something it reads is gone, renamed or of another type."""
        return self.kind in {"mart removed", "removed", "renamed", "retyped"}


def schema_changes(comparison: Comparison, table: str, grain: Grain | None) -> list[SchemaChange]:
    base, head = comparison.columns["base"].get(table), comparison.columns["head"].get(table)
    name = f"`{MARTS}.{table}`"
    if base is None and head is not None:
        return [SchemaChange(table, "mart added", f"{name}: new mart ({len(head)} columns)")]
    if head is None and base is not None:
        return [SchemaChange(table, "mart removed", f"{name}: mart removed")]
    assert base is not None and head is not None
    added = [column for column in head if column not in base]
    changes = []
    for column in base:
        if column in head:
            if base[column] != head[column]:
                changes.append(
                    SchemaChange(
                        table, "retyped", f"`{MARTS}.{table}.{column}` retyped {base[column]} → {head[column]}"
                    )
                )
            continue
        renamed = next((new for new in added if same_values(comparison, table, grain, column, new)), None)
        if renamed:
            added.remove(renamed)
            text = f"`{MARTS}.{table}.{column}` renamed to `{renamed}` ({head[renamed]}, same values)"
            changes.append(SchemaChange(table, "renamed", text))
        else:
            changes.append(SchemaChange(table, "removed", f"`{MARTS}.{table}.{column}` removed (was {base[column]})"))
    changes += [SchemaChange(table, "added", f"`{MARTS}.{table}.{column}` added ({head[column]})") for column in added]
    return changes


def same_values(comparison: Comparison, table: str, grain: Grain | None, old: str, new: str) -> bool:
    """A base column and a head column hold the same values row for row (read by the mart's grain)."""
    if grain is None or comparison.columns["base"][table][old] != comparison.columns["head"][table][new]:
        return False
    pairs = " and ".join(f"base_.{quoted(c)} = head_.{quoted(c)}" for c in grain.paired_by)
    paired, different = comparison.rows(
        f"select count(*), count(*) filter (where base_.{quoted(old)} is distinct from head_.{quoted(new)}) "
        f"from {table_ref('base', table)} as base_ join {table_ref('head', table)} as head_ on {pairs}"
    )[0]
    return paired > 0 and different == 0


# Words: names, classes in order ---------------------------------------------------------------------------------


@dataclass
class Names:
    class_order: dict[str, int]
    scenario_names: dict[str, str]

    def class_rank(self, class_code: str) -> tuple[int, str]:
        return self.class_order.get(class_code, len(self.class_order)), class_code

    def scenario(self, code: str) -> str:
        return self.scenario_names.get(code, code)


def lookup(comparison: Comparison, table: str, key: str, value: str) -> dict:
    """key -> value from a dimension, the head's values over the base's."""
    found: dict = {}
    for side in ("base", "head"):
        if {key, value} <= set(comparison.columns[side].get(table, {})):
            found.update(comparison.rows(f"select {quoted(key)}, {quoted(value)} from {table_ref(side, table)}"))
    return found


def names(comparison: Comparison) -> Names:
    return Names(
        lookup(comparison, "dim_classes", "class_code", "class_order"),
        lookup(comparison, "dim_scoring_scenarios", "scenario_code", "scenario_name"),
    )


def place(position: int | None, label: str | None) -> str:
    if position is None:
        return "-"
    return ordinal(position) + (" (shared)" if label and label.endswith("=") else "")


def standing(points: object, position: int | None, label: str | None) -> str:
    return f"{place(position, label)}, {points} pts"


def phrase_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


# The standings in a reader's words ------------------------------------------------------------------------------


@dataclass
class Group:
    """One season's class in the standings: what changed in it, in words."""

    season: int
    class_code: str
    status: str = ""  # "", "new season", "new class", "season removed", "class removed"
    champion_before: str | None = None
    champion_after: str | None = None
    decided_before: str | None = None
    decided_after: str | None = None
    lines: list[str] = field(default_factory=list)
    teams_after: int = 0
    champion_points: object = None

    @property
    def champion_changed(self) -> bool:
        return not self.status and self.champion_before != self.champion_after

    @property
    def decided_changed(self) -> bool:
        return not self.status and self.decided_before != self.decided_after

    @property
    def title(self) -> str:
        return f"{self.season} {self.class_code}" + (f" ({self.status})" if self.status else "")


def champions(rows: list[tuple]) -> str | None:
    """The champion of a class from its standings rows (team, position): a shared title named once."""
    teams = sorted(team for team, position in rows if position == 1)
    if not teams:
        return None
    return phrase_list(teams) + (" (shared title)" if len(teams) > 1 else "")


def standings_groups(comparison: Comparison, words: Names) -> list[Group]:
    if not comparison.has(STANDINGS, STANDINGS_COLUMNS):
        return []
    rows = comparison.rows(
        "select coalesce(head_.season, base_.season), coalesce(head_.class_code, base_.class_code), "
        "coalesce(head_.team_name, base_.team_name), base_.present_, head_.present_, "
        "base_.total_points, base_.championship_position, base_.position_label, "
        "head_.total_points, head_.championship_position, head_.position_label "
        f"{joined(STANDINGS, ['season', 'class_code', 'team_name'])} "
        "order by coalesce(head_.championship_position, base_.championship_position) nulls last, 3"
    )
    seasons = {side: {row[0] for row in rows if row[3 if side == "base" else 4]} for side in ("base", "head")}
    by_group: dict[tuple, list[tuple]] = {}
    for row in rows:
        by_group.setdefault((row[0], row[1]), []).append(row)
    decided = {side: title_rounds(comparison, side) for side in ("base", "head")}
    groups = []
    for (season, class_code), members in by_group.items():
        group = Group(season, class_code)
        in_base, in_head = any(row[3] for row in members), any(row[4] for row in members)
        if not in_base:
            group.status = "new season" if season not in seasons["base"] else "new class"
        elif not in_head:
            group.status = "season removed" if season not in seasons["head"] else "class removed"
        group.champion_before = champions([(row[2], row[6]) for row in members if row[3]])
        group.champion_after = champions([(row[2], row[9]) for row in members if row[4]])
        group.decided_before = decided["base"].get((season, class_code))
        group.decided_after = decided["head"].get((season, class_code))
        group.teams_after = sum(1 for row in members if row[4])
        group.champion_points = next((row[8] for row in members if row[4] and row[9] == 1), None)
        if not group.status:
            group.lines = [team_line(row) for row in members if team_moved(row)]
        if group.champion_changed or group.decided_changed or group.lines or group.status:
            groups.append(group)
    return sorted(groups, key=lambda group: (group.season, words.class_rank(group.class_code)))


def team_moved(row: tuple) -> bool:
    _, _, _, in_base, in_head, old_points, _, old_label, points, _, label = row
    return in_base != in_head or old_points != points or old_label != label


def team_line(row: tuple) -> str:
    _, _, team, in_base, in_head, old_points, old_position, old_label, points, position, label = row
    if not in_base:
        return f"{team} (new): **{standing(points, position, label)}**"
    if not in_head:
        return f"{team}: {standing(old_points, old_position, old_label)} → **no longer in the standings**"
    return f"{team}: {standing(old_points, old_position, old_label)} → **{standing(points, position, label)}**"


def title_rounds(comparison: Comparison, side: str) -> dict[tuple, str]:
    """(season, class) -> when the title was decided ('at round 9', 'not decided')."""
    if not {"season", "class_code", "round_number", "is_title_decided"} <= set(
        comparison.columns[side].get(PROGRESSION, {})
    ):
        return {}
    rows = comparison.rows(
        "select season, class_code, min(round_number) filter (where is_title_decided) "
        f"from {table_ref(side, PROGRESSION)} group by season, class_code"
    )
    return {
        (season, klass): "not decided" if decided is None else f"at round {decided}" for season, klass, decided in rows
    }


def group_lines(group: Group) -> list[str]:
    if group.status in ("new season", "new class"):
        champion = f"**{group.champion_after}**, {group.champion_points} pts" if group.champion_after else "none yet"
        return [f"Champion: {champion} ({plural(group.teams_after, 'team')} in the standings)"]
    if group.status:
        return [f"Was won by {group.champion_before or 'no one yet'}; no longer in the standings"]
    lines = []
    if group.champion_changed:
        lines.append(f"**Champion: {group.champion_before or 'none'} → {group.champion_after or 'none'}**")
    if group.decided_changed:
        lines.append(f"Title decided {group.decided_before or 'not decided'} → {group.decided_after or 'not decided'}")
    return lines + group.lines


# What-if scenarios ----------------------------------------------------------------------------------------------


def scenario_changes(comparison: Comparison, words: Names) -> tuple[list[str], list[str]]:
    """(champion changes, team changes) in the what-if tables (not the official one), in readers' words."""
    wanted = [*STANDINGS_COLUMNS, "scenario_code", "is_official_scenario"]
    if not comparison.has(SCENARIOS, wanted):
        return [], []
    rows = comparison.rows(
        "select coalesce(head_.scenario_code, base_.scenario_code), coalesce(head_.season, base_.season), "
        "coalesce(head_.class_code, base_.class_code), coalesce(head_.team_name, base_.team_name), "
        "base_.present_, head_.present_, base_.total_points, base_.championship_position, base_.position_label, "
        "head_.total_points, head_.championship_position, head_.position_label "
        f"{joined(SCENARIOS, ['season', 'scenario_code', 'class_code', 'team_name'])} "
        "where not coalesce(head_.is_official_scenario, base_.is_official_scenario) "
        "order by coalesce(head_.championship_position, base_.championship_position) nulls last, 4"
    )
    by_group: dict[tuple, list[tuple]] = {}
    for row in rows:
        by_group.setdefault((row[0], row[1], row[2]), []).append(row)
    order = sorted(by_group, key=lambda key: (words.scenario(key[0]), key[1], words.class_rank(key[2])))
    champions_changed, teams = [], []
    for scenario, season, class_code in order:
        members = by_group[(scenario, season, class_code)]
        where = f"{words.scenario(scenario)}, {season} {class_code}"
        before = champions([(row[3], row[7]) for row in members if row[4]])
        after = champions([(row[3], row[10]) for row in members if row[5]])
        if before != after and any(row[4] for row in members) and any(row[5] for row in members):
            champions_changed.append(f"{where}: **champion {before or 'none'} → {after or 'none'}**")
        teams += [f"{where}, {team_line(row[1:])}" for row in members if team_moved(row[1:])]
    return champions_changed, teams


# Published cells ------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    season: int
    class_code: str
    team: str
    measure: str
    published: object
    before: object
    after: object
    status_before: str | None
    status_after: str | None

    @property
    def row(self) -> list[str]:
        before = "new" if self.status_before is None else shown(self.before)
        after = "not compared" if self.status_after is None else shown(self.after)
        return [
            str(self.season),
            self.class_code,
            self.team,
            measure_text(self.measure),
            "blank" if self.published is None else shown(self.published),
            before,
            after,
        ]


@dataclass
class Cells:
    stop: list[Cell] = field(default_factory=list)  # matched and no longer do (or a new cell that does not)
    start: list[Cell] = field(default_factory=list)  # did not match and now do
    other: list[Cell] = field(default_factory=list)  # changed, still not matching; or no longer compared
    new_matching: int = 0
    note: str = ""


MEASURE_ORDER = ["total_points", POSITION, ROW_ORDER]


def measure_rank(measure: str) -> tuple[int, int]:
    """Rounds in order, then the total, the position and the row order."""
    found = re.fullmatch(r"round_(\d+)_points", measure)
    if found:
        return 0, int(found.group(1))
    return 1, MEASURE_ORDER.index(measure) if measure in MEASURE_ORDER else len(MEASURE_ORDER)


def published_cells(comparison: Comparison, words: Names) -> Cells:
    """The cells of the published tables whose comparison with the computed standings changed, one per cell a
    reader names: a team's position once, not as its label and its row order."""
    if CELLS not in comparison.both():
        return Cells()
    grain = mart_grain(comparison, CELLS)
    if grain is None or not comparison.has(CELLS, CELL_COLUMNS):
        return Cells(note=f"`{MARTS}.{CELLS}` has no usable grain or lacks {CELL_COLUMNS} on a side: see its rows.")
    picked = ", ".join(f"coalesce(head_.{quoted(c)}, base_.{quoted(c)})" for c in CELL_COLUMNS[:5])
    rows = comparison.rows(
        f"select {picked}, base_.computed_value, head_.computed_value, base_.status, head_.status "
        f"{joined(CELLS, grain.paired_by)} where base_.present_ is null or head_.present_ is null "
        "or base_.status is distinct from head_.status or base_.computed_value is distinct from head_.computed_value "
        "or base_.published_value is distinct from head_.published_value"
    )
    positions = {
        (season, klass, team): index for index, (season, klass, team) in enumerate(standings_order(comparison))
    }
    cells = Cells()
    moved = [Cell(*row) for row in rows]
    with_position = {(c.season, c.class_code, c.team) for c in moved if c.measure == POSITION}
    for cell in sorted(
        moved,
        key=lambda c: (
            c.season,
            words.class_rank(c.class_code),
            positions.get((c.season, c.class_code, c.team), len(positions)),
            c.team,
            measure_rank(c.measure),
        ),
    ):
        if cell.measure == ROW_ORDER and (cell.season, cell.class_code, cell.team) in with_position:
            continue
        if cell.status_before is None and cell.status_after == "match":
            cells.new_matching += 1
        elif cell.status_after is None:
            cells.other.append(cell)
        elif cell.status_before in ("match", None) and cell.status_after != "match":
            cells.stop.append(cell)
        elif cell.status_before != "match" and cell.status_after == "match":
            cells.start.append(cell)
        else:
            cells.other.append(cell)
    return cells


def standings_order(comparison: Comparison) -> list[tuple]:
    """(season, class, team) in the head's standings order (the base's for a team the head lacks)."""
    if not comparison.has(STANDINGS, STANDINGS_COLUMNS):
        return []
    return comparison.rows(
        "select coalesce(head_.season, base_.season), coalesce(head_.class_code, base_.class_code), "
        f"coalesce(head_.team_name, base_.team_name) {joined(STANDINGS, ['season', 'class_code', 'team_name'])} "
        "order by coalesce(head_.championship_position, base_.championship_position) nulls last, 3"
    )


# Markdown -------------------------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: Iterable[Sequence[object]], right: Iterable[int] = ()) -> list[str]:
    aligned = set(right)
    rule = ["---:" if index in aligned else "---" for index in range(len(header))]
    lines = [f"| {' | '.join(header)} |", f"| {' | '.join(rule)} |"]
    return lines + [f"| {' | '.join(cell_text(value) for value in row)} |" for row in rows]


def capped(lines: list[str], limit: int = LIST_LIMIT) -> list[str]:
    return lines if len(lines) <= limit else [*lines[:limit], f"... and {len(lines) - limit} more"]


def bullets(lines: list[str]) -> list[str]:
    return [f"- {line}" for line in capped(lines)]


def folded(summary: str, lines: list[str]) -> list[str]:
    return [f"<details><summary>{summary}</summary>", "", *lines, "", "</details>", ""]


CELL_HEADER = ["Season", "Class", "Team", "Cell", "Published", "Before", "After"]


def cells_section(cells: Cells) -> list[str]:
    lines = []
    if cells.stop:
        title = f"## ⚠️ {plural(len(cells.stop), 'published cell')} stop matching the article"
        lines += [title, "", *table(CELL_HEADER, capped_rows(cells.stop), right=(4, 5, 6)), ""]
    if cells.start:
        title = f"## {plural(len(cells.start), 'published cell')} start matching the article"
        lines += [title, "", *table(CELL_HEADER, capped_rows(cells.start), right=(4, 5, 6)), ""]
    if cells.other:
        header = [*CELL_HEADER, "Status"]
        rows = [
            [*cell.row, f"{cell.status_before or 'new'} → {cell.status_after or 'not compared'}"]
            for cell in cells.other
        ]
        lines += ["## Other changes in the comparison with the article", "", *table(header, rows[:LIST_LIMIT]), ""]
    if cells.new_matching:
        lines += [f"{plural(cells.new_matching, 'new published cell')} match the article.", ""]
    if cells.note:
        lines += [cells.note, ""]
    return lines


def capped_rows(cells: list[Cell]) -> list[list[str]]:
    rows = [cell.row for cell in cells[:LIST_LIMIT]]
    if len(cells) > LIST_LIMIT:
        rows.append(["...", "", f"and {len(cells) - LIST_LIMIT} more", "", "", "", ""])
    return rows


def standings_section(groups: list[Group], what_if: tuple[list[str], list[str]], has_standings: bool) -> list[str]:
    lines = ["## Standings", ""]
    for group in groups:
        lines += [f"### {group.title}", "", *bullets(group_lines(group)), ""]
    if not has_standings:
        lines += [f"`{MARTS}.{STANDINGS}` lacks {STANDINGS_COLUMNS} on a side: not compared.", ""]
    elif not groups:
        lines += ["No team's total or position changed.", ""]
    champions_changed, teams = what_if
    if champions_changed or teams:
        lines += ["### What-if scenarios", ""]
        lines += bullets(champions_changed) + ([""] if champions_changed else [])
        if teams:
            lines += folded(f"What-if results of {plural(len(teams), 'team')} changed", bullets(teams))
    return lines


def schema_section(diffs: list[MartDiff]) -> list[str]:
    changes = [change for diff in diffs for change in diff.schema]
    breaking = [change.text for change in changes if change.breaking]
    additions = [change.text for change in changes if not change.breaking]
    lines = []
    if breaking:
        lines += [f"## ⚠️ {plural(len(breaking), 'breaking schema change')} for BI users", "", *bullets(breaking), ""]
    if additions:
        lines += ["## Schema additions (existing queries keep working)", "", *bullets(additions), ""]
    return lines


def schema_note(diff: MartDiff) -> str:
    kinds = [change.kind for change in diff.schema]
    if "mart added" in kinds:
        return "new mart"
    if "mart removed" in kinds:
        return "⚠️ mart removed"
    counts = {kind: kinds.count(kind) for kind in ("removed", "renamed", "retyped", "added")}
    text = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
    return ("⚠️ " if any(change.breaking for change in diff.schema) else "") + (f"columns: {text}" if text else "")


def grain_text(diff: MartDiff) -> str:
    if diff.grain is None:
        return "" if any(change.kind.startswith("mart ") for change in diff.schema) else "whole rows (no grain)"
    return ", ".join(diff.grain.named_by) + (" *" if diff.grain.stand_in else "")


def marts_section(diffs: list[MartDiff]) -> list[str]:
    shown_diffs = [diff for diff in diffs if not diff.unchanged]
    lines = ["## Rows per mart", ""]
    lines += table(
        ["Mart", "Rows named by", "Added", "Removed", "Changed", "Changed columns", "Schema"],
        [
            [
                diff.table,
                grain_text(diff),
                diff.added,
                diff.removed,
                diff.changed,
                ", ".join(diff.changed_columns),
                schema_note(diff),
            ]
            for diff in shown_diffs
        ],
        right=(2, 3, 4),
    )
    lines.append("")
    if any(diff.grain and diff.grain.stand_in for diff in shown_diffs):
        lines += [
            "\\* The mart declares no readable grain (only a hashed key): its rows are paired by that key and named "
            "by its first columns that tell them apart.",
            "",
        ]
    same = [diff.table for diff in diffs if diff.unchanged]
    if same:
        lines += [f"Unchanged ({len(same)}): {', '.join(same)}.", ""]
    for diff in shown_diffs:
        if diff.examples and diff.grain:
            counts = ", ".join(
                f"{count} {kind}"
                for kind, count in (("changed", diff.changed), ("added", diff.added), ("removed", diff.removed))
                if count
            )
            rows = [[*(shown(value) for value in example.named), example.change] for example in diff.examples]
            total = diff.added + diff.removed + diff.changed
            more = [f"... and {total - len(rows)} more"] if total > len(rows) else []
            lines += folded(
                f"{diff.table}: {counts}",
                [*table([*diff.grain.named_by, "change"], rows), *(["", *more] if more else [])],
            )
    return lines


def node_text(node: dict, manifest: dict) -> str:
    """A dbt node as a reader names it: a generic test by what it checks on which model and column (its generated
    name can end in a hash), anything else by its name."""
    found = manifest.get("nodes", {}).get(node["unique_id"], {})
    metadata = found.get("test_metadata") or {}
    kind = node["resource_type"]
    if kind == "test" and metadata and found.get("name", "").startswith(metadata.get("name", "")):
        attached = found.get("attached_node") or ""
        subject = attached.split(".")[-1] if attached else "?"
        column = found.get("column_name")
        arguments = metadata.get("kwargs", {})
        over = next((value for value in arguments.values() if isinstance(value, list) and value), None)
        detail = f".{column}" if column else f" ({', '.join(map(str, over))})" if over else ""
        return f"test {metadata['name']} on {subject}{detail}"
    return f"{kind.replace('_', ' ')} {node['name']}"


KINDS = ["seed", "model", "snapshot", "test", "unit_test"]


def nodes_section(modified: list[dict], downstream: list[str], manifest: dict) -> list[str]:
    lines = ["## dbt nodes changed", ""]
    if not modified:
        return [*lines, "None (`state:modified` against the base's manifest is empty).", ""]
    kinds = sorted({node["resource_type"] for node in modified}, key=lambda k: (KINDS.index(k) if k in KINDS else 9, k))
    counted = [
        plural(sum(1 for node in modified if node["resource_type"] == kind), kind.replace("_", " ")) for kind in kinds
    ]
    lines += [
        f"`state:modified`: {', '.join(counted)}; {plural(len(downstream), 'mart')} downstream (`state:modified+`).",
        "",
    ]
    names_ = sorted(
        (node_text(node, manifest) for node in modified),
        key=lambda text: (KINDS.index(text.split()[0]) if text.split()[0] in KINDS else 9, text),
    )
    body = [*bullets(names_), "", f"Marts downstream: {', '.join(downstream) or 'none'}."]
    return lines + folded("The nodes and marts", body)


# The report -----------------------------------------------------------------------------------------------------


@dataclass
class Titles:
    base: str
    head: str


def summary_line(groups: list[Group], cells: Cells, diffs: list[MartDiff], both: int) -> str:
    """One line for readers of the standings: champions, published cells, title rounds, marts, schema."""
    changed_champions = [group for group in groups if group.champion_changed]
    if len(changed_champions) > 3:
        champion_text = f"**{len(changed_champions)} champions changed**"
    elif changed_champions:
        champion_text = "; ".join(
            f"**{group.season} {group.class_code} champion: {group.champion_before or 'none'} → "
            f"{group.champion_after or 'none'}**"
            for group in changed_champions
        )
    else:
        champion_text = "no champion changed"
    parts = [champion_text]
    new_seasons = sorted({group.season for group in groups if group.status == "new season"})
    if new_seasons:
        parts.append(f"new season{'s' if len(new_seasons) > 1 else ''} {phrase_list([str(s) for s in new_seasons])}")
    if cells.stop:
        parts.append(f"⚠️ **{plural(len(cells.stop), 'published cell')} stop matching the article**")
    else:
        parts.append("no published cell stops matching the article")
    if cells.start:
        parts.append(f"{plural(len(cells.start), 'published cell')} start matching")
    decided = sum(1 for group in groups if group.decided_changed)
    parts.append(
        f"{plural(decided, 'title')} decided at another round" if decided else "no title decided at another round"
    )
    parts.append(f"{sum(1 for diff in diffs if diff.differs)} of {plural(both, 'mart')} with changed rows")
    breaking = sum(1 for diff in diffs for change in diff.schema if change.breaking)
    additions = sum(1 for diff in diffs for change in diff.schema if not change.breaking)
    schema = [f"⚠️ **{plural(breaking, 'breaking schema change')}**"] if breaking else ["no breaking schema change"]
    if additions:
        schema.append(plural(additions, "schema addition"))
    parts += schema
    line = " · ".join(parts)
    return line[0].upper() + line[1:]


def report(
    comparison: Comparison,
    titles: Titles,
    modified: list[dict],
    downstream: list[str],
) -> str:
    diffs = compare_marts(comparison)
    which = f"`make diff`: {titles.base} → {titles.head}."
    nodes = nodes_section(modified, downstream, comparison.manifests["head"])
    if all(diff.unchanged for diff in diffs):
        return "\n".join(["No mart data changed.", "", which, "", *nodes]).rstrip() + "\n"
    words = names(comparison)
    groups = standings_groups(comparison, words)
    cells = published_cells(comparison, words)
    marts_in_both = len(comparison.tables("base") | comparison.tables("head"))
    lines = [summary_line(groups, cells, diffs, marts_in_both), "", which, ""]
    lines += cells_section(cells)
    lines += standings_section(
        groups, scenario_changes(comparison, words), comparison.has(STANDINGS, STANDINGS_COLUMNS)
    )
    lines += schema_section(diffs)
    lines += marts_section(diffs)
    lines += nodes
    return "\n".join(lines).rstrip() + "\n"
