"""A season as a fan reads it, shared by the dashboard (dashboard/app.py) and the offline report
(scripts/season_report.py): each function reads marts only and returns a table in readers' words or a chart.

Nothing here computes a figure a mart should hold: champions, margins, deciding rounds, wins and podiums come from
marts.fct_class_titles and marts.fct_team_season_results. What is done here is presentation: column names, a blank
for an unknown, a sentence from a row, a colour per team, a label's position on a chart.
"""

from __future__ import annotations

from collections.abc import Callable

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


def as_text(value: object) -> str:
    """A cell as shown: blank for a missing value (never 'None' or 'nan'), whole numbers without '.0'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def seasons(query: Query) -> pd.DataFrame:
    return query(
        "select season, official_scenario_name, rounds_on_calendar, first_race_date, last_race_date, "
        "has_published_standings from marts.dim_seasons order by season desc",
        (),
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


def standings_table(query: Query, season: int, class_code: str) -> pd.DataFrame:
    rounds = query("select round_number from marts.dim_rounds where season = ? order by round_number", (season,))
    round_columns = {f"round_{n}_points": f"Rd {n}" for n in rounds["round_number"]}
    table = query(
        "select position_label, team_name, " + ", ".join(round_columns) + ", total_points "
        "from marts.fct_team_standings where season = ? and class_code = ? order by display_order",
        (season, class_code),
    )
    table = table.rename(
        columns={"position_label": "Pos", "team_name": "Team", "total_points": "Total", **round_columns}
    )
    for column in [*round_columns.values(), "Total"]:
        table[column] = table[column].map(as_text)
    return table.set_index("Pos")


# Progression -------------------------------------------------------------------------------------------------


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
    """Cumulative points per round of the top `teams` by final position, from 0 before round 1."""
    progression = query(
        "select progression.round_number, progression.team_name, progression.cumulative_points, "
        "standings.display_order as final_order, standings.total_points as final_points "
        "from marts.fct_championship_progression as progression "
        "inner join marts.fct_team_standings as standings "
        "on progression.season = standings.season and progression.class_code = standings.class_code "
        "and progression.team_name = standings.team_name "
        "where progression.season = ? and progression.class_code = ? and standings.display_order <= ? "
        "order by standings.display_order, progression.round_number",
        (season, class_code, teams),
    )
    start = progression.drop_duplicates("team_name").assign(round_number=0, cumulative_points=0)
    data = pd.concat([start, progression], ignore_index=True)
    data["team_label"] = data["final_order"].astype(int).astype(str) + ". " + data["team_name"]
    return data.sort_values(["final_order", "round_number"], ignore_index=True)


def end_labels(data: pd.DataFrame, min_gap: float, champions: set[str]) -> pd.DataFrame:
    """One label per line at its last round ('Team 243', the champion's marked), nudged apart vertically so close
    finishers stay legible."""
    ends = data.sort_values("round_number").groupby("team_label", sort=False).tail(1)
    ends = ends.sort_values(["cumulative_points", "final_order"], ascending=[False, True]).copy()
    positions: list[float] = []
    for value in ends["cumulative_points"]:
        y = float(value)
        if positions and positions[-1] - y < min_gap:
            y = positions[-1] - min_gap
        positions.append(y)
    ends["label_y"] = positions
    ends["label"] = [
        f"{team}  {as_text(total)}" + ("  (champion)" if team in champions else "")
        for team, total in zip(ends["team_name"], ends["cumulative_points"], strict=True)
    ]
    return ends


def champion_names(title: pd.Series | None) -> set[str]:
    if title is None or not title.is_season_complete or not as_text(title.champion_team_name):
        return set()
    return set(str(title.champion_team_name).split(" and "))


def progression_chart(
    data: pd.DataFrame, title: pd.Series | None, width: int | None = None, height: int = 380
) -> alt.LayerChart:
    """Steps from 0 before round 1 (points change only at a race, never dip below 0), coloured and ordered by final
    position, each line labelled at its end (the champion's marked and drawn thicker), the deciding round marked.
    width None fills the container (the dashboard); a number fixes it (the report)."""
    order = data.drop_duplicates("team_label")["team_label"].tolist()
    champions = champion_names(title)
    data = data.assign(is_champion=data["team_name"].isin(champions))
    palette = alt.Scale(domain=order, range=OKABE_ITO[: len(order)])
    colour = alt.Color(
        "team_label:N",
        title="Final position",
        sort=order,
        scale=palette,
        legend=alt.Legend(orient="bottom", columns=2, labelLimit=400),
    )
    last_round = int(data["round_number"].max())
    top = float(data["cumulative_points"].max()) or 1.0
    x = alt.X(
        "round_number:Q",
        title="After round",
        scale=alt.Scale(domainMin=0, domainMax=last_round * 1.35, nice=False),
        axis=alt.Axis(values=list(range(last_round + 1)), labelAngle=0, format="d"),
    )
    y = alt.Y("cumulative_points:Q", title="Points", scale=alt.Scale(domainMin=0))
    base = alt.Chart(data).encode(x=x, y=y, color=colour)
    lines = base.mark_line(interpolate="step-after").encode(
        strokeWidth=alt.condition(alt.datum.is_champion, alt.value(4), alt.value(2)),
        tooltip=[
            alt.Tooltip("team_name:N", title="Team"),
            alt.Tooltip("round_number:Q", title="After round"),
            alt.Tooltip("cumulative_points:Q", title="Points"),
        ],
    )
    dots = base.mark_point(filled=True, size=45).encode(
        shape=alt.Shape(
            "team_label:N", sort=order, scale=alt.Scale(domain=order, range=SHAPES[: len(order)]), legend=None
        ),
    )
    labels = (
        alt.Chart(end_labels(data, top * 0.06, champions))
        .mark_text(align="left", dx=8, fontSize=12, fontWeight="bold")
        .encode(x=x, y=alt.Y("label_y:Q"), text="label:N", color=alt.Color("team_label:N", scale=palette, legend=None))
    )
    layers: list[alt.Chart] = [lines, dots, labels]
    if title is not None and not pd.isna(title.decided_after_round):
        decided = pd.DataFrame(
            {
                "round_number": [int(title.decided_after_round)],
                "text": [f"Title decided after round {int(title.decided_after_round)}"],
            }
        )
        rule = alt.Chart(decided).mark_rule(strokeDash=[6, 4], color="#555555").encode(x="round_number:Q")
        note = (
            alt.Chart(decided)
            .mark_text(align="right", dx=-4, dy=-6, baseline="bottom", color="#333333")
            .encode(x="round_number:Q", y=alt.value(12), text="text:N")
        )
        layers = [rule, note, *layers]
    # The x scale runs past the last round (its ticks stop there) to leave room for the end labels.
    return alt.layer(*layers).properties(width="container" if width is None else width, height=height)


# Drivers, calendar, teams ------------------------------------------------------------------------------------


def driver_standings(query: Query, season: int, class_code: str) -> pd.DataFrame:
    table = query(
        'select position_label as "Pos", driver_name as "Driver", total_points as "Points", '
        'finishing_points as "From finishes", bonus_points as "Bonus", '
        'unchecked_bonus_points as "Bonus not checked (at most)", rounds_credited as "Races scored" '
        "from marts.fct_driver_standings where season = ? and class_code = ? order by display_order",
        (season, class_code),
    )
    return table.map(as_text)


def calendar(query: Query, season: int, classes: list[str]) -> pd.DataFrame:
    """One row per round: date, race, circuit and each class's winner ('#23 Alex Job Racing'), blank if not raced."""
    rounds = query(
        "select round_number, race_date, race_name, circuit from marts.dim_rounds where season = ? "
        "order by round_number",
        (season,),
    )
    winners = query(
        "select round_number, class_code, car_number, team_name, drivers from marts.fct_race_winners where season = ?",
        (season,),
    )
    table = pd.DataFrame(
        {
            "Rd": rounds["round_number"].map(as_text),
            "Date": rounds["race_date"].map(lambda day: day.strftime("%-d %b %Y") if not pd.isna(day) else ""),
            "Race": rounds["race_name"].map(as_text),
            "Circuit": rounds["circuit"].map(as_text),
        }
    )
    for class_code in classes:
        won = winners[winners["class_code"] == class_code].set_index("round_number")
        cells = [
            f"#{won.at[n, 'car_number']} {won.at[n, 'team_name']}" if n in won.index else ""
            for n in rounds["round_number"]
        ]
        table[f"{class_code} winner"] = cells
    return table


def team_results(query: Query, season: int, class_code: str) -> pd.DataFrame:
    table = query(
        'select position_label as "Pos", team_name as "Team", total_points as "Points", '
        'class_wins as "Wins", podium_finishes as "Podiums", results_reported as "Results", '
        'best_class_position as "Best finish" '
        "from marts.fct_team_season_results where season = ? and class_code = ? "
        "order by championship_position nulls last, team_name",
        (season, class_code),
    )
    return table.map(as_text)


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


def race_results(query: Query, season: int, round_number: int) -> pd.DataFrame:
    """The round's results in readers' words; each car's drivers from fct_driver_round_points."""
    results = query(
        "select results.class_code, results.class_position, results.car_number, results.team_name, "
        "drivers.drivers, results.laps, results.laps_at_most, results.finish_status, results.status_detail, "
        "results.points, results.is_team_scoring_result, results.evidence "
        "from marts.fct_race_results as results "
        "left join (select season, round_number, car_key, string_agg(driver_name, ' / ' order by driver_name) "
        "as drivers from marts.fct_driver_round_points group by season, round_number, car_key) as drivers "
        "on results.season = drivers.season and results.round_number = drivers.round_number "
        "and results.car_key = drivers.car_key "
        "where results.season = ? and results.round_number = ? "
        "order by results.class_order, results.class_position nulls last, results.team_name",
        (season, round_number),
    )
    return pd.DataFrame(
        {
            "Class": results["class_code"],
            "Pos": results["class_position"].map(as_text),
            "Car": results["car_number"].map(lambda car: f"#{car}" if as_text(car) else ""),
            "Team": results["team_name"],
            "Drivers": results["drivers"].map(as_text),
            "Laps": [
                laps_text(laps, most) for laps, most in zip(results["laps"], results["laps_at_most"], strict=True)
            ],
            "Status": [
                status_text(s, d) for s, d in zip(results["finish_status"], results["status_detail"], strict=True)
            ],
            "Points": results["points"].map(as_text),
            "Counts for team": results["is_team_scoring_result"].map(lambda scores: "yes" if scores else ""),
            "Evidence": results["evidence"].map(lambda code: EVIDENCE_WORDS.get(as_text(code), as_text(code))),
        }
    )


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


def evidence_heatmap(query: Query, season: int) -> alt.Chart:
    """Rounds x classes: the share of scoring cells whose class position is cross-checked by a source other than
    the published points."""
    cells = query(
        "select round_number, class_code, class_order, count(*) as cells, "
        "count(*) filter (where is_cross_checked) as cross_checked "
        "from marts.fct_team_round_evidence where season = ? group by all order by class_order, round_number",
        (season,),
    )
    cells["share"] = cells["cross_checked"] / cells["cells"]
    cells["label"] = cells["cross_checked"].astype(str) + "/" + cells["cells"].astype(str)
    class_order = cells.drop_duplicates("class_code")["class_code"].tolist()
    base = alt.Chart(cells).encode(
        x=alt.X("round_number:O", title="Round", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("class_code:N", title="Class", sort=class_order),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title="Cross-checked",
            scale=alt.Scale(domain=[0, 1], scheme="blues"),
            legend=alt.Legend(format=".0%"),
        ),
        tooltip=["class_code", "round_number", "cells", "cross_checked"],
    )
    text = base.mark_text(baseline="middle").encode(
        text="label:N",
        color=alt.condition(alt.datum.share > 0.6, alt.value("white"), alt.value("black")),
    )
    return (heat + text).properties(height=max(160, 40 * len(class_order)))


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
