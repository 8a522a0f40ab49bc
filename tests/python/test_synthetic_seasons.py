"""A season is rows: the synthetic seasons (synthetic_seasons.py), added to the seeds alone, build green beside 2002,
and their marts equal the plain-Python computation of oracle.py over the same rows. One build serves them all
(conftest.synthetic_seasons)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import DEADLINE_S, PROJECT_DIR
from oracle import Expected, expected_season
from page_html import Page
from synthetic_seasons import (
    PUBLISHED_CLASS,
    ROUNDS,
    SCENARIO,
    SEASON,
    SEASON_2003,
    SEASON_NOT_STARTED,
    SEASON_TWELVE,
    SOURCE,
    TWO_CAR_DRIVER,
)

pytestmark = pytest.mark.slow  # reads the synthetic seasons' build


def fetch(project: Path, sql: str, *parameters: object) -> list[tuple]:
    connection = duckdb.connect(str(project / "warehouse" / "alms.duckdb"), read_only=True)
    try:
        return connection.execute(sql, list(parameters)).fetchall()
    finally:
        connection.close()


def expected(project: Path, season: int) -> Expected:
    return expected_season(project / "seeds", season)


@pytest.mark.parametrize(
    "season",
    [SEASON_2003.season, SEASON_TWELVE.season, SEASON],
    ids=["nine_rounds_own_rules", "twelve_rounds", "real_calendar"],
)
def test_team_standings_match_the_independent_computation(synthetic_seasons: Path, season: int) -> None:
    wanted = expected(synthetic_seasons, season)
    assert wanted.standings, "the synthetic season should score"
    computed = fetch(
        synthetic_seasons,
        "select class_code, team_name, championship_position, position_label, display_order, total_points "
        "from marts.fct_team_standings where season = ? order by class_order, display_order",
        season,
    )
    assert computed == wanted.standings
    cells = fetch(
        synthetic_seasons,
        "select class_code, team_name, round_number, points from marts.fct_team_round_points where season = ?",
        season,
    )
    assert {(c, t, r): p for c, t, r, p in cells} == wanted.team_rounds


def test_the_wide_table_fits_the_longest_season_and_the_seasons_are_listed(synthetic_seasons: Path) -> None:
    columns = fetch(
        synthetic_seasons,
        "select column_name from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'fct_team_standings' and column_name like 'round_%' order by ordinal_position",
    )
    assert [column for (column,) in columns] == [f"round_{n}_points" for n in range(1, 13)]
    beyond = "select count(*) from marts.fct_team_standings where season = 2003 and round_10_points is not null"
    assert fetch(synthetic_seasons, beyond) == [(0,)]  # beyond a season's last round the columns are empty
    assert fetch(
        synthetic_seasons,
        "select season, official_scenario_code, rounds_on_calendar, first_race_date, last_race_date, "
        "has_published_standings from marts.dim_seasons where season != 2002 order by season",
    ) == [
        (2003, "official_2003_synthetic", 9, date(2003, 1, 1), date(2003, 5, 1), False),
        (SEASON, SCENARIO, 7, date.fromisoformat(ROUNDS[1][0]), date.fromisoformat(ROUNDS[7][0]), True),
        (SEASON + 1, "official_2002", 0, None, None, False),  # announced, no schedule yet: it builds
        (2099, "official_2002", 12, date(2099, 1, 1), date(2099, 6, 15), False),
        (SEASON_NOT_STARTED.season, "official_2002", 3, date(2100, 1, 1), date(2100, 2, 1), False),
    ]
    not_started = "select count(*) from marts.fct_team_standings where season = ?"
    assert fetch(synthetic_seasons, not_started, SEASON_NOT_STARTED.season) == [(0,)]
    struck = "select count(*) from marts.fct_race_results where season = 2003 and distance_rule_outcome = 'struck'"
    assert fetch(synthetic_seasons, struck)[0][0] > 0, "2003 should exercise its official distance rule"


def test_the_real_calendar_holds_every_case_it_is_meant_to(synthetic_seasons: Path) -> None:
    """The rows exercise what they are meant to (guards the data, not the models)."""
    wanted = expected(synthetic_seasons, SEASON)
    assert wanted.round_status == {
        1: "raced",
        2: "scheduled",
        3: "raced",
        4: "raced",
        5: "raced",
        6: "cancelled",
        7: "scheduled",
    }
    after_five = {row[0]: row for row in wanted.progression if row[2] == 5 and row[4] == 1}
    lmp900 = sorted((row[3] for row in wanted.progression if row[:1] == ("LMP900",) and row[2] == 5), reverse=True)
    # LMP900: a lead that counting only the rounds after 5 (25 points) would call decided; round 2 keeps it open.
    assert after_five["LMP900"][5] == 50 and 25 < lmp900[0] - lmp900[1] <= 50 and not after_five["LMP900"][6]
    assert after_five["GT"][6], "GT is decided after round 5, though the season is not complete"
    assert any(label.endswith("=") for _, _, _, label, _, _ in wanted.standings), "a tie shared"
    # The half-points scale repeats a value: 6th and 7th both score 7.
    assert wanted.team_rounds[("LMP900", "Synth Cadillac", 4)] == wanted.team_rounds[("LMP900", "Synth Zakspeed", 4)]
    assert not wanted.is_complete


def test_progression_counts_postponed_rounds_as_still_available(synthetic_seasons: Path) -> None:
    computed = fetch(
        synthetic_seasons,
        "select class_code, team_name, round_number, cumulative_points, position_after_round, "
        "points_still_available, is_title_decided from marts.fct_championship_progression where season = ?",
        SEASON,
    )
    assert sorted(computed) == sorted(expected(synthetic_seasons, SEASON).progression)


def test_drivers_score_once_per_race_and_class(synthetic_seasons: Path) -> None:
    computed = fetch(
        synthetic_seasons,
        "select class_code, driver_name, finishing_points, bonus_points, total_points, championship_position, "
        "unchecked_bonus_points from marts.fct_driver_standings where season = ?",
        SEASON,
    )
    assert sorted(computed) == expected(synthetic_seasons, SEASON).drivers
    # At round 3: #16 4th (22) and #20 6th (19); the better car counts, and the pole once, with its source.
    round_three = fetch(
        synthetic_seasons,
        "select car_number, finishing_points, pole_bonus_points, total_points, bonus_source "
        "from marts.fct_driver_round_points where season = ? and round_number = 3 and driver_name = ?",
        SEASON,
        TWO_CAR_DRIVER,
    )
    assert round_three == [("16", 22, 1, 23, SOURCE)]


def test_round_status_and_no_champion_before_the_season_ends(synthetic_seasons: Path) -> None:
    wanted = expected(synthetic_seasons, SEASON)
    statuses = fetch(
        synthetic_seasons, "select round_number, round_status from marts.dim_rounds where season = ?", SEASON
    )
    assert dict(statuses) == wanted.round_status
    champions = fetch(
        synthetic_seasons,
        "select champion_team_name from marts.fct_scenario_class_summary "
        "where season = ? and champion_team_name is not null",
        SEASON,
    )
    assert not wanted.is_complete and champions == []


def test_a_class_winner_without_a_number_and_a_partly_published_season(synthetic_seasons: Path) -> None:
    winners = fetch(
        synthetic_seasons,
        "select car_number, team_name, drivers from marts.fct_race_winners "
        "where season = ? and round_number = 1 and class_code = 'GT'",
        SEASON,
    )
    assert winners == [(None, "Synth Privateer", "Lee Privateer / Pat Privateer")]
    reconciled = fetch(
        synthetic_seasons,
        "select season, class_code, status, count(*) from marts.fct_standings_reconciliation group by all order by all",
    )
    teams = sum(1 for row in expected(synthetic_seasons, SEASON).standings if row[0] == PUBLISHED_CLASS)
    # 2002's 767 published cells still reconcile beside the added seasons, under decimal points.
    statuses_2002: dict[str, int] = {}
    for season, _, status, count in reconciled:
        if season == 2002:
            statuses_2002[status] = statuses_2002.get(status, 0) + count
    assert statuses_2002 == {"match": 765, "documented_exception": 2}
    assert [row for row in reconciled if row[0] == SEASON] == [
        (SEASON, PUBLISHED_CLASS, "match", teams * (len(ROUNDS) + 3))
    ]


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


def test_the_dashboard_agrees_with_the_real_calendar(synthetic_seasons: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    expected, classes = expected_season(synthetic_seasons / "seeds", SEASON), ["LMP900", "GT"]
    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(synthetic_seasons / "warehouse" / "alms.duckdb"))
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
    decided_column = [row["Title decided after round"].split(" (")[0] for row in summary]
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


def test_the_dashboard_follows_the_added_seasons(synthetic_seasons: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(synthetic_seasons / "warehouse" / "alms.duckdb"))
    app = AppTest.from_file(str(PROJECT_DIR / "dashboard" / "app.py"), default_timeout=DEADLINE_S)
    app.run()
    assert app.selectbox(key="season").options == ["2100", "2099", "2032", "2031", "2003", "2002"]
    app.selectbox(key="season").select(2099).run()
    assert not app.exception
    assert [tab.label for tab in app.tabs] == ["LMP675", "GTS"]  # class order, only the season's classes
    matrix = Page("".join(element.value for element in app.html)).table("matrix-teams-LMP675")
    assert matrix.header[-2:] == ["R11", "R12"]  # a column per round of the season (no race codes: R and its number)
    assert "No published tables for 2099" in " ".join(markdown.value for markdown in app.markdown)
    app.selectbox(key="season").select(2100).run()
    assert not app.exception
    assert app.info[0].value.startswith("2100 has 3 rounds on its calendar")
