"""A season's tables as HTML, shared by the dashboard (st.html) and the offline report: the standings, the results
matrices with their colour key, the calendar, a race's results per class and any plain table. Every value comes from
alms_tools.season_views (which reads the marts); this module only draws.

Each table carries `data-table` (what it is, e.g. `standings-GT`, `matrix-drivers-LMP675`, `race-WAS-GT`) and its
rows and cells carry what they show as data attributes, so the tests read the page as a reader would and compare it
with the marts. STYLE is the one stylesheet: wide screens, phones (a table of many columns stacks into labelled
lines below 640 px; a matrix scrolls sideways with its name and points pinned) and print.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

from alms_tools import season_views as views

# Results-matrix colours as fans know them from season articles (gold, silver, bronze, green for points, blue for a
# finish without points, purple for retired or not classified); the text in each cell says the same in words.
OUTCOME_COLOURS = {
    "win": "#FFE27A",
    "second": "#DCDCDC",
    "third": "#F2C38E",
    "points": "#CFF1CF",
    "no_points": "#CFD8FF",
    "out": "#E9CFF5",
}

STYLE = (
    """
.alms { font-size: 15px; line-height: 1.35; color: #1f2328; }
.alms table { border-collapse: collapse; margin: 0.3em 0 0.6em; font-variant-numeric: tabular-nums; }
.alms th, .alms td { padding: 4px 8px; border-bottom: 1px solid #e2e4e8; text-align: left; vertical-align: top;
                     overflow-wrap: break-word; word-break: normal; box-sizing: border-box; }
.alms thead th { font-weight: 600; color: #444; border-bottom: 2px solid #c8ccd2; background: #f6f7f9; }
.alms .num { text-align: right; white-space: nowrap; }
.alms small, .alms .sub { color: #5a6068; font-size: 0.8em; }
.alms .sub { display: block; }
.alms tr.champion td { font-weight: 600; }
.alms .star { color: #B8860B; }
.alms .note { color: #5a6068; font-size: 0.88em; margin: 0.2em 0 0.8em; }
.alms .code { font-weight: 700; letter-spacing: 0.02em; }
.alms .notice { background: #fff7e0; border-left: 4px solid #E69F00; padding: 6px 10px; margin: 0.4em 0 0.8em; }
.alms .notice p { margin: 0.2em 0; }
.alms ul.reasons { margin: 0.3em 0 0.6em 1.1em; padding: 0; }
.alms ul.reasons li { margin: 0.2em 0; }
.alms table.standings { min-width: min(100%, 34em); }
.alms table.plain { width: 100%; }
.alms tr.flagged td { background: #fff3d6; }
.alms td.cancelled-row { color: #7a4b00; font-style: italic; }
.alms table.plain td.nowrap { white-space: nowrap; }
.alms table.race { width: 100%; max-width: 54em; }
.alms table.race td.team { min-width: 9em; }

/* The results matrix: rows of teams or drivers, a column per race; name and points pinned when it scrolls. */
.alms .matrix-scroll { overflow-x: auto; max-width: 100%; margin: 0.3em 0 0.4em; }
.alms table.matrix { margin: 0; font-size: 0.93em; }
.alms table.matrix th, .alms table.matrix td { padding: 3px 4px; border: 1px solid #d7dadf; }
.alms table.matrix .name { position: sticky; left: 0; z-index: 2; background: #fff; width: 13em; min-width: 13em;
                           max-width: 13em; }
.alms table.matrix .total { position: sticky; left: 13em; z-index: 2; background: #fff; width: 3.4em;
                            min-width: 3.4em; text-align: right; font-weight: 700;
                            box-shadow: 2px 0 0 #c8ccd2; }
.alms table.matrix thead .name, .alms table.matrix thead .total { background: #f6f7f9; }
.alms table.matrix .pos { display: inline-block; min-width: 1.7em; color: #5a6068; }
.alms table.matrix th.round { text-align: center; min-width: 2.5em; }
.alms table.matrix th.round small { display: block; font-weight: 400; }
.alms table.matrix td.cell { text-align: center; min-width: 2.5em; white-space: nowrap; }
.alms table.matrix td.cell small { display: block; font-size: 0.72em; line-height: 1.1; color: #333; }
.alms table.matrix td.pole b { text-decoration: underline; }
.alms table.matrix td.most-laps b { font-style: italic; }
.alms .cancelled { background: repeating-linear-gradient(45deg, #e4e4e4, #e4e4e4 3px, #fff 3px, #fff 6px);
                   color: #7a4b00; }
.alms table.matrix .extra { text-align: right; white-space: nowrap; }
.alms table.matrix th.extra { white-space: normal; min-width: 4.5em; max-width: 7em; }
.alms .key { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 0.82em; color: #333; margin: 0.2em 0 0.8em; }
.alms .key span.swatch { display: inline-block; width: 1.1em; height: 1.1em; vertical-align: -0.2em;
                         border: 1px solid #b9bec5; margin-right: 4px; }
"""
    + "".join(f".alms .o-{name} {{ background: {colour}; }}\n" for name, colour in OUTCOME_COLOURS.items())
    + """
/* Phones: a table of many columns becomes one labelled line per cell; the matrix keeps its grid and scrolls. */
@media (max-width: 640px) {
  .alms { font-size: 14px; }
  .alms table.stack, .alms table.stack tbody, .alms table.stack tr, .alms table.stack td { display: block;
                                                                                          width: 100%; }
  .alms table.stack thead { display: none; }
  .alms table.stack tr { border-bottom: 1px solid #c8ccd2; padding: 4px 0; }
  .alms table.stack td { border: none; padding: 1px 4px; text-align: left; white-space: normal; }
  .alms table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: #5a6068; }
  .alms table.stack td:empty { display: none; }
  .alms table.standings { font-size: 0.92em; }
  .alms table.race td.num { white-space: normal; }
  .alms table.race td.team { min-width: 6.5em; }
  .alms table.race th, .alms table.race td { padding: 3px 4px; }
  .alms table.standings th, .alms table.standings td { padding: 3px 3px; }
  .alms table.matrix .name { width: 8.6em; min-width: 8.6em; max-width: 8.6em; }
  .alms table.matrix .total { left: 8.6em; width: 2.9em; min-width: 2.9em; }
  .alms table.matrix .name small { display: none; }
}

/* Print (the report's PDF, A4 or Letter): nothing scrolls, rows are never split. */
@media print {
  .alms .matrix-scroll { overflow: visible; }
  .alms table.matrix { font-size: 0.8em; }
  .alms table.matrix .name, .alms table.matrix .total { position: static; box-shadow: none; }
  .alms table.matrix .name { width: 11em; min-width: 11em; max-width: 11em; }
  .alms tr, .alms td, .alms th { break-inside: avoid; }
  .alms thead { display: table-header-group; }
  .alms .key, .alms .notice, .alms figure { break-inside: avoid; }
  .alms * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
)


def esc(value: object) -> str:
    return html.escape(views.as_text(value))


def is_number(text: str) -> bool:
    return text.rstrip("=").replace(".", "", 1).lstrip("-").isdigit() or text == views.DASH


def table(
    frame: pd.DataFrame,
    name: str,
    *,
    stack: bool = True,
    highlight: Iterable[bool] | None = None,
) -> str:
    """A DataFrame as a plain table: numbers right-aligned, every cell labelled for the phone layout; rows where
    `highlight` is true marked."""
    marks = list(highlight) if highlight is not None else [False] * len(frame)
    header = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for marked, row in zip(marks, frame.itertuples(index=False), strict=True):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            text = views.as_text(value)
            numeric = ' class="num"' if text and is_number(text) else ""
            cells.append(f'<td data-label="{html.escape(str(column))}"{numeric}>{html.escape(text)}</td>')
        rows.append(f"<tr{css_class('changed flagged', marked)}>{''.join(cells)}</tr>")
    classes = "plain stack" if stack else "plain"
    return (
        f'<table class="{classes}" data-table="{html.escape(name)}"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def css_class(name: str, when: bool) -> str:
    return f' class="{name}"' if when else ""


def wrap(*parts: str) -> str:
    """Fragments inside the one element the stylesheet styles."""
    return f'<div class="alms">{"".join(parts)}</div>'


# Standings ---------------------------------------------------------------------------------------------------

STAR = '<span class="star" title="Champion">\u2605</span> '


def standings_table(standings: views.Standings, class_code: str) -> str:
    """Pos, Team (its car beneath), Points, Behind, Wins, Podiums[, Poles]; the champion's row starred."""
    frame = standings.table
    numbers = [column for column in frame.columns if column not in ("Pos", "Team", "Car")]
    header = "<th>Pos</th><th>Team</th>" + "".join(f'<th class="num">{column}</th>' for column in numbers)
    rows = []
    for row in frame.to_dict("records"):
        champion = row["Team"] in standings.champions
        team = (STAR if champion else "") + esc(row["Team"])
        car = f'<span class="sub">{esc(row["Car"])}</span>' if row["Car"] else ""
        cells = "".join(f'<td class="num" data-column="{column}">{esc(row[column])}</td>' for column in numbers)
        rows.append(
            f'<tr data-team="{esc(row["Team"])}"{css_class("champion", champion)}>'
            f'<td class="num">{esc(row["Pos"])}</td><td>{team}{car}</td>{cells}</tr>'
        )
    return (
        f'<table class="standings" data-table="standings-{esc(class_code)}"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def standings_notes(standings: views.Standings) -> str:
    notes = [
        "Behind: points behind the leader after the last race. Wins and podiums count each car's class results "
        "(a team whose two cars finish first and second has one win and two podiums)."
    ]
    if standings.poles_note:
        notes.append(standings.poles_note)
    if standings.not_scored:
        notes.append(
            f"Also took part without scoring: {views.names_text(standings.not_scored)} (in the results matrix below)."
        )
    return f'<p class="note">{esc(" ".join(notes))}</p>'


# The results matrix ------------------------------------------------------------------------------------------


def round_header(row: object) -> str:
    status = row.round_status  # type: ignore[attr-defined]
    title = esc(f"Round {row.round_number}: {row.race_name}")  # type: ignore[attr-defined]
    extra = ""
    css = "round"
    if status == "cancelled":
        extra, css = "<small>cancelled</small>", "round cancelled"
    elif status == "scheduled":
        extra = "<small>to race</small>"
    return (
        f'<th class="{css}" data-round="{row.round_number}" title="{title}">'  # type: ignore[attr-defined]
        f'<span class="code">{esc(row.race_code)}</span>{extra}</th>'  # type: ignore[attr-defined]
    )


def matrix_cell(cell: views.Cell | None, round_number: int, status: str) -> str:
    if status == "cancelled":
        return f'<td class="cell cancelled" data-round="{round_number}" title="Cancelled"></td>'
    if cell is None:
        return f'<td class="cell" data-round="{round_number}"></td>'
    classes = ["cell", f"o-{cell.outcome}"]
    if cell.pole:
        classes.append("pole")
    if cell.most_laps:
        classes.append("most-laps")
    mark = "<sup>*</sup>" if cell.exception else ""
    detail = cell.detail + (" Pole." if cell.pole else "") + (f" {cell.exception}" if cell.exception else "")
    small = f"<small>{esc(cell.points)}</small>" if cell.points else ""
    return (
        f'<td class="{" ".join(classes)}" data-round="{round_number}" data-result="{esc(cell.text)}" '
        f'data-points="{esc(cell.points)}" data-outcome="{cell.outcome}" title="{esc(detail)}">'
        f"<b>{esc(cell.text)}</b>{mark}{small}</td>"
    )


def matrix_table(matrix: views.Matrix) -> str:
    """Rows by rounds, a race code heading each column (a cancelled race marked), each cell the class position (or
    Ret, DNS, NC) over the points it scored, coloured by the finish; the name and the points pinned on the left."""
    rounds = list(matrix.rounds.itertuples())
    who = "Team" if matrix.kind == "teams" else "Driver"
    header = (
        f'<th class="name">{who}</th><th class="total">Pts</th>'
        + "".join(round_header(row) for row in rounds)
        + "".join(f'<th class="extra">{esc(column)}</th>' for column in matrix.extra_columns)
    )
    body = []
    for row in matrix.rows.to_dict("records"):
        name = str(row["name"])
        star = STAR.replace("Champion", esc(row["marked"]).capitalize()) if row["marked"] else ""
        note = f'<small class="sub">{esc(row["note"])}</small>' if row["note"] else ""
        marked = f' data-marked="{esc(row["marked"])}"' if row["marked"] else ""
        cells = "".join(
            matrix_cell(matrix.cells.get((name, int(r.round_number))), int(r.round_number), r.round_status)
            for r in rounds
        )
        extra = "".join(f'<td class="extra">{esc(row[column])}</td>' for column in matrix.extra_columns)
        body.append(
            f'<tr data-name="{esc(name)}" data-position="{esc(row["position_label"])}"{marked}'
            f"{css_class('champion', row['marked'] == 'champion')}>"
            f'<td class="name"><span class="pos">{esc(row["position_label"])}</span>{star}{esc(name)}{note}</td>'
            f'<td class="total">{esc(row["points"])}</td>{cells}{extra}</tr>'
        )
    return (
        f'<div class="matrix-scroll"><table class="matrix" '
        f'data-table="matrix-{matrix.kind}-{esc(matrix.class_code)}"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def colour_key(matrix: views.Matrix) -> str:
    swatches = " ".join(
        f'<span><span class="swatch o-{name}"></span>{esc(words)}</span>' for name, words in views.OUTCOMES.items()
    )
    marks = [
        "<span>Big figure: class position (Ret retired, DNS did not start, NC no class position); small: points</span>",
        f"<span>{STAR}{'champion' if matrix.kind == 'teams' else 'drivers&#8217; champion (as published)'}</span>",
        "<span><b><u>1</u></b> pole (where a source names it)</span>",
    ]
    if matrix.kind == "drivers":
        marks.append("<span><b><i>1</i></b> most laps in the car (where a source says)</span>")
    if any(cell.exception for cell in matrix.cells.values()):
        marks.append("<span><b>*</b> scored, though the 70% distance rule as worded would strike it</span>")
    if (matrix.rounds["round_status"] == "cancelled").any():
        marks.append('<span><span class="swatch cancelled"></span>race cancelled</span>')
    return f'<div class="key" data-key="{matrix.kind}">{swatches} {" ".join(marks)}</div>'


def flagged_notes(matrix: views.Matrix) -> str:
    """One line per flagged cell under the matrix: which race and team, and why."""
    codes = views.race_codes(matrix.rounds)
    lines = [
        f"<li><b>{esc(codes.get(round_number, round_number))}, {esc(name)}</b>: {esc(cell.exception)}</li>"
        for (name, round_number), cell in sorted(matrix.cells.items(), key=lambda item: (item[0][1], item[0][0]))
        if cell.exception
    ]
    return f'<ul class="reasons note">{"".join(lines)}</ul>' if lines else ""


def cancelled_note(rounds: pd.DataFrame) -> str:
    cancelled = rounds[rounds["round_status"] == "cancelled"]
    if cancelled.empty:
        return ""
    sentences = " ".join(views.cancelled_sentence(row) for row in cancelled.itertuples())
    return f'<p class="note" data-cancelled="{len(cancelled)}">{esc(sentences)} Its column scores nothing.</p>'


def published_drivers_notice(record: views.PublishedDrivers, class_code: str, table: pd.DataFrame) -> str:
    """The published drivers' champion beside the computed table, with the documented reason when they differ,
    and the other published checkpoints this table does not reproduce."""
    parts = []
    sentence = views.published_champion_sentence(record, class_code, table)
    if sentence and not record.agrees:
        reasons = "".join(f"<li><b>{esc(name)}</b>: {esc(reason)}</li>" for name, reason in record.champion_reasons)
        parts.append(
            f'<div class="notice" data-published="differs"><p>{esc(sentence)}</p>'
            f'<p>Why they differ (documented):</p><ul class="reasons">{reasons}</ul></div>'
        )
    elif sentence:
        parts.append(f'<p class="note" data-published="agrees">{esc(sentence)}</p>')
    if record.other_differences:
        items = "".join(
            f"<li>After round {after}, <b>{esc(name)}</b>: {esc(reason)}</li>"
            for after, name, reason in record.other_differences
        )
        parts.append(
            f'<details class="note" data-published="checkpoints"><summary>{record.holding} of '
            f"{record.checkpoints} published {esc(class_code)} drivers' standings during the season hold here; "
            f"{len(record.other_differences)} do not, each for a documented reason</summary>"
            f'<ul class="reasons">{items}</ul></details>'
        )
    return "".join(parts)


# The calendar and the races --------------------------------------------------------------------------------------


def calendar_table(frame: pd.DataFrame, classes: list[str]) -> str:
    """Rd, Race (its code first), Circuit, Date, then each class's winner; a cancelled race says so, with its
    reason, across the winners' columns; a race still to run says that."""
    winners = [f"{class_code} winner" for class_code in classes]
    header = "".join(f"<th>{esc(column)}</th>" for column in ["Rd", "Race", "Circuit", "Date", *winners])
    rows = []
    for row in frame.to_dict("records"):
        cells = (
            f'<td data-label="Rd" class="num">{esc(row["Rd"])}</td>'
            f'<td data-label="Race"><span class="code">{esc(row["Code"])}</span> {esc(row["Race"])}</td>'
            f'<td data-label="Circuit">{esc(row["Circuit"])}</td>'
            f'<td data-label="Date" class="nowrap">{esc(row["Date"])}</td>'
        )
        if row["status"] == "cancelled":
            reason = f": {row['reason']}" if row["reason"] else ""
            cells += (
                f'<td class="cancelled-row" colspan="{max(1, len(winners))}" data-label="Result">'
                f"Cancelled{esc(reason)}</td>"
            )
        elif row["status"] == "scheduled":
            cells += f'<td colspan="{max(1, len(winners))}" data-label="Result">Still to race</td>'
        else:
            cells += "".join(f'<td data-label="{esc(column)}">{esc(row[column])}</td>' for column in winners)
        rows.append(f'<tr data-round="{esc(row["Rd"])}" data-status="{esc(row["status"])}">{cells}</tr>')
    return (
        f'<table class="plain stack" data-table="calendar"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def race_heading_text(race: views.Race) -> str:
    about = race.round
    return f"Round {about.round_number} of {race.rounds_on_calendar} · {about.race_code} · {about.race_name}"


def race_facts(race: views.Race) -> str:
    about = race.round
    laps = views.as_text(about.overall_winner_laps)
    facts = [
        views.as_text(about.circuit),
        views.date_text(about.race_date),
        "endurance race (its own points scale)" if about.race_type == "endurance" else "",
        f"the overall winner covered {laps} laps" if laps else "",
    ]
    return f'<p class="note">{esc(", ".join(fact for fact in facts if fact))}.</p>'


def race_tables(race: views.Race, heading: str = "h4") -> str:
    """Each class's results in class order: Pos, Car, Team (drivers beneath), Laps, Status (the evidence beneath),
    Points; a flagged result starred with its reason under the table; the notes said once, first."""
    parts = [race_facts(race)]
    if race.notes:
        parts.append('<ul class="reasons note">' + "".join(f"<li>{esc(note)}</li>" for note in race.notes) + "</ul>")
    code = views.as_text(race.round.race_code)
    for class_code, rows in race.classes:
        body = []
        flags = []
        for row in rows.to_dict("records"):
            drivers = f'<span class="sub">{esc(row["Drivers"])}</span>' if row["Drivers"] else ""
            evidence = f'<span class="sub">{esc(row["Evidence"])}</span>' if row["Evidence"] else ""
            counted = (
                '<span class="sub">not counted</span>'
                if row["Points"] not in ("", "0") and row["Counts for team"] != "yes"
                else ""
            )
            star = "<sup>*</sup>" if row["Flag"] else ""
            if row["Flag"]:
                flags.append(f"<li><b>{esc(row['Team'])}</b>: {esc(row['Flag'])}</li>")
            car = f'<span class="car">{esc(row["Car"])}</span> ' if row["Car"] else ""
            body.append(
                f'<tr data-team="{esc(row["Team"])}" data-car="{esc(row["Car"])}"'
                f"{css_class('flagged', bool(row['Flag']))}>"
                f'<td class="num" data-column="Pos">{esc(row["Pos"])}</td>'
                f'<td class="team" data-column="Team">{car}{esc(row["Team"])}{drivers}</td>'
                f'<td class="num" data-column="Laps">{esc(row["Laps"])}</td>'
                f'<td data-column="Status">{esc(row["Status"])}{evidence}</td>'
                f'<td class="num" data-column="Points">{esc(row["Points"])}{star}{counted}</td></tr>'
            )
        header = '<th class="num">Pos</th><th>Team</th><th class="num">Laps</th><th>Status</th><th class="num">Pts</th>'
        parts.append(
            f"<{heading}>{esc(class_code)}</{heading}>"
            f'<table class="plain race" data-table="race-{esc(code)}-{esc(class_code)}">'
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
        if flags:
            parts.append(f'<ul class="reasons note">{"".join(flags)}</ul>')
    return "".join(parts)
