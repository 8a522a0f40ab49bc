"""Bad seed input gets a clear error, and the published warehouse stays byte-for-byte unchanged.

Each case breaks one seed in a private copy of the project and runs the real build command against a
published warehouse that already exists. The pre-check (scripts/check_seeds.py) names file, line and column
for format and type problems; dbt's data tests name the rule a well-formed but wrong value breaks.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import (
    Breakage,
    BuildResult,
    copy_project,
    edit_rows,
    file_digest,
    read_rows,
    run_build,
    set_cell,
    write_rows,
)


def rewrite_bytes(seed: str, change: Callable[[bytes], bytes]) -> Breakage:
    def apply(project: Path) -> None:
        path = project / "seeds" / seed
        path.write_bytes(change(path.read_bytes()))

    return apply


LUHR = "Lucas Lühr"
LUHR_NFD = unicodedata.normalize("NFD", LUHR)
LUHR_SPACED = LUHR.replace(" ", "  ")  # two spellings of one driver: the pre-check refuses the double space
SONOMA_51 = {"round_number": "2", "car_key": "lmp900-panoz-motor-sports-51"}


def car(round_number: int, car_key: str) -> dict[str, str]:
    return {"round_number": str(round_number), "car_key": car_key}


def swap_cells(seed: str, first: dict[str, str], second: dict[str, str], column: str) -> Breakage:
    """Swap one column's values between two rows of a seed."""

    def apply(project: Path) -> None:
        path = project / "seeds" / seed
        rows = read_rows(path)
        header = rows[0]
        index = header.index(column)
        matches = [
            number
            for where in (first, second)
            for number, row in enumerate(rows[1:], start=1)
            if all(row[header.index(key)] == value for key, value in where.items())
        ]
        a, b = matches
        rows[a][index], rows[b][index] = rows[b][index], rows[a][index]
        write_rows(path, rows)

    return apply


def rows_of(seed: str, line: int) -> str:
    """The key columns of a seed row as a failing-rows printout shows them (season | round | car key)."""
    row = read_rows(Path(__file__).resolve().parents[2] / "seeds" / seed)[line]
    return " | ".join(row[:3])


# Well-formed but wrong values, caught by dbt's data tests: dbt's built-in generic tests and the few of
# tests/generic/, each attached to the seed or model it tests. A failing test stores its rows (store_failures)
# and the build prints them, so the output names the rows, not only a count. Each group builds only what its rules
# need (GROUP_SELECTION): the seed rules are the seeds' own tests, so the seed cases share one build of the seeds
# alone, each on its own row and rule; a rule on a model runs once the seeds pass, and a failing one skips what is
# downstream of it, so each model rule builds its ancestors and itself (`--select +<test>`) in a build of its own.
# (case, breakage, failing test, text its printed rows contain)
DATA_TEST_GROUPS: dict[str, list[tuple[str, Breakage, str, str]]] = {
    "seed rules": [
        (
            "duplicate entry",
            edit_rows("raw/entries.csv", lambda rows: [rows[0], rows[1], *rows[1:]]),
            "unique_combination_of_columns_entries_season__round_number__car_key",
            rows_of("raw/entries.csv", 1),
        ),
        (
            "null in a not-null column",
            set_cell("raw/finishes.csv", car(1, "lmp900-audi-sport-north-america-2"), "note", ""),
            "not_null_finishes_note",
            "lmp900-audi-sport-north-america-2",
        ),
        (
            "negative laps",
            set_cell("raw/finishes.csv", car(1, "lmp900-audi-sport-north-america-2"), "laps", "-5"),
            "accepted_range_finishes_laps__0",
            "lmp900-audi-sport-north-america-2 | 1 | -5",
        ),
        (
            "negative laps on a second car (test_each_failing_row_is_printed_with_its_own_values)",
            set_cell("raw/finishes.csv", car(1, "lmp900-champion-racing-38"), "laps", "-7"),
            "accepted_range_finishes_laps__0",
            "lmp900-champion-racing-38 | 2 | -7",
        ),
        (
            "unknown class",
            set_cell("raw/finishes.csv", car(2, "lmp900-panoz-motor-sports-51"), "class_code", "LMP1"),
            "relationships_finishes_class_code__class_code__ref_classes_",
            "LMP1",
        ),
        (
            "unknown car in finishes",
            set_cell("raw/finishes.csv", car(5, "lmp900-team-cadillac-8"), "car_key", "lmp900-nobody-99"),
            "finishes_identified_cars_join_their_entry",
            "lmp900-nobody-99",
        ),
        (
            "a finish for a round not in the schedule",
            set_cell("raw/finishes.csv", car(4, "lmp900-audi-sport-north-america-1"), "round_number", "11"),
            "finishes_rounds_are_in_the_schedule",
            "2002 | 11 | LMP900",
        ),
        (
            "unknown status",
            set_cell("raw/finishes.csv", car(3, "lmp900-audi-sport-north-america-2"), "status", "finished"),
            "accepted_values_finishes_status__running__DNF__DNS__unknown",
            "finished",
        ),
        (
            "a season-results finish that does not cite the results table",
            set_cell("raw/finishes.csv", car(1, "gt-alex-job-racing-23"), "source", "a fan site"),
            "finishes_season_results_cite_the_results_table",
            "gt-alex-job-racing-23",
        ),
        (
            "unknown race type",
            set_cell("raw/schedule.csv", {"round_number": "2"}, "race_type", "sprint"),
            "relationships_schedule_race_type__race_type__ref_race_types_",
            "sprint",
        ),
        (
            "team with no alias",
            edit_rows("reference/team_aliases.csv", lambda rows: [row for row in rows if row[0] != "Orbit"]),
            "relationships_entries_team_entered__team_alias__ref_team_aliases_",
            "Orbit",
        ),
        (
            "points scale increasing",
            set_cell(
                "reference/points_scales.csv",
                {"scale_code": "alms_2002_standard", "class_position": "3"},
                "points",
                "22",
            ),
            "non_increasing_points_scales_points__class_position__scale_code",
            "alms_2002_standard | 3 | 22",
        ),
        (
            "a scenario with no scale for a race type",
            edit_rows(
                "reference/scenario_scales.csv",
                lambda rows: [row for row in rows if row[:2] != ["top10_scale_countback", "endurance"]],
            ),
            "assert_every_scenario_scores_every_race_type",
            "top10_scale_countback | endurance",
        ),
        (
            "a car that changes number mid-season",
            set_cell("raw/entries.csv", car(3, "gt-alex-job-racing-23"), "car_number", "24"),
            "assert_cars_keep_one_number_a_season",
            "gt-alex-job-racing-23 | 23, 24",
        ),
        (
            "a published total that does not add up",
            set_cell(
                "expected/published_team_standings.csv",
                {"class_code": "GT", "published_row": "1"},
                "total_points",
                "251",
            ),
            "assert_published_totals_add_up",
            "GT | Alex Job Racing | 251 | 250",
        ),
    ],
    "model rules": [
        (
            "duplicate class position",
            set_cell("raw/finishes.csv", car(2, "lmp900-panoz-motor-sports-51"), "class_position", "2"),
            "assert_class_positions_unique_except_known_exceptions",
            "lmp900-panoz-motor-sports-51",
        ),
        (
            "a driver spelled in other letter case in one round",
            set_cell(
                "raw/car_drivers.csv",
                car(5, "gt-alex-job-racing-23") | {"driver_name": LUHR},
                "driver_name",
                LUHR.lower(),
            ),
            "assert_each_driver_has_one_spelling_a_season",
            LUHR.lower(),
        ),
        (
            "a bonus row with a mistyped class",
            set_cell(
                "raw/driver_bonus_points.csv",
                {"round_number": "8", "driver_name": "Tomáš Enge", "bonus_kind": "pole"},
                "class_code",
                "GT",
            ),
            "assert_every_driver_bonus_credits_a_result",
            "8 | GT | Tomáš Enge",
        ),
        (
            "a bonus row for a driver whose car has no result",
            edit_rows(
                "raw/driver_bonus_points.csv",
                lambda rows: [*rows, ["2002", "1", "GT", "David Murry", "most_laps", "1", "stated", "a test row"]],
            ),
            "assert_every_driver_bonus_credits_a_result",
            "1 | GT | David Murry",
        ),
        (
            "a bonus row in a cancelled round (a round 11, on the calendar and cancelled)",
            lambda project: [
                edit_rows(
                    "raw/schedule.csv",
                    lambda rows: [
                        *rows,
                        ["2002", "11", "", "A cancelled race", "Nowhere", "2002-11-02", "standard", "", "a test row"],
                    ],
                )(project),
                edit_rows(
                    "raw/round_cancellations.csv",
                    lambda rows: [*rows, ["2002", "11", "a test cancellation", "a test row"]],
                )(project),
                edit_rows(
                    "raw/driver_bonus_points.csv",
                    lambda rows: [*rows, ["2002", "11", "GT", "Sascha Maassen", "pole", "1", "stated", "a test row"]],
                )(project),
            ],
            "assert_every_driver_bonus_credits_a_result",
            "11 | GT | Sascha Maassen",
        ),
    ],
    # A failing test skips every model downstream of what it tests: these cases each need a build of their own.
    "standings rules": [
        (
            "two GT class positions swapped at round 2",
            swap_cells(
                "raw/finishes.csv", car(2, "gt-the-racer-s-group-66"), car(2, "gt-j-3-racing-79"), "class_position"
            ),
            "every_published_cell_matches_the_computed_standings",
            "GT | 4 | The Racer's Group | round_2_points | 2 | 21 | 17",
        ),
    ],
    "result rules": [
        (
            "laps above the class winner's",
            set_cell("raw/finishes.csv", car(5, "lmp900-team-cadillac-8"), "laps", "141"),
            "finishes_laps_do_not_exceed_the_class_winners",
            "lmp900-team-cadillac-8",
        ),
    ],
}

# Malformed files and text, caught by the seed pre-check before dbt runs.
# (case id, how to break the project, text the build output must contain)
CASES: list[tuple[str, Breakage, str]] = [
    (
        "non-numeric laps",
        set_cell("raw/finishes.csv", SONOMA_51, "laps", "eighty"),
        "column laps: expected a whole number, got 'eighty'",
    ),
    (
        "car number text in an integer column",
        set_cell("raw/finishes.csv", SONOMA_51, "class_position", "two"),
        "column class_position: expected a whole number, got 'two'",
    ),
    ("empty finishes file", rewrite_bytes("raw/finishes.csv", lambda data: b""), "finishes.csv: file is empty"),
    (
        "header-only finishes file",
        rewrite_bytes("raw/finishes.csv", lambda data: data.split(b"\n", 1)[0] + b"\n"),
        "finishes.csv: has a header but no rows",
    ),
    (
        "CRLF line ending",
        rewrite_bytes("raw/schedule.csv", lambda data: data.replace(b"\n", b"\r\n", 2)),
        "schedule.csv:1: Windows (CRLF) line ending",
    ),
    (
        "byte-order mark",
        rewrite_bytes("raw/schedule.csv", lambda data: b"\xef\xbb\xbf" + data),
        "schedule.csv: starts with a byte-order mark",
    ),
    (
        "Latin-1 byte",
        rewrite_bytes("raw/schedule.csv", lambda data: data.replace("Rivières".encode(), b"Rivi\xe8res", 1)),
        "schedule.csv:7: byte 0xe8",
    ),
    (
        "extra column",
        edit_rows("raw/schedule.csv", lambda rows: [[*row, "x"] for row in rows]),
        "header has unexpected column(s) x",
    ),
    (
        "missing column",
        edit_rows("raw/schedule.csv", lambda rows: [row[:-1] for row in rows]),
        "header lacks column(s) source",
    ),
    (
        "short row",
        edit_rows("raw/schedule.csv", lambda rows: [*rows[:2], rows[2][:3], *rows[3:]]),
        "schedule.csv:3: 3 values for 9 columns",
    ),
    (
        "seed without column_types",
        lambda project: shutil.copy(project / "seeds/raw/schedule.csv", project / "seeds/raw/rounds.csv"),
        "rounds.csv: no column_types declared",
    ),
    (
        "decomposed (NFD) driver name",
        rewrite_bytes("raw/car_drivers.csv", lambda data: data.replace(LUHR.encode(), LUHR_NFD.encode(), 1)),
        f"car_drivers.csv:6: column driver_name: '{LUHR_NFD}' has a spelling not in Unicode NFC form",
    ),
    (
        "a run of spaces inside a driver name",
        rewrite_bytes("raw/car_drivers.csv", lambda data: data.replace(LUHR.encode(), LUHR_SPACED.encode(), 1)),
        f"car_drivers.csv:6: column driver_name: '{LUHR_SPACED}' has a run of 2 spaces at character 6; type one space",
    ),
    (
        "duplicate header column",
        edit_rows("reference/classes.csv", lambda rows: [[*row, row[0]] for row in rows]),
        "classes.csv:1: header repeats column(s) class_code",
    ),
    (
        "no-break space in a team",
        set_cell(
            "raw/entries.csv",
            {"car_key": "gt-alex-job-racing-23", "round_number": "1"},
            "team_entered",
            "Alex\xa0Job Racing",
        ),
        "entries.csv:4: column team_entered: 'Alex\\xa0Job Racing' has invisible U+00A0 NO-BREAK SPACE at character 5",
    ),
    (
        "zero-width space in a car key",
        set_cell("raw/finishes.csv", SONOMA_51, "car_key", "lmp900-panoz-motor-sports-51\u200b"),
        "column car_key: 'lmp900-panoz-motor-sports-51\\u200b' has invisible U+200B ZERO WIDTH SPACE at character 29",
    ),
    (
        "trailing space in a team",
        set_cell(
            "raw/entries.csv",
            {"car_key": "gt-alex-job-racing-23", "round_number": "1"},
            "team_entered",
            "Alex Job Racing ",
        ),
        "entries.csv:4: column team_entered: 'Alex Job Racing ' has a leading or trailing space; remove it",
    ),
    (
        "line of only spaces",
        rewrite_bytes("reference/classes.csv", lambda data: data + b"   \n"),
        "classes.csv:6: a line of only spaces; remove it",
    ),
    (
        "a date without dashes",
        set_cell("raw/schedule.csv", {"round_number": "2"}, "race_date", "20020519"),
        "schedule.csv:3: column race_date: expected a date as YYYY-MM-DD, got '20020519'",
    ),
    (
        "a fraction DuckDB would round",
        set_cell(
            "reference/scoring_scenarios.csv",
            {"scenario_code": "article_70pct_rule"},
            "min_distance_fraction",
            "0.70001",
        ),
        "column min_distance_fraction: expected at most 3 decimal places (decimal(4, 3); DuckDB would round it)",
    ),
    (
        "half points where points are whole numbers",
        set_cell(
            "reference/points_scales.csv", {"scale_code": "alms_2002_standard", "class_position": "1"}, "points", "12.5"
        ),
        "points_scales.csv:2: column points: expected a whole number, got '12.5'; its type is the var points_data_type "
        "(integer): for points with fractions, set points_data_type to an exact decimal such as decimal(9, 1) under "
        "vars in dbt_project.yml",
    ),
    (
        "control character",
        set_cell("raw/schedule.csv", {"round_number": "2"}, "race_name", "Grand Prix\x07 of Sonoma"),
        "schedule.csv:3: column race_name: 'Grand Prix\\x07 of Sonoma' has U+0007 control character at character 11",
    ),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published file the broken builds must not touch. A build that fails never opens, locks or replaces it
    (the pre-check refuses malformed files before dbt runs, a failing data test stops the build before it
    publishes), so any DuckDB file stands in for it: the malformed cases need no dbt (make test-fast)."""
    path = tmp_path_factory.mktemp("published") / "alms.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute("create table main.published_marker as select 1 as marker")
    connection.close()
    return path


@pytest.mark.parametrize(("case", "breakage", "expected"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_rejected_and_published_file_unchanged(
    case: str, breakage: Callable[[Path], None], expected: str, published: Path, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    breakage(project)
    before = file_digest(published)

    result = run_build(project, published)

    assert result.returncode != 0, f"{case}: the build passed\n{result.output[-3000:]}"
    assert expected in result.output, f"{case}: {expected!r} not in\n{result.output[-3000:]}"
    assert file_digest(published) == before
    assert not list(published.parent.glob(".*building*")), "a side file was left behind"


# What each group builds: the seeds with every test they alone feed, or a rule's test with its ancestors (and no
# other test: `--indirect-selection empty`).
GROUP_SELECTION: dict[str, list[str]] = {
    "seed rules": ["--select", "resource_type:seed", "--indirect-selection", "buildable"],
    **{
        group: ["--select", *(f"+{test}" for _, _, test, _ in cases), "--indirect-selection", "empty"]
        for group, cases in DATA_TEST_GROUPS.items()
        if group != "seed rules"
    },
}


@dataclass
class GroupBuild:
    result: BuildResult
    published: Path
    published_digest: str  # before the build


@pytest.fixture(scope="module")
def group_build(
    request: pytest.FixtureRequest, published: Path, tmp_path_factory: pytest.TempPathFactory
) -> GroupBuild:
    """The real build (what GROUP_SELECTION selects) of a project copy with every breakage of one group
    (request.param) at once, against the published file; the tests that read a group's output share its build."""
    group = request.param
    project = copy_project(tmp_path_factory.mktemp("group") / "project")
    for _, breakage, _, _ in DATA_TEST_GROUPS[group]:
        breakage(project)
    before = file_digest(published)
    return GroupBuild(run_build(project, published, *GROUP_SELECTION[group]), published, before)


@pytest.mark.slow
@pytest.mark.parametrize("group_build", list(DATA_TEST_GROUPS), indirect=True)
def test_wrong_values_fail_the_build_each_named_and_published_file_unchanged(
    group_build: GroupBuild, request: pytest.FixtureRequest
) -> None:
    group = request.node.callspec.params["group_build"]
    result, published = group_build.result, group_build.published

    assert result.returncode != 0, f"{group}: the build passed\n{result.output[-3000:]}"
    unnamed = [
        f"{case}: expected {test} to fail and print a row with {row!r}"
        for case, _, test, row in DATA_TEST_GROUPS[group]
        if f"Failure in test {test} " not in result.output or row not in printed_rows(result.output, test)
    ]
    assert unnamed == [], "\n".join(unnamed) + "\n" + result.output[-6000:]
    assert "is unchanged" in result.output
    assert file_digest(published) == group_build.published_digest
    assert not list(published.parent.glob(".*building*")), "a side file was left behind"


def printed_rows(output: str, test: str) -> str:
    """The failing rows the build printed for `test` (its block of lines after "<test> failed on these rows")."""
    lines = output.splitlines()
    header = f"{test} failed on these rows"
    start = next((index for index, line in enumerate(lines) if line.startswith(header)), None)
    if start is None:
        return ""
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return "\n".join(block)


def test_the_pre_check_report_is_capped(published: Path, tmp_path: Path) -> None:
    """5,000 bad rows print 20 problems and a count (the issue's 85,949 printed 7.5 MB)."""
    project = copy_project(tmp_path / "project")
    finishes = project / "seeds" / "raw" / "finishes.csv"
    rows = read_rows(finishes)
    bad = [*rows[1][:6], "eighty", *rows[1][7:]]
    write_rows(finishes, [*rows, *[bad] * 5_000])
    before = file_digest(published)

    result = run_build(project, published)

    assert result.returncode == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 22 and len(result.output) < 5_000, result.output[:3000]
    assert lines[1].endswith("column laps: expected a whole number, got 'eighty'")
    assert lines[-1] == "  - ... and 4980 more problem(s)"
    assert file_digest(published) == before
