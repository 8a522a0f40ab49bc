"""ALMS season dashboard: who won each class and how, the title races, drivers, calendar, race results, what-if
rules, evidence and reconciliation.

Run with `make dashboard` (or `.venv/bin/streamlit run dashboard/app.py`). It opens the warehouse read-only, per
query, so a rebuild never waits on it. ALMS_DUCKDB_PATH points it at another file (as for `make build`).
Everything it shows comes from the marts (alms_tools.season_views reads them; `make report` uses the same views).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
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


def main() -> None:
    st.set_page_config(page_title="ALMS standings", layout="wide")
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


def show_warehouse() -> None:
    seasons = views.seasons(query)
    season = st.selectbox("Season", seasons["season"].tolist(), key="season", bind="query-params")
    about = seasons[seasons["season"] == season].iloc[0]
    classes = views.season_classes(query, season)
    st.title(f"{season} American Le Mans Series")
    st.caption(
        f"Team championships computed from each car's class result, scored under {about.official_scenario_name}"
        + ("; every published cell reconciled." if about.has_published_standings else ".")
    )

    st.header("Who won, and how")
    if not classes:
        st.info(f"No team has scored in {season} yet: the schedule is in the warehouse, the results are not.")
        show_calendar(season, classes)
        return
    titles = views.class_titles(query, season)
    st.dataframe(views.champions_summary(titles), hide_index=True, width="stretch")
    for tab, title in zip(st.tabs(classes, key="class", bind="query-params"), titles.itertuples(), strict=True):
        with tab:
            show_class(season, pd.Series(title._asdict()))

    show_calendar(season, classes)
    show_race(season)
    show_what_if(season)
    show_evidence(season)


def show_class(season: int, title: pd.Series) -> None:
    class_code = title.class_code
    st.subheader(f"{class_code} teams")
    st.markdown(f"**{views.title_headline(title)}** {views.title_decided_sentence(title)}")
    st.table(views.standings_table(query, season, class_code))

    st.markdown(f"##### {class_code} title race")
    teams = st.slider(
        "Teams shown (by final position)",
        min_value=2,
        max_value=views.MOST_TEAMS_CHARTED,
        value=min(views.contenders(query, season, class_code), int(title.teams_scoring)),
        key=f"teams_{class_code}",
    )
    data = views.progression_data(query, season, class_code, teams)
    st.altair_chart(views.progression_chart(data, title), width="stretch")

    left, right = st.columns(2)
    with left:
        st.markdown(f"##### {class_code} wins and podiums")
        st.dataframe(views.team_results(query, season, class_code), hide_index=True, width="stretch", height="content")
    with right:
        st.markdown(f"##### {class_code} drivers")
        drivers = views.driver_standings(query, season, class_code)
        st.dataframe(drivers, hide_index=True, width="stretch", height="content" if len(drivers) <= 16 else 600)
        st.caption(
            "Bonus: the pole and most-laps points a source settles. Bonus not checked: the points no source "
            "settles that could still be this driver's, so a driver's total is a lower bound."
        )


def show_calendar(season: int, classes: list[str]) -> None:
    st.header("Calendar and class winners")
    st.dataframe(views.calendar(query, season, classes), hide_index=True, width="stretch", height="content")


def show_race(season: int) -> None:
    st.header("Race by race")
    rounds = query(
        "select round_number, race_name from marts.dim_rounds where season = ? order by round_number", (season,)
    )
    labels = {f"{row.round_number}. {row.race_name}": row.round_number for row in rounds.itertuples()}
    round_number = labels[st.selectbox("Race", list(labels), key="race", bind="query-params")]
    st.dataframe(
        views.race_results(query, season, round_number),
        hide_index=True,
        width="stretch",
        height="content",
        column_config={
            "Laps": st.column_config.TextColumn(width=100),
            "Status": st.column_config.TextColumn(width=250),
            "Drivers": st.column_config.TextColumn(width=250),
        },
    )
    st.caption(
        "Laps and status are blank or 'not known' where no source gives them; 'at most N laps' where a "
        "source only says how early the car stopped. 'Counts for team': the team's best car, whose points "
        "count in the team championship. Evidence: a published race result, the season article's class-winners "
        "table, or the team's published points read back through the round's scale."
    )


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
    st.caption(
        "A distance rule can only strike results whose laps are known: read each claim with its "
        "'N of M checked'. Untested results keep their points."
    )
    st.dataframe(table.style.apply(highlight_changed, axis=1), hide_index=True, width="stretch", height="content")


def highlight_changed(row: pd.Series) -> list[str]:
    """A changed champion in bold on orange (its 'Champion changes' cell says so in words too)."""
    style = "background-color: #FFD8A8; font-weight: bold" if row["Champion changes"].startswith("yes") else ""
    return [style] * len(row)


def show_evidence(season: int) -> None:
    st.header("Evidence behind the scoring cells")
    st.caption(
        "Share of each round's scoring cells whose class position rests on a source other than the "
        "published points themselves (a race result or the class-winners table)."
    )
    st.altair_chart(views.evidence_heatmap(query, season), width="stretch")

    st.header("Reconciliation with the published tables")
    statuses = views.reconciliation_statuses(query, season)
    if statuses.empty:
        st.write(f"No published tables for {season} in seeds/expected: nothing to reconcile.")
        return
    st.table(statuses.set_index("Published cells"))
    st.table(views.reconciliation_exceptions(query, season))


main()
