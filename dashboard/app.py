"""ALMS season dashboard, the season page fans share: who won each class and how, one standings table and a
results matrix per class (teams and drivers), the title race, the calendar, each race's results, what-if rules,
evidence and reconciliation.

Run with `make dashboard` (or `.venv/bin/streamlit run dashboard/app.py`; .streamlit/config.toml hides the developer
toolbar). It opens the warehouse read-only, per query, so a rebuild never waits on it. ALMS_DUCKDB_PATH points it at
another file (as for `make build`). Everything it shows comes from the marts: alms_tools.season_views reads them and
alms_tools.season_html draws the tables, as for `make report`. The address carries the season, the class and the
race (`?season=2002&class=GT&race=WAS`); an address it cannot follow gets one line saying so and the default view.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from alms_tools import season_html as page
from alms_tools import season_views as views
from alms_tools.warehouse import unreadable_reason, warehouse_path

PROJECT_DIR = Path(__file__).resolve().parent.parent
WAREHOUSE = warehouse_path(PROJECT_DIR)


@st.cache_data(show_spinner=False)
def cached_query(warehouse: str, published_at: float, sql: str, parameters: tuple) -> pd.DataFrame:
    """Keyed by the file and its modification time: a newly published warehouse is read afresh."""
    connection = duckdb.connect(warehouse, read_only=True)
    try:
        return connection.execute(sql, list(parameters)).df()
    finally:
        connection.close()


def query(sql: str, parameters: tuple = ()) -> pd.DataFrame:
    return cached_query(str(WAREHOUSE), WAREHOUSE.stat().st_mtime, sql, parameters)


def html(*parts: str) -> None:
    st.html(page.wrap(*parts))


def main() -> None:
    st.set_page_config(page_title="ALMS standings", page_icon="\U0001f3c1", layout="wide")
    st.html(f"<style>{page.STYLE}</style>")
    if not WAREHOUSE.is_file():
        problem = f"No warehouse at {WAREHOUSE}: run `make build` first."
    else:
        try:
            show_warehouse()
            return
        except duckdb.Error as error:  # a writer holds it, a half-built or foreign file, ...
            problem = unreadable_reason(WAREHOUSE, error)
    st.title("American Le Mans Series standings")
    st.error(problem)


def asked(name: str) -> str | None:
    """What the address asks for (?season=...), before a widget bound to it reads it."""
    value = st.query_params.get(name)
    return value if value else None


def pick_season(seasons: pd.DataFrame, notices: list[str]) -> int:
    """The address's season, else the latest with results; a picker only when there is a choice."""
    options = [int(season) for season in seasons["season"]]
    default = views.default_season(seasons)
    wanted = asked("season")
    if wanted is not None and not (wanted.isdigit() and int(wanted) in options):
        notices.append(f"there is no season {wanted} here (showing {default})")
        if len(options) == 1:
            del st.query_params["season"]
    if len(options) == 1:
        return options[0]
    picked = st.selectbox("Season", options, index=options.index(default), key="season", bind="query-params", width=220)
    return int(picked)


def show_warehouse() -> None:
    seasons = views.seasons(query)
    notices: list[str] = []
    heading = st.container()
    season = pick_season(seasons, notices)
    about = seasons[seasons["season"] == season].iloc[0]
    rounds = views.season_rounds(query, season)
    classes = views.season_classes(query, season)
    raced = rounds[rounds["round_status"] == "raced"]
    with heading:
        st.title(f"{season} American Le Mans Series")
        st.caption(
            f"{views.plural(len(rounds), 'race')} · {views.plural(len(classes), 'class')} · team championships "
            f"computed from each car's class result, scored under {about.official_scenario_name}"
            + ("; every published cell reconciled." if about.has_published_standings else ".")
            if classes
            else f"{views.plural(len(rounds), 'race')} on the calendar · no results yet."
        )
    wanted_class = asked("class")
    if wanted_class is not None and wanted_class not in classes and classes:
        notices.append(f"there is no class {wanted_class} in {season} (showing {classes[0]})")
    race_code = pick_race_notice(rounds, raced, notices)
    if notices:
        st.warning(f"This address could not be followed in full: {'; '.join(notices)}.")

    st.header("Who won, and how")
    if not classes:
        st.info(views.season_without_results(season, rounds))
        show_calendar(season, classes)
        return
    titles = views.class_titles(query, season)
    html(page.table(views.champions_summary(titles), "champions"), page.cancelled_note(rounds))
    for tab, title in zip(st.tabs(classes, key="class", bind="query-params"), titles.itertuples(), strict=True):
        with tab:
            show_class(season, pd.Series(title._asdict()), rounds)

    show_calendar(season, classes)
    show_race(season, raced, race_code)
    show_what_if(season)
    show_evidence(season)


def pick_race_notice(rounds: pd.DataFrame, raced: pd.DataFrame, notices: list[str]) -> str | None:
    """The race the page opens on (the latest with results); a notice when the address asks for another that it
    cannot show: cancelled, not raced yet, or unknown."""
    default = str(raced["race_code"].iloc[-1]) if not raced.empty else None
    wanted = asked("race")
    if wanted is None or wanted in set(raced["race_code"]):
        return default
    match = rounds[rounds["race_code"] == wanted]
    if match.empty:
        notices.append(f"there is no race {wanted} in this season" + (f" (showing {default})" if default else ""))
    elif match.iloc[0]["round_status"] == "cancelled":
        notices.append(
            views.cancelled_sentence(match.iloc[0]).rstrip(".") + (f" (showing {default})" if default else "")
        )
    else:
        notices.append(f"{wanted} has no results yet" + (f" (showing {default})" if default else ""))
    return default


def show_class(season: int, title: pd.Series, rounds: pd.DataFrame) -> None:
    class_code = title.class_code
    st.subheader(f"{class_code} teams")
    st.markdown(f"**{views.title_headline(title)}** {views.title_decided_sentence(title)}")
    standings = views.standings(query, season, class_code, title)
    html(page.standings_table(standings, class_code), page.standings_notes(standings))

    st.markdown(f"##### {class_code} results by race")
    teams = views.team_matrix(query, season, class_code, standings)
    html(page.matrix_table(teams), page.colour_key(teams), page.flagged_notes(teams))

    st.markdown(f"##### {class_code} title race")
    measure = st.segmented_control(
        "Show",
        list(views.CHART_MEASURES),
        format_func=views.CHART_MEASURES.get,
        default="gap_to_leader",
        required=True,
        key=f"view_{class_code}",
    )
    shown = st.slider(
        "Teams shown (by final position)",
        min_value=2,
        max_value=views.MOST_TEAMS_CHARTED,
        value=min(views.contenders(query, season, class_code), int(title.teams_scoring)),
        key=f"teams_{class_code}",
    )
    data = views.progression_data(query, season, class_code, shown)
    codes = views.race_codes(rounds)
    st.altair_chart(views.progression_chart(data, title, codes, measure=measure), width="stretch")

    st.subheader(f"{class_code} drivers")
    record = views.published_drivers(query, season, class_code, title)
    drivers = views.driver_matrix(query, season, class_code, record, title)
    table = pd.DataFrame({"Driver": drivers.rows["name"], "Pos": drivers.rows["position_label"]}).assign(
        Points=drivers.rows["points"]
    )
    html(
        page.published_drivers_notice(record, class_code, table),
        page.matrix_table(drivers),
        page.colour_key(drivers),
        '<p class="note">Points include the pole and most-laps bonus points a source settles. Bonus not checked: '
        "the points no source settles that could still be the driver's, so a driver's total is a lower bound.</p>",
    )


def show_calendar(season: int, classes: list[str]) -> None:
    st.header("Calendar and class winners")
    html(page.calendar_table(views.calendar(query, season, classes), classes))


def show_race(season: int, raced: pd.DataFrame, default: str | None) -> None:
    st.header("Race by race")
    if default is None:
        st.info(f"No race of {season} has results yet.")
        return
    codes = raced["race_code"].tolist()
    code = st.pills(
        "Race",
        codes,
        default=default,
        required=True,
        key="race",
        bind="query-params",
        help="Only races with results: a cancelled race is on the calendar above.",
    )
    race = views.race(query, season, code)
    st.subheader(page.race_heading_text(race))
    html(page.race_tables(race))


def show_what_if(season: int) -> None:
    st.header("What if the rules were different")
    table = views.what_if_table(query, season)
    if table.empty:
        st.info(
            "No what-if scenario was computed in this build (the var `computed_scenarios` left them out; "
            "marts.dim_scoring_scenarios.is_computed says which were)."
        )
        return
    for scenario in views.scenario_sentences(query, season).itertuples():
        st.markdown(f"- **{scenario.scenario_name}**: {scenario.description}")
    html(
        '<p class="note">A distance rule can only strike results whose laps are known: read each claim with its '
        "'N of M checked'. Untested results keep their points. A changed champion is highlighted.</p>",
        page.table(table, "what-if", highlight=table["Champion changes"].str.startswith("yes")),
    )


def show_evidence(season: int) -> None:
    st.header("Evidence behind the scoring cells")
    st.caption(
        "Share of each race's scoring cells whose class position rests on a source other than the "
        "published points themselves (a race result or the class-winners table)."
    )
    st.altair_chart(views.evidence_heatmap(query, season), width="stretch")

    st.header("Reconciliation with the published tables")
    statuses = views.reconciliation_statuses(query, season)
    if statuses.empty:
        st.write(f"No published tables for {season} in seeds/expected: nothing to reconcile.")
        return
    html(
        page.table(statuses, "reconciliation"),
        page.table(views.reconciliation_exceptions(query, season), "reconciliation-exceptions"),
    )


main()
