"""`make diff`: what a change does to the marts and the standings, as a reviewer reads it in a pull request.

Each behaviour at the cheapest level that can fail for it (docs/testing.md):
- the report's content (summary line, published cells, standings in words, schema changes, rows by grain, dbt
  nodes) on small hand-made DuckDB files and manifests, no dbt;
- bad input (an unknown BASE, an OUTPUT that cannot be written, a --keep folder that exists) before any build,
  and a failing side, a stop signal, with a stand-in dbt;
- one real `make diff` (one base build, one head build): the Laguna Seca swap plus a refactor of a model, whose
  report is docs/reviewing.md's example, word for word.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import diff_report
import diff_warehouses
import duckdb
import pytest
from conftest import (
    DEADLINE_S,
    PROJECT_DIR,
    children_of,
    edit_rows,
    is_running,
    marts_identical,
    standin_venv,
    wait_until,
)

HASH = re.compile(r"\b[0-9a-f]{32}\b")
MARKDOWN_BLOCK = re.compile(r"^````markdown\n(.*?)^````", re.MULTILINE | re.DOTALL)
REVIEWING = PROJECT_DIR / "docs" / "reviewing.md"


def md5(*values: object) -> str:
    return hashlib.md5("|".join(map(str, values)).encode()).hexdigest()


# Small hand-made warehouses ----------------------------------------------------------------------------------

Tables = dict[str, tuple[str, Sequence[tuple]]]  # mart -> (columns as SQL, rows)

CLASSES = (
    "class_code varchar, class_name varchar, class_order integer",
    [
        ("LMP900", "Le Mans Prototype 900", 1),
        ("LMP675", "Le Mans Prototype 675", 2),
        ("GTS", "Grand Touring Sport", 3),
        ("GT", "Grand Touring", 4),
    ],
)
SCENARIOS = (
    "scenario_code varchar, scenario_name varchar",
    [
        ("official_2002", "Official 2002 points"),
        ("article_70pct_rule", "Article's 70% rule applied strictly"),
    ],
)
STANDINGS = (
    "team_standing_key varchar, season integer, class_code varchar, team_name varchar, "
    "championship_position integer, position_label varchar, display_order integer, round_8_points integer, "
    "total_points integer"
)
CELLS = (
    "cell_key varchar, season integer, scenario_code varchar, class_code varchar, class_order integer, "
    "team_name varchar, measure varchar, published_value varchar, computed_value varchar, status varchar"
)
PROGRESSION = "season integer, class_code varchar, team_name varchar, round_number integer, is_title_decided boolean"
SCENARIO_STANDINGS = (
    "season integer, scenario_code varchar, is_official_scenario boolean, class_code varchar, team_name varchar, "
    "championship_position integer, position_label varchar, total_points integer"
)
# The grains as the marts' YAML declares them: a list is a unique_combination_of_columns test, a string a column
# tested unique and not_null. The reconciliation declares only its md5 key, as the marts did before issue 32.
GRAINS: dict[str, list[str] | str] = {
    "dim_classes": "class_code",
    "dim_scoring_scenarios": "scenario_code",
    "fct_team_standings": ["season", "class_code", "team_name"],
    "fct_standings_reconciliation": "cell_key",
    "fct_championship_progression": ["season", "class_code", "team_name", "round_number"],
    "fct_scenario_standings": ["season", "scenario_code", "class_code", "team_name"],
}


def standings_row(season: int, klass: str, team: str, position: int, label: str, r8: int, total: int) -> tuple:
    return (md5(season, klass, team), season, klass, team, position, label, position, r8, total)


def manifest(grains: dict[str, list[str] | str], tests: dict[str, dict] | None = None) -> dict:
    """A manifest with one model per mart, each with its grain tests (as dbt records them), and `tests` beside."""
    nodes: dict[str, dict] = {}
    for table, grain in grains.items():
        model_id = f"model.alms_standings.{table}"
        nodes[model_id] = {"resource_type": "model", "name": table, "schema": "marts", "columns": {}}
        declared = (
            [("unique_combination_of_columns", None, {"combination_of_columns": grain})]
            if isinstance(grain, list)
            else [("unique", grain, {}), ("not_null", grain, {})]
        )
        for name, column, arguments in declared:
            nodes[f"test.alms_standings.{name}_{table}_{column}"] = {
                "resource_type": "test",
                "name": f"{name}_{table}",
                "attached_node": model_id,
                "column_name": column,
                "test_metadata": {"name": name, "kwargs": arguments},
            }
    nodes.update(tests or {})
    return {"nodes": nodes, "child_map": {}}


def warehouse(path: Path, tables: Tables) -> Path:
    connection = duckdb.connect(str(path))
    try:
        connection.execute("create schema marts")
        for table, (columns, rows) in tables.items():
            connection.execute(f"create table marts.{table} ({columns})")
            if rows:
                marks = ", ".join("?" for _ in rows[0])
                connection.executemany(f"insert into marts.{table} values ({marks})", [list(row) for row in rows])
    finally:
        connection.close()
    return path


def report_of(
    folder: Path,
    base: Tables,
    head: Tables,
    grains: dict[str, list[str] | str] | None = None,
    modified: list[dict] | None = None,
    tests: dict[str, dict] | None = None,
) -> str:
    declared = manifest(grains or GRAINS, tests)
    comparison = diff_report.attach(
        warehouse(folder / "base.duckdb", base),
        warehouse(folder / "head.duckdb", head),
        {"base": declared, "head": declared},
    )
    try:
        return diff_report.report(
            comparison, diff_report.Titles("abcd1234 (HEAD~1)", "working tree"), modified or [], []
        )
    finally:
        comparison.connection.close()


def section(report: str, title: str) -> str:
    """The text of the report's section whose heading contains `title` (up to the next heading of level 2)."""
    match = re.search(rf"^## [^\n]*{re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", report, re.MULTILINE | re.DOTALL)
    assert match, f"no section {title!r} in:\n{report}"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the first Markdown table in `text`."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


# The Laguna Seca swap (issue 31's "Done when"), by hand --------------------------------------------------------

LAGUNA_TEAMS = [("KnightHawk Racing", 1, 23, 202), ("Intersport Racing", 2, 19, 201), ("Dyson Racing Team", 5, 21, 75)]
SWAPPED = {"Intersport Racing": (1, 21, 203), "KnightHawk Racing": (2, 23, 202), "Dyson Racing Team": (5, 19, 73)}


def laguna_cells(computed: dict[str, tuple[int, int, int]]) -> list[tuple]:
    rows = []
    for team, position, r8, total in LAGUNA_TEAMS:
        now = computed.get(team, (position, r8, total))
        published = {"round_8_points": r8, "total_points": total, "position_label": position, "display_order": position}
        values = {"round_8_points": now[1], "total_points": now[2], "position_label": now[0], "display_order": now[0]}
        for measure, value in published.items():
            status = "match" if values[measure] == value else "mismatch"
            key = md5(2002, "LMP675", team, measure)
            rows.append(
                (key, 2002, "official_2002", "LMP675", 2, team, measure, str(value), str(values[measure]), status)
            )
    rows.append((md5(2002, "GT", "Alex Job Racing", "total_points"), 2002, "official_2002", "GT", 4, "Alex Job Racing",
                 "total_points", "220", "220", "match"))  # fmt: skip
    return rows


def laguna(swapped: bool) -> Tables:
    computed = SWAPPED if swapped else {}
    standings = [standings_row(2002, "GT", "Alex Job Racing", 1, "1", 25, 220)]
    for team, *published in LAGUNA_TEAMS:
        position, r8, total = computed.get(team, published)
        standings.append(standings_row(2002, "LMP675", team, position, str(position), r8, total))
    progression = [
        (2002, klass, team, round_number, klass == "GT" and round_number >= 9)
        for klass, team in (("LMP675", "KnightHawk Racing"), ("LMP675", "Intersport Racing"), ("GT", "Alex Job Racing"))
        for round_number in range(8, 11)
    ]
    return {
        "dim_classes": CLASSES,
        "dim_scoring_scenarios": SCENARIOS,
        "fct_team_standings": (STANDINGS, standings),
        "fct_standings_reconciliation": (CELLS, laguna_cells(computed)),
        "fct_championship_progression": (PROGRESSION, progression),
    }


def test_the_laguna_seca_swap_leads_with_the_champion_and_the_cells_that_stop_matching(tmp_path: Path) -> None:
    report = report_of(tmp_path, laguna(swapped=False), laguna(swapped=True))
    first = report.splitlines()[0]
    assert first.startswith("**2002 LMP675 champion: KnightHawk Racing → Intersport Racing**"), first
    assert "⚠️ **6 published cells stop matching the article**" in first
    assert "no title decided at another round" in first and "no breaking schema change" in first
    assert "2 of 5 marts with changed rows" in first

    cells = section(report, "stop matching the article")
    assert cells.strip().splitlines()[0] == "| Season | Class | Team | Cell | Published | Before | After |"
    assert table_rows(cells) == [  # the new champion first (the head's order), a position once per team
        ["2002", "LMP675", "Intersport Racing", "Round 8 points", "19", "19", "21"],
        ["2002", "LMP675", "Intersport Racing", "Total points", "201", "201", "203"],
        ["2002", "LMP675", "Intersport Racing", "Position", "2", "2", "1"],
        ["2002", "LMP675", "KnightHawk Racing", "Position", "1", "1", "2"],
        ["2002", "LMP675", "Dyson Racing Team", "Round 8 points", "21", "21", "19"],
        ["2002", "LMP675", "Dyson Racing Team", "Total points", "75", "75", "73"],
    ]
    standings = section(report, "Standings")
    assert "- **Champion: KnightHawk Racing → Intersport Racing**" in standings
    assert "- Intersport Racing: 2nd, 201 pts → **1st, 203 pts**" in standings
    assert HASH.search(report) is None, HASH.search(report)
    # The reconciliation declares only an md5 key: paired by it, its rows named by the first columns that tell
    # them apart (the constant scenario and the class's order add nothing).
    marts = section(report, "Rows per mart")
    assert "| fct_standings_reconciliation | season, class_code, team_name, measure * |" in marts
    assert "<summary>fct_standings_reconciliation: 8 changed</summary>" in marts
    assert "Unchanged (3): dim_classes, dim_scoring_scenarios, fct_championship_progression." in marts
    assert (
        "| 2002 | LMP675 | KnightHawk Racing | display_order | computed_value 1 → 2; status match → mismatch |" in marts
    )


def test_a_change_that_moves_no_mart_data_says_so_first(tmp_path: Path) -> None:
    tables = laguna(swapped=False)
    model = {"unique_id": "model.alms_standings.fct_race_winners", "resource_type": "model", "name": "fct_race_winners"}
    report = report_of(tmp_path, tables, tables, modified=[model])
    assert report.splitlines()[:3] == ["No mart data changed.", "", "`make diff`: abcd1234 (HEAD~1) → working tree."]
    assert "`state:modified`: 1 model; 0 marts downstream" in report
    assert "## Standings" not in report and "stop matching" not in report


# Schema changes ----------------------------------------------------------------------------------------------


def test_schema_changes_are_breaking_or_additions_and_no_changed_mart_is_unchanged(tmp_path: Path) -> None:
    results = "result_key varchar, season integer, points integer, note varchar"
    base = {
        "dim_classes": CLASSES,
        "fct_race_results": (results, [("2002:1:a", 2002, 25, "x"), ("2002:1:b", 2002, 21, "y")]),
        "fct_old": ("season integer", [(2002,)]),
        "fct_same": ("season integer", [(2002,)]),
    }
    head = {
        "dim_classes": (CLASSES[0].replace("class_name", "class_title"), CLASSES[1]),  # renamed
        "fct_race_results": (  # points retyped, note removed, laps added
            "result_key varchar, season integer, points decimal(9, 1), laps integer",
            [("2002:1:a", 2002, 25, 100), ("2002:1:b", 2002, 21, 99)],
        ),
        "fct_new": ("season integer", [(2002,)]),
        "fct_same": ("season integer", [(2002,)]),
    }
    grains = {"dim_classes": "class_code", "fct_race_results": "result_key", "fct_same": "season"}
    report = report_of(tmp_path, base, head, grains)

    first = report.splitlines()[0]
    assert "⚠️ **4 breaking schema changes**" in first and "2 schema additions" in first
    breaking = section(report, "breaking schema changes for BI users")
    assert breaking.strip().splitlines() == [
        "- `marts.dim_classes.class_name` renamed to `class_title` (VARCHAR, same values)",
        "- `marts.fct_old`: mart removed",
        "- `marts.fct_race_results.points` retyped INTEGER → DECIMAL(9,1)",
        "- `marts.fct_race_results.note` removed (was VARCHAR)",
    ]
    additions = section(report, "Schema additions")
    assert additions.strip().splitlines() == [
        "- `marts.fct_new`: new mart (1 columns)",
        "- `marts.fct_race_results.laps` added (INTEGER)",
    ]
    marts = section(report, "Rows per mart")
    assert "Unchanged (1): fct_same." in marts  # a mart with any schema change is never "Unchanged"
    assert "| dim_classes | class_code | 0 | 0 | 0 |  | ⚠️ columns: 1 renamed |" in marts
    # points 25 -> 25.0 is the same number: a retype changes no row
    assert "| fct_race_results | result_key | 0 | 0 | 0 |  | ⚠️ columns: 1 removed, 1 retyped, 1 added |" in marts
    assert "| fct_new |  | 1 | 0 | 0 |  | new mart |" in marts
    assert "| fct_old |  | 0 | 1 | 0 |  | ⚠️ mart removed |" in marts


def test_an_added_column_alone_is_an_addition_not_a_breaking_change(tmp_path: Path) -> None:
    base = {"dim_classes": CLASSES}
    head = {"dim_classes": ("class_code varchar, class_name varchar, class_order integer, class_note varchar",
                            [(*row, None) for row in CLASSES[1]])}  # fmt: skip
    report = report_of(tmp_path, base, head, {"dim_classes": "class_code"})
    assert report.splitlines()[0].endswith("no breaking schema change · 1 schema addition")
    assert "breaking schema change for" not in report and "Unchanged" not in report
    assert "- `marts.dim_classes.class_note` added (VARCHAR)" in section(report, "Schema additions")


# Words for people --------------------------------------------------------------------------------------------


def test_a_new_season_and_a_new_team_are_new_and_classes_come_in_class_order(tmp_path: Path) -> None:
    season_2002 = [standings_row(2002, "GT", "Alpha", 1, "1", 0, 50), standings_row(2002, "GT", "Beta", 2, "2", 0, 40)]
    added = [
        standings_row(2002, "GT", "Newcomer", 3, "3", 0, 10),
        standings_row(2003, "GT", "Zeta", 1, "1", 0, 40),
        standings_row(2003, "LMP900", "Xray", 1, "1", 0, 60),
        standings_row(2003, "LMP900", "Yankee", 2, "2", 0, 30),
    ]
    base = {"dim_classes": CLASSES, "fct_team_standings": (STANDINGS, season_2002)}
    head = {"dim_classes": CLASSES, "fct_team_standings": (STANDINGS, season_2002 + added)}
    report = report_of(tmp_path, base, head)

    assert report.splitlines()[0].startswith("No champion changed · new season 2003 · ")
    standings = section(report, "Standings")
    assert standings.index("### 2002 GT") < standings.index("### 2003 LMP900") < standings.index("### 2003 GT")
    assert "- Newcomer (new): **3rd, 10 pts**" in standings
    assert "### 2003 LMP900 (new season)\n\n- Champion: **Xray**, 60 pts (2 teams in the standings)" in standings
    assert "not classified" not in report


def test_a_shared_title_is_phrased_once(tmp_path: Path) -> None:
    def tables(tied: bool) -> Tables:
        beta = (1, "1=", 0, 50) if tied else (2, "2", 0, 40)
        standings = [
            standings_row(2002, "GT", "Alpha", 1, "1=" if tied else "1", 0, 50),
            standings_row(2002, "GT", "Beta", *beta),
        ]
        progression = [
            (2002, "GT", team, round_number, not tied and round_number >= 9)
            for team in ("Alpha", "Beta")
            for round_number in (9, 10)
        ]
        return {
            "fct_team_standings": (STANDINGS, standings),
            "fct_championship_progression": (PROGRESSION, progression),
        }

    report = report_of(tmp_path, tables(tied=False), tables(tied=True))
    assert report.splitlines()[0].startswith(
        "**2002 GT champion: Alpha → Alpha and Beta (shared title)** · no published cell stops matching the article "
        "· 1 title decided at another round · "
    )
    standings = section(report, "Standings")
    assert "- **Champion: Alpha → Alpha and Beta (shared title)**" in standings
    assert "- Title decided at round 9 → not decided" in standings
    assert "- Beta: 2nd, 40 pts → **1st (shared), 50 pts**" in standings
    assert "'s title" not in report


def test_what_if_results_name_their_scenario(tmp_path: Path) -> None:
    def tables(points: int) -> Tables:
        rows = [
            (2002, "official_2002", True, "GT", "Alpha", 1, "1", 50),
            (2002, "article_70pct_rule", False, "GT", "Alpha", 1, "1", 50),
            (2002, "article_70pct_rule", False, "GT", "Beta", 2, "2", points),
        ]
        return {"dim_scoring_scenarios": SCENARIOS, "fct_scenario_standings": (SCENARIO_STANDINGS, rows)}

    report = report_of(tmp_path, tables(40), tables(44))
    standings = section(report, "Standings")
    assert "- Article's 70% rule applied strictly, 2002 GT, Beta: 2nd, 40 pts → **2nd, 44 pts**" in standings
    assert "<details><summary>What-if results of 1 team changed</summary>" in standings
    assert "article_70pct_rule" not in standings


def test_dbt_nodes_are_counted_by_type_with_their_names_folded_and_no_hash(tmp_path: Path) -> None:
    long_name = "accepted_values_finishes_car__" + "0123456789abcdef" * 2  # dbt's name for a long test: a hash
    test_id = f"test.alms_standings.{long_name}.0123456789"
    tests = {
        test_id: {
            "resource_type": "test",
            "name": long_name,
            "attached_node": "seed.alms_standings.finishes",
            "column_name": "car_identification",
            "test_metadata": {"name": "accepted_values", "kwargs": {"values": ["car_number", "drivers"]}},
        }
    }
    modified = [
        {"unique_id": test_id, "resource_type": "test", "name": long_name},
        {"unique_id": "test.alms_standings.assert_x", "resource_type": "test", "name": "assert_champions_are_known"},
        {"unique_id": "model.alms_standings.fct_race_winners", "resource_type": "model", "name": "fct_race_winners"},
        {"unique_id": "seed.alms_standings.finishes", "resource_type": "seed", "name": "finishes"},
    ]
    report = report_of(tmp_path, laguna(False), laguna(True), modified=modified, tests=tests)
    nodes = section(report, "dbt nodes changed")
    assert (
        nodes.strip().splitlines()[0]
        == "`state:modified`: 1 seed, 1 model, 2 tests; 0 marts downstream (`state:modified+`)."
    )
    folded = nodes[nodes.index("<details>") : nodes.index("</details>")]
    assert "- test accepted_values on finishes.car_identification" in folded
    assert "- test assert_champions_are_known" in folded
    assert "- seed finishes" in folded and "- model fct_race_winners" in folded
    assert HASH.search(report) is None


# Grains ------------------------------------------------------------------------------------------------------


def test_a_grain_test_comes_before_a_unique_column_and_a_key_that_is_not_unique_is_not_used(tmp_path: Path) -> None:
    grains = manifest({"fct_team_standings": ["season", "class_code", "team_name"]})
    grains["nodes"].update(manifest({"fct_team_standings": "team_standing_key"})["nodes"])
    assert diff_report.declared_grains(grains, "fct_team_standings") == [
        ["season", "class_code", "team_name"],
        ["team_standing_key"],
    ]
    rows = [standings_row(2002, "GT", "Alpha", 1, "1", 0, 50), standings_row(2002, "GT", "Beta", 2, "2", 0, 40)]
    doubled = [rows[0], rows[1], rows[1]]  # Beta twice on the head side: no declared grain is unique there
    report = report_of(
        tmp_path, {"fct_team_standings": (STANDINGS, rows)}, {"fct_team_standings": (STANDINGS, doubled)}
    )
    assert "| fct_team_standings | whole rows (no grain) | 1 | 0 | 0 |  |  |" in report


# Bad input, a failing side, stop signals: before or without a real build ---------------------------------------


def no_build(*arguments: object) -> None:
    pytest.fail("a build started")


def test_an_unknown_base_is_one_line_naming_it_before_any_build(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "diff_warehouses.py"), "--base", "no-such-ref"],
        cwd=PROJECT_DIR,
        env=dict(os.environ, TMPDIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
        timeout=DEADLINE_S,
    )
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [
        "Unknown git ref 'no-such-ref' (BASE): no commit of that name here; nothing was built."
    ]
    assert completed.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.fixture()
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() in this process: pytest's own signal handlers stay, and no build may start."""
    monkeypatch.setattr(diff_warehouses, "stop_on_signals", lambda: None)
    monkeypatch.setattr(diff_warehouses, "build_both", no_build)


def test_output_in_a_missing_folder_is_created_before_building(
    in_process: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "no" / "such" / "dir" / "x.md"

    def run(*arguments: object) -> str:
        assert output.parent.is_dir(), "the folder must exist before the builds start"
        return "report\n"

    monkeypatch.setattr(diff_warehouses, "run", run)
    assert diff_warehouses.main(["--base", "HEAD", "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == "report\n"


@pytest.mark.parametrize("case", ["under a file", "a folder", "keep exists"])
def test_an_output_or_keep_folder_that_cannot_be_used_is_refused_before_building(
    in_process: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    (tmp_path / "file.txt").write_text("x")
    arguments = {
        "under a file": ["--output", str(tmp_path / "file.txt" / "x.md")],
        "a folder": ["--output", str(tmp_path)],
        "keep exists": ["--keep", str(tmp_path)],
    }[case]
    assert diff_warehouses.main(["--base", "HEAD", *arguments]) == 1
    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and error.rstrip().endswith("nothing was built."), error
    assert not (tmp_path / "file.txt").is_dir()


STANDIN_DBT = """#!{python}
\"\"\"Stand-in for dbt in `make diff`'s tests. STANDIN_MODE: good (a build copies the hand-made STANDIN_BASE_DB or
STANDIN_HEAD_DB and STANDIN_MANIFEST; `ls` lists one modified seed), hang (both builds run until stopped),
fail-run (the head build fails one model, as dbt 1.11 records it in run_results.json), fail-parse (the head project
does not parse, as dbt prints it). A build writes its pid under STANDIN_STARTED when it starts.\"\"\"
import json, os, shutil, sys, time
from pathlib import Path

target = Path(sys.argv[sys.argv.index("--target-path") + 1])
head = os.environ["ALMS_DUCKDB_PATH"].endswith("head.duckdb")
mode = os.environ["STANDIN_MODE"]
if "ls" in sys.argv:
    print(json.dumps({{"unique_id": "seed.alms_standings.finishes", "resource_type": "seed", "name": "finishes"}}))
    sys.exit(0)
Path(os.environ["STANDIN_STARTED"], str(os.getpid())).touch()
if mode == "good":
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(os.environ["STANDIN_MANIFEST"], target / "manifest.json")
    shutil.copy(os.environ["STANDIN_HEAD_DB" if head else "STANDIN_BASE_DB"], os.environ["ALMS_DUCKDB_PATH"])
if mode == "hang":
    target.mkdir(parents=True, exist_ok=True)
    while True:  # writing, as dbt does, until stopped
        (target / "still-writing").write_text(str(time.time()))
        time.sleep(0.05)
if head and mode == "fail-run":
    target.mkdir(parents=True, exist_ok=True)
    message = ("Runtime Error in model dim_classes (models/marts/dim_classes.sql)\\n  Binder Error: Referenced "
               "column \\"no_such_column\\" not found in FROM clause!\\n  Candidate bindings: \\"class_code\\"")
    results = [{{"status": "success", "unique_id": "seed.alms_standings.classes", "message": "INSERT 4"}},
               {{"status": "error", "unique_id": "model.alms_standings.dim_classes", "message": message}},
               {{"status": "skipped", "unique_id": "model.alms_standings.fct_class_titles", "message": None}}]
    (target / "run_results.json").write_text(json.dumps({{"results": results}}))
    print("12:10:37  Done. PASS=1 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=3")
    sys.exit(1)
if head and mode == "fail-parse":
    print("12:11:34  Encountered an error:\\nCompilation Error\\n  Model 'model.alms_standings.dim_classes' "
          "(models/marts/dim_classes.sql) depends on a node named 'no_such_model' which was not found")
    sys.exit(2)
"""


@pytest.fixture()
def standin(tmp_path: Path) -> dict[str, str]:
    """A python whose dbt is the stand-in above, and the environment to run diff_warehouses.py with it: its own
    TMPDIR, so that whatever the diff leaves in its temporary folder can be seen."""
    python = standin_venv(tmp_path / "standin")
    (python.parent / "dbt").write_text(STANDIN_DBT.format(python=python))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "started").mkdir()
    return {
        "python": str(python),
        "TMPDIR": str(tmp_path / "tmp"),
        "STANDIN_STARTED": str(tmp_path / "started"),
    }


def run_standin(standin: dict[str, str], mode: str, *arguments: str) -> subprocess.Popen[str]:
    env = dict(os.environ, STANDIN_MODE=mode, **{key: value for key, value in standin.items() if key != "python"})
    command = [standin["python"], str(PROJECT_DIR / "scripts" / "diff_warehouses.py"), "--base", "HEAD", *arguments]
    return subprocess.Popen(
        command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_keep_then_reuse_base_builds_the_base_once(standin: dict[str, str], tmp_path: Path) -> None:
    """The whole command (git export, builds, dbt ls, comparison, report) with a stand-in dbt that 'builds' the
    hand-made Laguna Seca files: --keep keeps both builds, --reuse-base then builds the working tree only."""
    manifest_file = tmp_path / "manifest.json"
    manifest_file.write_text(json.dumps(manifest(GRAINS)), encoding="utf-8")
    standin |= {
        "STANDIN_BASE_DB": str(warehouse(tmp_path / "laguna-base.duckdb", laguna(swapped=False))),
        "STANDIN_HEAD_DB": str(warehouse(tmp_path / "laguna-head.duckdb", laguna(swapped=True))),
        "STANDIN_MANIFEST": str(manifest_file),
    }
    kept, started = tmp_path / "kept", Path(standin["STANDIN_STARTED"])
    first = run_standin(standin, "good", "--keep", str(kept))
    output, errors = first.communicate(timeout=DEADLINE_S)
    assert first.returncode == 0, errors
    assert output.startswith("**2002 LMP675 champion: KnightHawk Racing → Intersport Racing** · ⚠️ **6 published")
    assert "`state:modified`: 1 seed; 0 marts downstream" in output
    assert {path.name for path in kept.iterdir()} >= {"base.duckdb", "head.duckdb", "base-commit", "base-project"}
    assert len(list(started.iterdir())) == 2

    again = run_standin(standin, "good", "--reuse-base", str(kept))
    output_again, errors = again.communicate(timeout=DEADLINE_S)
    assert again.returncode == 0, errors
    assert "Building the working tree (seeds and models)..." in errors
    assert len(list(started.iterdir())) == 3  # the head alone
    assert output_again == output
    assert list(Path(standin["TMPDIR"]).iterdir()) == []


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "fail-run",
            "The head build (the working tree) failed: model dim_classes: Binder Error: Referenced column "
            '"no_such_column" not found in FROM clause!',
        ),
        (
            "fail-parse",
            "The head build (the working tree) failed: Compilation Error: Model 'model.alms_standings.dim_classes' "
            "(models/marts/dim_classes.sql) depends on a node named 'no_such_model' which was not found",
        ),
    ],
)
def test_a_failing_side_names_the_node_and_its_error_in_one_line(
    standin: dict[str, str], mode: str, expected: str
) -> None:
    diff = run_standin(standin, mode)
    output, errors = diff.communicate(timeout=DEADLINE_S)
    assert diff.returncode == 1 and output == ""
    assert errors.splitlines()[-1] == expected, errors
    assert list(Path(standin["TMPDIR"]).iterdir()) == []


@pytest.mark.parametrize(
    ("stop", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_stop_signal_ends_both_builds_in_one_line_and_leaves_no_temporary_folder(
    standin: dict[str, str], stop: signal.Signals, exit_code: int
) -> None:
    diff = run_standin(standin, "hang")
    started = Path(standin["STANDIN_STARTED"])
    wait_until(lambda: len(list(started.iterdir())) == 2 or diff.poll() is not None, "both builds to start")
    dbt = [int(path.name) for path in started.iterdir()]
    assert sorted(dbt) == sorted(children_of(diff.pid)), "the stand-in dbt processes are the diff's children"

    diff.send_signal(stop)
    output, errors = diff.communicate(timeout=DEADLINE_S)

    assert diff.returncode == exit_code, errors
    assert errors.splitlines()[-1] == f"Diff stopped ({stop.name}): both builds stopped, their temporary files removed."
    assert "Traceback" not in errors and output == ""
    assert [pid for pid in dbt if is_running(pid)] == []
    assert list(Path(standin["TMPDIR"]).iterdir()) == []  # no alms-diff-* folder left


# One real `make diff`: the Laguna Seca swap and a refactor, against the working tree -----------------------------


def git(clone: Path, *arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=clone, capture_output=True, text=True, check=True)
    return completed.stdout


def commit(clone: Path, message: str) -> None:
    git(clone, "add", "-A")
    git(clone, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "--allow-empty",
        "-m", message)  # fmt: skip


def snapshot_clone(destination: Path) -> Path:
    """A git clone of the project whose last commit is the working tree as it is (uncommitted changes included),
    with this machine's virtual environments linked in and kept out of git."""
    subprocess.run(["git", "clone", "-q", str(PROJECT_DIR), str(destination)], check=True)
    git(destination, "rm", "-rq", ".")
    files = git(PROJECT_DIR, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, files):
        source, target = PROJECT_DIR / name, destination / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    commit(destination, "the working tree")
    with (destination / ".git" / "info" / "exclude").open("a") as exclude:
        exclude.write(".venv\n.venv-duckdb1\n")
    for venv in (".venv", ".venv-duckdb1"):
        (destination / venv).symlink_to(PROJECT_DIR / venv)
    for requirements in [*destination.glob("requirements*.txt"), destination / "pyproject.toml"]:
        os.utime(requirements, (0, 0))  # older than the venvs' stamps: make sees them as set up
    return destination


def swap_intersport_and_dyson_at_laguna_seca(clone: Path) -> None:
    """Round 8 (Laguna Seca), LMP675: Dyson Racing Team 2nd and Intersport Racing 3rd become 3rd and 2nd."""

    def swap(rows: list[list[str]]) -> list[list[str]]:
        header = rows[0]
        where = [header.index(name) for name in ("season", "round_number", "class_code")]
        team, position = header.index("team_entered"), header.index("class_position")
        found = [
            row
            for row in rows[1:]
            if [row[index] for index in where] == ["2002", "8", "LMP675"]
            and row[team] in ("Dyson Racing Team", "Intersport Racing")
        ]
        assert sorted((row[team], row[position]) for row in found) == [
            ("Dyson Racing Team", "2"),
            ("Intersport Racing", "3"),
        ], "seeds/raw/finishes.csv changed: update this test and docs/reviewing.md"
        found[0][position], found[1][position] = found[1][position], found[0][position]
        return rows

    edit_rows("raw/finishes.csv", swap)(clone)


def rename_a_cte(clone: Path) -> None:
    model = clone / "models" / "marts" / "fct_race_winners.sql"
    model.write_text(re.sub(r"\bclass_winners\b", "winning_finishes", model.read_text(encoding="utf-8")))


def documented_example() -> str:
    blocks = MARKDOWN_BLOCK.findall(REVIEWING.read_text(encoding="utf-8"))
    assert blocks, "docs/reviewing.md has no ````markdown example"
    return blocks[0]


def without_commits(report: str) -> str:
    """The report with its line naming the two commits (which differ from run to run) set aside."""
    return re.sub(r"^`make diff`: [0-9a-f]{8} \(HEAD~1\) → working tree \(HEAD [0-9a-f]+\)\.$", "`make diff`: ...",
                  report, count=1, flags=re.MULTILINE)  # fmt: skip


@pytest.mark.slow
def test_the_laguna_seca_swap_for_real_is_the_documented_example(tmp_path: Path, warehouse: Path) -> None:
    """The one real `make diff` of the suite (a base build and a head build). Its base is the project as it is, built
    a second time: its marts are the session's build's, row for row (building twice gives identical marts)."""
    clone = snapshot_clone(tmp_path / "clone")
    swap_intersport_and_dyson_at_laguna_seca(clone)
    rename_a_cte(clone)
    commit(clone, "Laguna Seca: Intersport 2nd, Dyson 3rd; rename a CTE")
    (tmp_path / "tmp").mkdir()
    output = tmp_path / "reports" / "diff.md"
    env = dict(os.environ)
    completed = subprocess.run(
        ["make", "-s", "diff", "BASE=HEAD~1", f"OUTPUT={output}", f"DIFF_ARGS=--keep {tmp_path / 'kept'}"],
        cwd=clone,
        env=dict(env, TMPDIR=str(tmp_path / "tmp")),
        capture_output=True,
        text=True,
        check=False,
        timeout=DEADLINE_S,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = completed.stdout
    assert output.read_text(encoding="utf-8") == report
    assert list((tmp_path / "tmp").iterdir()) == []
    assert marts_identical(tmp_path / "kept" / "base.duckdb", warehouse)

    first = report.splitlines()[0]
    assert first.startswith("**2002 LMP675 champion: KnightHawk Racing → Intersport Racing** · ⚠️ **6 published")
    cells = table_rows(section(report, "stop matching the article"))
    assert len(cells) == 6 and len({(row[2], row[3]) for row in cells}) == 6
    assert {row[3] for row in cells} == {"Round 8 points", "Total points", "Position"}
    assert HASH.search(report) is None, HASH.search(report)
    nodes = section(report, "dbt nodes changed")
    assert "1 seed, 1 model, " in nodes and "- model fct_race_winners" in nodes
    assert re.search(r"^Unchanged \(\d+\): [^\n]*fct_race_winners", report, re.MULTILINE)  # modified, same rows

    example = documented_example()
    saved = tmp_path / "report.md"
    saved.write_text(report, encoding="utf-8")
    assert without_commits(example) == without_commits(report), (
        f"docs/reviewing.md's example is not what `make diff` prints now: paste {saved} into it"
    )


def test_the_readme_example_is_part_of_the_documented_one() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section_text = readme[readme.index("## Reviewing a change") :]
    block = re.search(r"^```markdown\n(.*?)^```", section_text, re.MULTILINE | re.DOTALL)
    assert block, "the README's 'Reviewing a change' has no markdown example"
    example = documented_example()
    for line in block.group(1).splitlines():
        assert line in example.splitlines(), f"README line not in docs/reviewing.md's example: {line}"


def test_the_documented_example_is_a_report_with_no_hash() -> None:
    example = documented_example()
    assert example.splitlines()[0].startswith("**2002 LMP675 champion: KnightHawk Racing → Intersport Racing**")
    assert HASH.search(example) is None
