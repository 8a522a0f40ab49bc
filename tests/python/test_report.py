"""`make report` writes the season as a document: one self-contained HTML file (viewport tag, table of contents,
standings, results matrices, title races as inline SVG, every race's results, what-ifs, reconciliation; nothing
fetched when it is opened) and its PDF, printed by the machine's Chromium. Every figure is checked against the marts
by parsing the HTML; the PDF's pages by their text (pypdf)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import hand_made
import pandas as pd
import pytest
from alms_tools import browser
from conftest import BIN_DIR, PROJECT_DIR, make_checkout
from page_html import Page
from pypdf import PdfReader

pytestmark = pytest.mark.slow  # reads the warehouse the session builds

CLASSES = ["LMP900", "LMP675", "GTS", "GT"]
CODES = ["SEB", "SON", "MOH", "ELK", "WAS", "TRV", "MOS", "LGA", "MIA", "ATL"]
A4 = (595, 842)  # points
LETTER = (612, 792)


def mart(warehouse: Path, sql: str, *parameters: object) -> pd.DataFrame:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return connection.execute(sql, list(parameters)).df()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def report(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Page, Path]:
    """`make report` on a checkout, as a user runs it, into a file outside the project: the HTML, parsed, and the
    PDF beside it."""
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
    assert f"Wrote {output}" in completed.stdout and f"Wrote {output.with_suffix('.pdf')}" in completed.stdout
    text = output.read_text(encoding="utf-8")
    return text, Page(text), output.with_suffix(".pdf")


def test_the_report_is_a_document_with_contents_that_lead_somewhere(report: tuple[str, Page, Path]) -> None:
    text, page, _ = report
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.tags
    ids = {attrs["id"] for _, attrs in page.tags if "id" in attrs}
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a" and attrs.get("href", "").startswith("#")]
    assert links and all(link[1:] in ids for link in links)
    headings = [text for tag, _, text in page.headings if tag == "h2"]
    assert headings == [
        "Contents",
        "Who won, and how",
        *CLASSES,
        "Calendar and class winners",
        "Race by race",
        "What if the rules were different",
        "Reconciliation with the published tables",
    ]
    races = [text for tag, _, text in page.headings if tag == "h3" and text.startswith("Round ")]
    assert [race.split(" · ")[1] for race in races] == CODES
    assert "@media print" in text and "break-inside: avoid" in text


def test_the_report_holds_every_class_table_as_in_the_marts(report: tuple[str, Page, Path], warehouse: Path) -> None:
    _, page, _ = report
    for class_code in CLASSES:
        standings = mart(
            warehouse,
            "select position_label, team_name, total_points from marts.fct_team_standings "
            "where season = 2002 and class_code = ? order by display_order",
            class_code,
        )
        rows = page.table(f"standings-{class_code}").body
        assert [[row.texts[0], row.attrs["data-team"], row.column("Points").text] for row in rows] == standings.astype(
            str
        ).values.tolist()
        matrix = page.table(f"matrix-teams-{class_code}")
        assert matrix.header[2:] == CODES
        cells = matrix.result_cells()
        scored = mart(
            warehouse,
            "select team_name, round_number, class_position, points from marts.fct_team_round_points "
            "where season = 2002 and class_code = ?",
            class_code,
        )
        for row in scored.itertuples():
            cell = cells[(row.team_name, row.round_number)]
            assert (cell["data-result"], cell["data-points"]) == (str(row.class_position), str(row.points))
        drivers = mart(
            warehouse,
            "select driver_name, total_points from marts.fct_driver_standings where season = 2002 "
            "and class_code = ? order by display_order",
            class_code,
        )
        shown = page.table(f"matrix-drivers-{class_code}").body[: len(drivers)]
        assert [[row.attrs["data-name"], row.cells[1].text] for row in shown] == drivers.astype(str).values.tolist()
    titles = mart(
        warehouse,
        "select class_code, champion_team_name, champion_total_points, margin_points "
        "from marts.fct_class_titles where season = 2002 order by class_order",
    )
    summary = page.table("champions")
    assert summary.header[:5] == ["Class", "Champion", "Points", "Runner-up", "Margin"]
    assert [[row.texts[0], row.texts[1], row.texts[2], row.texts[4]] for row in summary.body] == titles.astype(
        str
    ).values.tolist()
    # The published drivers' champions beside the computed tables, with the documented reasons.
    assert "Published LMP675 drivers' champion: Jon Field." in page.text
    assert "Published GT drivers' champions: Lucas Lühr and Sascha Maassen (co-champions)." in page.text


def test_the_report_has_every_race_per_class(report: tuple[str, Page, Path], warehouse: Path) -> None:
    _, page, _ = report
    results = mart(
        warehouse,
        "select rounds.race_code, results.class_code, results.team_name, results.class_position, results.points "
        "from marts.fct_race_results as results inner join marts.dim_rounds as rounds using (season, round_number) "
        "where results.season = 2002 order by results.round_number, results.class_order, "
        "results.class_position nulls last, results.team_name",
    )
    names = []
    for (code, class_code), expected in results.groupby(["race_code", "class_code"], sort=False):
        names.append(f"race-{code}-{class_code}")
        rows = page.table(f"race-{code}-{class_code}").body
        assert [row.attrs["data-team"] for row in rows] == expected["team_name"].tolist()
        assert [row.column("Points").text.split(" ")[0] for row in rows] == expected["points"].astype(str).tolist()
    assert page.names(r"race-.*") == names
    flagged = [
        row.attrs["data-team"]
        for table in page.tables
        if table.name.startswith("race-")
        for row in table.body
        if row.attrs.get("class") == "flagged"
    ]
    struck = mart(
        warehouse,
        "select team_name from marts.fct_scenario_race_results where season = 2002 and scenario_code = "
        "'article_70pct_rule' and distance_rule_outcome in ('struck', 'known_short') and official_points > 0 "
        "order by round_number, class_order, class_position",
    )
    assert flagged == struck["team_name"].tolist()


def test_the_report_charts_each_title_race_as_inline_svg(report: tuple[str, Page, Path]) -> None:
    text, _, _ = report
    assert len(re.findall(r"<figure><svg\b", text)) == 4
    assert ">KnightHawk Racing  202  (champion)</text>" in text  # each line labelled at its end, champion named
    assert (
        text.count(">Title decided after MIA</text>") == 2
    )  # LMP900 and GTS, decided with a round to spare; not the others


def test_the_report_opens_offline(report: tuple[str, Page, Path]) -> None:
    """No script, stylesheet, image or font fetched from anywhere: the page is one file."""
    text, page, _ = report
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "iframe", "img")]
    fetched = [
        (tag, value)
        for tag, attrs in page.tags
        for name, value in attrs.items()
        if name in ("src", "href") and value and re.match(r"(https?:)?//", value)
    ]
    assert fetched == []
    assert "@import" not in text and "url(" not in text


def test_the_report_flags_the_what_ifs_that_change_a_champion(report: tuple[str, Page, Path], warehouse: Path) -> None:
    text, page, _ = report
    changed = mart(
        warehouse,
        "select scenario_name, class_code, champion_team_name, champion_total_points "
        "from marts.fct_scenario_class_summary where season = 2002 and is_champion_changed "
        "order by scenario_code, class_order",
    )
    rows = [row.texts[:4] for row in page.table("what-if").body if "changed" in row.attrs.get("class", "")]
    assert rows == changed.astype(str).values.tolist()
    descriptions = mart(
        warehouse, "select description from marts.dim_scoring_scenarios where official_for_seasons is null"
    )["description"]
    assert all(description.replace("'", "&#x27;") in text or description in page.text for description in descriptions)


def pages_text(pdf: Path) -> list[list[str]]:
    """Each page's lines of text, the footer left out."""
    pages = []
    for sheet in PdfReader(str(pdf)).pages:
        lines = [" ".join(line.split()) for line in sheet.extract_text().splitlines()]
        pages.append([line for line in lines if line and "ALMS season report ·" not in line])
    return pages


def test_the_pdf_keeps_headings_with_what_they_head(report: tuple[str, Page, Path], tmp_path: Path) -> None:
    """A4 (what `make report` writes) and Letter: no heading is the last line of a page, and each title race's
    heading is on the page of its chart (the chart's end labels)."""
    _, page, pdf = report
    headings = [text for tag, _, text in page.headings if tag in ("h2", "h3", "h4")]
    letter = tmp_path / "season_2002_letter.pdf"
    browser.print_pdf(pdf.with_suffix(".html"), letter, "Letter")
    for path, size in ((pdf, A4), (letter, LETTER)):
        reader = PdfReader(str(path))
        box = reader.pages[0].mediabox
        assert abs(float(box.width) - size[0]) < 2 and abs(float(box.height) - size[1]) < 2, box
        pages = pages_text(path)
        assert 25 <= len(pages) <= 60, len(pages)
        stranded = [(number, lines[-1]) for number, lines in enumerate(pages, start=1) if lines[-1] in headings]
        assert stranded == [], stranded
        for class_code, label in (
            ("LMP900", "Audi Sport North America 243 (champion)"),
            ("LMP675", "KnightHawk Racing 202 (champion)"),
            ("GTS", "Corvette Racing 254 (champion)"),
            ("GT", "Alex Job Racing 250 (champion)"),
        ):
            heading = f"{class_code} title race: points behind the leader"
            where = [n for n, lines in enumerate(pages) if any(line.startswith(heading) for line in lines)]
            chart = [n for n, lines in enumerate(pages) if any(label in line for line in lines)]
            assert len(where) == 1 and where == chart, (class_code, where, chart)


def test_a_cancelled_round_and_the_default_season_in_the_report(warehouse: Path, tmp_path: Path) -> None:
    """On a hand-made copy with 2002's round 6 cancelled and two later seasons without results: the report is of
    2002 (the latest with results), its calendar and matrices say the round was cancelled, and why."""
    copy = hand_made.with_cancellations(warehouse, tmp_path / "alms.duckdb")
    output = tmp_path / "report.html"
    completed = subprocess.run(
        [
            str(BIN_DIR / "python"),
            str(PROJECT_DIR / "scripts" / "season_report.py"),
            "--warehouse",
            str(copy),
            "--output",
            str(output),
            "--no-pdf",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    page = Page(output.read_text(encoding="utf-8"))
    assert [text for tag, _, text in page.headings if tag == "h1"] == ["2002 American Le Mans Series"]
    trv = next(row for row in page.table("calendar").body if row.attrs["data-round"] == "6")
    assert trv.texts[-1] == f"Cancelled: {hand_made.CANCELLED_REASON}"
    for class_code in CLASSES:
        assert page.table(f"matrix-teams-{class_code}").header[7] == "TRV cancelled"
    assert "race-TRV-GT" not in [table.name for table in page.tables]
    assert f"Round 6, Le Grand Prix de Trois-Rivières (TRV), was cancelled: {hand_made.CANCELLED_REASON}." in page.text


# When the warehouse cannot be read: the dashboard's one line --------------------------------------------------

HOLD_READ_WRITE = (
    "import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)"
)


@pytest.mark.parametrize("case", ["missing", "not a DuckDB file", "held by a writer"])
def test_the_report_says_why_it_cannot_read_the_warehouse(case: str, warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "alms.duckdb"
    holder = None
    if case == "not a DuckDB file":
        path.write_text("season,round\n2002,1\n")
    elif case == "held by a writer":
        shutil.copy(warehouse, path)
        holder = subprocess.Popen([sys.executable, "-c", HOLD_READ_WRITE, str(path)], stdout=subprocess.PIPE, text=True)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        completed = subprocess.run(
            [
                str(BIN_DIR / "python"),
                str(PROJECT_DIR / "scripts" / "season_report.py"),
                "--warehouse",
                str(path),
                "--output",
                str(tmp_path / "report.html"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        if holder:
            holder.kill()
            holder.wait()
    assert completed.returncode != 0 and completed.stdout == ""
    expected = (
        f"No warehouse at {path}: run `make build` first."
        if case == "missing"
        else f"The warehouse at {path} cannot be read ("
    )
    assert completed.stderr.startswith(expected) and completed.stderr.count("\n") == 1, completed.stderr
    assert not (tmp_path / "report.html").exists()
