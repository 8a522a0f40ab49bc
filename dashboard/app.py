"""ALMS season dashboard: the team standings, title races, race results, what-if rules, evidence and reconciliation.

Run with `make dashboard` (or `.venv/bin/streamlit run dashboard/app.py`). It opens the warehouse read-only, per
query, so a rebuild never waits on it. ALMS_DUCKDB_PATH points it at another file (as for `make build`).
Everything it lists comes from the marts: seasons, classes (in class order), rounds and races, scenarios.
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

PROJECT_DIR = Path(__file__).resolve().parent.parent
WAREHOUSE = Path(os.environ.get("ALMS_DUCKDB_PATH", PROJECT_DIR / "warehouse" / "alms.duckdb"))
if not WAREHOUSE.is_absolute():
    WAREHOUSE = PROJECT_DIR / WAREHOUSE


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


def as_text(value: object) -> str:
    """A cell as shown: blank for a missing value (never 'None' or 'nan'), whole numbers without '.0'."""
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def season_classes(season: int) -> list[str]:
    """The classes that have standings in the season, in class order."""
    classes = query(
        "select classes.class_code from marts.dim_classes as classes "
        "where exists (select 1 from marts.fct_team_standings as standings "
        "where standings.season = ? and standings.class_code = classes.class_code) "
        "order by classes.class_order",
        (season,),
    )
    return classes["class_code"].tolist()


def standings_table(season: int, class_code: str) -> pd.DataFrame:
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


def progression_chart(season: int, class_code: str, teams: int) -> alt.Chart:
    """Cumulative points as steps from 0 before round 1: points only change at a race, and never go below 0."""
    progression = query(
        "select progression.round_number, progression.team_name, progression.cumulative_points "
        "from marts.fct_championship_progression as progression "
        "inner join marts.fct_team_standings as standings "
        "on progression.season = standings.season and progression.class_code = standings.class_code "
        "and progression.team_name = standings.team_name "
        "where progression.season = ? and progression.class_code = ? and standings.display_order <= ? "
        "order by progression.round_number, progression.team_name",
        (season, class_code, teams),
    )
    start = pd.DataFrame({"round_number": 0, "team_name": progression["team_name"].unique(), "cumulative_points": 0})
    data = pd.concat([start, progression], ignore_index=True)
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("round_number:Q", title="After round", scale=alt.Scale(domainMin=0), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("cumulative_points:Q", title="Cumulative points", scale=alt.Scale(domainMin=0)),
            color=alt.Color("team_name:N", title="Team"),
            tooltip=["team_name", "round_number", "cumulative_points"],
        )
    )


def evidence_heatmap(season: int) -> alt.Chart:
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
        x=alt.X("round_number:O", title="Round"), y=alt.Y("class_code:N", title="Class", sort=class_order)
    )
    heat = base.mark_rect().encode(
        color=alt.Color("share:Q", title="Cross-checked", scale=alt.Scale(domain=[0, 1], scheme="blues")),
        tooltip=["class_code", "round_number", "cells", "cross_checked"],
    )
    return heat + base.mark_text(baseline="middle").encode(text="label:N")


def main() -> None:
    st.set_page_config(page_title="ALMS standings", layout="wide")
    if not WAREHOUSE.is_file():
        problem = f"No warehouse at {WAREHOUSE}: run `make build` first."
    else:
        try:
            show_warehouse()
            return
        except duckdb.Error as error:  # a writer holds it, a half-built or foreign file, ...
            reason = str(error).strip().splitlines()[0][:300]
            problem = (
                f"The warehouse at {WAREHOUSE} cannot be read ({reason}). If a plain `dbt build` is writing "
                "it, wait for it to finish; otherwise run `make build`."
            )
    st.title("American Le Mans Series standings")
    st.error(problem)


def show_warehouse() -> None:
    seasons = query(
        "select season, official_scenario_name, has_published_standings from marts.dim_seasons order by season desc"
    )
    season = st.selectbox("Season", seasons["season"].tolist(), key="season")
    about = seasons[seasons["season"] == season].iloc[0]
    classes = season_classes(season)
    st.title(f"{season} American Le Mans Series")
    st.caption(
        f"Team championships computed from each car's class result, scored under {about.official_scenario_name}"
        + ("; every published cell reconciled." if about.has_published_standings else ".")
    )

    st.header("Team standings")
    if not classes:
        st.info(f"No team has scored in {season} yet: the schedule is in the warehouse, the results are not.")
        return
    for tab, class_code in zip(st.tabs(classes), classes, strict=True):
        with tab:
            st.subheader(f"{class_code} teams")
            st.table(standings_table(season, class_code))

    st.header("Championship progression")
    class_code = st.selectbox("Class", classes, key="progression_class")
    teams = st.slider("Teams shown", min_value=2, max_value=10, value=5)
    st.altair_chart(progression_chart(season, class_code, teams), width="stretch")
    decided = query(
        "select min(round_number) as round_number from marts.fct_championship_progression "
        "where season = ? and class_code = ? and is_title_decided",
        (season, class_code),
    )
    if not decided.empty and not pd.isna(decided.iloc[0, 0]):
        st.write(f"The {class_code} title was mathematically decided after round {int(decided.iloc[0, 0])}.")

    st.header("Race by race")
    rounds = query(
        "select round_number, race_name from marts.dim_rounds where season = ? order by round_number", (season,)
    )
    labels = {f"{row.round_number}. {row.race_name}": row.round_number for row in rounds.itertuples()}
    round_number = labels[st.selectbox("Race", list(labels), key="race")]
    results = query(
        "select class_code as class, class_position as pos, car_number as car, team_name as team, laps, "
        "finish_status as status, points, is_team_scoring_result as scores_for_team, evidence "
        "from marts.fct_race_results where season = ? and round_number = ? "
        "order by class_order, class_position nulls last, team_name",
        (season, round_number),
    )
    for column in ("pos", "car", "laps", "status"):
        results[column] = results[column].map(as_text)
    st.dataframe(results, hide_index=True, width="stretch")

    st.header("What if the rules were different")
    summary = query(
        "select scenario_name as scenario, class_code as class, checked_label as distance_rule_checked, "
        "struck_results as struck, unknown_results as untested, champion_team_name as champion, "
        "champion_total_points as points, official_champion_team_name as official_champion "
        "from marts.fct_scenario_class_summary where season = ? and not is_official_scenario "
        "order by scenario_code, class_order",
        (season,),
    )
    if summary.empty:
        st.info(
            "No what-if scenario was computed in this build (the var `computed_scenarios` left them out; "
            "marts.dim_scoring_scenarios.is_computed says which were)."
        )
    else:
        st.caption(
            "A distance rule can only strike results whose laps are known: read each claim with its "
            "'N of M checked'. Untested results keep their points."
        )
        st.dataframe(summary, hide_index=True, width="stretch")

    st.header("Evidence behind the scoring cells")
    st.caption(
        "Share of each round's scoring cells whose class position rests on a source other than the "
        "published points themselves (a race result or the class-winners table)."
    )
    st.altair_chart(evidence_heatmap(season), width="stretch")

    st.header("Reconciliation with the published tables")
    statuses = query(
        "select status, count(*) as cells from marts.fct_standings_reconciliation where season = ? "
        "group by status order by status",
        (season,),
    )
    if statuses.empty:
        st.write(f"No published tables for {season} in seeds/expected: nothing to reconcile.")
        return
    st.table(statuses.set_index("status"))
    exceptions = query(
        "select class_code, team_name, measure, published_value, computed_value, exception_reason "
        "from marts.fct_standings_reconciliation where season = ? and status != 'match' "
        "order by class_order, team_name, measure",
        (season,),
    )
    st.table(exceptions)


main()
