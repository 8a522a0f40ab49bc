"""The one plain-Python computation of a season's championships, from the seed CSV rows alone, written apart from the
models: every synthetic season's tests compare the marts with it (test_synthetic_seasons.py).

The rules, as the project states them (README, seeds/README.md): the season's official scenario picks a points scale
per race type; a classified car scores its class position's points, unless the scenario's distance rule strikes it
(laps, or a bound on them, below the threshold of the overall or class winner's laps; untestable results keep their
points); a team scores its best car per round (most points, then the better position); ties share a place ('3='),
and the table is ordered by total, first scoring round, then name. A driver scores once per race and class (their
best car), plus each sourced bonus row once. A round is raced once it has results, cancelled when
round_cancellations says so, else still to race; its top points stay available until it is raced.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

TeamRound = tuple[str, str, int]  # (class, team, round)
DriverRound = tuple[int, str, str]  # (round, class, driver)


@dataclass
class Expected:
    standings: list[tuple[str, str, int, str, int, Decimal]]  # class, team, position, label, display order, total
    team_rounds: dict[TeamRound, Decimal]  # the team's best car's points, where it scored
    progression: list[tuple[str, str, int, Decimal, int, Decimal, bool]]  # class, team, round, cumulative,
    # position, points still available, title decided
    drivers: list[tuple[str, str, Decimal, Decimal, Decimal, int, Decimal]]  # class, driver, finishing, bonus,
    # total, position, bonus points not checked
    round_status: dict[int, str]
    is_complete: bool


class Seeds:
    """The seed CSVs of a project, read as text rows by column name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def rows(self, seed: str) -> list[dict[str, str]]:
        with (self.folder / seed).open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def season_rows(self, seed: str, season: int) -> list[dict[str, str]]:
        return [row for row in self.rows(seed) if row["season"] == str(season)]


def official_scenario(seeds: Seeds, season: int) -> dict[str, str]:
    code = next(row["official_scenario_code"] for row in seeds.season_rows("reference/seasons.csv", season))
    return next(row for row in seeds.rows("reference/scoring_scenarios.csv") if row["scenario_code"] == code)


def scales(seeds: Seeds, season: int) -> dict[str, dict[int, Decimal]]:
    """Race type -> points by class position, through the season's official scenario."""
    by_code: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for row in seeds.rows("reference/points_scales.csv"):
        by_code[row["scale_code"]][int(row["class_position"])] = Decimal(row["points"])
    scenario = official_scenario(seeds, season)["scenario_code"]
    return {
        row["race_type"]: by_code[row["scale_code"]]
        for row in seeds.rows("reference/scenario_scales.csv")
        if row["scenario_code"] == scenario
    }


def struck_by_distance(seeds: Seeds, season: int) -> set[tuple[int, str]]:
    """(round, car key) of each result the season's distance rule strikes."""
    scenario = official_scenario(seeds, season)
    fraction = Decimal(scenario["min_distance_fraction"])
    if fraction == 0:
        return set()
    overall = {
        int(row["round_number"]): int(row["overall_winner_laps"])
        for row in seeds.season_rows("raw/schedule.csv", season)
        if row["overall_winner_laps"]
    }
    gaps = {
        (int(row["round_number"]), row["class_code"]): int(row["laps_behind_overall_winner"])
        for row in seeds.season_rows("raw/class_winner_gaps.csv", season)
    }
    struck = set()
    for row in seeds.season_rows("raw/finishes.csv", season):
        number = int(row["round_number"])
        basis = overall.get(number)
        if scenario["distance_basis"] == "class_winner":
            gap = gaps.get((number, row["class_code"]))
            basis = None if basis is None or gap is None else basis - gap
        laps = row["laps"] or row.get("laps_at_most", "")
        if basis is not None and laps and int(laps) < fraction * basis:
            struck.add((number, row["car_key"]))
    return struck


def car_points(seeds: Seeds, season: int) -> dict[tuple[int, str], tuple[str, str, Decimal, int | None]]:
    """(round, car key) -> (class, team, points, class position) for every finish of the season."""
    race_type = {int(row["round_number"]): row["race_type"] for row in seeds.season_rows("raw/schedule.csv", season)}
    points_of = scales(seeds, season)
    struck = struck_by_distance(seeds, season)
    alias = {row["team_alias"]: row["team_name"] for row in seeds.rows("reference/team_aliases.csv")}
    points: dict[tuple[int, str], tuple[str, str, Decimal, int | None]] = {}
    for row in seeds.season_rows("raw/finishes.csv", season):
        number = int(row["round_number"])
        position = int(row["class_position"]) if row["class_position"] else None
        scored = Decimal(0)
        if position is not None and (number, row["car_key"]) not in struck:
            scored = points_of[race_type[number]].get(position, Decimal(0))
        points[(number, row["car_key"])] = (row["class_code"], alias[row["team_entered"]], scored, position)
    return points


def team_rounds(points: dict[tuple[int, str], tuple[str, str, Decimal, int | None]]) -> dict[TeamRound, Decimal]:
    """A team scores its best car: the most points (then the better position, which does not change the points)."""
    best: dict[TeamRound, Decimal] = {}
    for (number, _), (class_code, team, scored, _) in points.items():
        key = (class_code, team, number)
        if scored > 0 and scored > best.get(key, Decimal(0)):
            best[key] = scored
    return best


def ranked(totals: dict[str, Decimal], first_round: dict[str, int]) -> list[tuple[str, int, str, int]]:
    """(name, position, printed label, display order): ties share a place ('2='), then first scoring round, name."""
    ordered = sorted(totals, key=lambda name: (-totals[name], first_round[name], name))
    rows = []
    for order, name in enumerate(ordered, start=1):
        position = 1 + sum(1 for other in totals.values() if other > totals[name])
        shared = sum(1 for other in totals.values() if other == totals[name]) > 1
        rows.append((name, position, f"{position}{'=' if shared else ''}", order))
    return rows


def class_order(seeds: Seeds) -> dict[str, int]:
    return {row["class_code"]: int(row["class_order"]) for row in seeds.rows("reference/classes.csv")}


def team_standings(seeds: Seeds, best: dict[TeamRound, Decimal]) -> list[tuple[str, str, int, str, int, Decimal]]:
    """Each class's table, in class order then display order."""
    standings = []
    for class_code in sorted({key[0] for key in best}, key=class_order(seeds).__getitem__):
        totals: dict[str, Decimal] = defaultdict(Decimal)
        first: dict[str, int] = {}
        for (klass, team, number), scored in sorted(best.items(), key=lambda item: item[0][2]):
            if klass == class_code:
                totals[team] += scored
                first.setdefault(team, number)
        standings += [
            (class_code, team, position, label, order, totals[team])
            for team, position, label, order in ranked(totals, first)
        ]
    return standings


def round_statuses(seeds: Seeds, season: int, raced: set[int]) -> dict[int, str]:
    cancelled = {int(row["round_number"]) for row in seeds.season_rows("raw/round_cancellations.csv", season)}
    return {
        number: "cancelled" if number in cancelled else "raced" if number in raced else "scheduled"
        for number in (int(row["round_number"]) for row in seeds.season_rows("raw/schedule.csv", season))
    }


def points_still_available(seeds: Seeds, season: int, after: int, status: dict[int, str]) -> Decimal:
    """The top points of every round not raced yet after round `after`: later rounds, and earlier ones still to
    race; a cancelled round offers none."""
    top = {kind: max(points.values()) for kind, points in scales(seeds, season).items()}
    return sum(
        (
            top[row["race_type"]]
            for row in seeds.season_rows("raw/schedule.csv", season)
            if status[int(row["round_number"])] != "cancelled"
            and (int(row["round_number"]) > after or status[int(row["round_number"])] != "raced")
        ),
        Decimal(0),
    )


def progression(
    seeds: Seeds, season: int, best: dict[TeamRound, Decimal], standings: list[tuple], status: dict[int, str]
) -> list[tuple[str, str, int, Decimal, int, Decimal, bool]]:
    rows = []
    raced = sorted(number for number, state in status.items() if state == "raced")
    for class_code in dict.fromkeys(row[0] for row in standings):
        teams = [row[1] for row in standings if row[0] == class_code]
        for number in raced:
            cumulative = {
                team: sum(
                    (
                        scored
                        for (klass, other, r), scored in best.items()
                        if (klass, other) == (class_code, team) and r <= number
                    ),
                    Decimal(0),
                )
                for team in teams
            }
            leader = max(cumulative.values())
            leaders = [team for team in teams if cumulative[team] == leader]
            runner_up = max((scored for scored in cumulative.values() if scored < leader), default=Decimal(0))
            available = points_still_available(seeds, season, number, status)
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
    seeds: Seeds, season: int, points: dict[tuple[int, str], tuple[str, str, Decimal, int | None]]
) -> dict[DriverRound, str]:
    """(round, class, driver) -> the car a driver scores with: of the cars they were nominated for in that race and
    class, the one with the most points, then the better class position, then the car key."""
    best: dict[DriverRound, str] = {}

    def rank(number: int, car_key: str) -> tuple[Decimal, int, str]:
        _, _, scored, position = points[(number, car_key)]
        return (-scored, position or 999, car_key)

    for row in seeds.season_rows("raw/car_drivers.csv", season):
        number, car_key = int(row["round_number"]), row["car_key"]
        if (number, car_key) not in points:
            continue  # nominated for a car with no result that round
        key = (number, points[(number, car_key)][0], row["driver_name"])
        if key not in best or rank(number, car_key) < rank(number, best[key]):
            best[key] = car_key
    return best


def bonuses(
    seeds: Seeds, season: int, best: dict[DriverRound, str]
) -> tuple[dict[DriverRound, Decimal], dict[DriverRound, Decimal]]:
    """(round, class, driver) -> bonus points credited (each row once, for a kind the season's rules award), and
    -> bonus points the rules award that no row settles (a class's pole without a row; the most-laps point of the
    driver's credited car without a row for any of its drivers): at most that many more."""
    rules = {
        row["bonus_kind"]: Decimal(row["points"])
        for row in seeds.season_rows("reference/driver_bonus_rules.csv", season)
    }
    rows = [row for row in seeds.season_rows("raw/driver_bonus_points.csv", season) if row["bonus_kind"] in rules]
    credited: dict[DriverRound, Decimal] = defaultdict(Decimal)
    for row in rows:
        key = (int(row["round_number"]), row["class_code"], row["driver_name"])
        if key in best:  # a bonus credits a driver with a result in that race and class
            credited[key] += Decimal(row["points"])
    poles = {(int(row["round_number"]), row["class_code"]) for row in rows if row["bonus_kind"] == "pole"}
    # A most-laps row settles the car its driver is credited with in that race and class.
    most_laps_cars = {
        (int(row["round_number"]), best[key])
        for row in rows
        if row["bonus_kind"] == "most_laps"
        and (key := (int(row["round_number"]), row["class_code"], row["driver_name"])) in best
    }
    unchecked = {
        (number, class_code, driver): (Decimal(0) if (number, class_code) in poles else rules.get("pole", Decimal(0)))
        + (Decimal(0) if (number, car_key) in most_laps_cars else rules.get("most_laps", Decimal(0)))
        for (number, class_code, driver), car_key in best.items()
    }
    return credited, unchecked


def driver_standings(
    seeds: Seeds, season: int, points: dict[tuple[int, str], tuple[str, str, Decimal, int | None]]
) -> list[tuple[str, str, Decimal, Decimal, Decimal, int, Decimal]]:
    """(class, driver, finishing, bonus, total, position, unchecked bonus), sorted."""
    best = best_cars(seeds, season, points)
    credited, unchecked = bonuses(seeds, season, best)
    rows = []
    for class_code in sorted({key[1] for key in best}):
        keys = [key for key in best if key[1] == class_code]
        drivers = {driver for _, _, driver in keys}
        won = {d: sum((points[(r, best[(r, c, d)])][2] for r, c, o in keys if o == d), Decimal(0)) for d in drivers}
        extra = {d: sum((credited[(r, c, d)] for r, c, o in keys if o == d), Decimal(0)) for d in drivers}
        maybe = {d: sum((unchecked[(r, c, d)] for r, c, o in keys if o == d), Decimal(0)) for d in drivers}
        totals = {d: won[d] + extra[d] for d in drivers if won[d] + extra[d] > 0}
        rows += [
            (class_code, d, won[d], extra[d], totals[d], 1 + sum(1 for t in totals.values() if t > totals[d]), maybe[d])
            for d in totals
        ]
    return sorted(rows)


def expected_season(seeds_folder: Path, season: int) -> Expected:
    """Everything the synthetic seasons' tests compare, for one season of the project whose seeds are given."""
    seeds = Seeds(seeds_folder)
    points = car_points(seeds, season)
    best = team_rounds(points)
    status = round_statuses(seeds, season, {number for number, _ in points})
    standings = team_standings(seeds, best)
    return Expected(
        standings=standings,
        team_rounds=best,
        progression=progression(seeds, season, best, standings, status),
        drivers=driver_standings(seeds, season, points),
        round_status=status,
        is_complete="scheduled" not in status.values(),
    )
