"""The tools a script runs: the dbt installed beside this Python, and git."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path


def dbt_executable() -> Path:
    """The `dbt` of the environment running this Python (.venv), never another one on PATH."""
    return Path(sys.executable).with_name("dbt")


def export_commit(repository: Path, commit: str, destination: Path) -> Path:
    """The files of `commit` (git archive) in `destination`: nothing is checked out, no worktree is registered, the
    repository's index and work tree are untouched."""
    archive = subprocess.run(
        ["git", "-C", str(repository), "archive", "--format=tar", commit], check=True, capture_output=True
    ).stdout
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination
