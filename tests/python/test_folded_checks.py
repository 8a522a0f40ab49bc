"""Folded checks still fail: each rule of a wide `integrity` test, broken on purpose, fails the build and is named.

The seeds' and models' per-column tests were folded into one `integrity` test per relation
(tests/generic/integrity.sql): one query, one dbt node, a `rule` per violating row carrying the name the rule's
own test used to have. This proves a sample of the folded rules still bite. Independent breakages share one
build (dbt runs every seed's test even when another fails), and each must be named in the output on its own:
`<relation> breaks <rule> (...)` and the failing test. A rule on a model runs only when the seeds upstream pass,
so the model rules get a build of their own.
"""

from __future__ import annotations

import csv
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BIN_DIR, copy_project

Rows = list[list[str]]
Breakage = Callable[[Path], None]


def edit_seed(seed: str, edit: Callable[[Rows], None]) -> Breakage:
    """Apply `edit` to the rows (header first) of seeds/`seed` in a project copy."""
    def apply(project: Path) -> None:
        path = project / "seeds" / seed
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        edit(rows)
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return apply


def set_cell(seed: str, match: dict[str, str], column: str, value: str) -> Breakage:
    """Set `column` to `value` in the one row whose columns equal `match`."""
    def edit(rows: Rows) -> None:
        header = rows[0]
        found = [row for row in rows[1:] if all(row[header.index(key)] == wanted for key, wanted in match.items())]
        assert len(found) == 1, f"{seed}: {len(found)} rows match {match}"
        found[0][header.index(column)] = value
    return edit_seed(seed, edit)


def duplicate_first_row(seed: str) -> Breakage:
    return edit_seed(seed, lambda rows: rows.insert(2, list(rows[1])))


def drop_rows(seed: str, column: str, value: str) -> Breakage:
    def edit(rows: Rows) -> None:
        index = rows[0].index(column)
        rows[1:] = [row for row in rows[1:] if row[index] != value]
    return edit_seed(seed, edit)


def car(round_number: int, car_key: str) -> dict[str, str]:
    return {"round_number": str(round_number), "car_key": car_key}


# (what is broken, how, the failing test, the rule it must name). Each breaks a different row, and a different rule.
SEED_RULES: list[tuple[str, Breakage, str, str]] = [
    ("duplicate key",
     duplicate_first_row("raw/entries.csv"),
     "entries_integrity", "unique_combination_of_columns_entries_season__round_number__car_key"),
    ("null in a not-null column",
     set_cell("raw/finishes.csv", car(1, "lmp900-audi-sport-north-america-2"), "note", ""),
     "finishes_integrity", "not_null_finishes_note"),
    ("unknown class",
     set_cell("raw/finishes.csv", car(2, "lmp900-panoz-motor-sports-51"), "class_code", "LMP1"),
     "finishes_integrity", "relationships_finishes_class_code"),
    ("a finish for a round not in the schedule",
     set_cell("raw/finishes.csv", car(4, "lmp900-audi-sport-north-america-1"), "round_number", "11"),
     "finishes_integrity", "finishes_rounds_are_in_the_schedule"),
    ("negative laps",
     set_cell("raw/finishes.csv", car(1, "lmp900-audi-sport-north-america-2"), "laps", "-5"),
     "finishes_integrity", "accepted_range_finishes_laps"),
    ("unknown status",
     set_cell("raw/finishes.csv", car(3, "lmp900-audi-sport-north-america-2"), "status", "finished"),
     "finishes_integrity", "accepted_values_finishes_status"),
    ("a season-results finish that does not cite the results table",
     set_cell("raw/finishes.csv", car(1, "gt-alex-job-racing-23"), "source", "a fan site"),
     "finishes_integrity", "finishes_season_results_cite_the_results_table"),
    ("unknown race type",
     set_cell("raw/schedule.csv", {"round_number": "2"}, "race_type", "sprint"),
     "schedule_integrity", "relationships_schedule_race_type"),
    ("a team with no alias",
     drop_rows("reference/team_aliases.csv", "team_alias", "Orbit"),
     "entries_integrity", "relationships_entries_team_entered"),
    ("a points scale that is not decreasing",
     set_cell("reference/points_scales.csv", {"scale_code": "alms_2002_standard", "class_position": "3"},
              "points", "22"),
     "points_scales_integrity", "strictly_decreasing_points_scales_points"),
    ("a published total that does not add up",
     set_cell("expected/published_team_standings.csv", {"class_code": "GT", "published_row": "1"},
              "total_points", "251"),
     "published_team_standings_integrity", "published_totals_add_up"),
]

MODEL_RULES: list[tuple[str, Breakage, str, str]] = [
    ("laps above the class winner's",
     set_cell("raw/finishes.csv", car(2, "lmp900-panoz-motor-sports-51"), "laps", "90"),
     "int_finishes_enriched_integrity", "finishes_laps_do_not_exceed_the_class_winners"),
]


def dbt_build(project: Path, database: Path) -> subprocess.CompletedProcess[str]:
    """A plain `dbt build` of the copy into a throwaway DuckDB file (no publishing step)."""
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(project))
    return subprocess.run([str(BIN_DIR / "dbt"), "build"], cwd=project, env=env,
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("cases", [SEED_RULES, MODEL_RULES], ids=["seed_rules", "model_rules"])
def test_each_folded_rule_fails_the_build_and_is_named(cases: list[tuple[str, Breakage, str, str]],
                                                       tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for _, breakage, _, _ in cases:
        breakage(project)

    build = dbt_build(project, tmp_path / "broken.duckdb")
    output = build.stdout + build.stderr

    assert build.returncode != 0, output[-3000:]
    missing = [
        f"{case}: expected {test} to fail naming {rule}"
        for case, _, test, rule in cases
        if f"Failure in test {test} " not in output or f" breaks {rule} (" not in output
    ]
    assert not missing, "\n".join(missing) + "\n" + output[-6000:]

