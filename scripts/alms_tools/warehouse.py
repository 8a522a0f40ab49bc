"""The warehouse file: where it is, reading it, and comparing the marts of two builds."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

DEFAULT_WAREHOUSE = "warehouse/alms.duckdb"
MARTS_SCHEMA = "marts"


class WarehouseUnreadable(Exception):
    """The warehouse cannot be read; str() is one line for a person, saying why and what to do."""


def warehouse_path(project: Path, given: str | os.PathLike[str] | None = None) -> Path:
    """`given`, else ALMS_DUCKDB_PATH, else warehouse/alms.duckdb; a relative path is taken from `project`."""
    path = Path(given or os.environ.get("ALMS_DUCKDB_PATH") or DEFAULT_WAREHOUSE).expanduser()
    return (path if path.is_absolute() else project / path).resolve()


def unreadable_reason(path: Path, error: duckdb.Error) -> str:
    reason = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
    return (
        f"The warehouse at {path} cannot be read ({reason}). If a plain `dbt build` is writing it, wait for it to "
        "finish; otherwise run `make build`."
    )


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse opened read-only (a reader never blocks `make build`, which publishes a new file beside it);
    WarehouseUnreadable with one line when there is no file, a writer holds it, or it is not a DuckDB file."""
    if not path.is_file():
        raise WarehouseUnreadable(f"No warehouse at {path}: run `make build` first.")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise WarehouseUnreadable(unreadable_reason(path, error)) from error


def mart_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every mart's columns, in table order."""
    rows = connection.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ? "
        "order by table_name, ordinal_position",
        [MARTS_SCHEMA],
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def checksum(connection: duckdb.DuckDBPyConnection, mart: str, columns: list[str]) -> tuple[int, str]:
    """(rows, an order-free checksum of the rows' values in `columns`, each as text, so a wider integer type with
    the same values checksums the same)."""
    values = ", ".join(f'cast("{column}" as varchar)' for column in columns)
    rows, total = connection.execute(
        f'select count(*), cast(coalesce(sum(hash({values})), 0) as varchar) from {MARTS_SCHEMA}."{mart}"'
    ).fetchone()
    return rows, total


def compare_marts(before: Path, after: Path) -> list[dict]:
    """Every mart of either file: its rows and checksum before and after over the columns both have, whether it is
    unchanged, and the columns only one side has."""
    connections = {
        "before": duckdb.connect(str(before), read_only=True),
        "after": duckdb.connect(str(after), read_only=True),
    }
    try:
        columns = {side: mart_columns(connection) for side, connection in connections.items()}
        marts = []
        for mart in sorted(set(columns["before"]) | set(columns["after"])):
            shared = [column for column in columns["before"].get(mart, []) if column in columns["after"].get(mart, [])]
            sums = {
                side: checksum(connection, mart, shared) if mart in columns[side] and shared else None
                for side, connection in connections.items()
            }
            marts.append(
                {
                    "mart": mart,
                    "rows_before": sums["before"][0] if sums["before"] else None,
                    "rows_after": sums["after"][0] if sums["after"] else None,
                    "checksum_before": sums["before"][1] if sums["before"] else None,
                    "checksum_after": sums["after"][1] if sums["after"] else None,
                    "unchanged": sums["before"] is not None and sums["before"] == sums["after"],
                    "only_before": [c for c in columns["before"].get(mart, []) if c not in shared],
                    "only_after": [c for c in columns["after"].get(mart, []) if c not in shared],
                }
            )
        return marts
    finally:
        for connection in connections.values():
            connection.close()
