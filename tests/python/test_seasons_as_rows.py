"""A season is rows: two synthetic seasons added to the seeds alone build green, beside 2002, and their standings
equal an independent computation in plain Python over the same rows.

- 2003-like: nine rounds, its own endurance scale (26-22-19-16-14-12-10-9-8-7), and as its official rule 70% of
  the class winner's distance (results with unknown laps, or in a round with no class-winner gap, keep their points);
- a twelve-round season under the 2002 rules, with a tie.
No model, macro or test file is touched: the test writes seed CSVs only, and checks that it did.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from conftest import DEADLINE_S, read_rows, write_rows
from page_html import Page

pytestmark = pytest.mark.slow  # builds a project with three added seasons

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


def expected_standings(season: Season) -> list[tuple]:
    """The season's official table, computed independently: scale by race type, the distance rule, team-best,
    totals, shared positions ('3='), and display order (total, first scoring round, name)."""
    best: dict[tuple[str, str, int], tuple[int, int]] = {}  # (class, team, round) -> (points, position)
    for finish in season.finishes:
        scale = season.scales[race_type(season, finish["round_number"])]
        position = finish["class_position"]
        points = scale[position - 1] if position <= len(scale) else 0
        basis = season.overall_laps[finish["round_number"]]
        if season.distance_basis == "class_winner":
            gap = season.class_gaps.get((finish["round_number"], finish["class_code"]))
            basis = None if gap is None else basis - gap
        laps = finish["laps"]
        testable = season.min_distance_fraction > 0 and laps is not None and basis is not None
        if testable and laps < season.min_distance_fraction * basis:
            points = 0
        key = (finish["class_code"], finish["team"], finish["round_number"])
        if points > 0 and (key not in best or (points, -position) > (best[key][0], -best[key][1])):
            best[key] = (points, position)

    rows = []
    for class_code in season.classes:
        teams = sorted({team for (klass, team, _) in best if klass == class_code})
        totals = {team: sum(p for (k, t, _), (p, _) in best.items() if k == class_code and t == team) for team in teams}
        first = {team: min(r for (k, t, r) in best if k == class_code and t == team) for team in teams}
        ordered = sorted(teams, key=lambda team: (-totals[team], first[team], team))
        for display_order, team in enumerate(ordered, start=1):
            position = 1 + sum(1 for other in teams if totals[other] > totals[team])
            shared = sum(1 for other in teams if totals[other] == totals[team]) > 1
            rounds = [best.get((class_code, team, r), (None,))[0] for r in range(1, season.rounds + 1)]
            rows.append(
                (
                    season.season,
                    season.scenario_code,
                    class_code,
                    team,
                    position,
                    f"{position}{'=' if shared else ''}",
                    display_order,
                    *rounds,
                    totals[team],
                )
            )
    return rows


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
    source = "synthetic test season, https://example.invalid/alms-standings/tests/python/test_seasons_as_rows.py"
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


def computed_standings(warehouse: Path, season: Season) -> list[tuple]:
    rounds = ", ".join(f"round_{n}_points" for n in range(1, season.rounds + 1))
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return connection.execute(
            "select season, scenario_code, class_code, team_name, championship_position, position_label, "
            f"display_order, {rounds}, total_points from marts.fct_team_standings where season = ? "
            "order by class_order, display_order",
            [season.season],
        ).fetchall()
    finally:
        connection.close()


@pytest.mark.parametrize("season", [SEASON_2003, SEASON_TWELVE], ids=["nine_rounds_own_rules", "twelve_rounds"])
def test_an_added_season_matches_an_independent_computation(three_seasons: Path, season: Season) -> None:
    expected = expected_standings(season)
    assert expected, "the synthetic season should score"
    assert computed_standings(three_seasons, season) == expected


def test_the_wide_table_fits_the_longest_season_and_2002_still_reconciles(three_seasons: Path) -> None:
    connection = duckdb.connect(str(three_seasons), read_only=True)
    try:
        columns = [
            row[0]
            for row in connection.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = 'fct_team_standings' and column_name like 'round_%' order by ordinal_position"
            ).fetchall()
        ]
        assert columns == [f"round_{n}_points" for n in range(1, 13)]
        # Beyond a season's last round the columns are empty.
        beyond = connection.execute(
            "select count(*) from marts.fct_team_standings where season in (2002, 2003) "
            "and coalesce(round_10_points, round_11_points, round_12_points) is not null and season = 2003"
        ).fetchone()[0]
        assert beyond == 0
        statuses = dict(
            connection.execute(
                "select status, count(*) from marts.fct_standings_reconciliation group by status"
            ).fetchall()
        )
        assert statuses == {"match": 765, "documented_exception": 2}
        seasons = connection.execute(
            "select season, official_scenario_code, rounds_scheduled, has_published_standings "
            "from marts.dim_seasons order by season"
        ).fetchall()
        assert seasons == [
            (2002, "official_2002", 10, True),
            (2003, "official_2003_synthetic", 9, False),
            (2099, "official_2002", 12, False),
            (2100, "official_2002", 3, False),
        ]
        not_started = "select count(*) from marts.fct_team_standings where season = 2100"
        assert connection.execute(not_started).fetchone() == (0,)
        struck = connection.execute(
            "select count(*) from marts.fct_race_results where season = 2003 and distance_rule_outcome = 'struck'"
        ).fetchone()[0]
        assert struck > 0, "the synthetic 2003 season should exercise its official distance rule"
    finally:
        connection.close()


def test_the_dashboard_follows_the_added_seasons(three_seasons: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(three_seasons))
    app = AppTest.from_file(
        str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py"), default_timeout=DEADLINE_S
    )
    app.run()
    assert app.selectbox(key="season").options == ["2100", "2099", "2003", "2002"]
    app.selectbox(key="season").select(2099).run()
    assert not app.exception
    assert [tab.label for tab in app.tabs] == ["LMP675", "GTS"]  # class order, only the season's classes
    matrix = Page("".join(element.value for element in app.html)).table("matrix-teams-LMP675")
    assert matrix.header[-2:] == ["R11", "R12"]  # a column per round of the season (no race codes: R and its number)
    assert "No published tables for 2099" in " ".join(markdown.value for markdown in app.markdown)
    app.selectbox(key="season").select(2100).run()
    assert not app.exception
    assert app.info[0].value.startswith("2100 has 3 rounds on its calendar")
