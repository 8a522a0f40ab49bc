"""2002 ALMS season dashboard: the published standings, title races, race results and reconciliation.

Run with `make dashboard` (or `.venv/bin/streamlit run dashboard/app.py`). It opens the warehouse
read-only, per query, so a rebuild never waits on it. ALMS_WAREHOUSE points it at another file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

WAREHOUSE = Path(os.environ.get("ALMS_WAREHOUSE", Path(__file__).resolve().parent.parent / "warehouse" / "alms.duckdb"))
CLASSES = ["LMP900", "LMP675", "GTS", "GT"]
ROUND_COLUMNS = {f"round_{n}_points": f"Rd {n}" for n in range(1, 11)}


@st.cache_data(show_spinner=False)
def query(sql: str, parameters: tuple = ()) -> pd.DataFrame:
    connection = duckdb.connect(str(WAREHOUSE), read_only=True)
    try:
        return connection.execute(sql, list(parameters)).df()
    finally:
        connection.close()


def standings_table(class_code: str) -> pd.DataFrame:
    table = query(
        "select position_label, team_name, " + ", ".join(ROUND_COLUMNS) + ", total_points "
        "from marts.fct_team_standings where class_code = ? order by display_order",
        (class_code,),
    )
    table = table.rename(columns={"position_label": "Pos", "team_name": "Team", "total_points": "Total",
                                  **ROUND_COLUMNS})
    for column in [*ROUND_COLUMNS.values(), "Total"]:
        table[column] = table[column].map(lambda value: "" if pd.isna(value) else str(int(value)))
    return table.set_index("Pos")


def progression_chart_data(class_code: str, teams: int) -> pd.DataFrame:
    progression = query(
        "select progression.round_number, progression.team_name, progression.cumulative_points "
        "from marts.fct_championship_progression as progression "
        "inner join marts.fct_team_standings as standings using (class_code, team_name) "
        "where progression.class_code = ? and standings.display_order <= ? order by all",
        (class_code, teams),
    )
    return progression.pivot(index="round_number", columns="team_name", values="cumulative_points")


def main() -> None:
    st.set_page_config(page_title="2002 ALMS standings", layout="wide")
    st.title("2002 American Le Mans Series")
    st.caption("Team championships computed from each car's class result; every published cell reconciled.")
    if not WAREHOUSE.exists():
        st.error(f"No warehouse at {WAREHOUSE}: run `make build` first.")
        return

    st.header("Team standings, as published")
    for tab, class_code in zip(st.tabs(CLASSES), CLASSES, strict=True):
        with tab:
            st.subheader(f"{class_code} teams")
            st.table(standings_table(class_code))

    st.header("Championship progression")
    class_code = st.selectbox("Class", CLASSES, key="progression_class")
    teams = st.slider("Teams shown", min_value=2, max_value=10, value=5)
    st.line_chart(progression_chart_data(class_code, teams), x_label="Round", y_label="Cumulative points")
    decided = query(
        "select min(round_number) as round_number from marts.fct_championship_progression "
        "where class_code = ? and is_title_decided", (class_code,),
    )
    if not decided.empty and not pd.isna(decided.iloc[0, 0]):
        st.write(f"The {class_code} title was mathematically decided after round {int(decided.iloc[0, 0])}.")

    st.header("Race by race")
    rounds = query("select round_number, race_name from staging.stg_schedule order by round_number")
    labels = [f"{row.round_number}. {row.race_name}" for row in rounds.itertuples()]
    chosen = st.selectbox("Race", labels, key="race")
    round_number = int(chosen.split(".")[0])
    results = query(
        "select class_code as class, class_position as pos, car_number as car, team_name as team, laps, "
        "finish_status as status, points, is_team_scoring_result as scores_for_team, evidence "
        "from marts.fct_race_results where round_number = ? "
        "order by class_code, class_position nulls last, team_name",
        (round_number,),
    )
    st.dataframe(results, hide_index=True, width="stretch")

    st.header("Reconciliation with the published tables")
    statuses = query(
        "select status, count(*) as cells from marts.fct_standings_reconciliation group by status order by status"
    )
    st.table(statuses.set_index("status"))
    exceptions = query(
        "select class_code, team_name, measure, published_value, computed_value, exception_reason "
        "from marts.fct_standings_reconciliation where status != 'match' order by all"
    )
    st.table(exceptions)


main()
