"""The benchmark's own plumbing, without running it (make benchmark takes about an hour): the synthetic inputs
stand exactly where dbt puts the seeds they replace, and the before/after mart comparison says what changed."""

from __future__ import annotations

import csv
import importlib.util
import json
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


def test_every_timed_dbt_run_reuses_the_warm_parse(
    benchmark: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dbt parses the whole project again when the profile it hashes (the file's path, the memory cap, the settings)
    or the vars differ from the cached parse's: the warm-up parse and every timed build must agree on all of them."""
    data = tmp_path / "data"
    benchmark.generate(data, 1_000)
    size = benchmark.LARGE  # a size whose cap is not the default one
    calls: list[tuple[list[str], dict[str, str]]] = []

    def dbt(command: list[str], **options):  # stands in for the dbt process: records it, writes what dbt would
        calls.append((command, options["env"]))
        if "build" in command:
            target = Path(command[command.index("--target-path") + 1])
            stamp = "2026-01-01T00:00:00Z"
            timing = [{"name": "execute", "started_at": stamp, "completed_at": stamp}]
            result = {"unique_id": "model.alms_standings.m", "execution_time": 0.0, "timing": timing}
            target.mkdir(exist_ok=True)
            (target / "run_results.json").write_text(json.dumps({"results": [result]}))

    monkeypatch.setattr(benchmark.subprocess, "run", dbt)
    benchmark.warm_parse(data, size)
    # Each timed run as measure_size starts it: its own process, with the size's cap set by its parent.
    monkeypatch.setenv("ALMS_DUCKDB_MEMORY_LIMIT", benchmark.memory_limit(size))
    for attempt in range(2):
        output = tmp_path / f"dbt_{attempt}"
        output.mkdir()
        benchmark.run_dbt(data, output)
        assert (output / "alms.duckdb").is_file(), "the build's file is kept in the run's output, for the comparison"
    profile = (
        "ALMS_DUCKDB_PATH",
        "ALMS_DUCKDB_MEMORY_LIMIT",
        "ALMS_DUCKDB_PRESERVE_INSERTION_ORDER",
        "DBT_PROFILES_DIR",
    )

    def parse_inputs(command: list[str], env: dict[str, str]) -> tuple:
        return tuple(env.get(name) for name in profile), [
            command[command.index(flag) + 1] for flag in ("--vars", "--target-path", "--project-dir")
        ]

    (parse_command, parse_env), *builds = calls
    assert "parse" in parse_command and len(builds) == 2
    for command, env in builds:
        assert parse_inputs(command, env) == parse_inputs(parse_command, parse_env)
