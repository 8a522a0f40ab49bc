"""The README cannot rot: every command and query it shows runs, and every printed result is what the warehouse
returns. So do the example queries in the marts' descriptions (the docs site and BI catalog show them).

Fenced blocks: ```sh holds commands (one a line), ```sql a query, and a ```text block right after a query holds
its printed result ('|'-separated, a header line, NULL for null). Every command must be known to COMMANDS below,
which says how it is checked, so a new command cannot be added to the README unchecked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PROJECT_DIR, copy_project, make_checkout, run_dbt

README = PROJECT_DIR / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)

# How each shell command of the README is checked: "run" here in a fresh copy of the project; otherwise the
# test that runs it (the README's own command, or the exact command it wraps).
COMMANDS = {
    "make build": "run",
    ".venv/bin/dbt build": "run",
    "make test": "this suite is `make test` (CI runs it through .ci/run)",
    "make benchmark": "dry run here; scripts/benchmark.py checks its own results (models, floor, polars agree)",
    "make spark": "dry run here; tests/python/test_spark.py builds the project on Spark",
}


def readme_blocks() -> list[tuple[str, str]]:
    return [(match.group(1), match.group(2)) for match in FENCE.finditer(README.read_text(encoding="utf-8"))]


def readme_commands() -> list[str]:
    return [
        line.strip()
        for language, body in readme_blocks()
        if language == "sh"
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def readme_queries() -> list[tuple[str, str | None]]:
    """(query, printed result or None), in README order."""
    blocks = readme_blocks()
    queries = []
    for index, (language, body) in enumerate(blocks):
        if language == "sql":
            following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
            queries.append((body, following[1] if following[0] == "text" else None))
    return queries


def printed(rows: list[tuple], columns: list[str]) -> list[list[str]]:
    return [columns, *[["NULL" if value is None else str(value) for value in row] for row in rows]]


def parse_printed(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


def test_every_readme_command_is_checked() -> None:
    commands = readme_commands()
    assert "make build" in commands and "make test" in commands
    unknown = [command for command in commands if command not in COMMANDS]
    assert unknown == [], f"README commands with no check in COMMANDS: {unknown}"


@pytest.mark.parametrize(("query", "expected"), readme_queries(), ids=lambda value: (value or "")[:40])
def test_readme_query_prints_what_the_readme_shows(query: str, expected: str | None, warehouse: Path) -> None:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = connection.execute(query)
        rows = cursor.fetchall()
        columns = [column[0] for column in cursor.description]
    finally:
        connection.close()
    assert rows, "the query returns nothing"
    if expected is not None:
        assert printed(rows, columns) == parse_printed(expected)


def mart_example_queries() -> list[tuple[str, str]]:
    examples = []
    for yml in sorted((PROJECT_DIR / "models" / "marts").glob("*.yml")):
        for model in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("models", []):
            for match in FENCE.finditer(model.get("description", "")):
                if match.group(1) == "sql":
                    examples.append((model["name"], match.group(2)))
    return examples


@pytest.mark.parametrize(("model", "query"), mart_example_queries(), ids=lambda value: value[:30])
def test_every_marts_example_query_runs(model: str, query: str, warehouse: Path) -> None:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert connection.execute(query).fetchall(), f"{model}'s example query returns nothing"
    finally:
        connection.close()


def test_readme_build_commands_run_and_publish_every_mart(tmp_path: Path) -> None:
    project = make_checkout(tmp_path / "clone")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("ALMS_DUCKDB_PATH", "DBT_PROFILES_DIR", "MAKEFLAGS", "MAKELEVEL")
    }
    for command in COMMANDS:
        if COMMANDS[command] == "run":
            completed = subprocess.run(
                command, shell=True, cwd=project, env=env, capture_output=True, text=True, check=False
            )
            assert completed.returncode == 0, f"{command}:\n{completed.stdout[-3000:]}{completed.stderr[-2000:]}"
        else:
            target = command.removeprefix("make ")
            if command.startswith("make ") and target != "test":
                dry = subprocess.run(
                    ["make", "-n", target], cwd=project, env=env, capture_output=True, text=True, check=False
                )
                assert dry.returncode == 0, dry.stderr

    published = project / "warehouse" / "alms.duckdb"
    connection = duckdb.connect(str(published), read_only=True)
    try:
        marts = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        declared = {path.stem for path in (project / "models" / "marts").glob("*.sql")}
        assert marts == declared
        for mart in marts:
            assert connection.execute(f"select count(*) from marts.{mart}").fetchone()[0] > 0, mart
    finally:
        connection.close()


def test_the_removed_scenario_var_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    removed_var = "{scoring_scenario: article_70pct_rule}"
    completed = run_dbt(project, tmp_path / "unused.duckdb", "parse", "--vars", removed_var)
    assert completed.returncode != 0
    assert "The var scoring_scenario is gone" in completed.stdout + completed.stderr
    assert "fct_scenario_standings where scenario_code = 'article_70pct_rule'" in completed.stdout


def test_computed_scenarios_limits_the_scenarios_and_refuses_an_unknown_code(warehouse: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    database = tmp_path / "scenarios.duckdb"
    shutil.copy(warehouse, database)

    def run(codes: str) -> subprocess.CompletedProcess[str]:
        return run_dbt(
            project,
            database,
            "run",
            "--select",
            "int_finishes_scored",
            "dim_scoring_scenarios",
            "--vars",
            f"{{computed_scenarios: [{codes}]}}",
        )

    assert run("article_70pct_rule").returncode == 0
    connection = duckdb.connect(str(database), read_only=True)
    try:
        codes = {
            row[0]
            for row in connection.execute(
                "select distinct scenario_code from intermediate.int_finishes_scored"
            ).fetchall()
        }
        flagged = dict(
            connection.execute("select scenario_code, is_computed from marts.dim_scoring_scenarios").fetchall()
        )
    finally:
        connection.close()
    assert codes == {"article_70pct_rule", "official_2002"}  # the season's official scenario is always computed
    # BI users see which scenarios this build left out
    assert flagged == {"article_70pct_rule": True, "official_2002": True, "top10_scale_countback": False}

    refused = run("bogus")
    assert refused.returncode != 0
    assert "computed_scenarios names unknown scenario(s) bogus" in refused.stdout


def test_a_selected_model_builds_with_its_tests_into_a_new_file(tmp_path: Path) -> None:
    """`dbt build --select +fct_team_standings` into a file no build has touched: every test it selects can run
    (a test that also reads an unselected seed is left out, not run against a table that was never loaded)."""
    project = copy_project(tmp_path / "project")
    completed = run_dbt(project, tmp_path / "new.duckdb", "build", "--select", "+fct_team_standings")
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert " data tests, " in completed.stdout, completed.stdout[-3000:]
