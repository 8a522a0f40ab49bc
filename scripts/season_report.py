"""Write a season's report as a document: one self-contained HTML file and its PDF. Who won each class and how, one
standings table and a results matrix per class (teams and drivers), the title races as charts, the calendar, every
race's results per class, the what-if rules and the reconciliation, with a table of contents.

    make report                        # the latest season with results: reports/season_<year>.html and .pdf
    .venv/bin/python scripts/season_report.py --season 2002 --output /tmp/alms-2002.html --paper Letter

The HTML opens offline in any browser, phones included (viewport tag, tables that fit or scroll), and can be attached
to a message or a pull request: the charts are inline SVG rendered here (vl-convert, no browser, no network), the
styles inline, no script. The PDF (what previews inline in chat apps and on GitHub) is that file printed by the
machine's Chromium through Playwright (alms_tools.browser; offline, A4 or Letter, headings kept with their charts and
tables, rows never split); --no-pdf leaves it out. Every figure comes from the marts of the warehouse
(ALMS_DUCKDB_PATH, default warehouse/alms.duckdb), through the dashboard's own views (alms_tools.season_views and
season_html), opened read-only.
"""

from __future__ import annotations

import argparse
import html
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import vl_convert
from alms_tools import browser
from alms_tools import season_html as page
from alms_tools import season_views as views
from alms_tools.warehouse import WarehouseUnreadable, connect_read_only, unreadable_reason, warehouse_path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHART_WIDTH = 660

STYLE = """
body { font-family: "Source Sans Pro", "Helvetica Neue", Arial, sans-serif; color: #1f2328; max-width: 1100px;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { margin: 0 0 0.2em; font-size: 2em; } h2 { margin-top: 1.8em; border-bottom: 2px solid #0072B2; }
h3 { margin: 1.4em 0 0.4em; } h4 { margin: 1em 0 0.2em; }
a { color: #0072B2; }
.headline { font-size: 1.05em; }
nav.toc ol { columns: 2 18em; margin: 0.4em 0 1em; padding-left: 1.4em; }
nav.toc ol ol { columns: auto; padding-left: 1.1em; }
nav.toc li { break-inside: avoid; }
figure { margin: 0.4em 0; } figure svg { max-width: 100%; height: auto; }
section.keep { break-inside: avoid; }
h2, h3, h4 { break-after: avoid; }
@media (max-width: 640px) { body { margin: 0.8em auto; padding: 0 0.6em; } h1 { font-size: 1.6em; } }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2 { break-before: page; margin-top: 0; }
  h2.first, nav.toc h2 { break-before: auto; }
  a { color: inherit; text-decoration: none; }
  details > summary { list-style: none; }
}
"""


class Warehouse:
    """The warehouse opened read-only for the report's queries (views.Query)."""

    def __init__(self, path: Path) -> None:
        self.connection = connect_read_only(path)

    def __call__(self, sql: str, parameters: tuple = ()) -> pd.DataFrame:
        return self.connection.execute(sql, list(parameters)).df()

    def close(self) -> None:
        self.connection.close()


def esc(value: object) -> str:
    return html.escape(views.as_text(value))


def chart_svg(chart: object) -> str:
    """An Altair chart as inline SVG, rendered offline."""
    svg = vl_convert.vegalite_to_svg(chart.to_json())  # type: ignore[attr-defined]
    return f"<figure>{svg}</figure>"


def anchor(*parts: object) -> str:
    return "-".join(str(part).lower().replace(" ", "-") for part in parts)


def class_section(query: views.Query, season: int, title: pd.Series, rounds: pd.DataFrame) -> str:
    class_code = title.class_code
    standings = views.standings(query, season, class_code, title)
    teams = views.team_matrix(query, season, class_code, standings)
    shown = min(views.contenders(query, season, class_code), int(title.teams_scoring))
    data = views.progression_data(query, season, class_code, shown)
    chart = views.progression_chart(data, title, views.race_codes(rounds), width=CHART_WIDTH, height=300)
    record = views.published_drivers(query, season, class_code, title)
    drivers = views.driver_matrix(query, season, class_code, record, title)
    listed = pd.DataFrame(
        {"Driver": drivers.rows["name"], "Pos": drivers.rows["position_label"], "Points": drivers.rows["points"]}
    )
    notice = page.published_drivers_notice(record, class_code, listed).replace("<details ", "<details open ")
    return "\n".join(
        [
            f'<h2 id="{anchor(class_code)}">{esc(class_code)}</h2>',
            f'<p class="headline"><strong>{esc(views.title_headline(title))}</strong> '
            f"{esc(views.title_decided_sentence(title))}</p>",
            f'<h3 id="{anchor(class_code, "standings")}">{esc(class_code)} team standings</h3>',
            page.standings_table(standings, class_code),
            page.standings_notes(standings),
            f'<section class="keep"><h3 id="{anchor(class_code, "title-race")}">{esc(class_code)} title race: points '
            f"behind the leader (top {shown} by final position)</h3>{chart_svg(chart)}</section>",
            f'<h3 id="{anchor(class_code, "results")}">{esc(class_code)} team results by race</h3>',
            page.matrix_table(teams),
            page.colour_key(teams),
            page.flagged_notes(teams),
            f'<h3 id="{anchor(class_code, "drivers")}">{esc(class_code)} drivers</h3>',
            notice,
            page.matrix_table(drivers),
            page.colour_key(drivers),
            '<p class="note">Points include the pole and most-laps bonus points a source settles. Bonus not '
            "checked: the points no source settles that could still be the driver's, so a driver's total is a lower "
            "bound.</p>",
        ]
    )


def races_section(query: views.Query, season: int, rounds: pd.DataFrame) -> tuple[str, list[tuple[str, str]]]:
    raced = rounds[rounds["round_status"] == "raced"]
    parts = ['<h2 id="races">Race by race</h2>']
    contents = []
    for index, code in enumerate(raced["race_code"]):
        race = views.race(query, season, str(code))
        heading = page.race_heading_text(race)
        contents.append((anchor("race", code), f"{code} · {race.round.race_name}"))
        parts.append(
            f'<section class="race{" first" if index == 0 else ""}">'
            f'<h3 id="{anchor("race", code)}">{esc(heading)}</h3>{page.race_tables(race)}</section>'
        )
    cancelled = rounds[rounds["round_status"] == "cancelled"]
    if not cancelled.empty:
        parts.append(page.cancelled_note(rounds))
    return "\n".join(parts), contents


def what_if_section(query: views.Query, season: int) -> str:
    table = views.what_if_table(query, season)
    if table.empty:
        return '<h2 id="what-if">What if the rules were different</h2><p>No what-if scenario was computed.</p>'
    sentences = "".join(
        f"<li><strong>{esc(row.scenario_name)}</strong>: {esc(row.description)}</li>"
        for row in views.scenario_sentences(query, season).itertuples()
    )
    return "\n".join(
        [
            '<h2 id="what-if">What if the rules were different</h2>',
            f"<ul>{sentences}</ul>",
            '<p class="note">A distance rule can only strike results whose laps are known: read each claim with its '
            "'N of M checked'. Untested results keep their points. A changed champion is highlighted.</p>",
            page.table(table, "what-if", highlight=table["Champion changes"].str.startswith("yes")),
        ]
    )


def reconciliation_section(query: views.Query, season: int) -> str:
    statuses = views.reconciliation_statuses(query, season)
    if statuses.empty:
        return ""
    return "\n".join(
        [
            '<h2 id="reconciliation">Reconciliation with the published tables</h2>',
            page.table(statuses, "reconciliation"),
            page.table(views.reconciliation_exceptions(query, season), "reconciliation-exceptions"),
        ]
    )


def contents_html(entries: list[tuple[str, str, list[tuple[str, str]]]]) -> str:
    items = []
    for target, text, children in entries:
        inner = "".join(f'<li><a href="#{child}">{esc(words)}</a></li>' for child, words in children)
        items.append(f'<li><a href="#{target}">{esc(text)}</a>' + (f"<ol>{inner}</ol>" if inner else "") + "</li>")
    return f'<nav class="toc"><h2 id="contents">Contents</h2><ol>{"".join(items)}</ol></nav>'


def report_html(query: views.Query, season: int) -> str:
    about = views.seasons(query).set_index("season").loc[season]
    rounds = views.season_rounds(query, season)
    titles = views.class_titles(query, season)
    classes = titles["class_code"].tolist()
    intro = [
        f"<h1>{season} American Le Mans Series</h1>",
        f'<p class="note">{esc(views.plural(len(rounds), "race"))} · {esc(views.plural(len(classes), "class"))} · '
        f"team championships computed from each car's class result, scored under "
        f"{esc(about.official_scenario_name)}. Report written {datetime.now(UTC):%d %B %Y} from the project's "
        "warehouse.</p>",
    ]
    body: list[str] = []
    contents: list[tuple[str, str, list[tuple[str, str]]]] = []
    if titles.empty:
        body.append(f"<p>{esc(views.season_without_results(season, rounds))}</p>")
    else:
        contents.append(("who-won", "Who won, and how", []))
        body += [
            '<h2 id="who-won" class="first">Who won, and how</h2>',
            page.table(views.champions_summary(titles), "champions"),
            page.cancelled_note(rounds),
        ]
        for row in titles.itertuples():
            title = pd.Series(row._asdict())
            code = title.class_code
            contents.append(
                (
                    anchor(code),
                    code,
                    [
                        (anchor(code, "standings"), "Team standings"),
                        (anchor(code, "title-race"), "Title race"),
                        (anchor(code, "results"), "Team results by race"),
                        (anchor(code, "drivers"), "Drivers"),
                    ],
                )
            )
            body.append(class_section(query, season, title, rounds))
    contents.append(("calendar", "Calendar and class winners", []))
    body += [
        '<h2 id="calendar">Calendar and class winners</h2>',
        page.calendar_table(views.calendar(query, season, classes), classes),
    ]
    if not titles.empty:
        races, race_contents = races_section(query, season, rounds)
        contents.append(("races", "Race by race", race_contents))
        body.append(races)
        contents.append(("what-if", "What if the rules were different", []))
        body.append(what_if_section(query, season))
        reconciliation = reconciliation_section(query, season)
        if reconciliation:
            contents.append(("reconciliation", "Reconciliation with the published tables", []))
            body.append(reconciliation)
    document = "\n".join([*intro, contents_html(contents) if contents else "", *body])
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{season} ALMS season report</title>"
        f"<style>{STYLE}{page.STYLE}</style></head><body>\n{page.wrap(document)}\n</body></html>\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--season", type=int, help="the season (default: the latest with results)")
    parser.add_argument("--output", type=Path, help="the HTML file (default: reports/season_<season>.html)")
    parser.add_argument("--warehouse", help="the DuckDB file (default: ALMS_DUCKDB_PATH or warehouse/alms.duckdb)")
    parser.add_argument("--paper", choices=["A4", "Letter"], default="A4", help="the PDF's paper (default A4)")
    parser.add_argument("--no-pdf", dest="pdf", action="store_false", help="write the HTML only")
    arguments = parser.parse_args()
    path = warehouse_path(PROJECT_DIR, arguments.warehouse)
    try:
        query = Warehouse(path)
    except WarehouseUnreadable as problem:
        sys.exit(str(problem))
    try:
        seasons = views.seasons(query)
        listed = [int(season) for season in seasons["season"]]
        season = arguments.season if arguments.season is not None else views.default_season(seasons)
        if season not in listed:
            sys.exit(f"No season {season} in {path} (it has {', '.join(map(str, listed))}).")
        document = report_html(query, season)
    except duckdb.Error as error:
        sys.exit(unreadable_reason(path, error))
    finally:
        query.close()
    output = arguments.output or PROJECT_DIR / "reports" / f"season_{season}.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document, encoding="utf-8")
    print(f"Wrote {output} ({len(document) // 1024} KiB): open it in a browser, offline.")
    if arguments.pdf:
        pdf = output.with_suffix(".pdf")
        try:
            browser.print_pdf(output, pdf, arguments.paper)
        except browser.BrowserMissing as problem:
            sys.exit(f"No PDF written: {problem}")
        print(f"Wrote {pdf} ({pdf.stat().st_size // 1024} KiB, {arguments.paper}): the same report, printed.")


if __name__ == "__main__":
    main()
