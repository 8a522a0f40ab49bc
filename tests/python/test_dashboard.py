"""The season dashboard renders from the warehouse, as a fan reads it: in Streamlit's AppTest (2002, a copy with a
cancelled round and seasons without results, an added nine-round season), every figure on the page checked against
the mart it comes from; and once in a real headless Chromium, for the layout at phone and tablet widths."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import hand_made
import pandas as pd
import pyarrow as pa
import pytest
from alms_tools import browser, season_views
from conftest import PROJECT_DIR
from page_html import Page
from streamlit.testing.v1 import AppTest

APP = PROJECT_DIR / "dashboard" / "app.py"
CLASSES = ["LMP900", "LMP675", "GTS", "GT"]
CODES = ["SEB", "SON", "MOH", "ELK", "WAS", "TRV", "MOS", "LGA", "MIA", "ATL"]

pytestmark = pytest.mark.slow  # every test here reads a warehouse the session builds


def mart(warehouse: Path, sql: str, *parameters: object) -> pd.DataFrame:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return connection.execute(sql, list(parameters)).df()
    finally:
        connection.close()


def run_app(warehouse: Path, monkeypatch: pytest.MonkeyPatch, **query_params: str) -> AppTest:
    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(warehouse))
    app = AppTest.from_file(str(APP), default_timeout=90)
    for name, value in query_params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.fixture(scope="module")
def app(warehouse: Path) -> AppTest:
    """The default view of 2002, read once for the tests that only look (none of them clicks)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return run_app(warehouse, monkeypatch)


@pytest.fixture(scope="module")
def page(app: AppTest) -> Page:
    return html_page(app)


def html_page(app: AppTest) -> Page:
    """Everything the app drew as HTML (tables, matrices, notices), in page order."""
    return Page("".join(element.value for element in app.html))


def markdown_text(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def iter_elements(app: AppTest) -> Iterator[object]:
    def walk(node: object) -> Iterator[object]:
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    return walk(app._tree)


def vega_lite_charts(app: AppTest) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """Each chart's Vega-Lite spec and its named datasets (AppTest has no typed accessor for them)."""
    charts = []
    for element in iter_elements(app):
        if getattr(element, "type", None) == "vega_lite_chart":
            proto = element.proto  # type: ignore[attr-defined]
            datasets = {item.name: pa.ipc.open_stream(item.data.data).read_pandas() for item in proto.datasets}
            charts.append((json.loads(proto.spec), datasets))
    return charts


def layer(spec: dict, mark: str, align: str | None = None) -> dict:
    return next(item for item in spec["layer"] if item["mark"]["type"] == mark and item["mark"].get("align") == align)


# The first screen -----------------------------------------------------------------------------------------


def test_first_screen_says_who_won_each_class_by_how_much_and_when(app: AppTest, page: Page, warehouse: Path) -> None:
    titles = mart(warehouse, "select * from marts.fct_class_titles where season = 2002 order by class_order")
    assert [header.value for header in app.header] == [
        "Who won, and how",
        "Calendar and class winners",
        "Race by race",
        "What if the rules were different",
        "Evidence behind the scoring cells",
        "Reconciliation with the published tables",
    ]
    assert [title.value for title in app.title] == ["2002 American Le Mans Series"]
    assert "10 races · 4 classes" in app.caption[0].value
    summary = page.table("champions").records()
    assert [row["Class"] for row in summary] == CLASSES == titles["class_code"].tolist()
    assert [row["Champion"] for row in summary] == titles["champion_team_name"].tolist()
    assert [row["Points"] for row in summary] == titles["champion_total_points"].astype(str).tolist()
    assert [row["Margin"] for row in summary] == titles["margin_points"].astype(str).tolist()
    # The deciding round's number, then the rounds raced by then out of those not cancelled (never "9 of 8").
    assert [row["Title decided after round"] for row in summary] == [
        f"{row.decided_after_round} ({row.rounds_raced - row.rounds_to_spare} of {row.rounds_raced} raced)"
        for row in titles.itertuples()
    ]
    assert summary[1] == {
        "Class": "LMP675",
        "Champion": "KnightHawk Racing",
        "Points": "202",
        "Runner-up": "Intersport Racing",
        "Margin": "1",
        "Title decided after round": "10 (10 of 10 raced)",
    }
    text = markdown_text(app)
    assert "Audi Sport North America are champions on 243 points, 48 points ahead of Champion Racing (195)." in text
    assert "KnightHawk Racing are champions on 202 points, 1 point ahead of Intersport Racing (201)." in text
    # One season in the warehouse: no picker; the classes as tabs, in class order.
    assert len(app.selectbox) == 0
    assert [tab.label for tab in app.tabs] == CLASSES


def test_one_standings_table_per_class_with_behind_wins_podiums_and_sourced_poles(page: Page, warehouse: Path) -> None:
    assert page.names(r"standings-.*") == [f"standings-{code}" for code in CLASSES]
    poles = mart(
        warehouse,
        "select team_name, count(distinct round_number) as poles from marts.fct_driver_round_points "
        "where season = 2002 and class_code = 'LMP900' and pole_bonus_points > 0 group by team_name",
    )
    for class_code in CLASSES:
        expected = mart(
            warehouse,
            "select standings.position_label, standings.team_name, standings.total_points, results.class_wins, "
            "results.podium_finishes, progression.gap_to_leader from marts.fct_team_standings as standings "
            "inner join marts.fct_team_season_results as results using (season, class_code, team_name) "
            "inner join marts.fct_championship_progression as progression using (season, class_code, team_name) "
            "where season = 2002 and class_code = ? and progression.round_number = 10 order by display_order",
            class_code,
        )
        table = page.table(f"standings-{class_code}")
        header = ["Pos", "Team", "Points", "Behind", "Wins", "Podiums"]
        assert table.header == [*header, "Poles"] if class_code == "LMP900" else header
        rows = table.body
        assert [row.attrs["data-team"] for row in rows] == expected["team_name"].tolist()
        assert [row.texts[0] for row in rows] == expected["position_label"].tolist()
        assert [row.column("Points").text for row in rows] == expected["total_points"].astype(str).tolist()
        assert [row.column("Wins").text for row in rows] == expected["class_wins"].astype(str).tolist()
        assert [row.column("Podiums").text for row in rows] == expected["podium_finishes"].astype(str).tolist()
        behind = [row.column("Behind").text for row in rows]
        gaps = expected["gap_to_leader"].tolist()
        assert behind == ["\u2013" if gap == 0 else str(gap) for gap in gaps]
        leader = expected["total_points"].max()
        assert gaps == [leader - total for total in expected["total_points"]]  # the mart's gap is the points'
        champions = [row.attrs["data-team"] for row in rows if row.attrs.get("class") == "champion"]
        assert champions == [
            mart(
                warehouse,
                "select champion_team_name from marts.fct_class_titles where season = 2002 and class_code = ?",
                class_code,
            ).iloc[0, 0]
        ]
        # Each team's car as its results give it, beneath its name.
        if class_code == "LMP900":
            assert rows[0].texts[1] == "\u2605 Audi Sport North America Audi R8 · #1, #2"
            counted = dict(zip(poles["team_name"], poles["poles"], strict=True))
            assert [row.column("Poles").text for row in rows] == [
                str(counted.get(team, 0)) for team in expected["team_name"]
            ]
    # GT: MSB Motorsport took part without scoring: not a blank row of the table, a word under it.
    assert "MSB Motorsport" not in [row.attrs["data-team"] for row in page.table("standings-GT").body]
    assert "Also took part without scoring: MSB Motorsport" in page.text
    gt_poles = mart(
        warehouse,
        "select count(distinct round_number) from marts.fct_driver_round_points "
        "where season = 2002 and class_code = 'GT' and pole_bonus_points > 0",
    ).iloc[0, 0]
    assert 0 < gt_poles < 10
    assert f"the sources name the GT pole-sitter of {gt_poles} of the 10 races" in page.text


def test_results_matrix_colours_each_teams_result_from_the_marts(page: Page, warehouse: Path) -> None:
    codes = mart(warehouse, "select race_code from marts.dim_rounds where season = 2002 order by round_number")
    assert codes["race_code"].tolist() == CODES
    for class_code in CLASSES:
        table = page.table(f"matrix-teams-{class_code}")
        assert table.header[:2] == ["Team", "Pts"] and table.header[2:] == CODES
        standings = mart(
            warehouse,
            "select team_name, total_points from marts.fct_team_standings where season = 2002 and class_code = ? "
            "order by display_order",
            class_code,
        )
        never_scored = mart(
            warehouse,
            "select team_name from marts.fct_team_season_results where season = 2002 and class_code = ? "
            "and championship_position is null order by team_name",
            class_code,
        )
        rows = table.body
        assert [row.attrs["data-name"] for row in rows] == [*standings["team_name"], *never_scored["team_name"]]
        assert [row.cells[1].text for row in rows][: len(standings)] == standings["total_points"].astype(str).tolist()
        cells = table.result_cells()
        scored = mart(
            warehouse,
            "select team_name, round_number, class_position, points from marts.fct_team_round_points "
            "where season = 2002 and class_code = ?",
            class_code,
        )
        for row in scored.itertuples():
            cell = cells[(row.team_name, row.round_number)]
            assert (cell["data-result"], cell["data-points"]) == (str(row.class_position), str(row.points))
            expected = {1: "win", 2: "second", 3: "third"}.get(row.class_position, "points")
            assert cell["data-outcome"] == expected
        # Every other cell is a round the team took part in without scoring: retired, did not start, unplaced.
        took_part = mart(
            warehouse,
            "select distinct team_name, round_number from marts.fct_race_results where season = 2002 "
            "and class_code = ?",
            class_code,
        )
        assert set(cells) == set(zip(took_part["team_name"], took_part["round_number"], strict=True))
        for key in set(cells) - set(zip(scored["team_name"], scored["round_number"], strict=True)):
            assert cells[key]["data-result"] in ("Ret", "DNS", "NC") and cells[key]["data-outcome"] == "out"
        # The champion's row is marked.
        assert [row.attrs["data-name"] for row in rows if row.attrs.get("data-marked") == "champion"] == [
            standings["team_name"].iloc[0]
        ]
    # The season's story: KnightHawk's Washington points after 36 of 140 laps, flagged where they show.
    knighthawk = page.table("matrix-teams-LMP675").result_cells()[("KnightHawk Racing", 5)]
    assert "36 of 140 laps" in knighthawk["title"] and "70% rule" in knighthawk["title"]
    assert "WAS, KnightHawk Racing: Scored 17 points after 36 of 140 laps" in page.text
    assert "Winner Second Third Points finish Classified, no points Retired, not classified or did not start" in (
        page.text
    )


def test_drivers_matrix_and_the_published_champions_beside_it(page: Page, warehouse: Path) -> None:
    for class_code in CLASSES:
        table = page.table(f"matrix-drivers-{class_code}")
        standings = mart(
            warehouse,
            "select driver_name, position_label, total_points, finishing_points, bonus_points from "
            "marts.fct_driver_standings where season = 2002 and class_code = ? order by display_order",
            class_code,
        )
        rows = table.body[: len(standings)]
        assert [row.attrs["data-name"] for row in rows] == standings["driver_name"].tolist()
        assert [row.attrs["data-position"] for row in rows] == standings["position_label"].tolist()
        assert [row.cells[1].text for row in rows] == standings["total_points"].astype(str).tolist()
        assert table.header[-3:] == ["From finishes", "Bonus", "Bonus not checked (at most)"]
        assert [row.texts[-3] for row in rows] == standings["finishing_points"].astype(str).tolist()
        cells = table.result_cells()
        credited = mart(
            warehouse,
            "select driver_name, round_number, class_position, total_points from marts.fct_driver_round_points "
            "where season = 2002 and class_code = ?",
            class_code,
        )
        assert len(cells) == len(credited)
        for row in credited.itertuples():
            cell = cells[(row.driver_name, row.round_number)]
            if not pd.isna(row.class_position):
                assert cell["data-result"] == str(row.class_position)
            assert cell["data-points"] == (str(row.total_points) if row.total_points else "")
    checkpoints = mart(
        warehouse,
        "select class_code, driver_name, status, known_difference_reason from marts.fct_driver_checkpoints "
        "where season = 2002 and after_round = 10 and published_position = 1 order by class_code, driver_name",
    )
    published = checkpoints.groupby("class_code")["driver_name"].apply(list).to_dict()
    leaders = (
        mart(
            warehouse,
            "select class_code, driver_name from marts.fct_driver_standings where season = 2002 "
            "and championship_position = 1 order by driver_name",
        )
        .groupby("class_code")["driver_name"]
        .apply(list)
        .to_dict()
    )
    differ = [code for code in CLASSES if sorted(published[code]) != sorted(leaders[code])]
    assert differ == ["LMP675", "GT"]  # Jon Field; Lühr and Maassen co-champions
    notices = [tag for tag in page.tags if tag[1].get("data-published") == "differs"]
    assert len(notices) == len(differ)
    # The published champion is named with the documented reason; the row marked is the published one.
    text = page.text
    assert "Published LMP675 drivers' champion: Jon Field." in text
    assert "Published GT drivers' champions: Lucas Lühr and Sascha Maassen (co-champions)." in text
    for row in checkpoints[checkpoints["status"] != "holds"].itertuples():
        assert f"{row.driver_name}: {row.known_difference_reason}" in text
    field = page.table("matrix-drivers-LMP675")
    marked = {row.attrs["data-name"]: row.attrs.get("data-marked") for row in field.body}
    assert marked["Jon Field"] == "published champion" and not marked.get("Chad Block")
    gt = {row.attrs["data-name"]: row.attrs.get("data-marked") for row in page.table("matrix-drivers-GT").body}
    assert gt["Lucas Lühr"] == gt["Sascha Maassen"] == "published champion"
    lmp900 = {row.attrs["data-name"]: row.attrs.get("data-marked") for row in page.table("matrix-drivers-LMP900").body}
    assert lmp900["Tom Kristensen"] == "champion"
    assert "Published LMP900 drivers' champion: Tom Kristensen, as computed here." in text
    # The other published checkpoints that do not hold: counted, each with its reason.
    holding = mart(
        warehouse,
        "select count(*) filter (where status = 'holds') as holding, count(*) as total "
        "from marts.fct_driver_checkpoints where season = 2002 and class_code = 'LMP900'",
    ).iloc[0]
    assert f"{holding.holding} of {holding.total} published LMP900 drivers' standings during the season hold" in text


# The title race ---------------------------------------------------------------------------------------------


def test_title_race_shows_points_behind_the_leader_with_labels_apart(app: AppTest, warehouse: Path) -> None:
    charts = vega_lite_charts(app)
    assert len(charts) == 5  # a title race per class, then the evidence heat map
    titles = mart(warehouse, "select * from marts.fct_class_titles where season = 2002 order by class_order")
    for (spec, datasets), title in zip(charts[:4], titles.itertuples(), strict=True):
        line = layer(spec, "line")
        assert line["encoding"]["y"]["field"] == "gap_to_leader"
        assert line["encoding"]["y"]["scale"]["reverse"] is True  # the leader on 0, at the top
        assert line["encoding"]["x"]["axis"]["labelExpr"].startswith("['', 'SEB', 'SON'")
        data = datasets[line["data"]["name"]] if "data" in line else datasets[spec["data"]["name"]]
        progression = mart(
            warehouse,
            "select team_name, round_number, gap_to_leader from marts.fct_championship_progression "
            "where season = 2002 and class_code = ?",
            title.class_code,
        ).set_index(["team_name", "round_number"])["gap_to_leader"]
        raced = data[data["round_number"] > 0]
        assert [progression[(row.team_name, row.round_number)] for row in raced.itertuples()] == raced[
            "gap_to_leader"
        ].tolist()
        # The deciding round is marked only when the title was decided before the final round.
        rules = [item for item in spec["layer"] if item["mark"]["type"] == "rule"]
        if title.rounds_to_spare > 0:
            assert datasets[rules[0]["data"]["name"]]["round_number"].tolist() == [title.decided_after_round]
        else:
            assert rules == []
        # End labels at least one label's height apart, in pixels of the plot.
        labels = datasets[layer(spec, "text", "left")["data"]["name"]]
        top = line["encoding"]["y"]["scale"]["domain"][1]
        pixels = sorted(value / top * spec["height"] for value in labels["label_y"])
        assert all(b - a >= season_views.LABEL_PX - 0.01 for a, b in itertools.pairwise(pixels))
        assert spec["autosize"]["type"] == "fit-x"  # the height is the plot's: the spacing holds on screen
    assert [item["mark"]["type"] for item in charts[0][0]["layer"]][:2] == ["rule", "text"]  # LMP900: after MIA
    labels = charts[1][1][layer(charts[1][0], "text", "left")["data"]["name"]]
    assert labels["label"].tolist()[:2] == ["KnightHawk Racing  202  (champion)", "Intersport Racing  201"]


def test_title_race_switches_to_points_and_more_teams(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = run_app(warehouse, monkeypatch)
    app.segmented_control(key="view_GT").set_value("cumulative_points").run()
    app.slider(key="teams_GT").set_value(8).run()
    spec, _ = vega_lite_charts(app)[3]
    line = layer(spec, "line")
    assert line["encoding"]["y"]["field"] == "cumulative_points"
    assert line["encoding"]["color"]["scale"]["domain"][:2] == ["1. Alex Job Racing", "2. The Racer's Group"]
    assert len(line["encoding"]["color"]["scale"]["domain"]) == 8
    assert line["encoding"]["color"]["scale"]["range"] == season_views.OKABE_ITO


# Calendar and races -----------------------------------------------------------------------------------------


def test_calendar_lists_each_race_with_its_code_and_class_winners(page: Page, warehouse: Path) -> None:
    rounds = mart(
        warehouse,
        "select round_number, race_code, race_name, circuit, race_date from marts.dim_rounds "
        "where season = 2002 order by round_number",
    )
    calendar = page.table("calendar")
    assert calendar.header == ["Rd", "Race", "Circuit", "Date", *[f"{code} winner" for code in CLASSES]]
    records = calendar.records()
    assert [row["Race"] for row in records] == [f"{r.race_code} {r.race_name}" for r in rounds.itertuples()]
    assert [row["Circuit"] for row in records] == rounds["circuit"].tolist()
    assert records[0]["Date"] == "16 Mar 2002"
    winners = mart(
        warehouse,
        "select round_number, car_number, team_name from marts.fct_race_winners "
        "where season = 2002 and class_code = 'LMP675' order by round_number",
    )
    assert [row["LMP675 winner"] for row in records] == [f"#{w.car_number} {w.team_name}" for w in winners.itertuples()]


def test_a_race_page_per_class_with_gaps_and_unknowns_explained_once(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, page: Page, app: AppTest
) -> None:
    # The default race is the latest with results; the choice is the race codes of the races with results.
    assert app.pills(key="race").value == "ATL" and app.pills(key="race").options == CODES
    washington = run_app(warehouse, monkeypatch, race="WAS")
    assert washington.pills(key="race").value == "WAS"
    assert washington.subheader[-1].value == "Round 5 of 10 · WAS · Grand Prix of Washington, D.C."
    shown = html_page(washington)
    assert shown.names(r"race-WAS-.*") == [f"race-WAS-{code}" for code in CLASSES]
    for class_code in CLASSES:
        expected = mart(
            warehouse,
            "select class_position, car_number, team_name, points from marts.fct_race_results "
            "where season = 2002 and round_number = 5 and class_code = ? "
            "order by class_position nulls last, team_name",
            class_code,
        )
        rows = shown.table(f"race-WAS-{class_code}").body
        assert [row.attrs["data-team"] for row in rows] == expected["team_name"].tolist()
        assert [row.column("Pos").text for row in rows] == [season_views.as_text(p) for p in expected["class_position"]]
        assert [row.column("Points").text.split(" ")[0] for row in rows] == expected["points"].astype(str).tolist()
        assert [row.attrs["data-car"] for row in rows] == [
            f"#{car}" if season_views.as_text(car) else "" for car in expected["car_number"]
        ]
    gt = [row.column("Pos").text for row in shown.table("race-WAS-GT").body]
    assert gt[:3] == ["1", "2", "5"]
    text = shown.text
    assert "Places with no result (GT 3rd and 4th): no source gives the car that finished there" in text
    assert text.count("'not known': no source says whether the car was running at the finish") == 1
    knighthawk = next(
        row for row in shown.table("race-WAS-LMP675").body if row.attrs["data-team"] == "KnightHawk Racing"
    )
    assert knighthawk.attrs.get("class") == "flagged" and knighthawk.column("Laps").text == "36"
    struck = mart(
        warehouse,
        "select laps, distance_basis_laps, official_points from marts.fct_scenario_race_results "
        "where season = 2002 and round_number = 5 and team_name = 'KnightHawk Racing' "
        "and scenario_code = 'article_70pct_rule'",
    ).iloc[0]
    assert (
        f"KnightHawk Racing: Scored {struck.official_points} points after {struck.laps} of "
        f"{struck.distance_basis_laps} laps" in text
    )
    cells = set(" ".join(row.texts) for table in shown.tables for row in table.body)
    assert not [cell for cell in cells if any(code in cell.split() for code in ("None", "nan", "<NA>", "unknown"))]


# Addresses --------------------------------------------------------------------------------------------------


def test_a_bad_address_gets_one_line_and_the_default_view(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = run_app(warehouse, monkeypatch, season="1900", race="XYZ", **{"class": "XYZ"})
    notices = [warning.value for warning in app.warning]
    assert len(notices) == 1 and "\n" not in notices[0], notices
    assert "no season 1900 here (showing 2002)" in notices[0]
    assert "no class XYZ in 2002 (showing LMP900)" in notices[0]
    assert "no race XYZ in this season (showing ATL)" in notices[0]
    assert [title.value for title in app.title] == ["2002 American Le Mans Series"]
    assert app.pills(key="race").value == "ATL" and [tab.label for tab in app.tabs] == CLASSES
    assert "season" not in app.query_params  # one season: nothing to pick, the bad value is dropped
    assert not run_app(warehouse, monkeypatch, season="2002", race="WAS", **{"class": "GT"}).warning


# What-if ---------------------------------------------------------------------------------------------------


def test_what_if_says_each_rule_in_a_sentence_and_flags_a_changed_champion(
    app: AppTest, page: Page, warehouse: Path
) -> None:
    scenarios = mart(
        warehouse,
        "select scenario_name, description from marts.dim_scoring_scenarios "
        "where official_for_seasons is null order by scenario_code",
    )
    text = markdown_text(app)
    for scenario in scenarios.itertuples():
        assert f"**{scenario.scenario_name}**: {scenario.description}" in text
    what_if = page.table("what-if")
    assert what_if.header == [
        "Scenario",
        "Class",
        "Champion under this rule",
        "Champion's points under this rule",
        "Official champion",
        "Champion changes",
        "Results the distance rule could test",
    ]
    changed = mart(
        warehouse,
        "select scenario_name, class_code, champion_team_name, champion_total_points "
        "from marts.fct_scenario_class_summary where season = 2002 and is_champion_changed "
        "order by scenario_code, class_order",
    )
    flagged = [row.texts[:4] for row in what_if.body if "changed" in row.attrs.get("class", "")]
    assert flagged == changed.astype(str).values.tolist()
    assert ["20-16-13-10-8-6-4-3-2-1 with countback", "LMP675", "Archangel Motorsports", "134"] in flagged


def test_dashboard_says_when_no_what_if_was_computed(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build with computed_scenarios: [official_2002] has no what-if rows: the section says so, not an empty
    table under a caption about 'N of M checked'."""
    path = tmp_path / "alms.duckdb"
    shutil.copy(warehouse, path)
    connection = duckdb.connect(str(path))
    connection.execute("delete from marts.fct_scenario_class_summary where not is_official_scenario")
    connection.close()
    app = run_app(path, monkeypatch)
    assert any(info.value.startswith("No what-if scenario was computed in this build") for info in app.info)


# Evidence and reconciliation --------------------------------------------------------------------------------


def test_evidence_heat_map_reads_races_down_and_classes_across(app: AppTest) -> None:
    evidence, _ = vega_lite_charts(app)[-1]
    assert [item["mark"]["type"] for item in evidence["layer"]] == ["rect", "text"]
    encoding = evidence["layer"][0]["encoding"]
    assert encoding["x"]["sort"] == CLASSES and encoding["y"]["sort"] == CODES
    assert encoding["x"]["axis"]["labelAngle"] == 0


def test_reconciliation_gives_reasons_in_words_not_keys(page: Page, warehouse: Path) -> None:
    statuses = {row.texts[0]: row.texts[1] for row in page.table("reconciliation").body}
    assert statuses == {"Match": "765", "Known error in the published table (reviewed, sourced)": "2"}
    exceptions = page.table("reconciliation-exceptions").records()
    codes = mart(
        warehouse,
        "select distinct exception_code from marts.fct_standings_reconciliation where exception_code is not null",
    )["exception_code"].tolist()
    assert codes and "lmp675_r10_duplicate_7th_dyson" in codes
    assert not [code for code in codes if code in page.text]
    assert [row["Cell"] for row in exceptions] == ["Round 10 points", "Round 10 points"]
    assert all(
        row["Why they differ"].startswith(
            "The published LMP675 table gives both Dyson Racing Team and R.N. Motorsports"
        )
        for row in exceptions
    )


# When the warehouse cannot be read ---------------------------------------------------------------------------

HOLD_READ_WRITE = (
    "import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)"
)


@pytest.mark.parametrize("case", ["missing", "a database without marts", "held by a writer"])
def test_dashboard_says_why_it_cannot_read_the_warehouse(
    case: str, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No traceback: one line saying what to do, whether the file is missing, was created by a plain dbt command
    that built nothing (`dbt debug`), or is held read-write by a plain `dbt build` writing it."""
    path = tmp_path / "alms.duckdb"
    holder = None
    if case == "a database without marts":
        duckdb.connect(str(path)).close()
    elif case == "held by a writer":
        shutil.copy(warehouse, path)
        holder = subprocess.Popen([sys.executable, "-c", HOLD_READ_WRITE, str(path)], stdout=subprocess.PIPE, text=True)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(path))
    try:
        app = AppTest.from_file(str(APP), default_timeout=60).run()
    finally:
        if holder:
            holder.kill()
            holder.wait()

    assert not app.exception, app.exception
    expected = (
        f"No warehouse at {path}: run `make build` first."
        if case == "missing"
        else f"The warehouse at {path} cannot be read ("
    )
    errors = [error.value for error in app.error]
    assert errors and errors[0].startswith(expected), errors


# Cancelled rounds, and seasons without results ----------------------------------------------------------------


@pytest.fixture(scope="module")
def with_cancellations(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's warehouse with 2002's round 6 cancelled, 2004 all cancelled and 2005 still to race
    (hand_made.with_cancellations: cheaper than a build, and only the screens are under test)."""
    return hand_made.with_cancellations(warehouse, tmp_path_factory.mktemp("cancelled") / "alms.duckdb")


def test_a_cancelled_round_says_so_everywhere(with_cancellations: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = run_app(with_cancellations, monkeypatch)
    # Seasons without results are listed, and the page opens on the latest with results.
    assert app.selectbox(key="season").options == ["2005", "2004", "2002"]
    assert app.selectbox(key="season").value == 2002
    shown = html_page(app)
    sentence = "Round 6, Le Grand Prix de Trois-Rivières (TRV), was cancelled: hurricane warning."
    assert sentence in shown.text
    trv = next(row for row in shown.table("calendar").body if row.attrs["data-round"] == "6")
    assert trv.attrs["data-status"] == "cancelled" and trv.texts[-1] == "Cancelled: hurricane warning"
    for class_code in CLASSES:
        matrix = shown.table(f"matrix-teams-{class_code}")
        assert matrix.header[2 + 5] == "TRV cancelled"
        assert all("cancelled" in row.cells[2 + 5].classes and not row.cells[2 + 5].text for row in matrix.body)
    # The race view offers no empty race; an address naming it says why.
    assert "TRV" not in app.pills(key="race").options
    asked = run_app(with_cancellations, monkeypatch, race="TRV")
    assert [warning.value for warning in asked.warning] == [
        f"This address could not be followed in full: {sentence[:-1]} (showing ATL)."
    ]


def test_seasons_without_results_say_what_they_have(with_cancellations: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folded = run_app(with_cancellations, monkeypatch, season="2004")
    assert [info.value for info in folded.info] == [
        "Every round of 2004 was cancelled (3 rounds on the calendar): no race was run, so there are no results "
        "and no standings."
    ]
    assert [row.attrs["data-status"] for row in html_page(folded).table("calendar").body] == ["cancelled"] * 3
    coming = run_app(with_cancellations, monkeypatch, season="2005")
    assert [info.value for info in coming.info] == [
        "2005 has 3 rounds on its calendar (16 Mar 2005 to 30 Jun 2005); none has results yet, so there are no "
        "standings."
    ]
    assert not coming.warning and not coming.tabs


# An added season ---------------------------------------------------------------------------------------------


def test_an_added_nine_round_season_reads_the_same_way(
    synthetic_seasons: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nine-round synthetic 2003 season of synthetic_seasons.py (seed rows only, no race codes), in the build
    that adds it."""
    three_seasons = synthetic_seasons / "warehouse" / "alms.duckdb"
    default = run_app(three_seasons, monkeypatch)
    assert default.selectbox(key="season").value == 2099  # 2100 has no results yet: the latest with results
    app = run_app(three_seasons, monkeypatch, season="2003", **{"class": "GT"})
    assert app.selectbox(key="season").value == 2003 and not app.warning
    titles = mart(three_seasons, "select * from marts.fct_class_titles where season = 2003 order by class_order")
    shown = html_page(app)
    summary = shown.table("champions").records()
    assert [row["Class"] for row in summary] == ["LMP900", "GT"] == [tab.label for tab in app.tabs]
    assert [row["Champion"] for row in summary] == titles["champion_team_name"].tolist()
    assert [row["Margin"] for row in summary] == titles["margin_points"].map(season_views.as_text).tolist()
    # A season without race codes: each round is R and its number.
    codes = [f"R{n}" for n in range(1, 10)]
    assert shown.table("matrix-teams-GT").header == ["Team", "Pts", *codes]
    assert app.pills(key="race").options == codes
    standings = mart(
        three_seasons,
        "select team_name, total_points from marts.fct_team_standings where season = 2003 and class_code = 'GT' "
        "order by display_order",
    )
    table = shown.table("standings-GT").body
    assert [row.attrs["data-team"] for row in table] == standings["team_name"].tolist()
    # (The synthetic seasons' build types points as decimal(9, 1): shown as whole numbers where they are.)
    assert [row.column("Points").text for row in table] == standings["total_points"].map(season_views.as_text).tolist()
    spec, _ = vega_lite_charts(app)[0]
    assert layer(spec, "line")["encoding"]["x"]["axis"]["values"] == list(range(10))
    assert [row["Rd"] for row in shown.table("calendar").records()] == [str(n) for n in range(1, 10)]
    assert "No published tables for 2003" in markdown_text(app)


# In a real browser ------------------------------------------------------------------------------------------


def test_the_page_fits_a_phone_and_a_tablet_from_the_first_load(warehouse: Path, tmp_path: Path) -> None:
    """One browser, one fresh server (its first page load also runs the app for the first time): at 390 and 800 px
    nothing but the results matrices (which scroll sideways, name and points pinned) reaches past the window, on the
    dashboard and in the report; and the page draws the first screen on the first load, no retries."""
    try:
        browser.chromium_path()
    except browser.BrowserMissing:
        pytest.skip("no Chromium here (Debian package 'chromium'); .ci/run installs it so CI never skips")
    marker = "Audi Sport North America are champions on 243 points"  # LMP900: its table is the widest (Poles)
    with (
        browser.dashboard_server(PROJECT_DIR, warehouse, tmp_path / "streamlit.log") as address,
        browser.chromium() as chromium,
    ):
        for width in (390, 800):
            page = browser.open_dashboard(chromium, address, width, marker, timeout=180)
            text = page.evaluate("document.body.innerText")
            assert "Champion Racing" in text and "Deploy" not in text
            browser.fit_to_content(page, marker, timeout=180)
            layout = browser.horizontal_overflow(page)
            assert layout["offenders"] == [] and layout["document"] <= width and layout["main"] <= width, layout
            scroller = page.locator(".matrix-scroll:visible").first
            assert scroller.evaluate("el => el.scrollWidth > el.clientWidth") is (width == 390)
            page.close()
        # The report draws the same tables with the same stylesheet, every race's results included.
        report = tmp_path / "season_2002.html"
        written = subprocess.run(
            [
                sys.executable,
                str(PROJECT_DIR / "scripts" / "season_report.py"),
                "--warehouse",
                str(warehouse),
                "--output",
                str(report),
                "--no-pdf",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert written.returncode == 0, written.stderr
        for width in (390, 800):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            page.goto(report.as_uri())
            layout = browser.horizontal_overflow(page)
            assert layout["offenders"] == [] and layout["document"] <= width, layout
            page.close()
