"""Write a season's report as one self-contained HTML file: who won each class and how, the standings, the title
races as charts, wins and podiums, drivers, the calendar and the what-if rules.

    make report                        # the latest season, into reports/season_<year>.html
    .venv/bin/python scripts/season_report.py --season 2002 --output /tmp/alms-2002.html

The file opens offline in any browser and can be attached to a message or a pull request: the charts are inline SVG
rendered here (vl-convert, no browser, no network), the styles inline, no script. Every figure comes from the marts
of the warehouse (ALMS_DUCKDB_PATH, default warehouse/alms.duckdb), through the dashboard's own views
(alms_tools.season_views), opened read-only.
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
from alms_tools import season_views as views
from alms_tools.warehouse import WarehouseUnreadable, connect_read_only, unreadable_reason, warehouse_path

PROJECT_DIR = Path(__file__).resolve().parent.parent

STYLE = """
body { font-family: "Source Sans Pro", "Helvetica Neue", Arial, sans-serif; color: #222; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 2px solid #0072B2; } h3 { margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; }
tr.changed td { background: #FFD8A8; font-weight: bold; }
.headline { font-size: 1.1em; } .note { color: #666; font-size: 0.9em; }
figure { margin: 0.5em 0; } figure svg { max-width: 100%; height: auto; }
"""


class Warehouse:
    """The warehouse opened read-only for the report's queries (views.Query)."""

    def __init__(self, path: Path) -> None:
        self.connection = connect_read_only(path)

    def __call__(self, sql: str, parameters: tuple = ()) -> pd.DataFrame:
        return self.connection.execute(sql, list(parameters)).df()

    def close(self) -> None:
        self.connection.close()


def table_html(frame: pd.DataFrame, highlight: pd.Series | None = None) -> str:
    """A DataFrame as a plain HTML table; numbers right-aligned; rows where `highlight` is true marked."""
    header = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for index, row in enumerate(frame.itertuples(index=False)):
        cells = "".join(
            f'<td class="num">{html.escape(text)}</td>'
            if text.rstrip("=").isdigit()
            else f"<td>{html.escape(text)}</td>"
            for text in (views.as_text(value) for value in row)
        )
        marked = highlight is not None and bool(highlight.iloc[index])
        rows.append(f'<tr class="changed">{cells}</tr>' if marked else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def chart_svg(chart: object) -> str:
    """An Altair chart as inline SVG, rendered offline."""
    svg = vl_convert.vegalite_to_svg(chart.to_json())  # type: ignore[attr-defined]
    return f"<figure>{svg}</figure>"


def class_section(query: views.Query, season: int, title: pd.Series) -> str:
    class_code = title.class_code
    teams = min(views.contenders(query, season, class_code), int(title.teams_scoring))
    data = views.progression_data(query, season, class_code, teams)
    standings = views.standings_table(query, season, class_code).reset_index()
    return "\n".join(
        [
            f'<h2 id="{html.escape(class_code)}">{html.escape(class_code)}</h2>',
            f'<p class="headline"><strong>{html.escape(views.title_headline(title))}</strong> '
            f"{html.escape(views.title_decided_sentence(title))}</p>",
            "<h3>Team standings</h3>",
            table_html(standings),
            f"<h3>Title race (top {teams} by final position)</h3>",
            chart_svg(views.progression_chart(data, title, width=760, height=340)),
            "<h3>Wins and podiums</h3>",
            table_html(views.team_results(query, season, class_code)),
            "<h3>Drivers</h3>",
            table_html(views.driver_standings(query, season, class_code)),
            '<p class="note">Bonus: the pole and most-laps points a source settles. Bonus not checked: the points '
            "no source settles that could still be this driver's, so a driver's total is a lower bound.</p>",
        ]
    )


def what_if_section(query: views.Query, season: int) -> str:
    table = views.what_if_table(query, season)
    if table.empty:
        return "<h2>What if the rules were different</h2><p>No what-if scenario was computed in this build.</p>"
    sentences = "".join(
        f"<li><strong>{html.escape(row.scenario_name)}</strong>: {html.escape(views.as_text(row.description))}</li>"
        for row in views.scenario_sentences(query, season).itertuples()
    )
    return "\n".join(
        [
            "<h2>What if the rules were different</h2>",
            f"<ul>{sentences}</ul>",
            '<p class="note">A distance rule can only strike results whose laps are known: read each claim with its '
            "'N of M checked'. Untested results keep their points. A changed champion is highlighted.</p>",
            table_html(table, highlight=table["Champion changes"].str.startswith("yes")),
        ]
    )


def reconciliation_section(query: views.Query, season: int) -> str:
    statuses = views.reconciliation_statuses(query, season)
    if statuses.empty:
        return ""
    return "\n".join(
        [
            "<h2>Reconciliation with the published tables</h2>",
            table_html(statuses),
            table_html(views.reconciliation_exceptions(query, season)),
        ]
    )


def report_html(query: views.Query, season: int) -> str:
    about = views.seasons(query).set_index("season").loc[season]
    titles = views.class_titles(query, season)
    classes = titles["class_code"].tolist()
    parts = [
        f"<h1>{season} American Le Mans Series</h1>",
        f'<p class="note">Team championships computed from each car\'s class result, scored under '
        f"{html.escape(str(about.official_scenario_name))}. Report written "
        f"{datetime.now(UTC):%d %B %Y} from the project's warehouse.</p>",
    ]
    if titles.empty:
        parts.append(
            f"<p>No team has scored in {season} yet: the schedule is in the warehouse, the results are not.</p>"
        )
    else:
        parts += ["<h2>Who won, and how</h2>", table_html(views.champions_summary(titles))]
        parts += [class_section(query, season, pd.Series(row._asdict())) for row in titles.itertuples()]
    parts += ["<h2>Calendar and class winners</h2>", table_html(views.calendar(query, season, classes))]
    if not titles.empty:
        parts += [what_if_section(query, season), reconciliation_section(query, season)]
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{season} ALMS season report</title>'
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--season", type=int, help="the season (default: the latest in the warehouse)")
    parser.add_argument("--output", type=Path, help="the HTML file (default: reports/season_<season>.html)")
    parser.add_argument("--warehouse", help="the DuckDB file (default: ALMS_DUCKDB_PATH or warehouse/alms.duckdb)")
    arguments = parser.parse_args()
    path = warehouse_path(PROJECT_DIR, arguments.warehouse)
    try:
        query = Warehouse(path)
    except WarehouseUnreadable as problem:
        sys.exit(str(problem))
    try:
        seasons = views.seasons(query)["season"].tolist()
        season = arguments.season if arguments.season is not None else seasons[0]
        if season not in seasons:
            sys.exit(f"No season {season} in {path} (it has {', '.join(map(str, seasons))}).")
        page = report_html(query, season)
    except duckdb.Error as error:
        sys.exit(unreadable_reason(path, error))
    finally:
        query.close()
    output = arguments.output or PROJECT_DIR / "reports" / f"season_{season}.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    print(f"Wrote {output} ({len(page) // 1024} KiB): open it in a browser, offline.")


if __name__ == "__main__":
    main()
