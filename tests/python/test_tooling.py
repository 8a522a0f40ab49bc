"""The developer's tools agree: pre-commit runs exactly the checks of `make lint` (and CI runs `make lint`)."""

from __future__ import annotations

import os
import subprocess

import yaml
from conftest import PROJECT_DIR


def make_lint_commands() -> list[str]:
    """The commands `make lint` runs, as make prints them in a dry run (variables expanded)."""
    env = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MAKELEVEL")}
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
