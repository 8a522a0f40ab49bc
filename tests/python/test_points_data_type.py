"""Points with fractions (issue 19): one var, `points_data_type`, types every points column of seeds and marts.

Integer by default (2002 and every whole-number series); an exact decimal such as decimal(9, 1) where a series
awards half points. The synthetic seasons (synthetic_seasons.py) build with decimal points and are checked there against
plain Python; here: what a user sees when a seed's points do not fit the type, and a float is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from build_warehouse import vars_given
from check_seeds import check_seed_folder
from conftest import copy_project, run_dbt, set_cell

HALF_A_WIN = set_cell(
    "reference/points_scales.csv", {"scale_code": "alms_2002_standard", "class_position": "1"}, "points", "12.5"
)


def test_a_fraction_in_an_integer_points_column_names_the_var(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    HALF_A_WIN(project)
    assert check_seed_folder(project / "seeds") == [
        f"{(project / 'seeds/reference/points_scales.csv').as_posix()}:2: column points: expected a whole number, "
        "got '12.5'; its type is the var points_data_type (integer): for points with fractions, set "
        "points_data_type to an exact decimal such as decimal(9, 1) under vars in dbt_project.yml"
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--vars", '{points_data_type: "decimal(9, 1)"}'],
        ["--select", "marts", "--vars={points_data_type: 'decimal(9, 1)'}"],
    ],
)
def test_points_data_type_given_to_make_build_reaches_the_seed_check(tmp_path: Path, arguments: list[str]) -> None:
    project = copy_project(tmp_path / "project")
    HALF_A_WIN(project)
    assert vars_given(arguments) == {"points_data_type": "decimal(9, 1)"}
    assert check_seed_folder(project / "seeds", vars_given(arguments)) == []


def test_a_narrower_decimal_says_how_many_places_it_holds(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    set_cell(
        "reference/points_scales.csv", {"scale_code": "alms_2002_standard", "class_position": "1"}, "points", "12.25"
    )(project)
    [problem] = check_seed_folder(project / "seeds", {"points_data_type": "decimal(9, 1)"})
    assert "column points: expected at most 1 decimal places (decimal(9, 1); DuckDB would round it), got '12.25'" in (
        problem
    )


@pytest.mark.slow
def test_a_float_points_type_fails_a_test_naming_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = run_dbt(
        project,
        tmp_path / "float.duckdb",
        "build",
        "--select",
        "points_scales",
        "assert_points_data_type_is_exact",
        "--vars",
        "{points_data_type: double}",
    )
    assert result.returncode != 0
    assert "Failure in test assert_points_data_type_is_exact" in result.stdout, result.stdout[-3000:]
