"""Championship progression, drivers' points, what-if scenarios and evidence, from the built warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every test reads the session's built warehouse


def test_round_each_title_was_decided(query) -> None:
    decided = query(
        "select class_code, min(round_number) from marts.fct_championship_progression "
        "where is_title_decided group by class_code order by class_code"
    )
    assert decided == [("GT", 10), ("GTS", 9), ("LMP675", 10), ("LMP900", 9)]


def test_progression_ends_at_the_published_totals(query) -> None:
    mismatches = query(
        "select progression.class_code, progression.team_name "
        "from marts.fct_championship_progression as progression "
        "inner join marts.fct_team_standings as standings using (class_code, team_name) "
        "where progression.round_number = 10 and progression.cumulative_points != standings.total_points"
    )
    assert mismatches == []


def test_drivers_points_follow_the_driver_across_cars(query) -> None:
    # Kristensen drove Audi #1 at Sebring (5th, 20), Champion #38 at Sonoma (2nd, 21), then Audi #2.
    rounds = query(
        "select round_number, car_number, finishing_points from marts.fct_driver_round_points "
        "where driver_name = 'Tom Kristensen' and round_number <= 2 order by round_number"
    )
    assert rounds == [(1, "1", 20), (2, "38", 21)]


def test_drivers_bonus_points_are_the_sourced_bonus_rows(query) -> None:
    # Pole bonuses only where a source names the fastest qualifier (seeds/raw/driver_bonus_points.csv).
    recorded = query("select sum(points) from raw.driver_bonus_points")
    assert recorded[0][0] > 0
    assert query("select sum(bonus_points) from marts.fct_driver_standings") == recorded


def test_the_strict_70pct_rule_strikes_the_short_distance_results(query) -> None:
    struck = query(
        "select round_number, team_name, laps from intermediate.int_finishes_scored "
        "where scenario_code = 'article_70pct_rule' and distance_rule_outcome = 'struck' order by all"
    )
    assert (5, "KnightHawk Racing", 36) in struck
    assert (1, "Team Olive Garden", 11) in struck


def test_a_car_out_on_the_first_lap_is_known_short_under_the_strict_rule(query) -> None:
    # Trois-Rivieres: KnightHawk's car retired on the opening lap; no lap count, but at most 1.
    rows = query(
        "select distance_rule_outcome, points, official_points from marts.fct_scenario_race_results "
        "where scenario_code = 'article_70pct_rule' and round_number = 6 and team_name = 'KnightHawk Racing'"
    )
    assert rows == [("known_short", 0, 15)]


def test_the_overview_states_the_evidence_totals_the_mart_holds(query) -> None:
    overview = (Path(__file__).resolve().parents[2] / "models" / "_models__docs.md").read_text(encoding="utf-8")
    stated = re.search(
        r"Of 2002's (\d+) scoring cells in the team tables, (\d+) rest on a published race result outside the\s+"
        r"season article, (\d+) on the article's class-winners table and (\d+) on the published points",
        overview,
    )
    assert stated, "the overview no longer states the evidence totals"
    counts = dict(query("select evidence, count(*) from marts.fct_team_round_evidence where season = 2002 group by 1"))
    assert [int(number) for number in stated.groups()] == [
        sum(counts.values()),
        counts["race_results"],
        counts["season_results"],
        counts["published_points"],
    ]
