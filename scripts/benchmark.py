"""Benchmark the real models against a raw-DuckDB floor and polars on synthetic seasons.

For each size (finishes) it generates synthetic seasons as Parquet (4 classes, teams with one or two cars,
DNFs, two endurance rounds a season), then, as separate processes so wall time and peak memory are their own:
  - dbt:    the project's real models (`dbt build` of +fct_team_standings, seeds and models, no tests),
            with the raw inputs pointed at the Parquet files (var input_parquet_dir) and the official scenario;
  - raw:    the same rules as one DuckDB SQL statement (the floor);
  - polars: the same rules as a polars lazy query.
It checks that all three give identical standings, and prints and writes (docs/benchmarks.md) the medians of
wall time, rows/s, peak memory and the ratios. It also times a warm `dbt build` of the real project against
the bare `import dbt.cli.main`.

Usage: python scripts/benchmark.py [--sizes 1e5,1e6,1e7] [--repeat 3] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
CLASSES = ["LMP900", "LMP675", "GTS", "GT"]
ROUNDS_PER_SEASON = 10
TEAMS_PER_CLASS = 12
TWO_CAR_TEAMS = 4  # the first four teams of each class run two cars
CARS_PER_SEASON_ROUND = len(CLASSES) * (TEAMS_PER_CLASS + TWO_CAR_TEAMS)
SCENARIO = "official_2002"


def scale_rows() -> list[tuple[str, int, int]]:
    """The official scenario's scales as (race_type, class_position, points), read from the reference seeds
    the models use, so the raw and polars implementations score by the same rule rows."""
    reference = PROJECT_DIR / "seeds" / "reference"
    return duckdb.sql(f"""
        select scenario_scales.race_type, points_scales.class_position, points_scales.points
        from '{reference}/scenario_scales.csv' as scenario_scales
        join '{reference}/points_scales.csv' as points_scales using (scale_code)
        where scenario_scales.scenario_code = '{SCENARIO}'
        order by all
    """).fetchall()


def generate(directory: Path, finishes: int) -> int:
    """Write synthetic seasons with about `finishes` results as Parquet; return the exact count."""
    seasons = max(1, round(finishes / (ROUNDS_PER_SEASON * CARS_PER_SEASON_ROUND)))
    directory.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    connection.execute(f"""
        create table cars as
        select class_code, team_number, car_slot,
            lower(class_code) || '-team-' || team_number || '-' || car_slot as car_key,
            class_code || ' Team ' || team_number as team_name
        from unnest({CLASSES}) as classes(class_code),
            range(1, {TEAMS_PER_CLASS + 1}) as teams(team_number),
            range(1, 3) as slots(car_slot)
        where car_slot = 1 or team_number <= {TWO_CAR_TEAMS};
        create table schedule as
        select cast(3000 + season as integer) as season, cast(round_number as integer) as round_number,
            'Synthetic race ' || round_number as race_name,
            'Synthetic circuit' as circuit, date '2002-03-16' + cast(21 * round_number as integer) as race_date,
            case when round_number in (1, {ROUNDS_PER_SEASON}) then 'endurance' else 'standard' end as race_type,
            case when round_number in (1, {ROUNDS_PER_SEASON}) then 350 else 120 end as overall_winner_laps,
            'synthetic' as source
        from range(1, {seasons + 1}) as seasons(season), range(1, {ROUNDS_PER_SEASON + 1}) as rounds(round_number);
        copy schedule to '{directory}/schedule.parquet' (format parquet);
        copy (select distinct team_name as team_alias, team_name, 'synthetic' as alias_source from cars)
            to '{directory}/team_aliases.parquet' (format parquet);
        copy (select season, round_number, class_code,
                case when class_code = 'LMP900' then 0 else 5 * list_position({CLASSES}, class_code) end
                    as laps_behind_overall_winner, 'synthetic' as source
            from schedule, unnest({CLASSES}) as classes(class_code))
            to '{directory}/class_winner_gaps.parquet' (format parquet);
        copy (select season, round_number, car_key, class_code, team_name as team_entered,
                cast(team_number * 10 + car_slot as varchar) as car_number, 'Synthetic' as chassis,
                null::varchar as engine, null::varchar as tyre, true as took_part,
                'synthetic' as entry_source, 'synthetic' as car_number_source
            from schedule, cars)
            to '{directory}/entries.parquet' (format parquet);
        copy (
            with placed as (
                select schedule.season, schedule.round_number, cars.class_code, cars.team_name, cars.car_key,
                    schedule.overall_winner_laps,
                    row_number() over (
                        partition by schedule.season, schedule.round_number, cars.class_code
                        order by hash(schedule.season, schedule.round_number, cars.car_key)
                    ) :: integer as class_position
                from schedule, cars
            )
            select season, round_number, class_code, team_name as team_entered, car_key, class_position,
                case when class_position > 12 then overall_winner_laps // 3 + class_position
                     else overall_winner_laps - 5 * list_position({CLASSES}, class_code) - class_position
                end as laps,
                case when class_position > 12 then 'DNF' else 'running' end as status,
                null::varchar as status_detail, 'race_results' as evidence, 'car_number' as car_identification,
                'synthetic' as note, 'synthetic' as source
            from placed
        ) to '{directory}/finishes.parquet' (format parquet);
        copy (select * from (values (0, 0, '', '')) as empty(season, round_number, car_key, driver_name) where false)
            to '{directory}/car_drivers.parquet' (format parquet);
        copy (select * from (values (0, 0, '', '', '', 0, ''))
                as empty(season, round_number, class_code, driver_name, bonus_kind, points, source) where false)
            to '{directory}/driver_bonus_points.parquet' (format parquet);
    """)
    count = connection.execute(f"select count(*) from '{directory}/finishes.parquet'").fetchone()[0]
    connection.close()
    return count


RAW_SQL = """
with
scales as (select * from (values {scales}) as scales(race_type, class_position, points)),
scored as (
    select finishes.season, finishes.round_number, finishes.class_code, aliases.team_name,
        coalesce(scales.points, 0) as points
    from '{data}/finishes.parquet' as finishes
    join '{data}/schedule.parquet' as schedule using (season, round_number)
    join '{data}/team_aliases.parquet' as aliases on finishes.team_entered = aliases.team_alias
    left join scales on scales.race_type = schedule.race_type and scales.class_position = finishes.class_position
),
team_rounds as (
    select season, round_number, class_code, team_name, max(points) as points
    from scored group by season, round_number, class_code, team_name
),
totals as (
    select season, class_code, team_name, cast(sum(points) as integer) as total_points
    from team_rounds where points > 0 group by season, class_code, team_name
)
select season, class_code, team_name, total_points,
    cast(rank() over (partition by season, class_code order by total_points desc) as integer)
        as championship_position
from totals
"""


def run_raw(data: Path, output: Path) -> None:
    scales = ", ".join(f"('{race_type}', {position}, {points})" for race_type, position, points in scale_rows())
    connection = duckdb.connect()
    connection.execute(f"copy ({RAW_SQL.format(scales=scales, data=data)}) to '{output}' (format parquet)")
    connection.close()


def run_polars(data: Path, output: Path) -> None:
    import polars as pl

    scales = pl.LazyFrame(scale_rows(), schema=["race_type", "class_position", "points"], orient="row").with_columns(
        pl.col("class_position").cast(pl.Int32), pl.col("points").cast(pl.Int32))
    finishes = pl.scan_parquet(data / "finishes.parquet")
    schedule = pl.scan_parquet(data / "schedule.parquet")
    aliases = pl.scan_parquet(data / "team_aliases.parquet")
    totals = (
        finishes.join(schedule.select("season", "round_number", "race_type"), on=["season", "round_number"])
        .join(aliases.select("team_alias", "team_name"), left_on="team_entered", right_on="team_alias")
        .with_columns(pl.col("class_position").cast(pl.Int32))
        .join(scales, on=["race_type", "class_position"], how="left")
        .with_columns(pl.col("points").fill_null(0))
        .group_by("season", "round_number", "class_code", "team_name").agg(pl.col("points").max())
        .filter(pl.col("points") > 0)
        .group_by("season", "class_code", "team_name").agg(pl.col("points").sum().cast(pl.Int32).alias("total_points"))
        .with_columns(pl.col("total_points").rank(method="min", descending=True).over("season", "class_code")
                      .cast(pl.Int32).alias("championship_position"))
    )
    totals.sink_parquet(output)


def run_dbt(data: Path, output: Path) -> None:
    database = output.with_suffix(".duckdb")
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(PROJECT_DIR))
    variables = json.dumps({"input_parquet_dir": str(data), "computed_scenarios": [SCENARIO]})
    subprocess.run(
        [str(BIN_DIR / "dbt"), "build", "--quiet", "--resource-type", "seed", "--resource-type", "model",
         "--select", "+fct_team_standings", "--vars", variables, "--target-path", str(output.parent / "target"),
         "--project-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR, env=env, check=True,
    )
    connection = duckdb.connect(str(database))
    connection.execute(f"""copy (select season, class_code, team_name, total_points, championship_position
        from marts.fct_team_standings) to '{output}' (format parquet)""")
    connection.close()


ENGINES = {"dbt": run_dbt, "raw": run_raw, "polars": run_polars}


def timed(command: list[str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak resident memory in MiB) of that process."""
    report = Path(tempfile.mktemp(suffix=".time"))
    started = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), *command], check=True, cwd=PROJECT_DIR)
    wall = time.perf_counter() - started
    peak_kib = int(report.read_text().split()[-1])
    report.unlink()
    return wall, peak_kib / 1024


def standings_rows(path: Path) -> list[tuple]:
    return duckdb.sql(f"select * from '{path}' order by all").fetchall()


def measure_size(size: int, repeat: int, work: Path) -> dict:
    data = work / f"data_{size}"
    finishes = generate(data, size)
    results: dict = {"finishes": finishes}
    outputs = {}
    for engine in ENGINES:
        walls, peaks = [], []
        for attempt in range(repeat):
            output = work / f"{engine}_{size}_{attempt}" / "standings.parquet"
            output.parent.mkdir(parents=True, exist_ok=True)
            wall, peak = timed([sys.executable, __file__, "--engine", engine, "--data", str(data),
                                "--output", str(output)])
            walls.append(wall)
            peaks.append(peak)
            outputs[engine] = output
        results[engine] = {"wall_s": statistics.median(walls), "peak_mib": max(peaks),
                           "rows_per_s": finishes / statistics.median(walls)}
    reference = standings_rows(outputs["raw"])
    results["identical"] = all(standings_rows(outputs[engine]) == reference for engine in ENGINES)
    results["standings_rows"] = len(reference)
    return results


def warm_build_ratio(repeat: int, work: Path) -> dict:
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(work / "warm.duckdb"), DBT_PROFILES_DIR=str(PROJECT_DIR))
    build = [str(BIN_DIR / "dbt"), "build", "--quiet", "--project-dir", str(PROJECT_DIR)]
    subprocess.run(build, cwd=PROJECT_DIR, env=env, check=True)  # warm: partial parse and file in place

    def median_wall(command: list[str]) -> float:
        walls = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(command, cwd=PROJECT_DIR, env=env, check=True)
            walls.append(time.perf_counter() - started)
        return statistics.median(walls)

    build_s = median_wall(build)
    import_s = median_wall([sys.executable, "-c", "import dbt.cli.main"])
    return {"build_s": build_s, "import_s": import_s, "ratio": build_s / import_s}


def machine() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import polars
    return (f"{os.cpu_count()} cores, {memory_gib:.0f} GiB, {platform.platform()}, Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}, polars {polars.__version__}")


def report(sizes: dict[int, dict], warm: dict) -> str:
    lines = [
        "# Benchmarks", "",
        f"Machine: {machine()}.", "",
        "Command: `make benchmark` (`python scripts/benchmark.py`). Medians of the runs; peak memory is the",
        "process's maximum resident set (`/usr/bin/time -f %M`). `dbt` is the project's real models",
        "(`dbt build` of `+fct_team_standings`, seeds and models, no tests, official scenario) reading the synthetic",
        "Parquet through the `input_parquet_dir` var, including dbt's own start-up; `raw` is the same rules as one",
        "DuckDB statement; `polars` the same as a lazy polars query. All three standings are compared row by row.",
        "",
        "| finishes | dbt wall s | raw wall s | polars wall s | dbt/raw | raw vs polars | dbt rows/s | raw rows/s "
        "| dbt peak MiB | raw peak MiB | polars peak MiB | identical |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in sizes.values():
        dbt, raw, polars = result["dbt"], result["raw"], result["polars"]
        lines.append(
            f"| {result['finishes']:,} | {dbt['wall_s']:.2f} | {raw['wall_s']:.2f} | {polars['wall_s']:.2f} "
            f"| {dbt['wall_s'] / raw['wall_s']:.2f} | {raw['wall_s'] / polars['wall_s']:.2f} "
            f"| {dbt['rows_per_s']:,.0f} | {raw['rows_per_s']:,.0f} | {dbt['peak_mib']:.0f} | {raw['peak_mib']:.0f} "
            f"| {polars['peak_mib']:.0f} | {'yes' if result['identical'] else 'NO'} |")
    lines += [
        "",
        f"Warm `dbt build` of the 2002 project (seeds, models and every test): {warm['build_s']:.2f} s; "
        f"bare `import dbt.cli.main`: {warm['import_s']:.2f} s; ratio {warm['ratio']:.2f}.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e5,1e6,1e7")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table, do not write docs/benchmarks.md")
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.engine:
        ENGINES[arguments.engine](arguments.data, arguments.output)
        return 0

    with tempfile.TemporaryDirectory(prefix="alms-benchmark-") as scratch:
        work = Path(scratch)
        sizes = {}
        for size in (int(float(text)) for text in arguments.sizes.split(",")):
            sizes[size] = measure_size(size, arguments.repeat, work)
            print(json.dumps({size: sizes[size]}), flush=True)
        warm = warm_build_ratio(max(arguments.repeat, 5), work)
        print(json.dumps({"warm_build": warm}), flush=True)
    text = report(sizes, warm)
    print(text)
    if not arguments.no_write:
        (PROJECT_DIR / "docs" / "benchmarks.md").write_text(text)
    return 0 if all(result["identical"] for result in sizes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
