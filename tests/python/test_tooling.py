"""The developer's tools agree: pre-commit runs exactly the checks of `make lint` (and CI runs `make lint`);
`make spark` without Java says so in one line; the environments hold compiled bytecode."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import PROJECT_DIR, make_checkout


def make_lint_commands() -> list[str]:
    """The commands `make lint` runs, as make prints them in a dry run (variables expanded)."""
    env = dict(os.environ)
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "-o", ".venv-duckdb1/.installed", "lint"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.strip() for line in dry.stdout.splitlines() if line.startswith(".venv/bin/")]


def test_pre_commit_runs_the_checks_of_make_lint_with_local_tools() -> None:
    config = yaml.safe_load((PROJECT_DIR / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing to download when hooks install
    hooks = config["repos"][0]["hooks"]
    assert {hook["language"] for hook in hooks} == {"system"}
    assert all(hook["pass_filenames"] is False for hook in hooks)  # whole folders, as make lint checks them
    assert sorted(hook["entry"] for hook in hooks) == sorted(make_lint_commands())


def test_make_spark_without_java_says_so_in_one_line(tmp_path: Path) -> None:
    checkout = make_checkout(tmp_path / "checkout")
    no_java = tmp_path / "bin"  # a PATH with no java on it
    no_java.mkdir()
    env = {"PATH": str(no_java), "HOME": os.environ.get("HOME", str(tmp_path))}
    result = subprocess.run(
        # -o: the Spark environment counts as set up even where it is not (e.g. after `make test-fast` alone).
        [shutil.which("make") or "make", "--no-print-directory", "-o", ".venv-spark/.installed", "spark"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout.strip().splitlines() == [
        "make spark needs Java 17 (e.g. apt-get install openjdk-17-jre-headless); nothing was built."
    ], result.stdout + result.stderr


def test_the_environment_holds_compiled_bytecode() -> None:
    """`make setup` installs with uv --compile-bytecode: uv writes no .pyc by default, and where Python may not write
    them either (PYTHONDONTWRITEBYTECODE, as on CI) every dbt command compiled dbt from source again (~2 s each)."""
    modules = ["dbt.cli.main", "dbt.adapters.duckdb", "sqlfluff.core.linter"]
    missing = [
        name
        for name in modules
        if not Path(importlib.util.cache_from_source(importlib.util.find_spec(name).origin)).exists()
    ]
    assert missing == [], f"{sys.prefix}: no compiled bytecode for {missing}; rebuild it with make setup"
