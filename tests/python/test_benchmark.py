"""The benchmark's own plumbing, without running it (make benchmark takes about an hour): the synthetic inputs
stand exactly where dbt puts the seeds they replace, and the before/after mart comparison says what changed."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import pytest
import yaml
from conftest import PROJECT_DIR


@pytest.fixture(scope="module")
def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark", PROJECT_DIR / "benchmarks" / "benchmark.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark"] = module
    spec.loader.exec_module(module)
    return module


def seed_header(schema: str, seed: str) -> list[str]:
    with (PROJECT_DIR / "seeds" / schema / f"{seed}.csv").open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_each_synthetic_input_stands_where_dbt_puts_its_seed(benchmark: ModuleType) -> None:
    seeds_config = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["seeds"]
    for schema, seeds in benchmark.SYNTHETIC_SEEDS.items():
        # seeds/<folder>/ is built into the schema of the same name (generate_schema_name keeps it plain)
        assert seeds_config[benchmark.PROJECT_NAME][schema]["+schema"] == schema
        for seed in seeds:
            assert (PROJECT_DIR / "seeds" / schema / f"{seed}.csv").is_file(), f"no seed {schema}/{seed}"


def test_the_synthetic_inputs_have_every_column_of_their_seeds(benchmark: ModuleType, tmp_path: Path) -> None:
    benchmark.generate(tmp_path / "data", 1_000)
    database = tmp_path / "alms.duckdb"
    benchmark.stand_in_for_seeds(tmp_path / "data", database)
    connection = duckdb.connect(str(database), read_only=True)
    try:
        for schema, seeds in benchmark.SYNTHETIC_SEEDS.items():
            for seed in seeds:
                columns = [row[0] for row in connection.execute(f"describe {schema}.{seed}").fetchall()]
                missing = [column for column in seed_header(schema, seed) if column not in columns]
                assert missing == [], f"{schema}.{seed}: the synthetic data lacks {missing}"
    finally:
        connection.close()


def marts_file(path: Path, *statements: str) -> Path:
    connection = duckdb.connect(str(path))
    connection.execute("create schema marts")
    for statement in statements:
        connection.execute(statement)
    connection.close()
    return path


def test_the_mart_comparison_says_what_changed(benchmark: ModuleType, tmp_path: Path) -> None:
    before = marts_file(
        tmp_path / "before.duckdb",
        "create table marts.same as select * from (values (1, 'a'), (2, 'b')) as t(n, label)",
        "create table marts.changed as select * from (values (1, 'a')) as t(n, label)",
        "create table marts.dropped as select 1 as n",
    )
    after = marts_file(
        tmp_path / "after.duckdb",
        # the same values in another order and a wider type, and a new key column: unchanged, the key listed
        "create table marts.same as select * from (values ('k2', 2::bigint, 'b'), ('k1', 1::bigint, 'a'))"
        " as t(same_key, n, label)",
        "create table marts.changed as select * from (values (1, 'z')) as t(n, label)",
    )
    marts = {mart["mart"]: mart for mart in benchmark.compare_marts(before, after)}
    assert marts["same"]["unchanged"] and marts["same"]["only_after"] == ["same_key"]
    assert marts["same"]["rows_before"] == marts["same"]["rows_after"] == 2
    assert not marts["changed"]["unchanged"]
    assert not marts["dropped"]["unchanged"] and marts["dropped"]["rows_after"] is None
