"""The README and the pages under docs/ cannot rot: every command and query they show runs, and every printed
result is what the warehouse returns. So do the example queries in the marts' descriptions (the docs site and BI
catalog show them).

Fenced blocks: ```sh holds commands (one a line), ```sql a query, and a ```text block right after a query holds
its printed result ('|'-separated, a header line, NULL for null). Every command must be known to COMMANDS below,
which says how it is checked, so a new command cannot be added to a page unchecked.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PROJECT_DIR, copy_project, readme_environment, run_dbt

README = PROJECT_DIR / "README.md"
PAGES = [README, *sorted((PROJECT_DIR / "docs").glob("*.md"))]
README_MAX_LINES = 200
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)#:]+\.md)\)")
RUN = "run"

# How each shell command of the pages is checked: RUN in a fresh checkout of the project, in this order (that is
# the session's build, conftest.readme_checkout, which most tests read); otherwise why it is not run here, and the
# test that covers it. A `make` target not run is at least dry-run (`make -n`), so a renamed target or a missing
# script fails here.
COMMANDS = {
    "make build": RUN,
    ".venv/bin/dbt build": (
        "not run: the same `dbt build` that `make build` runs just before it (into a side file); plain dbt from a "
        "clone and from models/ is run by test_plain_dbt.py"
    ),
    "make test": "not run: this suite is `make test` (CI runs it through .ci/run)",
    "make test-fast": "not run (dry run): its lint runs in `make test`, its tests are this suite's not-slow ones",
    "make lint": "not run (dry run): `make test` runs it first",
    ".venv/bin/pre-commit install": "not run: writes .git/hooks; test_tooling.py checks the hooks are make lint's",
    ".venv/bin/dbt build --vars '{computed_scenarios: [official_2002]}'": (
        "not run: a second full build; test_computed_scenarios_limits_the_scenarios_and_refuses_an_unknown_code "
        "runs the models this var changes with it"
    ),
    "make spark": "not run (dry run): tests/python/test_spark.py builds the project on Spark",
    '.venv-spark/bin/pip install "dbt-spark[PyHive]"': "not run: illustrative, a driver for a cluster no test has",
    ".venv-spark/bin/dbt build --target cluster": "not run: illustrative, needs a Spark cluster and your profile",
    "make diff": "not run (dry run): tests/python/test_diff.py runs the diff on a committed change",
    "make diff BASE=HEAD~1": "not run (dry run): tests/python/test_diff.py runs `make diff BASE=HEAD~1 OUTPUT=...`",
    "make diff OUTPUT=diff.md": "not run (dry run): tests/python/test_diff.py checks the report it writes",
    'make diff DIFF_ARGS="--keep /tmp/alms-diff"': (
        "not run (dry run): tests/python/test_diff.py keeps both builds (a stand-in dbt)"
    ),
    'make diff DIFF_ARGS="--reuse-base /tmp/alms-diff"': (
        "not run (dry run): tests/python/test_diff.py reuses the kept base (a stand-in dbt)"
    ),
    ".venv/bin/dbt build --select state:modified+ --defer --state /tmp/ci/base-target": (
        "not run: shows what fails (deferring into an empty file), as docs/reviewing.md explains"
    ),
    "ALMS_DUCKDB_PATH=/tmp/ci/head.duckdb ALMS_BASE_DUCKDB_PATH=/tmp/ci/base.duckdb DBT_PROFILES_DIR=/tmp/ci-profiles "
    ".venv/bin/dbt build --select state:modified+ --defer --state /tmp/ci/base-target --target-path /tmp/ci/target": (
        "not run: needs a base build and a profile outside the project (docs/reviewing.md, slim CI)"
    ),
    "make benchmark": (
        "not run (dry run): takes about an hour; benchmarks/benchmark.py checks its own results "
        "(models, floor and polars agree)"
    ),
}


def page_id(page: Path) -> str:
    return str(page.relative_to(PROJECT_DIR))


def blocks_of(page: Path) -> list[tuple[str, str]]:
    return [(match.group(1), match.group(2)) for match in FENCE.finditer(page.read_text(encoding="utf-8"))]


def commands_of(page: Path) -> list[str]:
    return [
        line.strip()
        for language, body in blocks_of(page)
        if language == "sh"
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def queries_of(page: Path) -> list[tuple[str, str | None]]:
    """(query, printed result or None), in page order."""
    blocks = blocks_of(page)
    queries = []
    for index, (language, body) in enumerate(blocks):
        if language == "sql":
            following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
            queries.append((body, following[1] if following[0] == "text" else None))
    return queries


def every_query() -> list[pytest.param]:
    return [
        pytest.param(query, expected, id=f"{page_id(page)}:{number}")
        for page in PAGES
        for number, (query, expected) in enumerate(queries_of(page), start=1)
    ]


def printed(rows: list[tuple], columns: list[str]) -> list[list[str]]:
    return [columns, *[["NULL" if value is None else str(value) for value in row] for row in rows]]


def parse_printed(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


def test_every_command_shown_is_checked() -> None:
    shown = {page_id(page): commands_of(page) for page in PAGES}
    assert {"make build", "make test"} <= set(shown["README.md"])
    unknown = {page: [command for command in commands if command not in COMMANDS] for page, commands in shown.items()}
    assert {page: commands for page, commands in unknown.items() if commands} == {}, (
        "commands with no check in COMMANDS"
    )
    unused = set(COMMANDS) - {command for commands in shown.values() for command in commands}
    assert unused == set(), "COMMANDS lists commands no page shows any more"


def test_the_readme_is_short_and_its_links_resolve() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= README_MAX_LINES
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page_id(page)} links to {target}, which does not exist"


@pytest.mark.slow
@pytest.mark.parametrize(("query", "expected"), every_query())
def test_every_query_shown_prints_what_the_page_shows(query: str, expected: str | None, warehouse: Path) -> None:
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


@pytest.mark.slow
@pytest.mark.parametrize(("model", "query"), mart_example_queries(), ids=lambda value: value[:30])
def test_every_marts_example_query_runs(model: str, query: str, warehouse: Path) -> None:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert connection.execute(query).fetchall(), f"{model}'s example query returns nothing"
    finally:
        connection.close()


@pytest.mark.slow
def test_readme_build_commands_run_and_publish_every_mart(readme_checkout: Path) -> None:
    """The commands marked RUN ran in a fresh checkout (the session's build, conftest.readme_checkout), in order;
    every other `make` target shown is at least a valid dry run there."""
    project = readme_checkout / "project"
    ran = json.loads((readme_checkout / "commands.json").read_text(encoding="utf-8"))
    assert [(entry["command"], entry["returncode"]) for entry in ran] == [
        (command, 0) for command, check in COMMANDS.items() if check == RUN
    ]
    for command in COMMANDS:
        target = command.removeprefix("make ")
        if COMMANDS[command] != RUN and command.startswith("make ") and target != "test":
            dry = subprocess.run(
                ["make", "-n", *shlex.split(target)],
                cwd=project,
                env=readme_environment(),
                capture_output=True,
                text=True,
                check=False,
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


@pytest.mark.slow
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

    refused = run_dbt(
        project,
        database,
        "test",
        "--select",
        "assert_computed_scenarios_are_known",
        "--vars",
        '{computed_scenarios: [bogus, "o\'brien"]}',
    )
    assert refused.returncode != 0
    assert "Failure in test assert_computed_scenarios_are_known" in refused.stdout, refused.stdout[-3000:]
    connection = duckdb.connect(str(database), read_only=True)
    try:
        unknown = connection.execute(
            "select unknown_scenario_code from test_failures.assert_computed_scenarios_are_known order by 1"
        ).fetchall()
    finally:
        connection.close()
    assert unknown == [("bogus",), ("o'brien",)]  # a quote in a code is data, not SQL

    not_a_list = run_dbt(
        project, database, "compile", "--select", "int_finishes_scored", "--vars", "{computed_scenarios: 5}"
    )
    assert not_a_list.returncode != 0
    assert "The var computed_scenarios must be a list of scenario codes" in not_a_list.stdout


@pytest.mark.slow
def test_a_selected_model_builds_with_its_tests_into_a_new_file(tmp_path: Path) -> None:
    """`dbt build --select +fct_team_standings --indirect-selection buildable` into a file no build has touched
    (docs/testing.md): every test it selects can run. dbt's default (eager) also selects a test that reads an
    unselected seed too, which has no table in a new file; the project keeps the default, so that
    `dbt test --select <seed>` runs every test of that seed."""
    project = copy_project(tmp_path / "project")
    completed = run_dbt(
        project,
        tmp_path / "new.duckdb",
        "build",
        "--select",
        "+fct_team_standings",
        "--indirect-selection",
        "buildable",
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert " data tests, " in completed.stdout, completed.stdout[-3000:]
