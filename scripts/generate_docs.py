"""Write the docs site (target/static_index.html) from a private copy of the published warehouse.

`dbt docs generate` opens its database read-write: pointed at the published file it would create an empty one
before the first build, and fail while a BI tool holds the file. So it runs against a copy made in a private
folder under target/ (with its own dbt target path, so a build running at the same time keeps its manifest),
and only the finished static_index.html is moved into target/. The published file is only ever read.

Usage: python scripts/generate_docs.py [extra dbt docs generate arguments...]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from alms_tools.processes import StopSignal, child_stopped_on_exit, stop_on_signals
from alms_tools.toolchain import dbt_executable
from build_warehouse import PROJECT_DIR, published_path, shown

SITE = "static_index.html"


def generate_docs(dbt_args: list[str]) -> int:
    published = published_path()
    if not published.exists():
        print(f"No warehouse at {shown(published)} yet: run `make build` first, then `make docs`.", flush=True)
        return 1
    target = PROJECT_DIR / "target"
    target.mkdir(exist_ok=True)
    try:
        stop_on_signals()
        with tempfile.TemporaryDirectory(prefix=".docs-", dir=target) as private:
            copy = Path(private) / published.name
            shutil.copyfile(published, copy)
            env = dict(os.environ, ALMS_DUCKDB_PATH=str(copy), DBT_PROFILES_DIR=str(PROJECT_DIR))
            command = [
                str(dbt_executable()),
                "docs",
                "generate",
                "--static",
                "--project-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(Path(private) / "target"),
                *dbt_args,
            ]
            with child_stopped_on_exit(subprocess.Popen(command, cwd=PROJECT_DIR, env=env)) as process:
                if process.wait() != 0:
                    print(f"dbt docs generate failed (see above); {shown(published)} was only read.", flush=True)
                    return 1
            os.replace(Path(private) / "target" / SITE, target / SITE)
    except StopSignal as stop:
        print(f"Docs stopped ({stop}); {shown(published)} was only read.", flush=True)
        return 128 + stop.signum
    return 0


if __name__ == "__main__":
    sys.exit(generate_docs(sys.argv[1:]))
