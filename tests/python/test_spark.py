"""The same project on Apache Spark (dbt-spark, local session): its standings equal DuckDB's.

The test builds on Spark only what the comparison needs, the seeds and models upstream of fct_team_standings
(`+fct_team_standings`, no data tests: DuckDB's build runs them), and reads the table Spark wrote (plain Parquet
under the Spark warehouse folder) rather than starting a second Spark session to query it. `make spark` still
builds and tests everything on Spark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, copy_project

pytestmark = [pytest.mark.slow, pytest.mark.spark]  # builds the project on Spark: make test-spark

SPARK_DBT = PROJECT_DIR / ".venv-spark" / "bin" / "dbt"
STANDINGS = "select * from {table} order by season, scenario_code, class_order, class_code, display_order"


def rows_and_columns(database: Path | None, table: str) -> tuple[list[str], list[tuple]]:
    connection = duckdb.connect(str(database) if database else ":memory:", read_only=database is not None)
    try:
        result = connection.execute(STANDINGS.format(table=table))
        return [column[0] for column in result.description], result.fetchall()
    finally:
        connection.close()


def test_spark_builds_the_standings_and_agrees_with_duckdb(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("no Java here: the Spark target needs a JDK (Java 17)")
    assert SPARK_DBT.exists(), "run `make setup-spark`: it creates .venv-spark with dbt-spark and PySpark"

    project = copy_project(tmp_path / "project")
    spark_warehouse = tmp_path / "spark-warehouse"
    env = dict(os.environ, DBT_PROFILES_DIR=str(project), ALMS_SPARK_WAREHOUSE=str(spark_warehouse))
    build = subprocess.run(
        [
            str(SPARK_DBT),
            "build",
            "--target",
            "spark",
            "--select",
            "+fct_team_standings",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-5000:]

    table_folder = spark_warehouse / "marts.db" / "fct_team_standings"
    assert list(table_folder.glob("*.parquet")), f"Spark wrote no Parquet files in {table_folder}"
    spark_columns, spark_rows = rows_and_columns(None, f"read_parquet('{table_folder}/*.parquet')")
    # The session's DuckDB build, asked for only now: it builds meanwhile (on another worker) instead of before.
    warehouse: Path = request.getfixturevalue("warehouse")
    duckdb_columns, duckdb_rows = rows_and_columns(warehouse, "marts.fct_team_standings")

    # Every column (the round columns follow the schedule: round_1_points..round_10_points for 2002), every row.
    assert spark_columns == duckdb_columns
    assert duckdb_rows, "DuckDB built no standings"
    assert spark_rows == duckdb_rows
