"""The warehouse opens in any current DuckDB client and carries its docs (the docs site: test_build_signals.py), and
the project overview BI users read in the docs site states what the warehouse holds."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, mart_names

pytestmark = pytest.mark.slow  # every test reads the session's built warehouse

DUCKDB1_PYTHON = PROJECT_DIR / ".venv-duckdb1" / "bin" / "python"

READ_EVERY_MART = """
import json, sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
counts = {mart: connection.execute(f"select count(*) from marts.{mart}").fetchone()[0] for mart in sys.argv[2:]}
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""


def test_a_duckdb_1x_client_reads_every_mart(warehouse: Path) -> None:
    assert DUCKDB1_PYTHON.exists(), "run `make setup`: it creates .venv-duckdb1 with DuckDB 1.x"
    marts = mart_names(warehouse)
    assert len(marts) >= 10
    completed = subprocess.run(
        [str(DUCKDB1_PYTHON), "-c", READ_EVERY_MART, str(warehouse), *marts],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(completed.stdout)
    assert report["version"].startswith("1.")
    assert set(report["counts"]) == set(marts)
    assert all(count > 0 for count in report["counts"].values())


def test_model_and_column_docs_are_in_the_catalog(query) -> None:
    """Every table, view and column a BI tool can browse carries its description: marts, and also the seeds (raw,
    reference, expected) and the staging and intermediate views."""
    undocumented = query(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where schema_name not in ('main', 'information_schema', 'pg_catalog') and not internal "
        "and (comment is null or comment = '')"
    )
    assert undocumented == []
    relations = query(
        "select schema_name, table_name from duckdb_tables() where comment is null "
        "union all select schema_name, view_name from duckdb_views() where not internal and comment is null "
        "and schema_name not in ('main', 'information_schema', 'pg_catalog')"
    )
    assert relations == []


def test_the_overview_states_the_evidence_totals_the_mart_holds(query) -> None:
    overview = (PROJECT_DIR / "models" / "_models__docs.md").read_text(encoding="utf-8")
    stated = re.search(
        r"Of 2002's (\d+) scoring cells in the team tables, (\d+) rest on a published race result outside the\s+"
        r"season article, (\d+) on the article's class-winners table and (\d+) on the published points",
        overview,
    )
    assert stated, "the overview no longer states the evidence totals"
    counts = dict(query("select evidence, count(*) from marts.fct_team_round_evidence where season = 2002 group by 1"))
    assert [int(number) for number in stated.groups()] == [
        sum(counts.values()),
        counts["race_results"],
        counts["season_results"],
        counts["published_points"],
    ]
