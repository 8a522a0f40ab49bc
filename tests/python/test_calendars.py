"""Calendars as they happen (issue 29), what dbt cannot see; none of these tests runs dbt.

- The var points_data_type is checked before dbt starts: `integer` or an exact `decimal(p, s)`; anything else is
  refused in one line naming the var and the accepted forms, whether it comes from dbt_project.yml or from
  `make build BUILD_ARGS="--vars ..."`.
- docs/adding_a_season.md lists every file a season may need and which of their columns may be empty, as the seeds'
  YAML says (a column without a not_null test).
- The screens' "title decided after round" reads a round number, then a count: never "round 9 of 8".

The rescheduled and cancelled rounds themselves are tested where they are computed: the unit tests of
int_rounds_statused, fct_championship_progression, fct_class_titles and dim_seasons, and the data test
assert_round_counts_agree_across_marts.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from alms_tools import season_views
from check_seeds import check_seed_folder, points_data_type_problem
from conftest import PROJECT_DIR, copy_project, make_checkout, readme_environment, run_build

ACCEPTED_FORMS = (
    "it must be integer, or an exact decimal(p, s) with p at most 38 and at least 4 digits before the point "
    "(p - s >= 4), e.g. decimal(9, 1) for half points: set it under vars in dbt_project.yml, or pass it with --vars."
)
REFUSED = ["decimal(9, 1", "varchar", "float", "double", "int; drop table x", "decimal(4, 1)", "decimal(40, 1)", ""]
ACCEPTED = ["integer", "INTEGER", " integer ", "decimal(9, 1)", "decimal(9,1)", "Decimal( 9 , 1 )", "decimal(4, 0)"]


# points_data_type, before dbt runs ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", REFUSED)
def test_a_points_type_that_is_not_exact_is_refused_in_one_line(value: str) -> None:
    problem = points_data_type_problem(PROJECT_DIR / "seeds", {"points_data_type": value})
    assert problem == f"The var points_data_type is {value.strip()!r} (--vars); {ACCEPTED_FORMS}"
    # The seed check says the same, alone: every points column would be read as that type.
    assert check_seed_folder(PROJECT_DIR / "seeds", {"points_data_type": value}) == [problem]


@pytest.mark.parametrize("value", ACCEPTED)
def test_integer_and_exact_decimals_are_accepted_whatever_their_spacing(value: str) -> None:
    assert points_data_type_problem(PROJECT_DIR / "seeds", {"points_data_type": value}) is None


def test_a_mistyped_var_in_dbt_project_stops_the_build_before_dbt(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    settings = project / "dbt_project.yml"
    text = settings.read_text(encoding="utf-8")
    assert text.count("  points_data_type: integer\n") == 1
    settings.write_text(text.replace("  points_data_type: integer\n", '  points_data_type: "decimal(9, 1"\n'))
    result = run_build(project, tmp_path / "warehouse" / "alms.duckdb")
    assert result.returncode == 2
    assert result.output.splitlines() == [
        f"The var points_data_type is 'decimal(9, 1' (dbt_project.yml); {ACCEPTED_FORMS} Nothing was built and "
        f"nothing was published at {tmp_path / 'warehouse' / 'alms.duckdb'}."
    ]
    assert not (tmp_path / "warehouse").exists(), "stopped before the lock and the side file"


def test_a_var_given_to_make_build_reaches_the_check(tmp_path: Path) -> None:
    """`make build BUILD_ARGS="--vars '{points_data_type: float}'"`: the shell hands --vars to the build script,
    which checks it before dbt starts."""
    project = make_checkout(tmp_path / "project")
    completed = subprocess.run(
        ["make", "--no-print-directory", "build", "BUILD_ARGS=--vars '{points_data_type: float}'"],
        cwd=project,
        env=readme_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    printed = [line for line in completed.stdout.splitlines() if not line.startswith(".venv/bin/python")]
    assert completed.returncode != 0
    assert printed == [
        f"The var points_data_type is 'float' (--vars); {ACCEPTED_FORMS} Nothing was built and nothing was published "
        "at warehouse/alms.duckdb."
    ], completed.stdout + completed.stderr


# docs/adding_a_season.md --------------------------------------------------------------------------------------

GUIDE = PROJECT_DIR / "docs" / "adding_a_season.md"
TABLE_ROW = re.compile(r"^\| `(seeds/[\w/]+\.csv)` \| (.+) \| (.+) \|$", re.MULTILINE)
NOT_FOR_A_SEASON = {"seeds/reference/distance_rule_outcomes.csv"}


def guide_files() -> dict[str, set[str]]:
    """Each file the guide's table lists -> the columns it says may be empty."""
    return {
        path: set() if empty.strip() == "none" else set(re.findall(r"`(\w+)`", empty))
        for path, _, empty in TABLE_ROW.findall(GUIDE.read_text(encoding="utf-8"))
    }


def optional_columns() -> dict[str, set[str]]:
    """Each seed -> its columns without a not_null test, as the seeds' YAML declares them."""
    optional = {}
    for yml in sorted((PROJECT_DIR / "seeds").rglob("*seeds.yml")):
        for seed in yaml.safe_load(yml.read_text(encoding="utf-8"))["seeds"]:
            required = {
                column["name"]
                for column in seed.get("columns", [])
                if "not_null"
                in [test if isinstance(test, str) else next(iter(test)) for test in column.get("data_tests") or []]
            }
            path = (yml.parent / f"{seed['name']}.csv").relative_to(PROJECT_DIR).as_posix()
            optional[path] = set(seed["config"]["column_types"]) - required
    return optional


def test_the_season_guide_lists_every_seed_and_what_may_be_left_empty() -> None:
    listed, declared = guide_files(), optional_columns()
    assert {"seeds/reference/classes.csv", "seeds/reference/driver_bonus_rules.csv"} <= set(listed)
    assert set(listed) | NOT_FOR_A_SEASON == set(declared), "every seed is in the guide's table, or said not to be"
    assert {path: listed[path] for path in listed} == {path: declared[path] for path in listed}
    assert "note" not in listed["seeds/raw/finishes.csv"] and "`note` is required" in GUIDE.read_text(encoding="utf-8")
    for path in NOT_FOR_A_SEASON:
        assert f"`{path}`" in GUIDE.read_text(encoding="utf-8")


# The screens' title sentence ----------------------------------------------------------------------------------


def title(**values: object) -> pd.Series:
    return pd.Series(values)


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        # 2002 LMP900: decided after round 9 of 10, one round to spare.
        (
            title(decided_after_round=9, rounds_on_calendar=10, rounds_cancelled=0, rounds_to_spare=1),
            "9 (9 of 10 raced)",
        ),
        # Nine rounds, round 6 cancelled, decided at the last race (round 9): never "9 of 8".
        (
            title(decided_after_round=9, rounds_on_calendar=9, rounds_cancelled=1, rounds_to_spare=0),
            "9 (8 of 8 raced; 1 cancelled)",
        ),
        # Round 2 rescheduled after the final: decided after round 5 with round 2 still to race.
        (title(decided_after_round=5, rounds_on_calendar=5, rounds_cancelled=0, rounds_to_spare=1), "5 (4 of 5 raced)"),
        (title(decided_after_round=None, rounds_on_calendar=9, rounds_cancelled=1, rounds_to_spare=None), ""),
    ],
)
def test_the_deciding_round_is_a_number_and_the_rounds_raced_a_count(row: pd.Series, shown: str) -> None:
    assert season_views.decided_after_text(row) == shown
