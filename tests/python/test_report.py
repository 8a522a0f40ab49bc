"""`make report` writes one self-contained HTML season report: the standings and what-ifs from the marts, the title
races as inline SVG, nothing fetched from a network when it is opened."""

from __future__ import annotations

import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import make_checkout

pytestmark = pytest.mark.slow  # reads the warehouse the session builds


class Page(HTMLParser):
    """The report's tables (rows of cell texts), its highlighted rows and every tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.changed_rows: list[list[str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.row_changed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row, self.row_changed = [], dict(attrs).get("class") == "changed"
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            if self.row_changed:
                self.changed_rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def mart(warehouse: Path, sql: str) -> pd.DataFrame:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return connection.execute(sql).df()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def report(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Page]:
    """`make report` on a checkout, as a user runs it, into a file outside the project."""
    checkout = make_checkout(tmp_path_factory.mktemp("report") / "project")
    output = checkout.parent / "season_2002.html"
    completed = subprocess.run(
        ["make", "report", f"REPORT_ARGS=--season 2002 --warehouse {warehouse} --output {output}"],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"Wrote {output}" in completed.stdout
    text = output.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    return text, page


def test_the_report_holds_every_class_table_as_in_the_marts(report: tuple[str, Page], warehouse: Path) -> None:
    _, page = report
    standings = mart(
        warehouse,
        "select class_code, position_label, team_name, total_points "
        "from marts.fct_team_standings where season = 2002 order by class_order, display_order",
    )
    tables = [table for table in page.tables if table[0][:2] == ["Pos", "Team"] and table[0][-1] == "Total"]
    assert len(tables) == 4
    for table, (_, expected) in zip(tables, standings.groupby("class_code", sort=False), strict=True):
        assert [[row[0], row[1], row[-1]] for row in table[1:]] == expected[
            ["position_label", "team_name", "total_points"]
        ].astype(str).values.tolist()
    titles = mart(
        warehouse,
        "select class_code, champion_team_name, champion_total_points, margin_points "
        "from marts.fct_class_titles where season = 2002 order by class_order",
    )
    summary = page.tables[0]
    assert summary[0][:5] == ["Class", "Champion", "Points", "Runner-up", "Margin"]
    assert [[row[0], row[1], row[2], row[4]] for row in summary[1:]] == titles.astype(str).values.tolist()


def test_the_report_charts_each_title_race_as_inline_svg(report: tuple[str, Page]) -> None:
    text, _ = report
    assert len(re.findall(r"<figure><svg\b", text)) == 4
    assert ">KnightHawk Racing  202  (champion)</text>" in text  # each line labelled at its end, champion named
    assert "Title decided after round 9" in text  # LMP900's deciding round, marked on its chart


def test_the_report_opens_offline(report: tuple[str, Page]) -> None:
    """No script, stylesheet, image or font fetched from anywhere: the page is one file."""
    _, page = report
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "iframe", "img")]
    fetched = [
        (tag, value)
        for tag, attrs in page.tags
        for name, value in attrs.items()
        if name in ("src", "href") and value and re.match(r"(https?:)?//", value)
    ]
    assert fetched == []
    assert "@import" not in report[0] and "url(" not in report[0]


def test_the_report_flags_the_what_ifs_that_change_a_champion(report: tuple[str, Page], warehouse: Path) -> None:
    _, page = report
    changed = mart(
        warehouse,
        "select scenario_name, class_code, champion_team_name, champion_total_points "
        "from marts.fct_scenario_class_summary where season = 2002 and is_champion_changed "
        "order by scenario_code, class_order",
    )
    assert [row[:4] for row in page.changed_rows] == changed.astype(str).values.tolist()
    assert ["20-16-13-10-8-6-4-3-2-1 with countback", "LMP675", "Archangel Motorsports", "134"] in [
        row[:4] for row in page.changed_rows
    ]
    descriptions = mart(
        warehouse, "select description from marts.dim_scoring_scenarios where official_for_seasons is null"
    )["description"]
    text = report[0]
    assert all(html.escape(description) in text for description in descriptions)
