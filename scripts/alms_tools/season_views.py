"""A season as a fan reads it, shared by the dashboard (dashboard/app.py) and the offline report
(scripts/season_report.py): each function reads marts only and returns a table in readers' words or a chart
(alms_tools.season_html draws the tables).

Nothing here computes a figure a mart should hold: champions, margins, deciding rounds, wins, podiums, gaps to the
leader and points come from the marts. What is done here is presentation: column names, a blank for an unknown, a
sentence from a row, which of a team's results a matrix cell shows (the one its points come from), a colour per
team, a label's position on a chart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from alms_tools.words import measure_text

Query = Callable[[str, tuple], pd.DataFrame]

# Okabe & Ito's colour-blind safe palette, strongest first (its yellow last: faint on white), one shape per colour,
# so two lines stay apart for a reader who cannot tell the colours apart.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right", "triangle-left"]
MOST_TEAMS_CHARTED = len(OKABE_ITO)

STATUS_WORDS = {"running": "Running at the finish", "DNF": "Retired", "DNS": "Did not start", "unknown": "not known"}
EVIDENCE_WORDS = {
    "race_results": "Race result",
    "season_results": "Season winners table",
    "published_points": "Published points",
}
# A result the distance rule of a what-if strikes (reference.distance_rule_outcomes.strikes_points).
STRIKING_OUTCOMES = ("struck", "known_short")
DASH = "\u2013"  # an en dash: nothing to show (no position in the championship, no gap to the leader)


def as_text(value: object) -> str:
    """A cell as shown: blank for a missing value (never 'None' or 'nan'), whole numbers without '.0'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 22nd."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}{'es' if word.endswith('s') else 's'}"


def date_text(day: object) -> str:
    return "" if day is None or pd.isna(day) else f"{pd.Timestamp(day):%-d %b %Y}"  # type: ignore[arg-type]


# Seasons and their rounds ------------------------------------------------------------------------------------


def seasons(query: Query) -> pd.DataFrame:
    """Every season, newest first, and whether any of its rounds has results (marts.dim_seasons.rounds_raced)."""
    return query(
        "select season, official_scenario_name, has_published_standings, rounds_raced > 0 as has_results "
        "from marts.dim_seasons order by season desc",
        (),
    )


def default_season(all_seasons: pd.DataFrame) -> int:
    """The latest season with results; the latest season when none has any."""
    with_results = all_seasons[all_seasons["has_results"].astype(bool)]
    return int((with_results if not with_results.empty else all_seasons)["season"].iloc[0])


def season_rounds(query: Query, season: int) -> pd.DataFrame:
    """The season's calendar from marts.dim_rounds: code, race, circuit, date, status and why it was cancelled."""
    return query(
        "select round_number, race_code, race_name, circuit, race_date, race_type, overall_winner_laps, "
        "round_status, cancellation_reason from marts.dim_rounds where season = ? order by round_number",
        (season,),
    )


def race_codes(rounds: pd.DataFrame) -> dict[int, str]:
    return dict(zip(rounds["round_number"].astype(int), rounds["race_code"], strict=True))


def cancelled_sentence(row: object) -> str:
    """'Round 6, Le Grand Prix de Trois-Rivières (TRV), was cancelled: hurricane warning.'"""
    reason = as_text(getattr(row, "cancellation_reason", None))
    return (
        f"Round {row.round_number}, {row.race_name} ({row.race_code}), was cancelled"  # type: ignore[attr-defined]
        + (f": {reason}." if reason else " (no reason given).")
    )


def season_without_results(season: int, rounds: pd.DataFrame) -> str:
    """What a season with no results has: a calendar still to race, or every round cancelled."""
    if rounds.empty:
        return f"{season} has no rounds on its calendar yet: there are no results and no standings."
    cancelled = int((rounds["round_status"] == "cancelled").sum())
    if cancelled == len(rounds):
        return (
            f"Every round of {season} was cancelled ({plural(cancelled, 'round')} on the calendar): no race was "
            "run, so there are no results and no standings."
        )
    first, last = date_text(rounds["race_date"].min()), date_text(rounds["race_date"].max())
    also = f", {cancelled} of them cancelled" if cancelled else ""
    return (
        f"{season} has {plural(len(rounds), 'round')} on its calendar ({first} to {last}{also}); none has results "
        "yet, so there are no standings."
    )


def season_classes(query: Query, season: int) -> list[str]:
    """The classes that have standings in the season, in class order."""
    classes = query(
        "select class_code from marts.fct_class_titles where season = ? order by class_order",
        (season,),
    )
    return classes["class_code"].tolist()


# The title fight ---------------------------------------------------------------------------------------------


def class_titles(query: Query, season: int) -> pd.DataFrame:
    return query("select * from marts.fct_class_titles where season = ? order by class_order", (season,))


def champions_summary(titles: pd.DataFrame) -> pd.DataFrame:
    """One line per class: the champion (or the leader of a season still running), the margin and when it was
    settled, all from marts.fct_class_titles."""
    return pd.DataFrame(
        {
            "Class": titles["class_code"],
            "Champion": [
                row.champion_team_name if row.is_season_complete else f"{row.leader_team_name} (leading)"
                for row in titles.itertuples()
            ],
            "Points": titles["leader_points"].map(as_text),
            "Runner-up": titles["runner_up_team_name"].map(as_text),
            "Margin": titles["margin_points"].map(as_text),
            "Title decided after round": [decided_after_text(row) for _, row in titles.iterrows()],
        }
    )


def decided_after_text(title: pd.Series) -> str:
    """'9 (9 of 10 raced)', '9 (8 of 8 raced; 1 cancelled)': the deciding round's number, then how many of the rounds
    not cancelled had been raced by then. A round number is not a count: with a round cancelled or rescheduled it can
    exceed the rounds raced, so it is never written 'round 9 of 8'. Blank when the title was not decided."""
    if not as_text(title.decided_after_round):
        return ""
    cancelled = int(title.rounds_cancelled)
    to_race = int(title.rounds_on_calendar) - cancelled
    raced_by_then = to_race - int(title.rounds_to_spare)
    return f"{int(title.decided_after_round)} ({raced_by_then} of {to_race} raced" + (
        f"; {cancelled} cancelled)" if cancelled else ")"
    )


def points(value: object) -> str:
    """'1 point', '26 points', '12.5 points' (a series may award fractions: var points_data_type)."""
    number = as_text(value)
    return f"{number} point" if number == "1" else f"{number} points"


def title_headline(title: pd.Series) -> str:
    """Who won, by how much, and when it was settled, from one row of fct_class_titles."""
    if title.is_season_complete:
        if title.is_title_shared:
            who = f"{title.champion_team_name} share the title on {points(title.champion_total_points)}"
        else:
            who = f"{title.champion_team_name} are champions on {points(title.champion_total_points)}"
    else:
        still = int(title.rounds_still_to_race)
        who = (
            f"After round {title.last_raced_round} ({still} {'round' if still == 1 else 'rounds'} still to race), "
            f"{title.leader_team_name} lead on {points(title.leader_points)}"
        )
    if as_text(title.runner_up_team_name) and not title.is_title_shared:
        who += (
            f", {points(title.margin_points)} ahead of {title.runner_up_team_name} ({as_text(title.runner_up_points)})"
        )
    return who + "."


def title_decided_sentence(title: pd.Series) -> str:
    if pd.isna(title.decided_after_round):
        if title.is_season_complete:
            return "The title went to the last race and was settled only by its result."
        return "The title is still open."
    decided = int(title.decided_after_round)
    race = as_text(title.decided_at_race_name)
    left = int(title.rounds_to_spare)
    if left == 0:
        return f"Settled at the final round, round {decided} ({race})."
    rounds_left = "1 round" if left == 1 else f"{left} rounds"
    return f"Decided after round {decided} ({race}), with {rounds_left} to spare."


# One standings table per class -------------------------------------------------------------------------------


def champion_names(title: pd.Series | None) -> set[str]:
    if title is None or not title.is_season_complete or not as_text(title.champion_team_name):
        return set()
    return set(str(title.champion_team_name).split(" and "))


def car_numbers_text(numbers: list[str]) -> str:
    ordered = sorted(numbers, key=lambda number: (len(number), number))
    return ", ".join(f"#{number}" for number in ordered)


def team_cars(query: Query, season: int, class_code: str) -> dict[str, str]:
    """Each team's car as its results give it: 'Audi R8 · #1, #2' (chassis and numbers a source names)."""
    results = query(
        "select team_name, chassis, car_number from marts.fct_race_results where season = ? and class_code = ?",
        (season, class_code),
    )
    cars: dict[str, str] = {}
    for team, rows in results.groupby("team_name", sort=False):
        chassis = sorted({as_text(value) for value in rows["chassis"]} - {""})
        numbers = car_numbers_text(sorted({as_text(value) for value in rows["car_number"]} - {""}))
        cars[str(team)] = " · ".join(part for part in (" / ".join(chassis), numbers) if part)
    return cars


def pole_rounds(query: Query, season: int, class_code: str) -> pd.DataFrame:
    """The rounds whose class pole a source names (the pole bonus of marts.fct_driver_round_points): round, driver
    and team."""
    return query(
        "select distinct round_number, driver_name, team_name from marts.fct_driver_round_points "
        "where season = ? and class_code = ? and pole_bonus_points > 0 order by round_number",
        (season, class_code),
    )


def raced_rounds(query: Query, season: int, class_code: str) -> list[int]:
    """The rounds with a result in the class (marts.fct_race_results)."""
    rounds = query(
        "select distinct round_number from marts.fct_race_results where season = ? and class_code = ? "
        "order by round_number",
        (season, class_code),
    )
    return [int(number) for number in rounds["round_number"]]


@dataclass
class Standings:
    """One class's standings table and what is said under it."""

    table: pd.DataFrame  # Pos, Team, Car, Points, Behind, Wins, Podiums[, Poles]; one row per scoring team
    champions: set[str]
    poles_note: str  # why the Poles column is left out, or ''
    not_scored: list[str]  # teams with results but no points


def standings(query: Query, season: int, class_code: str, title: pd.Series | None) -> Standings:
    """Pos, Team (and its car), Points, Behind (fct_championship_progression.gap_to_leader after the last round),
    Wins and Podiums (fct_team_season_results), and Poles where a source names every raced round's pole-sitter."""
    table = query(
        "select standings.position_label, standings.team_name, standings.total_points, progression.gap_to_leader, "
        "results.class_wins, results.podium_finishes "
        "from marts.fct_team_standings as standings "
        "left join marts.fct_championship_progression as progression "
        "on progression.season = standings.season and progression.class_code = standings.class_code "
        "and progression.team_name = standings.team_name and progression.round_number = ("
        "select max(latest.round_number) from marts.fct_championship_progression as latest "
        "where latest.season = standings.season and latest.class_code = standings.class_code) "
        "left join marts.fct_team_season_results as results "
        "on results.season = standings.season and results.class_code = standings.class_code "
        "and results.team_name = standings.team_name "
        "where standings.season = ? and standings.class_code = ? order by standings.display_order",
        (season, class_code),
    )
    cars = team_cars(query, season, class_code)
    frame = pd.DataFrame(
        {
            "Pos": table["position_label"].map(as_text),
            "Team": table["team_name"],
            "Car": table["team_name"].map(lambda team: cars.get(team, "")),
            "Points": table["total_points"].map(as_text),
            "Behind": table["gap_to_leader"].map(lambda gap: as_text(gap) if as_text(gap) not in ("", "0") else DASH),
            "Wins": table["class_wins"].map(as_text),
            "Podiums": table["podium_finishes"].map(as_text),
        }
    )
    poles = pole_rounds(query, season, class_code)
    raced = raced_rounds(query, season, class_code)
    sourced = sorted(set(poles["round_number"].astype(int)))
    poles_note = ""
    if raced and set(raced) <= set(sourced):
        per_team = poles.drop_duplicates(["round_number", "team_name"])["team_name"].value_counts()
        frame["Poles"] = [as_text(per_team.get(team, 0)) for team in frame["Team"]]
    elif sourced:
        poles_note = (
            f"Poles are left out: the sources name the {class_code} pole-sitter of {len(sourced)} of the "
            f"{len(raced)} races (the drivers' pole bonus)."
        )
    teams = query(
        "select team_name from marts.fct_team_season_results where season = ? and class_code = ? "
        "and championship_position is null order by team_name",
        (season, class_code),
    )
    return Standings(frame, champion_names(title), poles_note, teams["team_name"].tolist())


# The results matrix --------------------------------------------------------------------------------------------

# A cell's colour by class finishing position, as fans' results matrices colour them (key order).
OUTCOMES = {
    "win": "Winner",
    "second": "Second",
    "third": "Third",
    "points": "Points finish",
    "no_points": "Classified, no points",
    "out": "Retired, not classified or did not start",
}
SHORT_STATUS = {"DNF": "Ret", "DNS": "DNS"}


def outcome(class_position: object, points: object) -> str:
    if not as_text(class_position):
        return "out"
    position = int(class_position)  # type: ignore[call-overload]
    if position <= 3:
        return ("win", "second", "third")[position - 1]
    return "points" if as_text(points) and float(points) > 0 else "no_points"  # type: ignore[arg-type]


def cell_text(class_position: object, finish_status: object) -> str:
    """The class position, or Ret (retired), DNS, NC (no class position) when it has none."""
    if as_text(class_position):
        return as_text(class_position)
    return SHORT_STATUS.get(as_text(finish_status), "NC")


@dataclass
class Cell:
    text: str  # '4', 'Ret'
    outcome: str  # a key of OUTCOMES
    points: str  # the points it scored ('17'), '' for none
    detail: str  # a line for a tooltip: what the result was
    pole: bool = False
    most_laps: bool = False
    exception: str = ""  # why the result is flagged (scored although a distance rule would strike it)


@dataclass
class Matrix:
    """Rows (teams or drivers, in championship order) by rounds; cells by (row name, round)."""

    kind: str  # 'teams' or 'drivers'
    class_code: str
    rows: pd.DataFrame  # name, position_label, points, note (car or teams), marked ('' or a word), extra columns
    rounds: pd.DataFrame  # the season's rounds (season_rounds)
    cells: dict[tuple[str, int], Cell]
    extra_columns: list[str]


def result_detail(row: object) -> str:
    """'#11, 4th, 17 points; retired after 36 laps' for a tooltip."""
    car = f"#{row.car_number}" if as_text(row.car_number) else "car not identified"  # type: ignore[attr-defined]
    position = (
        ordinal(int(row.class_position))  # type: ignore[attr-defined]
        if as_text(row.class_position)  # type: ignore[attr-defined]
        else "no class position"
    )
    status = status_text(row.finish_status, row.status_detail)  # type: ignore[attr-defined]
    laps = laps_text(row.laps, row.laps_at_most)  # type: ignore[attr-defined]
    return f"{car}, {position}, {points(row.points)}; {status}" + (  # type: ignore[attr-defined]
        f", {laps} laps" if laps and laps[0].isdigit() else f", {laps}" if laps else ""
    )


def team_matrix(query: Query, season: int, class_code: str, standings: Standings) -> Matrix:
    """The class's teams by rounds: each cell the result the team's points come from (its scoring car), else its
    best result; rows in championship order, then the teams that never scored."""
    results = query(
        "select result_key, round_number, team_name, car_number, class_position, points, finish_status, "
        "status_detail, laps, laps_at_most, is_team_scoring_result from marts.fct_race_results "
        "where season = ? and class_code = ?",
        (season, class_code),
    )
    flagged = distance_exceptions(query, season)
    poles = pole_rounds(query, season, class_code)
    pole_cells = set(zip(poles["team_name"], poles["round_number"].astype(int), strict=True))
    results = results.assign(
        scoring_first=~results["is_team_scoring_result"].astype(bool),
        unplaced=results["class_position"].isna(),
    ).sort_values(["scoring_first", "unplaced", "class_position"])
    cells: dict[tuple[str, int], Cell] = {}
    for row in results.drop_duplicates(["team_name", "round_number"]).itertuples():
        key = (str(row.team_name), int(row.round_number))
        cells[key] = Cell(
            text=cell_text(row.class_position, row.finish_status),
            outcome=outcome(row.class_position, row.points),
            points=as_text(row.points) if as_text(row.points) not in ("", "0") else "",
            detail=result_detail(row),
            pole=key in pole_cells,
            exception=flagged.get(str(row.result_key), ""),
        )
    table = standings.table
    rows = pd.DataFrame(
        {
            "name": table["Team"],
            "position_label": table["Pos"],
            "points": table["Points"],
            "note": table["Car"],
            "marked": ["champion" if team in standings.champions else "" for team in table["Team"]],
        }
    )
    cars = team_cars(query, season, class_code)
    others = pd.DataFrame(
        {
            "name": standings.not_scored,
            "position_label": [DASH] * len(standings.not_scored),
            "points": [DASH] * len(standings.not_scored),
            "note": [cars.get(team, "") for team in standings.not_scored],
            "marked": [""] * len(standings.not_scored),
        }
    )
    return Matrix(
        "teams",
        class_code,
        pd.concat([rows, others], ignore_index=True),
        season_rounds(query, season),
        cells,
        [],
    )


@dataclass
class PublishedDrivers:
    """The class's drivers' championship as published beside the computed table (marts.fct_driver_checkpoints)."""

    published_champions: list[str]  # published first after the season's last round ([] when none is recorded)
    computed_leaders: list[str]  # first in marts.fct_driver_standings
    champion_reasons: list[tuple[str, str]]  # (driver, documented reason) of the champion checkpoints that differ
    other_differences: list[tuple[int, str, str]]  # (after round, driver, reason) of the other differing ones
    checkpoints: int
    holding: int

    @property
    def agrees(self) -> bool:
        return bool(self.published_champions) and set(self.published_champions) == set(self.computed_leaders)


def published_drivers(query: Query, season: int, class_code: str, title: pd.Series | None) -> PublishedDrivers:
    checkpoints = query(
        "select after_round, driver_name, published_position, status, known_difference_reason "
        "from marts.fct_driver_checkpoints where season = ? and class_code = ? order by after_round, checkpoint_code",
        (season, class_code),
    )
    leaders = query(
        "select driver_name from marts.fct_driver_standings where season = ? and class_code = ? "
        "and championship_position = 1 order by display_order",
        (season, class_code),
    )["driver_name"].tolist()
    last = query(
        "select max(round_number) as last_round from marts.dim_rounds where season = ? and round_status = 'raced'",
        (season,),
    ).iloc[0, 0]
    complete = title is not None and bool(title.is_season_complete)
    final = checkpoints[
        (checkpoints["after_round"] == last) & (checkpoints["published_position"] == 1)
        if complete and as_text(last)
        else pd.Series(False, index=checkpoints.index)
    ]

    def why(row: object) -> str:
        return as_text(row.known_difference_reason) or (  # type: ignore[attr-defined]
            "No reason is recorded yet (marts.fct_driver_checkpoints status 'differs')."
        )

    champion_reasons = [(str(row.driver_name), why(row)) for row in final.itertuples() if row.status != "holds"]
    others = checkpoints.drop(index=final.index)
    other_differences = [
        (int(row.after_round), str(row.driver_name), why(row)) for row in others.itertuples() if row.status != "holds"
    ]
    return PublishedDrivers(
        published_champions=final["driver_name"].tolist(),
        computed_leaders=leaders,
        champion_reasons=champion_reasons,
        other_differences=other_differences,
        checkpoints=len(checkpoints),
        holding=int((checkpoints["status"] == "holds").sum()),
    )


def names_text(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def published_champion_sentence(record: PublishedDrivers, class_code: str, table: pd.DataFrame) -> str:
    """Said above the drivers' table whenever the published record names a champion: agreeing, or not and why."""
    if not record.published_champions:
        return ""
    published = names_text(record.published_champions)
    shared = " (co-champions)" if len(record.published_champions) > 1 else ""
    if record.agrees:
        return (
            f"Published {class_code} drivers' champion{'s' if shared else ''}: {published}{shared}, as computed here."
        )
    where = {str(row.Driver): (row.Pos, row.Points) for row in table.itertuples()}
    leaders = names_text(record.computed_leaders) if record.computed_leaders else "nobody"
    shown = "; ".join(
        f"{name} {where[name][0]} on {where[name][1]}" if name in where else f"{name} has no line in it"
        for name in record.published_champions
    )
    return (
        f"Published {class_code} drivers' champion{'s' if shared else ''}: {published}{shared}. The table below, "
        f"computed from the results the sources give, has {leaders} first ({shown}): it is not the published "
        "championship."
    )


def driver_matrix(
    query: Query, season: int, class_code: str, record: PublishedDrivers, title: pd.Series | None
) -> Matrix:
    """The class's drivers by rounds (marts.fct_driver_round_points: the car's class position and the round's
    points, bonus included; bold where a source names the driver's pole), rows as marts.fct_driver_standings."""
    standings_rows = query(
        "select position_label, driver_name, total_points, finishing_points, bonus_points, unchecked_bonus_points "
        "from marts.fct_driver_standings where season = ? and class_code = ? order by display_order",
        (season, class_code),
    )
    rounds = query(
        "select drivers.driver_name, drivers.round_number, drivers.team_name, drivers.car_number, "
        "drivers.class_position, drivers.total_points as points, drivers.pole_bonus_points, "
        "drivers.most_laps_bonus_points, results.result_key, results.finish_status, results.status_detail, "
        "results.laps, results.laps_at_most "
        "from marts.fct_driver_round_points as drivers left join marts.fct_race_results as results "
        "on results.season = drivers.season and results.round_number = drivers.round_number "
        "and results.class_code = drivers.class_code and results.car_key = drivers.car_key "
        "where drivers.season = ? and drivers.class_code = ? order by drivers.round_number",
        (season, class_code),
    )
    flagged = distance_exceptions(query, season)
    cells: dict[tuple[str, int], Cell] = {}
    for row in rounds.drop_duplicates(["driver_name", "round_number"]).itertuples():
        cells[(str(row.driver_name), int(row.round_number))] = Cell(
            text=cell_text(row.class_position, row.finish_status),
            outcome=outcome(row.class_position, row.points),
            points=as_text(row.points) if as_text(row.points) not in ("", "0") else "",
            detail=f"{row.team_name}, " + result_detail(row),
            pole=bool(row.pole_bonus_points and row.pole_bonus_points > 0),
            most_laps=bool(row.most_laps_bonus_points and row.most_laps_bonus_points > 0),
            exception=flagged.get(as_text(row.result_key), ""),
        )
    teams = {
        str(driver): " / ".join(dict.fromkeys(rows["team_name"].map(as_text)))
        for driver, rows in rounds.groupby("driver_name", sort=False)
    }
    complete = title is not None and bool(title.is_season_complete)
    marked = set(record.published_champions) if complete else set()
    word = "champion" if record.agrees else "published champion"
    rows = pd.DataFrame(
        {
            "name": standings_rows["driver_name"],
            "position_label": standings_rows["position_label"].map(as_text),
            "points": standings_rows["total_points"].map(as_text),
            "note": standings_rows["driver_name"].map(lambda driver: teams.get(driver, "")),
            "marked": [word if driver in marked else "" for driver in standings_rows["driver_name"]],
            "From finishes": standings_rows["finishing_points"].map(as_text),
            "Bonus": standings_rows["bonus_points"].map(as_text),
            "Bonus not checked (at most)": standings_rows["unchecked_bonus_points"].map(as_text),
        }
    )
    unscored = sorted(set(teams) - set(rows["name"]))
    others = pd.DataFrame(
        {
            "name": unscored,
            "position_label": [DASH] * len(unscored),
            "points": [DASH] * len(unscored),
            "note": [teams[driver] for driver in unscored],
            "marked": [word if driver in marked else "" for driver in unscored],
            "From finishes": [""] * len(unscored),
            "Bonus": [""] * len(unscored),
            "Bonus not checked (at most)": [""] * len(unscored),
        }
    )
    return Matrix(
        "drivers",
        class_code,
        pd.concat([rows, others], ignore_index=True),
        season_rounds(query, season),
        cells,
        ["From finishes", "Bonus", "Bonus not checked (at most)"],
    )


# The title race ------------------------------------------------------------------------------------------------

CHART_MEASURES = {"gap_to_leader": "Points behind the leader", "cumulative_points": "Points"}
LABEL_PX = 16  # the vertical room one end label needs
NARROW_PX = 520  # below this chart width the end labels carry the points only (the legend names the teams)
FIT_WIDTH_ONLY = alt.AutoSizeParams(type="fit-x", contains="padding")


def contenders(query: Query, season: int, class_code: str) -> int:
    """How many teams to chart by default: down to the lowest-placed team that led after some round (at least
    three, at most the palette's eight)."""
    lowest = query(
        "select max(standings.display_order) as lowest from marts.fct_team_standings as standings "
        "where standings.season = ? and standings.class_code = ? and exists ("
        "select 1 from marts.fct_championship_progression as progression where progression.season = standings.season "
        "and progression.class_code = standings.class_code and progression.team_name = standings.team_name "
        "and progression.position_after_round = 1)",
        (season, class_code),
    )
    value = lowest.iloc[0, 0]
    return max(3, min(MOST_TEAMS_CHARTED, 3 if pd.isna(value) else int(value)))


def progression_data(query: Query, season: int, class_code: str, teams: int) -> pd.DataFrame:
    """Points and points behind the leader after each round (marts.fct_championship_progression) of the top `teams`
    by final position, from 0 before round 1."""
    progression = query(
        "select progression.round_number, progression.team_name, progression.cumulative_points, "
        "progression.gap_to_leader, standings.display_order as final_order, standings.total_points as final_points "
        "from marts.fct_championship_progression as progression "
        "inner join marts.fct_team_standings as standings "
        "on progression.season = standings.season and progression.class_code = standings.class_code "
        "and progression.team_name = standings.team_name "
        "where progression.season = ? and progression.class_code = ? and standings.display_order <= ? "
        "order by standings.display_order, progression.round_number",
        (season, class_code, teams),
    )
    start = progression.drop_duplicates("team_name").assign(round_number=0, cumulative_points=0, gap_to_leader=0)
    data = pd.concat([start, progression], ignore_index=True)
    data["team_label"] = data["final_order"].astype(int).astype(str) + ". " + data["team_name"]
    return data.sort_values(["final_order", "round_number"], ignore_index=True)


def spread_labels(values: list[float], top: float, bottom: float, height: float, gap: float = LABEL_PX) -> list[float]:
    """Where to put labels for lines ending at `values` on a y scale drawn `height` pixels tall from `top` (its
    value at the top edge) to `bottom`: each as near its line's end as it can be, at least `gap` pixels from the
    next, none outside the plot. Returns the positions in data units, in the order given."""
    span = (top - bottom) or 1.0
    pixels = [(top - value) / span * height for value in values]
    order = sorted(range(len(values)), key=lambda index: (pixels[index], index))
    placed = [pixels[index] for index in order]
    for k in range(len(placed)):
        placed[k] = max(placed[k], gap / 2, placed[k - 1] + gap if k else gap / 2)
    if placed and placed[-1] > height - gap / 2:
        placed[-1] = height - gap / 2
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    result = [0.0] * len(values)
    for k, index in enumerate(order):
        result[index] = top - placed[k] / height * span
    return result


def end_labels(
    data: pd.DataFrame, measure: str, top: float, bottom: float, height: float, champions: set[str]
) -> pd.DataFrame:
    """One label per line at its last round ('KnightHawk Racing  202  (champion)', the points only where the chart is
    narrow), spread so that no two overlap."""
    ends = data.sort_values("round_number").groupby("team_label", sort=False).tail(1).copy()
    ends = ends.sort_values("final_order")
    ends["label_y"] = spread_labels([float(value) for value in ends[measure]], top, bottom, height)
    ends["label"] = [
        f"{team}  {as_text(total)}" + ("  (champion)" if team in champions else "")
        for team, total in zip(ends["team_name"], ends["cumulative_points"], strict=True)
    ]
    ends["short_label"] = [
        f"{order}. {as_text(total)}"
        for order, total in zip(ends["final_order"], ends["cumulative_points"], strict=True)
    ]
    return ends


def label_room(labels: list[str], width: int | None) -> float:
    """How far the x scale runs past the last round (a factor of it) so that the longest end label fits: for a
    chart of known width from the label's length (about 7 pixels a character at 12 px bold), else 1.4 (a wide
    container; narrow ones switch to short labels)."""
    if width is None:
        return 1.4
    plot = width - 70  # the y axis and its title
    room = 7.2 * max((len(label) for label in labels), default=10) + 16
    return 1 / max(0.35, 1 - room / plot)


def round_axis_labels(codes: dict[int, str], last_round: int) -> str:
    """A Vega expression naming each tick by its race code (0 is the start)."""
    names = ["", *[codes.get(number, f"R{number}") for number in range(1, last_round + 1)]]
    return "[" + ", ".join(repr(name) for name in names) + "][datum.value]"


def progression_chart(
    data: pd.DataFrame,
    title: pd.Series | None,
    codes: dict[int, str],
    measure: str = "gap_to_leader",
    width: int | None = None,
    height: int = 380,
) -> alt.LayerChart:
    """The title race after each round, by race code: points behind the leader (the leader's line on 0, at the top)
    or points (steps from 0 before round 1), coloured and ordered by final position, each line labelled at its end
    without overlap (the champion's marked and drawn thicker). The deciding round is marked only when the title was
    decided before the final round. width None fills the container (the dashboard); a number fixes it (the report)."""
    order = data.drop_duplicates("team_label")["team_label"].tolist()
    champions = champion_names(title)
    data = data.assign(is_champion=data["team_name"].isin(champions))
    palette = alt.Scale(domain=order, range=OKABE_ITO[: len(order)])
    colour = alt.Color(
        "team_label:N",
        title="Final position",
        sort=order,
        scale=palette,
        legend=alt.Legend(orient="bottom", columns=alt.ExprRef("narrow ? 1 : 2"), labelLimit=260),
    )
    last_round = int(data["round_number"].max())
    ends = end_labels(data, measure, 0.0, 1.0, height, champions)  # the label texts (their places come below)
    wide_end = last_round * label_room(ends["label"].tolist(), width)
    most = float(data[measure].max()) or 1.0
    domain_top = most * 1.04
    narrow = alt.param(name="narrow", expr=f"width < {NARROW_PX}")
    x = alt.X(
        "round_number:Q",
        title="After the race",
        scale=alt.Scale(
            domainMin=0,
            domainMax=alt.ExprRef(f"narrow ? {last_round + 1.8} : {wide_end:.2f}"),
            nice=False,
        ),
        axis=alt.Axis(
            values=list(range(last_round + 1)),
            labelAngle=0,
            labelExpr=round_axis_labels(codes, last_round),
            labelOverlap=False,
            labelFontSize=10,
        ),
    )
    if measure == "gap_to_leader":
        y_scale = alt.Scale(domain=[0, domain_top], reverse=True, nice=False)
        top, bottom = 0.0, domain_top
    else:
        y_scale = alt.Scale(domain=[0, domain_top], nice=False)
        top, bottom = domain_top, 0.0
    y = alt.Y(f"{measure}:Q", title=CHART_MEASURES[measure], scale=y_scale)
    base = alt.Chart(data).encode(x=x, y=y, color=colour)
    lines = base.mark_line(interpolate="step-after").encode(
        strokeWidth=alt.condition(alt.datum.is_champion, alt.value(4), alt.value(2)),
        tooltip=[
            alt.Tooltip("team_name:N", title="Team"),
            alt.Tooltip("round_number:Q", title="After round"),
            alt.Tooltip("cumulative_points:Q", title="Points"),
            alt.Tooltip("gap_to_leader:Q", title="Behind the leader"),
        ],
    )
    dots = base.mark_point(filled=True, size=45).encode(
        shape=alt.Shape(
            "team_label:N", sort=order, scale=alt.Scale(domain=order, range=SHAPES[: len(order)]), legend=None
        ),
    )
    labels = (
        alt.Chart(end_labels(data, measure, top, bottom, height, champions))
        .transform_calculate(shown="narrow ? datum.short_label : datum.label")
        .mark_text(align="left", dx=8, fontSize=12, fontWeight="bold", baseline="middle")
        .encode(
            x=x,
            y=alt.Y("label_y:Q", scale=y_scale),
            text="shown:N",
            color=alt.Color("team_label:N", scale=palette, legend=None),
        )
    )
    layers: list[alt.Chart] = [lines, dots, labels]
    if title is not None and not pd.isna(title.decided_after_round) and int(title.rounds_to_spare) > 0:
        decided = int(title.decided_after_round)
        marker = pd.DataFrame(
            {"round_number": [decided], "text": [f"Title decided after {codes.get(decided, f'R{decided}')}"]}
        )
        rule = alt.Chart(marker).mark_rule(strokeDash=[6, 4], color="#555555").encode(x="round_number:Q")
        # Above the plot, where no line runs: ending at the rule.
        note = (
            alt.Chart(marker)
            .mark_text(align="right", dx=4, baseline="bottom", color="#333333", fontSize=11)
            .encode(x="round_number:Q", y=alt.value(-4), text="text:N")
        )
        layers = [rule, note, *layers]
    # The x scale runs past the last round (its ticks stop there) to leave room for the end labels.
    chart = alt.layer(*layers).add_params(narrow)
    # fit-x: the width fits the container (or the report's page), the height is the plot's own, so the end labels'
    # spacing (in pixels of that height) holds.
    return chart.properties(width="container" if width is None else width, height=height, autosize=FIT_WIDTH_ONLY)


# The calendar ------------------------------------------------------------------------------------------------


def calendar(query: Query, season: int, classes: list[str]) -> pd.DataFrame:
    """One row per round: code, race, circuit, date, its status and each class's winner ('#23 Alex Job Racing');
    a cancelled round's reason (marts.dim_rounds), blank winners for a round not raced yet."""
    rounds = season_rounds(query, season)
    winners = query(
        "select round_number, class_code, car_number, team_name from marts.fct_race_winners where season = ?",
        (season,),
    )
    table = pd.DataFrame(
        {
            "Rd": rounds["round_number"].map(as_text),
            "Code": rounds["race_code"].map(as_text),
            "Race": rounds["race_name"].map(as_text),
            "Circuit": rounds["circuit"].map(as_text),
            "Date": rounds["race_date"].map(date_text),
            "status": rounds["round_status"],
            "reason": rounds["cancellation_reason"].map(as_text),
        }
    )
    for class_code in classes:
        won = winners[winners["class_code"] == class_code].set_index("round_number")
        table[f"{class_code} winner"] = [
            (f"#{won.at[n, 'car_number']} " if as_text(won.at[n, "car_number"]) else "") + str(won.at[n, "team_name"])
            if n in won.index
            else ""
            for n in rounds["round_number"]
        ]
    return table


# Races -------------------------------------------------------------------------------------------------------


def laps_text(laps: object, laps_at_most: object) -> str:
    if as_text(laps):
        return as_text(laps)
    if as_text(laps_at_most):
        bound = int(laps_at_most)  # type: ignore[call-overload]
        return "at most 1 lap" if bound == 1 else f"at most {bound} laps"
    return ""


def status_text(status: object, detail: object) -> str:
    words = STATUS_WORDS.get(as_text(status), as_text(status) or "not known")
    return f"{words} ({detail})" if as_text(detail) else words


def distance_exceptions(query: Query, season: int) -> dict[str, str]:
    """The results that scored under the official rules although a what-if's distance rule strikes them
    (marts.fct_scenario_race_results: struck or known short, official points above 0), by result_key, each with the
    sentence that flags it."""
    rows = query(
        "select results.result_key, results.laps, results.laps_at_most, results.distance_basis_laps, "
        "results.official_points, scenarios.scenario_name, scenarios.min_distance_fraction "
        "from marts.fct_scenario_race_results as results inner join marts.dim_scoring_scenarios as scenarios "
        "on results.scenario_code = scenarios.scenario_code "
        "where results.season = ? and not results.is_official_scenario and scenarios.min_distance_fraction > 0 "
        f"and results.distance_rule_outcome in {STRIKING_OUTCOMES} and results.official_points > 0 "
        "order by results.scenario_code",
        (season,),
    )
    flagged: dict[str, str] = {}
    for row in rows.itertuples():
        covered = (
            f"{as_text(row.laps)} of {as_text(row.distance_basis_laps)} laps"
            if as_text(row.laps)
            else f"at most {plural(int(row.laps_at_most), 'lap')} of {as_text(row.distance_basis_laps)}"
        )
        flagged.setdefault(
            str(row.result_key),
            f"Scored {points(row.official_points)} after {covered}: under \u201c{row.scenario_name}\u201d "
            f"(at least {float(row.min_distance_fraction):.0%} of the winner's distance) it would score none.",
        )
    return flagged


@dataclass
class Race:
    """One raced round: its facts, its results per class in class order, and what is said once about them."""

    round: pd.Series  # a row of season_rounds
    rounds_on_calendar: int
    classes: list[tuple[str, pd.DataFrame]]  # (class code, its results in readers' words)
    notes: list[str]


def race(query: Query, season: int, race_code: str) -> Race:
    """The race's results from marts.fct_race_results (each car's drivers from marts.fct_driver_round_points), per
    class in class order; gaps in the class positions and every 'not known' explained once."""
    rounds = season_rounds(query, season)
    about = rounds[rounds["race_code"] == race_code].iloc[0]
    results = query(
        "select results.result_key, results.class_code, results.class_position, results.car_number, "
        "results.team_name, drivers.drivers, results.laps, results.laps_at_most, results.finish_status, "
        "results.status_detail, results.points, results.is_team_scoring_result, results.evidence "
        "from marts.fct_race_results as results "
        "left join (select season, round_number, car_key, string_agg(driver_name, ' / ' order by driver_name) "
        "as drivers from marts.fct_driver_round_points group by season, round_number, car_key) as drivers "
        "on results.season = drivers.season and results.round_number = drivers.round_number "
        "and results.car_key = drivers.car_key "
        "where results.season = ? and results.round_number = ? "
        "order by results.class_order, results.class_position nulls last, results.team_name",
        (season, int(about.round_number)),
    )
    flagged = distance_exceptions(query, season)
    classes: list[tuple[str, pd.DataFrame]] = []
    gaps: list[str] = []
    for class_code, rows in results.groupby("class_code", sort=False):
        positions = {int(position) for position in rows["class_position"].dropna()}
        missing = [n for n in range(1, max(positions, default=0) + 1) if n not in positions]
        if missing:
            gaps.append(f"{class_code} {names_text([ordinal(n) for n in missing])}")
        classes.append(
            (
                str(class_code),
                pd.DataFrame(
                    {
                        "Pos": rows["class_position"].map(as_text),
                        "Car": rows["car_number"].map(lambda car: f"#{car}" if as_text(car) else ""),
                        "Team": rows["team_name"],
                        "Drivers": rows["drivers"].map(as_text),
                        "Laps": [
                            laps_text(laps, most) for laps, most in zip(rows["laps"], rows["laps_at_most"], strict=True)
                        ],
                        "Status": [
                            status_text(status, detail)
                            for status, detail in zip(rows["finish_status"], rows["status_detail"], strict=True)
                        ],
                        "Points": rows["points"].map(as_text),
                        "Counts for team": rows["is_team_scoring_result"].map(lambda scores: "yes" if scores else ""),
                        "Evidence": rows["evidence"].map(lambda code: EVIDENCE_WORDS.get(as_text(code), as_text(code))),
                        "Flag": rows["result_key"].map(lambda key: flagged.get(str(key), "")),
                    }
                ),
            )
        )
    notes = []
    if gaps:
        notes.append(
            f"Places with no result ({'; '.join(gaps)}): no source gives the car that finished there, so the "
            "positions jump."
        )
    unknowns = [
        "'not known': no source says whether the car was running at the finish."
        if (results["finish_status"] == "unknown").any()
        else "",
        "Laps are blank where no source gives them ('at most N laps' where one only says how early the car stopped)."
        if results["laps"].isna().any()
        else "",
        "A car number is blank where no source identifies the car." if results["car_number"].isna().any() else "",
    ]
    if any(unknowns):
        notes.append(" ".join(sentence for sentence in unknowns if sentence))
    if (~results["is_team_scoring_result"].astype(bool) & results["points"].gt(0)).any():
        notes.append("Points marked 'not counted' went to a team's second car: a team scores with its best car only.")
    return Race(about, len(rounds), classes, notes)


# What-if -----------------------------------------------------------------------------------------------------


def scenario_sentences(query: Query, season: int) -> pd.DataFrame:
    """The season's computed what-if scenarios: name and the one-line description from dim_scoring_scenarios."""
    return query(
        "select scenarios.scenario_name, scenarios.description from marts.dim_scoring_scenarios as scenarios "
        "where scenarios.scenario_code in (select summary.scenario_code from marts.fct_scenario_class_summary "
        "as summary where summary.season = ? and not summary.is_official_scenario) order by scenarios.scenario_code",
        (season,),
    )


def what_if_table(query: Query, season: int) -> pd.DataFrame:
    summary = query(
        "select scenario_name, class_code, champion_team_name, champion_total_points, official_champion_team_name, "
        "is_champion_changed, checked_label from marts.fct_scenario_class_summary "
        "where season = ? and not is_official_scenario order by scenario_code, class_order",
        (season,),
    )
    return pd.DataFrame(
        {
            "Scenario": summary["scenario_name"],
            "Class": summary["class_code"],
            "Champion under this rule": summary["champion_team_name"].map(as_text),
            "Champion's points under this rule": summary["champion_total_points"].map(as_text),
            "Official champion": summary["official_champion_team_name"].map(as_text),
            "Champion changes": summary["is_champion_changed"].map(
                lambda changed: "yes, new champion" if changed is True else "no"
            ),
            "Results the distance rule could test": summary["checked_label"],
        }
    )


# Evidence and reconciliation ---------------------------------------------------------------------------------


def evidence_heatmap(query: Query, season: int, width: int | None = None) -> alt.Chart:
    """Races (by code, down) x classes (across): the share of scoring cells whose class position is cross-checked
    by a source other than the published points. Upright and readable at any width."""
    cells = query(
        "select evidence.round_number, rounds.race_code, evidence.class_code, evidence.class_order, "
        "count(*) as cells, count(*) filter (where evidence.is_cross_checked) as cross_checked "
        "from marts.fct_team_round_evidence as evidence inner join marts.dim_rounds as rounds "
        "on evidence.season = rounds.season and evidence.round_number = rounds.round_number "
        "where evidence.season = ? group by all order by evidence.class_order, evidence.round_number",
        (season,),
    )
    cells["share"] = cells["cross_checked"] / cells["cells"]
    cells["label"] = cells["cross_checked"].astype(str) + " of " + cells["cells"].astype(str)
    class_order = cells.drop_duplicates("class_code")["class_code"].tolist()
    race_order = cells.sort_values("round_number").drop_duplicates("race_code")["race_code"].tolist()
    base = alt.Chart(cells).encode(
        x=alt.X("class_code:N", title=None, sort=class_order, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("race_code:N", title=None, sort=race_order),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title="Cross-checked",
            scale=alt.Scale(domain=[0, 1], scheme="blues"),
            legend=alt.Legend(format=".0%", orient="bottom"),
        ),
        tooltip=["class_code", "race_code", "cells", "cross_checked"],
    )
    text = base.mark_text(baseline="middle", fontSize=11).encode(
        text="label:N",
        color=alt.condition(alt.datum.share > 0.6, alt.value("white"), alt.value("black")),
    )
    return (heat + text).properties(
        width="container" if width is None else width, height=max(160, 26 * len(race_order)), autosize=FIT_WIDTH_ONLY
    )


STATUS_OF_CELLS = {
    "match": "Match",
    "documented_exception": "Known error in the published table (reviewed, sourced)",
    "mismatch": "Mismatch",
}


def reconciliation_statuses(query: Query, season: int) -> pd.DataFrame:
    counts = query(
        "select status, count(*) as cells from marts.fct_standings_reconciliation where season = ? "
        "group by status order by status desc",
        (season,),
    )
    return pd.DataFrame(
        {
            "Published cells": counts["status"].map(lambda status: STATUS_OF_CELLS.get(status, status)),
            "Cells": counts["cells"].map(as_text),
        }
    )


def reconciliation_exceptions(query: Query, season: int) -> pd.DataFrame:
    """The cells that differ from the published tables, each with the reason in words: a reason that only points
    at another exception ('See <code>: ...') is shown as that exception's own reason."""
    rows = query(
        "select class_code, team_name, measure, published_value, computed_value, status, exception_code, "
        "exception_reason from marts.fct_standings_reconciliation where season = ? and status != 'match' "
        "order by class_order, team_name, measure",
        (season,),
    )
    known = query(
        "select distinct exception_code, exception_reason from marts.fct_standings_reconciliation "
        "where exception_code is not null",
        (),
    )
    reasons = dict(zip(known["exception_code"], known["exception_reason"], strict=True))
    return pd.DataFrame(
        {
            "Class": rows["class_code"],
            "Team": rows["team_name"],
            "Cell": rows["measure"].map(measure_text),
            "Published": rows["published_value"].map(as_text),
            "Computed": rows["computed_value"].map(as_text),
            "Why they differ": [readable_reason(as_text(reason), reasons) for reason in rows["exception_reason"]],
        }
    )


def readable_reason(reason: str, reasons: dict[object, object]) -> str:
    for code, other in reasons.items():
        if isinstance(code, str) and code in reason and isinstance(other, str) and code not in other:
            return other
    return reason or "not known"
