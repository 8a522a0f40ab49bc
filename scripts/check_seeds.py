"""Check the seed CSVs before dbt reads them, and say exactly what is wrong.

dbt's seed loader turns a Latin-1 byte, a CRLF line or an empty file into a traceback, and it
silently accepts a header-only file, a repeated header name or `two` in an integer column of a seed
without types. This check reads each seed's declared `column_types` from its folder's YAML and reports
one message per problem: file, line, column and what was expected. Text keys (teams, aliases, drivers,
car keys, codes) must be NFC-normalised and free of control characters, invisible spaces and runs of
spaces, so that two spellings that look the same are one value on every target (Spark has no NFC
function; the DuckDB staging models normalise again); "Lucas  Lühr" would be a second driver. The
report is capped: the first MAX_SHOWN problems, then a count.

Usage: python scripts/check_seeds.py [seeds folder]   (exit 1 when a problem is found)
"""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

INTEGER = re.compile(r"^-?\d+$")
# Python's date.fromisoformat also takes 20020519 and 2002-W20-7; DuckDB's CSV reader does not.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# decimal(p, s) as a column type: spaces and case do not matter.
DECIMAL_TYPE = re.compile(r"decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)", re.IGNORECASE)
# A column type set by a dbt var in the seeds YAML, e.g. points: "{{ var('points_data_type') }}".
VAR_REFERENCE = re.compile(r"\{\{\s*var\(\s*['\"](\w+)['\"]\s*\)\s*\}\}")
# Two or more plain spaces in a row inside a key: "Lucas  Lühr" and "Lucas Lühr" would be two drivers.
SPACE_RUN = re.compile(r" {2,}")
MAX_SHOWN = 20
# The var that types every points column (dbt_project.yml): integer, or an exact decimal(p, s) that can hold a
# season's totals. Spaces and case do not matter; anything else (a float, text, a typo) is refused before dbt runs.
POINTS_DATA_TYPE_VAR = "points_data_type"
MAX_DECIMAL_PRECISION = 38  # DuckDB's widest decimal
MIN_DIGITS_BEFORE_POINT = 4  # season totals up to 9,999
ACCEPTED_POINTS_TYPES = (
    f"integer, or an exact decimal(p, s) with p at most {MAX_DECIMAL_PRECISION} and at least "
    f"{MIN_DIGITS_BEFORE_POINT} digits before the point (p - s >= {MIN_DIGITS_BEFORE_POINT}), e.g. decimal(9, 1) "
    "for half points"
)
# The text columns that identify or join something; free text (sources, notes, names of races) is not checked.
TEXT_KEYS = frozenset(
    {
        "car_key",
        "car_number",
        "class_code",
        "team_entered",
        "team_alias",
        "team_name",
        "driver_name",
        "other_driver_name",
        "compared_driver_name",
        "race_type",
        "scale_code",
        "scenario_code",
        "exception_code",
        "status",
        "bonus_kind",
    }
)


def character_name(character: str) -> str:
    return f"U+{ord(character):04X} {unicodedata.name(character, 'control character')}"


def text_problem(value: str, is_key: bool) -> str | None:
    """Why a text value is unsafe as data: a control character anywhere; in a key, an invisible space, a run of
    spaces, or a spelling that is not NFC (decomposed accents look identical but compare different)."""
    if is_key and value != value.strip():
        return "a leading or trailing space; remove it"
    for index, character in enumerate(value, 1):
        category = unicodedata.category(character)
        if category == "Cc":
            return f"{character_name(character)} at character {index}; remove it"
        if is_key and (category == "Cf" or (category == "Zs" and character != " ")):
            return f"invisible {character_name(character)} at character {index}; type a plain space or remove it"
    if is_key and (run := SPACE_RUN.search(value)):
        return f"a run of {len(run[0])} spaces at character {run.start() + 1}; type one space"
    if is_key and not unicodedata.is_normalized("NFC", value):
        return "a spelling not in Unicode NFC form (decomposed accents, e.g. pasted from macOS); save it NFC-normalised"
    return None


def capped(problems: list[str], limit: int = MAX_SHOWN) -> list[str]:
    """The first `limit` problems, then one line counting the rest."""
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], f"... and {len(problems) - limit} more problem(s)"]


def project_vars(seed_folder: Path, overrides: dict[str, object] | None = None) -> dict[str, object]:
    """The vars of the project that holds `seed_folder` (dbt_project.yml), with `overrides` (dbt's --vars) on top."""
    project_file = seed_folder.parent / "dbt_project.yml"
    defaults = {}
    if project_file.exists():
        defaults = (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("vars") or {}
    return {**defaults, **(overrides or {})}


def points_data_type_problem(seed_folder: Path, overrides: dict[str, object] | None = None) -> str | None:
    """One line when the var points_data_type (dbt_project.yml, or dbt's --vars on top) is not a type every points
    column can take: integer, or an exact decimal(p, s) wide enough for a season's totals. None when it is."""
    given_by = "--vars" if POINTS_DATA_TYPE_VAR in (overrides or {}) else "dbt_project.yml"
    value = project_vars(seed_folder, overrides).get(POINTS_DATA_TYPE_VAR)
    text = "" if value is None else str(value).strip()
    if text.lower() == "integer":
        return None
    if shape := DECIMAL_TYPE.fullmatch(text):
        precision, scale = int(shape[1]), int(shape[2])
        if precision <= MAX_DECIMAL_PRECISION and precision - scale >= MIN_DIGITS_BEFORE_POINT:
            return None
    return (
        f"The var {POINTS_DATA_TYPE_VAR} is {text!r} ({given_by}); it must be {ACCEPTED_POINTS_TYPES}: set it under "
        "vars in dbt_project.yml, or pass it with --vars."
    )


def declared_type(value: object, variables: dict[str, object]) -> str:
    """A column type as the seeds YAML declares it, with a `{{ var('name') }}` replaced by the var's value."""
    return VAR_REFERENCE.sub(lambda match: str(variables.get(match[1], match[0])), str(value)).strip().lower()


def seed_declarations(
    seed_folder: Path, variables: dict[str, object] | None = None
) -> dict[Path, tuple[dict[str, str], bool, dict[str, str]]]:
    """Map each seed CSV to (declared column types, whether it may hold no rows: meta.allow_empty, and the var
    that sets a column's type, for the columns typed by one, e.g. points: points_data_type)."""
    variables = project_vars(seed_folder) if variables is None else variables
    declared: dict[Path, tuple[dict[str, str], bool, dict[str, str]]] = {}
    for yml in sorted(seed_folder.rglob("*seeds.yml")):
        for seed in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("seeds", []):
            config = seed.get("config") or {}
            column_types = config.get("column_types") or {}
            types = {k: declared_type(v, variables) for k, v in column_types.items()}
            typed_by_var = {k: match[1] for k, v in column_types.items() if (match := VAR_REFERENCE.search(str(v)))}
            allow_empty = bool((config.get("meta") or {}).get("allow_empty"))
            declared[yml.parent / f"{seed['name']}.csv"] = (types, allow_empty, typed_by_var)
    return declared


def value_problem(value: str, declared_type: str) -> str | None:
    """Why `value` is not a `declared_type`, or None when it is (empty means null and always fits)."""
    if value == "":
        return None
    if declared_type in ("integer", "bigint", "int"):
        return None if INTEGER.match(value) else "expected a whole number"
    if declared_type.startswith("decimal") or declared_type in ("double", "float"):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return "expected a number"
        if not number.is_finite():
            return "expected a finite number"
        if shape := DECIMAL_TYPE.fullmatch(declared_type):
            precision, scale = int(shape[1]), int(shape[2])
            if max(0, -number.normalize().as_tuple().exponent) > scale:
                return f"expected at most {scale} decimal places ({declared_type}; DuckDB would round it)"
            if abs(number) >= 10 ** (precision - scale):
                return f"expected a number below {10 ** (precision - scale)} ({declared_type})"
        return None
    if declared_type == "date":
        try:
            valid = ISO_DATE.fullmatch(value) is not None and date.fromisoformat(value) is not None
        except ValueError:  # e.g. 2002-02-30
            valid = False
        return None if valid else "expected a date as YYYY-MM-DD"
    if declared_type == "boolean":
        return None if value.lower() in ("true", "false") else "expected true or false"
    return None


def check_file(
    path: Path, column_types: dict[str, str], allow_empty: bool = False, typed_by_var: dict[str, str] | None = None
) -> list[str]:
    name = path.as_posix()
    if not path.exists():
        return [f"{name}: file is missing (declared in the seeds YAML)"]
    raw = path.read_bytes()
    if not raw.strip():
        return [f"{name}: file is empty; expected a header line and at least one row"]
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{name}: starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start : error.start + 1].hex()
        message = f"{name}:{line}: byte 0x{byte} at character {column} is not UTF-8 (saved as Latin-1?)"
        return [*problems, message + "; save the file as UTF-8"]
    crlf = [number for number, line in enumerate(text.split("\n"), 1) if line.endswith("\r")]
    if crlf:
        problems.append(f"{name}:{crlf[0]}: Windows (CRLF) line ending ({len(crlf)} line(s)); use LF line endings")
    elif "\r" in text:
        problems.append(f"{name}: carriage-return (CR) line endings; use LF line endings")
    if problems:
        return problems

    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        problems.append(f"{name}:1: header repeats column(s) {', '.join(repeated)}")
    expected = list(column_types)
    missing = [column for column in expected if column not in header]
    unexpected = [column for column in header if column not in expected]
    if missing:
        problems.append(f"{name}:1: header lacks column(s) {', '.join(missing)}")
    if unexpected:
        shown = [
            column if column.strip() else f"{column!r} (an empty name: a comma at the line's end?)"
            for column in unexpected
        ]
        problems.append(f"{name}:1: header has unexpected column(s) {', '.join(shown)}")
    if len(rows) == 1 and not allow_empty:
        problems.append(f"{name}: has a header but no rows")
    if missing or unexpected or repeated:
        return problems
    for number, row in enumerate(rows[1:], 2):
        if not row:
            continue  # an empty line: dbt skips it too
        if not "".join(row).strip():
            problems.append(f"{name}:{number}: a line of only spaces; remove it")
            continue
        if len(row) != len(header):
            problems.append(f"{name}:{number}: {len(row)} values for {len(header)} columns")
            continue
        for column, value in zip(header, row, strict=True):
            reason = value_problem(value, column_types[column])
            if reason and column in (typed_by_var or {}):
                var_name = (typed_by_var or {})[column]
                problems.append(
                    f"{name}:{number}: column {column}: {reason}, got {value!r}; its type is the var {var_name} "
                    f"({column_types[column]}): for points with fractions, set {var_name} to an exact decimal such as "
                    "decimal(9, 1) under vars in dbt_project.yml"
                )
            elif reason:
                problems.append(f"{name}:{number}: column {column}: {reason}, got {value!r}")
            elif reason := text_problem(value, column in TEXT_KEYS):
                problems.append(f"{name}:{number}: column {column}: {value!r} has {reason}")
    return problems


def check_seed_folder(seed_folder: Path, var_overrides: dict[str, object] | None = None) -> list[str]:
    """Every problem of the seed CSVs in `seed_folder`; `var_overrides` are the vars given to dbt (--vars)."""
    if problem := points_data_type_problem(seed_folder, var_overrides):
        return [problem]  # every points column would be read as that type: nothing else can be checked
    problems = []
    declared = seed_declarations(seed_folder, project_vars(seed_folder, var_overrides))
    for csv_path in sorted(seed_folder.rglob("*.csv")):
        if csv_path not in declared:
            problems.append(f"{csv_path.as_posix()}: no column_types declared for this seed in its folder's YAML")
    for csv_path, (column_types, allow_empty, typed_by_var) in declared.items():
        if not column_types:
            problems.append(f"{csv_path.as_posix()}: declare column_types for every column in the seeds YAML")
            continue
        problems += check_file(csv_path, column_types, allow_empty, typed_by_var)
    return problems


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "seeds"
    problems = check_seed_folder(folder)
    for problem in capped(problems):
        print(problem)
    if not problems:
        print(f"Seed CSVs OK ({len(seed_declarations(folder))} files)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
