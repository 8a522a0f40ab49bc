"""`make diff`: what a change does to the marts and the standings, as a reviewer reads it in a pull request.

The slow tests commit one change each in a private git clone of the project (the working tree as it is,
committed) and run `make diff BASE=HEAD~1`. The base is built once for the module, by the refactor test's run
(--keep), and reused by the others (--reuse-base), so each of them builds only its own working tree. The last
tests check the comparison alone on small hand-made DuckDB files, without dbt.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import diff_warehouses as diff
import duckdb
import pytest
from conftest import PROJECT_DIR, edit_rows, read_rows
from oracle import expected_season
from synthetic_seasons import SEASON_2003, add_season

TRG, J3 = "The Racer's Group", "J-3 Racing"  # J3 Racing is entered as "J3 Racing", listed as "J-3 Racing"


@dataclass
class Diff:
    returncode: int
    report: str
    errors: str


def git(clone: Path, *arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=clone, capture_output=True, text=True, check=True)
    return completed.stdout


def commit(clone: Path, message: str) -> None:
    git(clone, "add", "-A")
    git(
        clone,
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.invalid",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        message,
    )


def link_environments(clone: Path) -> None:
    """This machine's virtual environments, linked in and kept out of git; make sees them as set up."""
    with (clone / ".git" / "info" / "exclude").open("a") as exclude:
        exclude.write(".venv\n.venv-duckdb1\n")
    for venv in (".venv", ".venv-duckdb1"):
        (clone / venv).symlink_to(PROJECT_DIR / venv)
    for requirements in clone.glob("requirements*.txt"):
        os.utime(requirements, (0, 0))  # older than the venvs' stamps


def snapshot_clone(destination: Path) -> Path:
    """A git clone of the project whose last commit is the working tree as it is (uncommitted changes included)."""
    subprocess.run(["git", "clone", "-q", str(PROJECT_DIR), str(destination)], check=True)
    git(destination, "rm", "-rq", ".")
    files = git(PROJECT_DIR, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, files):
        source, target = PROJECT_DIR / name, destination / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    commit(destination, "the working tree")
    link_environments(destination)
    return destination


def clone_at_snapshot(snapshot: Path, destination: Path) -> Path:
    """A clone of the snapshot clone, at its working-tree commit (the base the module built)."""
    subprocess.run(["git", "clone", "-q", str(snapshot), str(destination)], check=True)
    git(destination, "reset", "-q", "--hard", "HEAD~1")
    link_environments(destination)
    return destination


def make_diff(clone: Path, *diff_arguments: str) -> Diff:
    command = ["make", "-s", "diff", "BASE=HEAD~1", f"DIFF_ARGS={' '.join(diff_arguments)}"]
    completed = subprocess.run(command, cwd=clone, capture_output=True, text=True, check=False)
    return Diff(completed.returncode, completed.stdout, completed.stderr)


def replace_in(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="module")
def refactor(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Diff]:
    """A commit renaming a CTE (no data changes), diffed against the working tree's commit with both builds kept:
    (snapshot clone, kept builds, diff)."""
    folder = tmp_path_factory.mktemp("diff")
    clone = snapshot_clone(folder / "clone")
    model = clone / "models" / "marts" / "fct_race_winners.sql"
    model.write_text(re.sub(r"\bclass_winners\b", "winning_finishes", model.read_text(encoding="utf-8")))
    commit(clone, "refactor: rename a CTE")
    kept = folder / "kept"
    result = make_diff(clone, "--keep", str(kept))
    assert result.returncode == 0, result.errors[-3000:]
    return clone, kept, result


@pytest.fixture()
def changed(refactor: tuple[Path, Path, Diff], tmp_path: Path):
    """Commit a change on top of the working tree's commit and diff it, reusing the module's base build."""
    snapshot, kept, _ = refactor

    def run(change, message: str) -> Diff:
        clone = clone_at_snapshot(snapshot, tmp_path / "clone")
        change(clone)
        commit(clone, message)
        result = make_diff(clone, "--reuse-base", str(kept))
        assert result.returncode == 0, result.errors[-3000:]
        return result

    return run


def section(report: str, title: str) -> str:
    """The text of the report's section whose heading contains `title` (up to the next heading of level 2)."""
    match = re.search(rf"^## [^\n]*{re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", report, re.MULTILINE | re.DOTALL)
    assert match, f"no section {title!r} in:\n{report}"
    return match.group(1)


@pytest.mark.slow
def test_a_refactor_that_changes_no_data_says_so_in_one_line(refactor: tuple[Path, Path, Diff]) -> None:
    report = refactor[2].report
    assert "No mart data changed." in report
    assert "STOP matching" not in report and "## Standings" not in report
    assert "model fct_race_winners" in section(report, "dbt nodes changed")  # dbt's state:modified sees the edit


def swap_trg_and_j3_at_gt_round_2(clone: Path) -> None:
    def swap(rows: list[list[str]]) -> list[list[str]]:
        header = rows[0]
        column = {name: header.index(name) for name in ("season", "round_number", "class_code", "team_entered")}
        position = header.index("class_position")
        found = {
            row[column["team_entered"]]: row
            for row in rows[1:]
            if (row[column["season"]], row[column["round_number"]], row[column["class_code"]]) == ("2002", "2", "GT")
            and row[column["team_entered"]] in ("The Racer's Group", "J3 Racing")
        }
        assert len(found) == 2, found
        first, second = found.values()
        first[position], second[position] = second[position], first[position]
        return rows

    edit_rows("raw/finishes.csv", swap)(clone)


@pytest.mark.slow
def test_a_swap_of_two_gt_positions_names_both_teams_and_the_cells_that_stop_matching(changed) -> None:
    rows = read_rows(PROJECT_DIR / "seeds" / "raw" / "finishes.csv")
    assert next(row for row in rows if row[:4] == ["2002", "2", "GT", "The Racer's Group"])[5] == "2", "seed changed"
    report = changed(swap_trg_and_j3_at_gt_round_2, "swap TRG and J3 at GT round 2").report

    standings = section(report, "Standings")
    # TRG lose 4 points (21 -> 17 at round 2), J3 gain 4 (17 -> 21); both keep their places.
    assert f"{TRG}: 2nd, 210 pts -> **2nd, 206 pts**" in standings
    assert f"{J3}: 5th, 86 pts -> **5th, 90 pts**" in standings
    assert "### 2002 GT" in standings

    cells = section(report, "STOP matching the article")
    assert "4 published cell(s) STOP matching" in report
    for team, measure, published, old, new in [
        (TRG, "round_2_points", 21, 21, 17),
        (TRG, "total_points", 210, 210, 206),
        (J3, "round_2_points", 17, 17, 21),
        (J3, "total_points", 86, 86, 90),
    ]:
        assert (
            f"2002 / GT / {team} / {measure}: published_value {published}; computed_value {old} -> {new}; "
            "status match -> mismatch"
        ) in cells

    marts = section(report, "Rows per mart")
    assert re.search(
        r"^\| fct_team_standings \| [^|]+ \| 0 \| 0 \| 2 \| round_2_points, total_points \|$", marts, re.MULTILINE
    ), marts
    assert "seed finishes" in section(report, "dbt nodes changed")
    assert "No mart data changed" not in report


def rename_class_name(clone: Path) -> None:
    replace_in(
        clone / "models" / "marts" / "dim_classes.sql", "        class_name,", "        class_name as class_title,"
    )
    replace_in(clone / "models" / "marts" / "dim_classes.yml", "- name: class_name", "- name: class_title")


@pytest.mark.slow
def test_renaming_a_mart_column_is_a_breaking_schema_change(changed) -> None:
    report = changed(rename_class_name, "rename dim_classes.class_name").report
    schema = section(report, "Breaking schema changes")
    assert "`marts.dim_classes.class_name` removed" in schema
    assert "`marts.dim_classes.class_title` added (VARCHAR)" in schema
    assert "No mart data changed" not in report


@pytest.mark.slow
def test_an_added_season_reports_its_standings_as_added_rows(changed, tmp_path: Path) -> None:
    report = changed(lambda clone: add_season(clone, SEASON_2003), "add the 2003 season").report
    seeds = tmp_path / "seeds"
    shutil.copytree(PROJECT_DIR / "seeds", seeds)
    add_season(tmp_path, SEASON_2003)
    expected = expected_season(seeds, SEASON_2003.season).standings
    marts = section(report, "Rows per mart")
    assert re.search(rf"^\| fct_team_standings \| [^|]+ \| {len(expected)} \| 0 \| 0 \| +\|$", marts, re.MULTILINE), (
        marts
    )
    standings = section(report, "Standings")
    champion = next(row for row in expected if row[0] == "GT" and row[2] == 1)
    assert "### 2003 GT" in standings
    assert f"{champion[1]}: not classified -> **1st, {champion[-1]} pts**" in standings
    assert "### 2002" not in standings, "2002 did not change"


@pytest.mark.slow
def test_a_failed_build_says_which_side_in_one_line(refactor: tuple[Path, Path, Diff], tmp_path: Path) -> None:
    clone = clone_at_snapshot(refactor[0], tmp_path / "clone")
    replace_in(clone / "models" / "marts" / "dim_classes.sql", "from classes", "from classes where no_such_column", 1)
    commit(clone, "break a model")
    result = make_diff(clone, "--reuse-base", str(refactor[1]))
    assert result.returncode != 0
    assert result.report == ""
    last = [line for line in result.errors.strip().splitlines() if not line.startswith("make")][-1]
    assert last.startswith("The head build (the working tree) failed: ") and "no_such_column" in last, result.errors


# The comparison alone, on small hand-made files (no dbt) --------------------------------------------------------

STANDINGS = (
    "season integer, class_code varchar, team_name varchar, championship_position integer, "
    "position_label varchar, total_points integer"
)


def manifest(*tests: tuple[str, str | None, dict], table: str = "fct_team_standings") -> dict:
    """A manifest with one mart, `table`, and the given tests (name, column, arguments) on it."""
    model_id = f"model.alms_standings.{table}"
    nodes = {model_id: {"resource_type": "model", "name": table, "schema": "marts", "columns": {}}}
    for number, (name, column, arguments) in enumerate(tests):
        nodes[f"test.{number}"] = {
            "resource_type": "test",
            "attached_node": model_id,
            "column_name": column,
            "test_metadata": {"name": name, "kwargs": arguments},
        }
    return {"nodes": nodes}


def two_files(folder: Path, base_sql: str, head_sql: str) -> tuple[Path, Path]:
    paths = []
    for name, sql in (("base", base_sql), ("head", head_sql)):
        path = folder / f"{name}.duckdb"
        connection = duckdb.connect(str(path))
        connection.execute(f"create schema marts; {sql}")
        connection.close()
        paths.append(path)
    return paths[0], paths[1]


def test_the_key_is_a_single_unique_not_null_column_before_a_combination() -> None:
    # As dbt records the test in the manifest: its argument by name (tests/generic/unique_combination_of_columns.sql).
    combination = (
        "unique_combination_of_columns",
        None,
        {"combination_of_columns": ["season", "class_code", "team_name"]},
    )
    assert diff.declared_key(manifest(combination), "fct_team_standings") == ["season", "class_code", "team_name"]
    single = [("unique", "standing_key", {}), ("not_null", "standing_key", {})]
    assert diff.declared_key(manifest(combination, *single), "fct_team_standings") == ["standing_key"]
    assert diff.declared_key(manifest(("unique", "team_name", {})), "fct_team_standings") == []


def test_a_new_shared_title_and_a_key_that_is_not_unique(tmp_path: Path) -> None:
    rows = "(2002, 'GT', 'Alpha', 1, '1', 50), (2002, 'GT', 'Beta', 2, '2', 40)"
    base, head = two_files(
        tmp_path,
        f"create table marts.fct_team_standings ({STANDINGS}); insert into marts.fct_team_standings values {rows}",
        f"create table marts.fct_team_standings ({STANDINGS}); insert into marts.fct_team_standings values "
        "(2002, 'GT', 'Alpha', 1, '1=', 50), (2002, 'GT', 'Beta', 1, '1=', 50), (2002, 'GT', 'Beta', 1, '1=', 50)",
    )
    keyed = manifest(("unique_combination_of_columns", None, {"combination": ["season", "class_code", "team_name"]}))
    comparison = diff.attach(base, head, {"base": keyed, "head": keyed})
    report = diff.report(comparison, diff.Titles("base", "head"), [], [])
    assert "**Champion: Alpha -> Alpha and Beta (shared title)**" in report
    assert "Beta: 2nd, 40 pts -> **1st (shared), 50 pts**" in report
    # Beta twice on the head side: the key is not unique there, so whole rows are compared.
    assert "| fct_team_standings | _no key declared: whole rows compared_ | 3 | 2 | 0 |  |" in report


def test_published_cells_are_read_by_a_single_key_column_and_named_for_a_reader(tmp_path: Path) -> None:
    columns = (
        "cell_key varchar, season integer, class_code varchar, team_name varchar, measure varchar, "
        "published_value varchar, computed_value varchar, status varchar"
    )
    table = "marts.fct_standings_reconciliation"
    base, head = two_files(
        tmp_path,
        f"create table {table} ({columns}); insert into {table} values "
        "('k1', 2002, 'GT', 'Alpha', 'total_points', '50', '50', 'match'), "
        "('k2', 2002, 'GT', 'Beta', 'total_points', '40', '38', 'mismatch')",
        f"create table {table} ({columns}); insert into {table} values "
        "('k1', 2002, 'GT', 'Alpha', 'total_points', '50', '46', 'mismatch'), "
        "('k2', 2002, 'GT', 'Beta', 'total_points', '40', '40', 'match')",
    )
    keyed = manifest(("unique", "cell_key", {}), ("not_null", "cell_key", {}), table="fct_standings_reconciliation")
    comparison = diff.attach(base, head, {"base": keyed, "head": keyed})
    stops, starts, others = diff.reconciliation_changes(comparison)
    assert stops == [
        "2002 / GT / Alpha / total_points: published_value 50; computed_value 50 -> 46; status match -> mismatch"
    ]
    assert starts == [
        "2002 / GT / Beta / total_points: published_value 40; computed_value 38 -> 40; status mismatch -> match"
    ]
    assert others == []
    report = diff.report(comparison, diff.Titles("base", "head"), [], [])
    assert "## ⚠️ 1 published cell(s) STOP matching the article" in report
    assert "| fct_standings_reconciliation | cell_key | 0 | 0 | 2 | computed_value, status |" in report
