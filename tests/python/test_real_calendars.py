"""Real calendars and real drivers (issue 19): one synthetic season, 2031, holds every untidy case of a real one,
and the marts and the dashboard agree with an independent computation in plain Python over the same seed rows.

The season (two classes, seven rounds): round 2 postponed (no results while rounds 3-5 have them), round 6
cancelled (round_cancellations.csv), round 7 still to race; round 3 an endurance race where one driver is
nominated for both Dyson-like cars of a class (#16 4th, #20 6th) and also takes the class pole; rounds 1 and 4
races with points of their own, both stopped early: round 1 on exact half points (12.5-10.5-9.5...: the season's
points are decimals, so its copy sets the var points_data_type to decimal(9, 1) in dbt_project.yml, as a user
would), round 4 on half points rounded (a scale that repeats a value: 13-11-10-9-8-7-7...); a class winner with no
car number; the LMP900 table published, the GT one not. Season 2032 is announced with no schedule yet.

Then messages of the issue's item 6 as `make build` prints them (a quote in a scenario code reaches the scoring
model as data; a car changing number mid-season is named, with what to do; a var that is not a list is covered by
test_readme.py) and item 7 (plain dbt started from another folder writes the project's warehouse, never that
folder's).
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import BIN_DIR, PROJECT_DIR, copy_project, file_digest, read_rows, run_build, set_cell, write_rows
from page_html import Page

SEASON = 2031
SCENARIO = "official_2031"
SOURCE = "synthetic test season, https://example.invalid/alms-standings/tests/python/test_real_calendars.py"
HALF_POINTS = [13, 11, 10, 9, 8, 7, 7, 6, 6, 5]  # 2002's standard scale halved and rounded: 7 comes twice
EXACT_HALF_POINTS = ["12.5", "10.5", "9.5", "8.5", "7.5", "7", "6.5", "6", "5.5", "5"]  # halved, not rounded
POINTS_DATA_TYPE = "decimal(9, 1)"  # the season awards half points: every points column holds one decimal
SCALE_OF = {
    "standard": "alms_2002_standard",
    "endurance": "alms_2002_endurance",
    "half_points": "alms_2031_half",
    "exact_half_points": "alms_2031_exact_half",
}
NEW_SCALES = {"alms_2031_half": HALF_POINTS, "alms_2031_exact_half": EXACT_HALF_POINTS}
# Every scenario names a scale for every race type: the what-ifs get one for each new type too.
WHAT_IF_SCALES = {
    "official_2002": {"half_points": "alms_2031_half", "exact_half_points": "alms_2031_exact_half"},
    "article_70pct_rule": {"half_points": "alms_2031_half", "exact_half_points": "alms_2031_exact_half"},
    "top10_scale_countback": {"half_points": "top10_20_16_13", "exact_half_points": "top10_20_16_13"},
}

# round -> (date, race type, overall winner's laps; none for a round without results)
ROUNDS: dict[int, tuple[str, str, int | None]] = {
    1: ("2031-03-15", "exact_half_points", 55),  # stopped early, exact half points
    2: ("2031-04-12", "standard", None),  # postponed: still to race while 3-5 have results
    3: ("2031-05-10", "endurance", 390),
    4: ("2031-06-07", "half_points", 60),  # stopped early, half points
    5: ("2031-07-05", "standard", 105),
    6: ("2031-08-02", "standard", None),  # cancelled
    7: ("2031-09-06", "standard", None),  # still to race
}
CANCELLED = {6: "hurricane warning"}

# car_key -> (class, team, car number; empty where no source gives it)
CARS: dict[str, tuple[str, str, str]] = {
    "lmp900-synth-audi-1": ("LMP900", "Synth Audi", "1"),
    "lmp900-synth-champion-38": ("LMP900", "Synth Champion", "38"),
    "lmp900-synth-dyson-16": ("LMP900", "Synth Dyson", "16"),
    "lmp900-synth-dyson-20": ("LMP900", "Synth Dyson", "20"),
    "lmp900-synth-panoz-50": ("LMP900", "Synth Panoz", "50"),
    "lmp900-synth-cadillac-7": ("LMP900", "Synth Cadillac", "7"),
    "lmp900-synth-zakspeed-8": ("LMP900", "Synth Zakspeed", "8"),
    "gt-synth-alex-job-23": ("GT", "Synth Alex Job", "23"),
    "gt-synth-pk-31": ("GT", "Synth PK", "31"),
    "gt-synth-orbit-43": ("GT", "Synth Orbit", "43"),
    "gt-synth-privateer-a": ("GT", "Synth Privateer", ""),  # a class winner whose number no source gives
}
# (round, class) -> car keys in class order, then the cars not classified (no class position).
RESULTS: dict[tuple[int, str], tuple[list[str], list[str]]] = {
    (1, "LMP900"): (["audi-1", "champion-38", "panoz-50", "dyson-16", "dyson-20", "zakspeed-8", "cadillac-7"], []),
    (3, "LMP900"): (["audi-1", "cadillac-7", "panoz-50", "dyson-16", "zakspeed-8", "dyson-20"], ["champion-38"]),
    (4, "LMP900"): (["audi-1", "dyson-20", "champion-38", "panoz-50", "dyson-16", "cadillac-7", "zakspeed-8"], []),
    (5, "LMP900"): (["audi-1", "champion-38", "zakspeed-8"], ["cadillac-7", "dyson-16", "panoz-50", "dyson-20"]),
    (1, "GT"): (["privateer-a", "alex-job-23", "pk-31"], ["orbit-43"]),
    (3, "GT"): (["alex-job-23"], ["pk-31", "orbit-43"]),
    (4, "GT"): (["alex-job-23", "pk-31", "orbit-43"], []),
    (5, "GT"): (["alex-job-23"], ["pk-31", "orbit-43"]),
}
TWO_CAR_DRIVER = "Sam Twocars"
# car_key -> its drivers every round it runs; Sam Twocars is also nominated for #20 at round 3.
DRIVERS: dict[str, list[str]] = {
    "lmp900-synth-dyson-16": ["Alex Fullseason", TWO_CAR_DRIVER],
    "lmp900-synth-dyson-20": ["Ed Twenty", "Jo Twenty"],
    "gt-synth-privateer-a": ["Pat Privateer", "Lee Privateer"],
}
EXTRA_NOMINATIONS = [(3, "lmp900-synth-dyson-20", TWO_CAR_DRIVER)]
# (round, class, driver, bonus kind, points, basis)
BONUSES = [
    (3, "LMP900", TWO_CAR_DRIVER, "pole", 1, "stated"),
    (1, "LMP900", "Alex Fullseason", "most_laps", 1, "derived"),
    (4, "GT", "Driver A 23", "pole", 1, "stated"),
]
PUBLISHED_CLASS = "LMP900"  # GT's table is not published


def full_key(short: str, class_code: str) -> str:
    return f"{class_code.lower()}-synth-{short}"


def drivers_of(car_key: str) -> list[str]:
    number = CARS[car_key][2]
    return DRIVERS.get(car_key, [f"Driver A {number}", f"Driver B {number}"])


# Writing the season into the seeds ----------------------------------------------------------------------------


def append_rows(project: Path, seed: str, rows: list[dict[str, object]]) -> None:
    """Append `rows` (by column name; a column left out is empty) to seeds/`seed`."""
    path = project / "seeds" / seed
    existing = read_rows(path)
    header = existing[0]
    assert all(set(row) <= set(header) for row in rows), f"{seed}: unknown column"
    write_rows(path, [*existing, *[[str(row.get(column, "")) for column in header] for row in rows]])


def finish_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for (round_number, class_code), (classified, unclassified) in RESULTS.items():
        for position, short in [*enumerate(classified, start=1), *((None, short) for short in unclassified)]:
            car_key = full_key(short, class_code)
            rows.append(
                {
                    "season": SEASON,
                    "round_number": round_number,
                    "class_code": class_code,
                    "team_entered": CARS[car_key][1],
                    "car_key": car_key,
                    "class_position": position or "",
                    "status": "running" if position else "DNF",
                    "evidence": "race_results",
                    "car_identification": "car_number" if CARS[car_key][2] else "drivers",
                    "note": "synthetic",
                    "source": SOURCE,
                }
            )
    return rows


def add_reference_rows(project: Path) -> None:
    """The new race type, its scale, and the season's scenario (README, 'Adding a season')."""
    append_rows(
        project,
        "reference/race_types.csv",
        [
            {"race_type": "half_points", "description": "A race stopped early, on half points rounded (synthetic)"},
            {"race_type": "exact_half_points", "description": "A race stopped early, on exact half points (synthetic)"},
        ],
    )
    append_rows(
        project,
        "reference/points_scales.csv",
        [
            {"scale_code": scale_code, "class_position": position, "points": points}
            for scale_code, scale in NEW_SCALES.items()
            for position, points in enumerate(scale, start=1)
        ],
    )
    append_rows(
        project,
        "reference/scoring_scenarios.csv",
        [
            {
                "scenario_code": SCENARIO,
                "scenario_name": "Official 2031 points",
                "min_distance_fraction": "0.0",
                "distance_basis": "overall_winner",
                "tie_break": "shared",
                "description": "synthetic",
                "source": SOURCE,
            }
        ],
    )
    append_rows(
        project,
        "reference/scenario_scales.csv",
        [
            *({"scenario_code": SCENARIO, "race_type": kind, "scale_code": code} for kind, code in SCALE_OF.items()),
            *(
                {"scenario_code": code, "race_type": race_type, "scale_code": scale}
                for code, scales in WHAT_IF_SCALES.items()
                for race_type, scale in scales.items()
            ),
        ],
    )
    append_rows(
        project,
        "reference/seasons.csv",
        [
            {"season": SEASON, "official_scenario_code": SCENARIO, "source": SOURCE},
            {"season": SEASON + 1, "official_scenario_code": "official_2002", "source": SOURCE},
        ],
    )  # no schedule yet
    append_rows(
        project,
        "reference/driver_bonus_rules.csv",
        [
            {
                "season": SEASON,
                "bonus_kind": kind,
                "points": 1,
                "description": f"synthetic {kind} point",
                "source": SOURCE,
            }
            for kind in ("pole", "most_laps")
        ],
    )
    teams = sorted({team for _, team, _ in CARS.values()})
    append_rows(
        project,
        "reference/team_aliases.csv",
        [{"team_alias": team, "team_name": team, "alias_source": SOURCE} for team in teams],
    )


def add_raw_rows(project: Path) -> None:
    append_rows(
        project,
        "raw/schedule.csv",
        [
            {
                "season": SEASON,
                "round_number": number,
                "race_name": f"Synthetic race {number}",
                "circuit": "Nowhere",
                "race_date": race_date,
                "race_type": kind,
                "overall_winner_laps": "" if laps is None else laps,
                "source": SOURCE,
            }
            for number, (race_date, kind, laps) in ROUNDS.items()
        ],
    )
    append_rows(
        project,
        "raw/round_cancellations.csv",
        [
            {"season": SEASON, "round_number": number, "reason": reason, "source": SOURCE}
            for number, reason in CANCELLED.items()
        ],
    )
    finishes = finish_rows()
    append_rows(project, "raw/finishes.csv", finishes)
    append_rows(
        project,
        "raw/entries.csv",
        [
            {
                "season": SEASON,
                "round_number": row["round_number"],
                "car_key": row["car_key"],
                "class_code": row["class_code"],
                "team_entered": row["team_entered"],
                "car_number": CARS[str(row["car_key"])][2],
                "chassis": "Synthetic",
                "took_part": "true",
                "entry_source": SOURCE,
                "car_number_source": SOURCE if CARS[str(row["car_key"])][2] else "",
            }
            for row in finishes
        ],
    )
    nominations = [
        (row["round_number"], str(row["car_key"]), driver)
        for row in finishes
        for driver in drivers_of(str(row["car_key"]))
    ]
    append_rows(
        project,
        "raw/car_drivers.csv",
        [
            {"season": SEASON, "round_number": number, "car_key": car_key, "driver_name": driver, "source": SOURCE}
            for number, car_key, driver in [*nominations, *EXTRA_NOMINATIONS]
        ],
    )
    append_rows(
        project,
        "raw/driver_bonus_points.csv",
        [
            {
                "season": SEASON,
                "round_number": number,
                "class_code": class_code,
                "driver_name": driver,
                "bonus_kind": kind,
                "points": points,
                "basis": basis,
                "source": SOURCE,
            }
            for number, class_code, driver, kind, points, basis in BONUSES
        ],
    )


def use_points_data_type(project: Path, points_data_type: str) -> None:
    """Type every points column as `points_data_type`, as a user does for a series that awards fractions."""
    path = project / "dbt_project.yml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  points_data_type: integer\n") == 1
    path.write_text(text.replace("  points_data_type: integer\n", f'  points_data_type: "{points_data_type}"\n'))


def add_published_table(project: Path, expected: Expected) -> None:
    """The LMP900 table as a source would print it (every round's cell, blank where a team scored nothing)."""
    rows = [row for row in expected.standings if row[0] == PUBLISHED_CLASS]
    append_rows(
        project,
        "expected/published_team_standings.csv",
        [
            {
                "season": SEASON,
                "class_code": class_code,
                "published_row": order,
                "position_label": label,
                "team_name": team,
                "chassis": "Synthetic",
                "total_points": total,
            }
            for class_code, team, _, label, order, total in rows
        ],
    )
    append_rows(
        project,
        "expected/published_team_round_points.csv",
        [
            {
                "season": SEASON,
                "class_code": class_code,
                "team_name": team,
                "round_number": number,
                "points": expected.team_rounds.get((class_code, team, number), ""),
            }
            for class_code, team, *_ in rows
            for number in ROUNDS
        ],
    )


# The independent computation, over the rows the seeds hold ----------------------------------------------------


def season_rows(project: Path, seed: str, season: int = SEASON) -> list[dict[str, str]]:
    header, *rows = read_rows(project / "seeds" / seed)
    return [dict(zip(header, row, strict=True)) for row in rows if row[header.index("season")] == str(season)]


def reference_rows(project: Path, seed: str) -> list[dict[str, str]]:
    header, *rows = read_rows(project / "seeds" / seed)
    return [dict(zip(header, row, strict=True)) for row in rows]


@dataclass
class Expected:
    standings: list[tuple[str, str, int, str, int, Decimal]]  # class, team, position, label, display order, total
    team_rounds: dict[tuple[str, str, int], Decimal]  # (class, team, round) -> the team's best car's points
    progression: list[tuple[str, str, int, Decimal, int, Decimal, bool]]  # class, team, round, cumulative,
    # position, points still available, title decided
    drivers: list[tuple[str, str, Decimal, Decimal, Decimal, int, Decimal]]  # class, driver, finishing, bonus,
    # total, position, bonus points not checked
    round_status: dict[int, str]
    is_complete: bool


def scales(project: Path) -> dict[str, dict[int, Decimal]]:
    """Race type -> points by class position, through the season's scenario."""
    by_code: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for row in reference_rows(project, "reference/points_scales.csv"):
        by_code[row["scale_code"]][int(row["class_position"])] = Decimal(row["points"])
    scenario = next(row["official_scenario_code"] for row in season_rows(project, "reference/seasons.csv"))
    return {
        row["race_type"]: by_code[row["scale_code"]]
        for row in reference_rows(project, "reference/scenario_scales.csv")
        if row["scenario_code"] == scenario
    }


def car_points(project: Path) -> dict[tuple[int, str], tuple[str, str, Decimal]]:
    """(round, car key) -> (class, team, points) for every finish of the season."""
    race_type = {int(row["round_number"]): row["race_type"] for row in season_rows(project, "raw/schedule.csv")}
    points_of = scales(project)
    alias = {row["team_alias"]: row["team_name"] for row in reference_rows(project, "reference/team_aliases.csv")}
    points: dict[tuple[int, str], tuple[str, str, Decimal]] = {}
    for row in season_rows(project, "raw/finishes.csv"):
        number = int(row["round_number"])
        scored = points_of[race_type[number]].get(int(row["class_position"]), 0) if row["class_position"] else 0
        points[(number, row["car_key"])] = (row["class_code"], alias[row["team_entered"]], scored)
    return points


def ranked(totals: dict[str, Decimal], first_round: dict[str, int]) -> list[tuple[str, int, str, int]]:
    """(name, position, printed label, display order): ties share a place ('2='), then first scoring round, name."""
    ordered = sorted(totals, key=lambda name: (-totals[name], first_round[name], name))
    rows = []
    for order, name in enumerate(ordered, start=1):
        position = 1 + sum(1 for other in totals.values() if other > totals[name])
        shared = sum(1 for other in totals.values() if other == totals[name]) > 1
        rows.append((name, position, f"{position}{'=' if shared else ''}", order))
    return rows


def team_standings(team_rounds: dict[tuple[str, str, int], Decimal]) -> list[tuple[str, str, int, str, int, Decimal]]:
    standings = []
    for class_code in sorted({key[0] for key in team_rounds}):
        totals: dict[str, Decimal] = defaultdict(Decimal)
        first: dict[str, int] = {}
        for (klass, team, number), points in sorted(team_rounds.items(), key=lambda item: item[0][2]):
            if klass == class_code:
                totals[team] += points
                first.setdefault(team, number)
        standings += [
            (class_code, team, position, label, order, totals[team])
            for team, position, label, order in ranked(totals, first)
        ]
    return standings


def points_still_available(project: Path, after: int, raced: set[int]) -> Decimal:
    """The top points of every round not raced yet after round `after`: later rounds, and earlier ones still to
    race; a cancelled round offers none."""
    cancelled = {int(row["round_number"]) for row in season_rows(project, "raw/round_cancellations.csv")}
    top = {kind: max(points.values()) for kind, points in scales(project).items()}
    return sum(
        top[row["race_type"]]
        for row in season_rows(project, "raw/schedule.csv")
        if int(row["round_number"]) not in cancelled
        and (int(row["round_number"]) > after or int(row["round_number"]) not in raced)
    )


def progression(
    project: Path, team_rounds: dict[tuple[str, str, int], Decimal], standings: list[tuple], raced: set[int]
) -> list[tuple[str, str, int, int, int, int, bool]]:
    rows = []
    for class_code in sorted({row[0] for row in standings}):
        teams = [row[1] for row in standings if row[0] == class_code]
        for number in sorted(raced):
            cumulative = {
                team: sum(
                    points
                    for (klass, other, r), points in team_rounds.items()
                    if klass == class_code and other == team and r <= number
                )
                for team in teams
            }
            leader = max(cumulative.values())
            leaders = [team for team in teams if cumulative[team] == leader]
            runner_up = max((points for points in cumulative.values() if points < leader), default=0)
            available = points_still_available(project, number, raced)
            decided = len(leaders) == 1 and leader - runner_up > available
            rows += [
                (
                    class_code,
                    team,
                    number,
                    cumulative[team],
                    1 + sum(1 for other in cumulative.values() if other > cumulative[team]),
                    available,
                    decided,
                )
                for team in teams
            ]
    return rows


def best_cars(
    project: Path, points: dict[tuple[int, str], tuple[str, str, Decimal]]
) -> dict[tuple[int, str, str], str]:
    """(round, class, driver) -> the car a driver scores with: of the cars they were nominated for in that race and
    class, the one with the most points, then the better class position."""
    position = {
        (int(row["round_number"]), row["car_key"]): int(row["class_position"] or 999)
        for row in season_rows(project, "raw/finishes.csv")
    }
    best: dict[tuple[int, str, str], str] = {}
    for row in season_rows(project, "raw/car_drivers.csv"):
        number, car_key = int(row["round_number"]), row["car_key"]
        key = (number, points[(number, car_key)][0], row["driver_name"])
        rank = (-points[(number, car_key)][2], position[(number, car_key)], car_key)
        if key not in best or rank < (-points[(number, best[key])][2], position[(number, best[key])], best[key]):
            best[key] = car_key
    return best


DriverRound = tuple[int, str, str]  # (round, class, driver)


def bonuses(
    project: Path, best: dict[DriverRound, str]
) -> tuple[dict[DriverRound, Decimal], dict[DriverRound, Decimal]]:
    """(round, class, driver) -> bonus points credited (each row once, for a kind the season's rules award), and
    -> bonus points the rules award that no row settles (a class's pole without a row; the most-laps point of the
    driver's car without a row for any of its drivers): at most that many more."""
    rules = {
        row["bonus_kind"]: Decimal(row["points"]) for row in season_rows(project, "reference/driver_bonus_rules.csv")
    }
    rows = [row for row in season_rows(project, "raw/driver_bonus_points.csv") if row["bonus_kind"] in rules]
    credited: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        key = (int(row["round_number"]), row["class_code"], row["driver_name"])
        assert key in best, f"every bonus of the test season goes to a driver with a result: {key}"
        credited[key] += Decimal(row["points"])
    poles = {(int(row["round_number"]), row["class_code"]) for row in rows if row["bonus_kind"] == "pole"}
    nominated: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in season_rows(project, "raw/car_drivers.csv"):
        nominated[(int(row["round_number"]), row["driver_name"])].add(row["car_key"])
    most_laps_cars = {
        (int(row["round_number"]), car_key)
        for row in rows
        if row["bonus_kind"] == "most_laps"
        for car_key in nominated[(int(row["round_number"]), row["driver_name"])]
    }
    unchecked = {
        (number, class_code, driver): (0 if (number, class_code) in poles else rules.get("pole", 0))
        + (0 if (number, car_key) in most_laps_cars else rules.get("most_laps", 0))
        for (number, class_code, driver), car_key in best.items()
    }
    return credited, unchecked


def driver_standings(project: Path, points: dict[tuple[int, str], tuple[str, str, Decimal]]) -> list[tuple]:
    """(class, driver, finishing, bonus, total, position, unchecked bonus): a driver scores once per race and class
    (their better car), and each bonus row once."""
    best = best_cars(project, points)
    credited, unchecked = bonuses(project, best)
    rows = []
    for class_code in sorted({key[1] for key in best}):
        keys = [key for key in best if key[1] == class_code]
        drivers = {driver for _, _, driver in keys}
        won = {d: sum(points[(r, best[(r, c, d)])][2] for r, c, other in keys if other == d) for d in drivers}
        extra = {d: sum(credited[(r, c, d)] for r, c, other in keys if other == d) for d in drivers}
        maybe = {d: sum(unchecked[(r, c, d)] for r, c, other in keys if other == d) for d in drivers}
        totals = {d: won[d] + extra[d] for d in drivers if won[d] + extra[d] > 0}
        rows += [
            (class_code, d, won[d], extra[d], totals[d], 1 + sum(1 for t in totals.values() if t > totals[d]), maybe[d])
            for d in totals
        ]
    return sorted(rows)


def expected_season(project: Path) -> Expected:
    points = car_points(project)
    team_rounds: dict[tuple[str, str, int], Decimal] = {}
    for (number, _), (class_code, team, scored) in points.items():
        key = (class_code, team, number)
        if scored > 0 and scored > team_rounds.get(key, 0):
            team_rounds[key] = scored  # a team scores its best car
    raced = {number for number, _ in points}
    cancelled = {int(row["round_number"]) for row in season_rows(project, "raw/round_cancellations.csv")}
    scheduled = [int(row["round_number"]) for row in season_rows(project, "raw/schedule.csv")]
    status = {
        number: "cancelled" if number in cancelled else "raced" if number in raced else "scheduled"
        for number in scheduled
    }
    standings = team_standings(team_rounds)
    return Expected(
        standings=standings,
        team_rounds=team_rounds,
        progression=progression(project, team_rounds, standings, raced),
        drivers=driver_standings(project, points),
        round_status=status,
        is_complete="scheduled" not in status.values(),
    )


pytestmark = pytest.mark.slow  # every test here builds a project copy


# The build ------------------------------------------------------------------------------------------------------


@dataclass
class Built:
    project: Path
    warehouse: Path
    expected: Expected


@pytest.fixture(scope="module")
def real_calendar(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The project with season 2031 (and 2032, announced) added as seed rows, built once (write-audit-publish)."""
    project = copy_project(tmp_path_factory.mktemp("calendar") / "project")
    use_points_data_type(project, POINTS_DATA_TYPE)
    add_reference_rows(project)
    add_raw_rows(project)
    expected = expected_season(project)
    add_published_table(project, expected)
    warehouse = project / "warehouse" / "alms.duckdb"
    result = run_build(project, warehouse)
    assert result.returncode == 0, result.output[-6000:]
    return Built(project, warehouse, expected)


def fetch(warehouse: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_the_test_season_holds_every_case_of_the_issue(real_calendar: Built) -> None:
    """The rows exercise what they are meant to (guards the data, not the models)."""
    expected = real_calendar.expected
    assert expected.round_status == {
        1: "raced",
        2: "scheduled",
        3: "raced",
        4: "raced",
        5: "raced",
        6: "cancelled",
        7: "scheduled",
    }
    after_five = {row[0]: row for row in expected.progression if row[2] == 5 and row[4] == 1}
    lmp900 = sorted((row[3] for row in expected.progression if row[:1] == ("LMP900",) and row[2] == 5), reverse=True)
    # LMP900: a lead that counting only the rounds after 5 (25 points) would call decided; round 2 keeps it open.
    assert after_five["LMP900"][5] == 50 and 25 < lmp900[0] - lmp900[1] <= 50 and not after_five["LMP900"][6]
    assert after_five["GT"][6], "GT is decided after round 5, though the season is not complete"
    assert any(label.endswith("=") for _, _, _, label, _, _ in expected.standings), "a tie shared"
    # The half-points scale repeats a value: 6th and 7th both score 7.
    assert (
        expected.team_rounds[("LMP900", "Synth Cadillac", 4)] == expected.team_rounds[("LMP900", "Synth Zakspeed", 4)]
    )
    assert not expected.is_complete


def test_team_standings_match_the_independent_computation(real_calendar: Built) -> None:
    computed = fetch(
        real_calendar.warehouse,
        (
            "select class_code, team_name, championship_position, position_label, display_order, total_points "
            f"from marts.fct_team_standings where season = {SEASON} order by class_order, display_order"
        ),
    )
    by_class_order = {"LMP900": 1, "GT": 4}
    expected = sorted(real_calendar.expected.standings, key=lambda row: (by_class_order[row[0]], row[4]))
    assert computed == expected
    cells = fetch(
        real_calendar.warehouse,
        (
            "select class_code, team_name, round_number, points from marts.fct_team_round_points "
            f"where season = {SEASON}"
        ),
    )
    assert {(c, t, r): p for c, t, r, p in cells} == real_calendar.expected.team_rounds


def test_progression_counts_postponed_rounds_as_still_available(real_calendar: Built) -> None:
    computed = fetch(
        real_calendar.warehouse,
        (
            "select class_code, team_name, round_number, cumulative_points, position_after_round, "
            "points_still_available, is_title_decided "
            f"from marts.fct_championship_progression where season = {SEASON}"
        ),
    )
    assert sorted(computed) == sorted(real_calendar.expected.progression)


def test_drivers_score_once_per_race_and_class(real_calendar: Built) -> None:
    computed = fetch(
        real_calendar.warehouse,
        (
            "select class_code, driver_name, finishing_points, bonus_points, total_points, championship_position, "
            f"unchecked_bonus_points from marts.fct_driver_standings where season = {SEASON}"
        ),
    )
    assert sorted(computed) == real_calendar.expected.drivers
    # At round 3: #16 4th (22) and #20 6th (19); the better car counts, and the pole once, with its source.
    round_three = fetch(
        real_calendar.warehouse,
        (
            "select car_number, finishing_points, pole_bonus_points, total_points, bonus_source "
            "from marts.fct_driver_round_points "
            f"where season = {SEASON} and round_number = 3 and driver_name = '{TWO_CAR_DRIVER}'"
        ),
    )
    assert round_three == [("16", 22, 1, 23, SOURCE)]


def test_round_status_seasons_and_no_champion_before_the_season_ends(real_calendar: Built) -> None:
    warehouse, expected = real_calendar.warehouse, real_calendar.expected
    statuses = fetch(warehouse, f"select round_number, round_status from marts.dim_rounds where season = {SEASON}")
    assert dict(statuses) == expected.round_status
    assert fetch(
        warehouse,
        (
            "select season, official_scenario_code, rounds_scheduled, first_race_date, last_race_date, "
            f"has_published_standings from marts.dim_seasons where season >= {SEASON} order by season"
        ),
    ) == [
        (SEASON, SCENARIO, 7, date.fromisoformat(ROUNDS[1][0]), date.fromisoformat(ROUNDS[7][0]), True),
        (SEASON + 1, "official_2002", 0, None, None, False),  # announced, no schedule yet: it builds
    ]
    champions = fetch(
        warehouse,
        (
            "select champion_team_name from marts.fct_scenario_class_summary "
            f"where season = {SEASON} and champion_team_name is not null"
        ),
    )
    assert not expected.is_complete and champions == []


def test_a_class_winner_without_a_number_and_a_partly_published_season(real_calendar: Built) -> None:
    winners = fetch(
        real_calendar.warehouse,
        (
            "select car_number, team_name, drivers from marts.fct_race_winners "
            f"where season = {SEASON} and round_number = 1 and class_code = 'GT'"
        ),
    )
    assert winners == [(None, "Synth Privateer", "Lee Privateer / Pat Privateer")]
    reconciled = fetch(
        real_calendar.warehouse,
        (
            "select class_code, status, count(*) from marts.fct_standings_reconciliation "
            f"where season = {SEASON} group by all"
        ),
    )
    teams = sum(1 for row in real_calendar.expected.standings if row[0] == PUBLISHED_CLASS)
    assert reconciled == [(PUBLISHED_CLASS, "match", teams * (len(ROUNDS) + 3))]


@dataclass
class Title:
    leader: str
    margin: Decimal
    decided_after: int | None
    rounds_to_spare: int | None  # rounds not cancelled still to race when the title was decided


def expected_titles(expected: Expected) -> dict[str, Title]:
    """Each class's leader after the last round raced, the margin, and when no rival could catch them."""
    titles = {}
    for class_code in dict.fromkeys(row[0] for row in expected.progression):
        rows = [row for row in expected.progression if row[0] == class_code]
        last = sorted(((row[3], row[1]) for row in rows if row[2] == max(r[2] for r in rows)), reverse=True)
        decided = min((row[2] for row in rows if row[6]), default=None)
        spare = None
        if decided is not None:
            spare = sum(
                1
                for number, status in expected.round_status.items()
                if status != "cancelled" and (number > decided or status == "scheduled")
            )
        titles[class_code] = Title(last[0][1], last[0][0] - last[1][0], decided, spare)
    return titles


def shown(points: Decimal | int) -> str:
    """Points as the dashboard prints them: whole numbers without decimals (67, not 67.0), halves as 66.5."""
    return format(Decimal(points).normalize(), "f")


def test_the_dashboard_agrees(real_calendar: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    expected, classes = real_calendar.expected, ["LMP900", "GT"]
    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(real_calendar.warehouse))
    app = AppTest.from_file(str(PROJECT_DIR / "dashboard" / "app.py"), default_timeout=60).run()
    app.selectbox(key="season").select(SEASON).run()
    assert not app.exception
    assert [tab.label for tab in app.tabs] == classes
    # Who leads (no champion: rounds 2 and 7 are still to race), by how much, and when the title was decided.
    titles = expected_titles(expected)
    page = Page("".join(element.value for element in app.html))
    summary = page.table("champions").records()
    assert [row["Champion"] for row in summary] == [f"{titles[code].leader} (leading)" for code in classes]
    assert [row["Margin"] for row in summary] == [shown(titles[code].margin) for code in classes]
    decided_column = [row["Title decided after round"].split(" of ")[0] for row in summary]
    assert decided_column == [str(titles[code].decided_after or "") for code in classes]
    text = " ".join(markdown.value for markdown in app.markdown)
    assert titles["LMP900"].decided_after is None and "The title is still open." in text
    last_raced = max(number for number, status in expected.round_status.items() if status == "raced")
    still = sum(1 for status in expected.round_status.values() if status == "scheduled")
    leader_points = max(row[5] for row in expected.standings if row[0] == "LMP900")
    assert (
        f"After round {last_raced} ({still} rounds still to race), {titles['LMP900'].leader} lead on "
        f"{shown(leader_points)} points, {shown(titles['LMP900'].margin)} points ahead of"
    ) in text, text
    gt = titles["GT"]
    race = f"round {gt.decided_after} (Synthetic race {gt.decided_after})"
    assert f"Decided after {race}, with {gt.rounds_to_spare} rounds to spare." in text
    # Each class's table, its results matrix (a column per round, the cancelled one and those still to race
    # marked) and its drivers' matrix.
    marks = {"cancelled": " cancelled", "scheduled": " to race", "raced": ""}
    for class_code in classes:
        rows = sorted((row for row in expected.standings if row[0] == class_code), key=lambda row: row[4])
        table = page.table(f"standings-{class_code}").body
        assert [row.texts[0] for row in table] == [row[3] for row in rows]
        assert [row.attrs["data-team"] for row in table] == [row[1] for row in rows]
        assert [row.column("Points").text for row in table] == [shown(row[5]) for row in rows]
        assert page.table(f"matrix-teams-{class_code}").header == [
            "Team",
            "Pts",
            *[f"R{n}{marks[expected.round_status[n]]}" for n in ROUNDS],
        ]
        drivers = page.table(f"matrix-drivers-{class_code}").body
        on_page = {
            (row.attrs["data-name"], row.texts[-3], row.texts[-2], row.cells[1].text)
            for row in drivers
            if row.attrs["data-position"] != "\u2013"
        }
        assert on_page == {
            (d, shown(f), shown(b), shown(t)) for c, d, f, b, t, *_ in expected.drivers if c == class_code
        }


# One line for each mistake a user can make (issue 19, item 6) ---------------------------------------------------


def build_output(tmp_path: Path, *arguments: str, project: Path | None = None) -> tuple[int, str]:
    project = project or copy_project(tmp_path / "project")
    result = run_build(project, tmp_path / "warehouse" / "alms.duckdb", *arguments)
    return result.returncode, result.output


def test_a_quote_in_a_scenario_code_fails_the_unknown_code_test_naming_it(tmp_path: Path) -> None:
    # Only what reads the var is built (the scoring model, the scenarios mart, the test): the message is the same.
    returncode, output = build_output(
        tmp_path,
        "--vars",
        '{computed_scenarios: ["o\'brien"]}',
        "--select",
        "+int_finishes_scored",
        "+dim_scoring_scenarios",
        "assert_computed_scenarios_are_known",
    )
    assert returncode != 0
    assert "Parser Error" not in output and "unterminated" not in output, output[-3000:]
    failing = output.split("assert_computed_scenarios_are_known failed on these rows", 1)
    assert len(failing) == 2, output[-3000:]
    assert "o'brien" in failing[1].splitlines()[2]


def test_a_car_changing_number_mid_season_fails_naming_the_car(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    set_cell(
        "raw/entries.csv",
        {"season": "2002", "round_number": "3", "car_key": "lmp900-audi-sport-north-america-2"},
        "car_number",
        "99",
    )(project)
    returncode, output = build_output(tmp_path, "--select", "+assert_cars_keep_one_number_a_season", project=project)
    assert returncode != 0
    failing = output.split("assert_cars_keep_one_number_a_season failed on these rows", 1)
    assert len(failing) == 2, output[-3000:]
    printed = "\n".join(failing[1].splitlines()[1:3])
    assert "lmp900-audi-sport-north-america-2" in printed and "2, 99" in printed
    assert "new car_key" in printed


# Plain dbt from another folder writes the project's warehouse (issue 19, item 7) ------------------------------


def clone(destination: Path) -> Path:
    """A project copy as `git clone` gives it: with its empty warehouse/ folder (warehouse/.gitkeep)."""
    project = copy_project(destination)
    (project / "warehouse").mkdir()
    return project


def plain_dbt(cwd: Path, project: str, warehouse: str | None) -> subprocess.CompletedProcess[str]:
    """Plain `dbt seed` of one seed, started in `cwd`, with `project` as project and profiles folder."""
    env = {key: value for key, value in os.environ.items() if key not in ("DBT_PROFILES_DIR", "ALMS_DUCKDB_PATH")}
    if warehouse is not None:
        env["ALMS_DUCKDB_PATH"] = warehouse
    return subprocess.run(
        [str(BIN_DIR / "dbt"), "seed", "--select", "classes", "--project-dir", project, "--profiles-dir", project],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_plain_dbt_from_models_writes_the_projects_warehouse(tmp_path: Path) -> None:
    """`cd models && ../.venv/bin/dbt seed --project-dir .. --profiles-dir ..` with a relative ALMS_DUCKDB_PATH."""
    project = clone(tmp_path / "a")
    result = plain_dbt(project / "models", "..", "warehouse/relative.duckdb")
    assert result.returncode == 0, result.stdout[-3000:]
    assert (project / "warehouse" / "relative.duckdb").is_file()
    assert not (project / "models" / "warehouse").exists()


def test_plain_dbt_from_another_clone_never_writes_that_clones_warehouse(tmp_path: Path) -> None:
    """`cd b && dbt seed --project-dir ../a --profiles-dir ../a` once overwrote b's published warehouse."""
    project_a, project_b = clone(tmp_path / "a"), clone(tmp_path / "b")
    published_b = project_b / "warehouse" / "alms.duckdb"
    published_b.write_bytes(b"clone B's published warehouse")
    before = file_digest(published_b)
    result = plain_dbt(project_b, "../a", None)  # the default path, warehouse/alms.duckdb: relative too
    assert result.returncode == 0, result.stdout[-3000:]
    assert (project_a / "warehouse" / "alms.duckdb").is_file()
    assert file_digest(published_b) == before
    assert sorted(path.name for path in published_b.parent.iterdir()) == ["alms.duckdb"]
