"""The synthetic seasons the tests add beside 2002, as seed rows only (README, "Add a season"): written into a project
copy by add_every_season, built once per run (conftest.synthetic_seasons) and compared with the plain-Python
computation of tests/python/oracle.py (test_synthetic_seasons.py), and read by the dashboard's and report's tests.

- 2003-like: nine rounds, its own endurance scale (26-22-19-16-14-12-10-9-8-7), and as its official rule 70% of
  the class winner's distance (results with unknown laps, or in a round with no class-winner gap, keep their points);
- 2099: twelve rounds under the 2002 rules;
- 2100: on the calendar, with no results yet;
- 2031: every untidy case of a real calendar (two classes, seven rounds): round 2 postponed (no results while rounds
  3-5 have them), round 6 cancelled (round_cancellations.csv), round 7 still to race; round 3 an endurance race
  where one driver is nominated for both Dyson-like cars of a class (#16 4th, #20 6th) and also takes the class
  pole; rounds 1 and 4 races with points of their own, both stopped early: round 1 on exact half points
  (12.5-10.5-9.5...: the seasons' points are decimals, so the copy sets the var points_data_type to decimal(9, 1) in
  dbt_project.yml, as a user would), round 4 on half points rounded (a scale that repeats a value:
  13-11-10-9-8-7-7...); a class winner with no car number; the LMP900 table published, the GT one not;
- 2032: announced in seasons.csv with no schedule yet.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

from conftest import read_rows, write_rows
from oracle import Expected, expected_season

ENDURANCE_2003 = [26, 22, 19, 16, 14, 12, 10, 9, 8, 7]
STANDARD_2002 = [25, 21, 19, 17, 15, 14, 13, 12, 11, 10]
ENDURANCE_2002 = [30, 26, 24, 22, 20, 19, 18, 17, 16, 15]


@dataclass
class Season:
    season: int
    scenario_code: str
    rounds: int
    endurance_rounds: set[int]
    scales: dict[str, list[int]]  # race type -> points by class position (1-based)
    min_distance_fraction: float
    distance_basis: str  # overall_winner or class_winner
    classes: list[str]
    overall_laps: dict[int, int] = field(default_factory=dict)
    class_gaps: dict[tuple[int, str], int] = field(default_factory=dict)  # (round, class) -> laps behind
    finishes: list[dict] = field(default_factory=list)


def synthetic_season(season: Season, seed: int) -> Season:
    """Four teams a class (the first with two cars), random class orders, some retirements and unknown laps."""
    rng = random.Random(seed)
    for round_number in range(1, season.rounds + 1):
        season.overall_laps[round_number] = rng.randint(80, 400)
        for class_index, class_code in enumerate(season.classes, start=1):
            # Round 2 has no recorded class-winner gap: a class-winner rule cannot be tested there.
            if round_number != 2:
                season.class_gaps[(round_number, class_code)] = rng.randint(0, 30)
            cars = [(team, car) for team in range(1, 5) for car in ((1, 2) if team == 1 else (1,))]
            rng.shuffle(cars)
            winner_laps = season.overall_laps[round_number] - season.class_gaps.get((round_number, class_code), 0)
            for position, (team, car) in enumerate(cars, start=1):
                roll = rng.random()
                if position == 1:
                    laps = winner_laps
                elif roll < 0.2:
                    laps = None  # no source gives laps
                elif roll < 0.45:
                    laps = rng.randint(1, int(winner_laps * 0.69))  # retired early
                else:
                    laps = rng.randint(int(winner_laps * 0.7) + 1, winner_laps)
                season.finishes.append(
                    {
                        "round_number": round_number,
                        "class_code": class_code,
                        "team": f"Synthetic {class_code} {team}",
                        "car_key": f"{class_code.lower()}-synthetic-{season.season}-{team}-{car}",
                        "car_number": f"{class_index}{team}{car}",
                        "class_position": position,
                        "laps": laps,
                    }
                )
    return season


def race_type(season: Season, round_number: int) -> str:
    return "endurance" if round_number in season.endurance_rounds else "standard"


def append_rows(path: Path, rows: list[dict]) -> None:
    """Append `rows` (dicts by column name; a column left out is empty) to a seed CSV."""
    existing = read_rows(path)
    header = existing[0]
    assert all(set(row) <= set(header) for row in rows), f"{path.name}: unknown column"
    write_rows(path, [*existing, *[[str(row.get(column, "")) for column in header] for row in rows]])


def add_season(project: Path, season: Season) -> None:
    """Write the season into the seeds: the files a user edits to add a season (README, 'Adding a season')."""
    seeds = project / "seeds"
    # A synthetic season's rows cite the test itself (a placeholder address keeps the seeds' citation rule).
    source = "synthetic test season, https://example.invalid/alms-standings/tests/python/synthetic_seasons.py"
    append_rows(
        seeds / "reference" / "seasons.csv",
        [{"season": season.season, "official_scenario_code": season.scenario_code, "source": source}],
    )
    if season.scenario_code not in (project / "seeds" / "reference" / "scoring_scenarios.csv").read_text():
        append_rows(
            seeds / "reference" / "scoring_scenarios.csv",
            [
                {
                    "scenario_code": season.scenario_code,
                    "scenario_name": f"Official {season.season} points",
                    "min_distance_fraction": season.min_distance_fraction,
                    "distance_basis": season.distance_basis,
                    "tie_break": "shared",
                    "description": "synthetic",
                    "source": source,
                }
            ],
        )
        scale_codes = {}
        for kind, points in season.scales.items():
            scale_codes[kind] = f"{season.scenario_code}_{kind}"
            append_rows(
                seeds / "reference" / "points_scales.csv",
                [
                    {"scale_code": scale_codes[kind], "class_position": position, "points": value}
                    for position, value in enumerate(points, start=1)
                ],
            )
        append_rows(
            seeds / "reference" / "scenario_scales.csv",
            [
                {"scenario_code": season.scenario_code, "race_type": kind, "scale_code": code}
                for kind, code in scale_codes.items()
            ],
        )
    append_rows(
        seeds / "raw" / "schedule.csv",
        [
            {
                "season": season.season,
                "round_number": r,
                "race_name": f"Synthetic race {r}",
                "circuit": "Nowhere",
                "race_date": f"{season.season}-{1 + (r - 1) // 2:02d}-{1 + 14 * ((r - 1) % 2):02d}",
                "race_type": race_type(season, r),
                "overall_winner_laps": season.overall_laps[r],
                "source": source,
            }
            for r in range(1, season.rounds + 1)
        ],
    )
    append_rows(
        seeds / "raw" / "class_winner_gaps.csv",
        [
            {
                "season": season.season,
                "round_number": r,
                "class_code": klass,
                "laps_behind_overall_winner": gap,
                "source": source,
            }
            for (r, klass), gap in sorted(season.class_gaps.items())
        ],
    )
    append_rows(
        seeds / "reference" / "team_aliases.csv",
        [
            {"team_alias": team, "team_name": team, "alias_source": source}
            for team in sorted({finish["team"] for finish in season.finishes})
            if team not in (seeds / "reference" / "team_aliases.csv").read_text()
        ],
    )
    append_rows(
        seeds / "raw" / "entries.csv",
        [
            {
                "season": season.season,
                "round_number": f["round_number"],
                "car_key": f["car_key"],
                "class_code": f["class_code"],
                "team_entered": f["team"],
                "car_number": f["car_number"],
                "chassis": "Synthetic",
                "took_part": "true",
                "entry_source": source,
                "car_number_source": source,
            }
            for f in season.finishes
        ],
    )
    append_rows(
        seeds / "raw" / "car_drivers.csv",
        [
            {
                "season": season.season,
                "round_number": f["round_number"],
                "car_key": f["car_key"],
                "driver_name": f"Driver {f['car_number']} {f['class_code']}",
                "source": source,
            }
            for f in season.finishes
        ],
    )
    append_rows(
        seeds / "raw" / "finishes.csv",
        [
            {
                "season": season.season,
                "round_number": f["round_number"],
                "class_code": f["class_code"],
                "team_entered": f["team"],
                "car_key": f["car_key"],
                "class_position": f["class_position"],
                "laps": "" if f["laps"] is None else f["laps"],
                "status": "running",
                "evidence": "race_results",
                "car_identification": "car_number",
                "note": "synthetic",
                "source": source,
            }
            for f in season.finishes
        ],
    )


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


SEASON_2003 = synthetic_season(
    Season(
        season=2003,
        scenario_code="official_2003_synthetic",
        rounds=9,
        endurance_rounds={1, 9},
        scales={"standard": STANDARD_2002, "endurance": ENDURANCE_2003},
        min_distance_fraction=0.7,
        distance_basis="class_winner",
        classes=["LMP900", "GT"],
    ),
    seed=2003,
)
SEASON_TWELVE = synthetic_season(
    Season(
        season=2099,
        scenario_code="official_2002",
        rounds=12,
        endurance_rounds={12},
        scales={"standard": STANDARD_2002, "endurance": ENDURANCE_2002},
        min_distance_fraction=0.0,
        distance_basis="overall_winner",
        classes=["LMP675", "GTS"],
    ),
    seed=2099,
)


# A season on the calendar with no results yet: it must build, and show as such.
SEASON_NOT_STARTED = Season(
    season=2100,
    scenario_code="official_2002",
    rounds=3,
    endurance_rounds={3},
    scales={"standard": STANDARD_2002, "endurance": ENDURANCE_2002},
    min_distance_fraction=0.0,
    distance_basis="overall_winner",
    classes=["GT"],
    overall_laps={1: 100, 2: 100, 3: 300},
)


# Season 2031: a real calendar's untidy cases ------------------------------------------------------------


SEASON = 2031
SCENARIO = "official_2031"
SOURCE = "synthetic test season, https://example.invalid/alms-standings/tests/python/synthetic_seasons.py"
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
    "official_2003_synthetic": {"half_points": "alms_2031_half", "exact_half_points": "alms_2031_exact_half"},
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


def append_to(project: Path, seed: str, rows: list[dict[str, object]]) -> None:
    """Append `rows` (by column name; a column left out is empty) to seeds/`seed`."""
    append_rows(project / "seeds" / seed, rows)  # type: ignore[arg-type]


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
    append_to(
        project,
        "reference/race_types.csv",
        [
            {"race_type": "half_points", "description": "A race stopped early, on half points rounded (synthetic)"},
            {"race_type": "exact_half_points", "description": "A race stopped early, on exact half points (synthetic)"},
        ],
    )
    append_to(
        project,
        "reference/points_scales.csv",
        [
            {"scale_code": scale_code, "class_position": position, "points": points}
            for scale_code, scale in NEW_SCALES.items()
            for position, points in enumerate(scale, start=1)
        ],
    )
    append_to(
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
    append_to(
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
    append_to(
        project,
        "reference/seasons.csv",
        [
            {"season": SEASON, "official_scenario_code": SCENARIO, "source": SOURCE},
            {"season": SEASON + 1, "official_scenario_code": "official_2002", "source": SOURCE},
        ],
    )  # no schedule yet
    append_to(
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
    append_to(
        project,
        "reference/team_aliases.csv",
        [{"team_alias": team, "team_name": team, "alias_source": SOURCE} for team in teams],
    )


def add_raw_rows(project: Path) -> None:
    append_to(
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
    append_to(
        project,
        "raw/round_cancellations.csv",
        [
            {"season": SEASON, "round_number": number, "reason": reason, "source": SOURCE}
            for number, reason in CANCELLED.items()
        ],
    )
    finishes = finish_rows()
    append_to(project, "raw/finishes.csv", finishes)
    append_to(
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
    append_to(
        project,
        "raw/car_drivers.csv",
        [
            {"season": SEASON, "round_number": number, "car_key": car_key, "driver_name": driver, "source": SOURCE}
            for number, car_key, driver in [*nominations, *EXTRA_NOMINATIONS]
        ],
    )
    append_to(
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
    append_to(
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
    append_to(
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


def add_every_season(project: Path) -> None:
    """Every synthetic season, into the seeds of `project` (and points_data_type decimal(9, 1) in its
    dbt_project.yml). Models, macros and tests stay as they are."""
    untouched = {name: tree_digest(project / name) for name in ("models", "macros", "tests")}
    use_points_data_type(project, POINTS_DATA_TYPE)
    for season in (SEASON_2003, SEASON_TWELVE, SEASON_NOT_STARTED):
        add_season(project, season)
    add_reference_rows(project)
    add_raw_rows(project)
    add_published_table(project, expected_season(project / "seeds", SEASON))
    assert {name: tree_digest(project / name) for name in untouched} == untouched, "only seeds may change"
