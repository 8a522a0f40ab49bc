"""The season dashboard renders from the warehouse: in Streamlit's AppTest and in a real headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pytest
from conftest import BIN_DIR, DEADLINE_S, PROJECT_DIR, wait_until
from PIL import Image
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow  # every test reads the session's built warehouse (one drives a browser)

APP = PROJECT_DIR / "dashboard" / "app.py"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=30000",
    "--run-all-compositor-stages-before-draw",
]


@pytest.fixture()
def app_env(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(warehouse))
    return warehouse


def test_dashboard_shows_the_four_published_tables(app_env: Path) -> None:
    app = AppTest.from_file(str(APP), default_timeout=DEADLINE_S).run()

    assert not app.exception
    standings = [table.value for table in app.table[:4]]
    assert [len(table) for table in standings] == [12, 15, 9, 23]
    lmp900 = standings[0]
    assert lmp900.iloc[0]["Team"] == "Audi Sport North America"
    assert lmp900.iloc[0]["Total"] == "243"
    assert [header.value for header in app.header] == [
        "Team standings",
        "Championship progression",
        "Race by race",
        "What if the rules were different",
        "Evidence behind the scoring cells",
        "Reconciliation with the published tables",
    ]
    # Classes in class order, from the marts; one column per round of the season.
    assert [tab.label for tab in app.tabs] == ["LMP900", "LMP675", "GTS", "GT"]
    assert list(lmp900.columns) == ["Team", *[f"Rd {n}" for n in range(1, 11)], "Total"]


def test_dashboard_race_table_and_what_if_read_as_a_viewer_expects(app_env: Path) -> None:
    app = AppTest.from_file(str(APP), default_timeout=DEADLINE_S).run()
    app.selectbox(key="race").select("5. Grand Prix of Washington, D.C.").run()
    results = app.dataframe[0].value
    # Classes in class order; an unknown lap count reads blank, never 'None'.
    assert list(dict.fromkeys(results["class"])) == ["LMP900", "LMP675", "GTS", "GT"]
    assert "None" not in set(results["laps"]) and "" in set(results["laps"])
    what_if = app.dataframe[1].value
    strict_lmp675 = what_if[(what_if["scenario"].str.contains("70%")) & (what_if["class"] == "LMP675")].iloc[0]
    assert strict_lmp675["distance_rule_checked"].endswith("checked")
    assert strict_lmp675["champion"] == "Intersport Racing"


def test_dashboard_reports_the_reconciliation(app_env: Path) -> None:
    app = AppTest.from_file(str(APP), default_timeout=DEADLINE_S).run()
    statuses = app.table[4].value
    assert dict(zip(statuses.index, statuses["cells"], strict=True)) == {"documented_exception": 2, "match": 765}


HOLD_READ_WRITE = (
    "import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(3600)"
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
        app = AppTest.from_file(str(APP), default_timeout=DEADLINE_S).run()
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


def vega_lite_specs(app: AppTest) -> list[dict]:
    """The Vega-Lite specs of the app's charts (AppTest has no typed accessor for them)."""
    specs: list[dict] = []

    def walk(node: object) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "vega_lite_chart":
                specs.append(json.loads(child.proto.spec))
            walk(child)

    walk(app._tree)
    return specs


def test_dashboard_charts_progression_as_steps_and_evidence_as_a_heat_map(app_env: Path) -> None:
    app = AppTest.from_file(str(APP), default_timeout=DEADLINE_S).run()
    progression, evidence = vega_lite_specs(app)
    # Points change only at a race: steps from 0 before round 1, never an interpolated dip below zero.
    assert progression["mark"]["interpolate"] == "step-after"
    assert progression["encoding"]["x"]["scale"]["domainMin"] == 0
    assert progression["encoding"]["y"]["scale"]["domainMin"] == 0
    # Rounds x classes, coloured by the share of cross-checked cells, each labelled "checked/cells".
    assert [layer["mark"]["type"] for layer in evidence["layer"]] == ["rect", "text"]
    assert evidence["layer"][0]["encoding"]["y"]["sort"] == ["LMP900", "LMP675", "GTS", "GT"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@pytest.fixture()
def served_dashboard(warehouse: Path, tmp_path: Path):
    port = free_port()
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(warehouse))
    server = subprocess.Popen(
        [
            str(BIN_DIR / "streamlit"),
            "run",
            str(APP),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        env=env,
        stdout=(tmp_path / "streamlit.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: is_healthy(port) or server.poll() is not None, "the dashboard server to start")
        if server.poll() is not None:
            pytest.fail("the dashboard server did not start:\n" + (tmp_path / "streamlit.log").read_text())
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=DEADLINE_S)


def run_chromium(chromium: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
        check=False,
    )


def test_dashboard_renders_the_lmp900_table_in_chromium(served_dashboard: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no Chromium here (Debian package 'chromium'); .ci/run installs it so CI never skips")

    # A page load can finish before the app's first run (a fresh server, a loaded machine): load it again until the
    # table is there, up to the deadline.
    attempts = iter(range(1_000))

    def dom_with_table() -> str:
        profile = tmp_path / f"profile-dom-{next(attempts)}"
        dom = run_chromium(chromium, profile, "--dump-dom", served_dashboard).stdout
        return dom if "LMP900 teams" in dom else ""

    dom = wait_until(dom_with_table, "Chromium to show the LMP900 table")
    assert "Audi Sport North America" in dom
    assert ">243<" in dom

    # The same for the screenshot: a capture can precede the render.
    def rendered_screenshot() -> Path | None:
        attempt = next(attempts)
        screenshot = tmp_path / f"dashboard-{attempt}.png"
        run_chromium(
            chromium,
            tmp_path / f"profile-shot-{attempt}",
            "--window-size=1400,1200",
            f"--screenshot={screenshot}",
            served_dashboard,
        )
        return screenshot if table_region_has_text(screenshot) else None

    screenshot = wait_until(rendered_screenshot, "a screenshot with text in the table region (the page rendered)")
    assert table_region_has_text(screenshot), "no text in the table region: the page did not render"


def table_region_has_text(screenshot: Path) -> bool:
    """The standings table sits in the upper half: a rendered table has dark text and many grey levels;
    the loading skeleton is a few pale blocks."""
    if not screenshot.exists():
        return False
    table_region = Image.open(screenshot).convert("L").crop((0, 300, 1400, 800))
    darkest, lightest = table_region.getextrema()
    return darkest < 100 < lightest and len(table_region.getcolors(maxcolors=256) or []) > 40


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
    monkeypatch.setenv("ALMS_DUCKDB_PATH", str(path))

    app = AppTest.from_file(str(APP), default_timeout=DEADLINE_S).run()

    assert not app.exception, app.exception
    assert any(info.value.startswith("No what-if scenario was computed in this build") for info in app.info)
