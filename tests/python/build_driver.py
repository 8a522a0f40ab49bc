"""Run the project's build entry point and SIGKILL it just before one of its steps (a kill point), for tests.

Usage: python build_driver.py <project> <step> [build arguments...]
<step> is a function of scripts/build_warehouse.py: checkpoint, verify, publish or fsync_folder (just after
the rename). Run it with the stand-in venv's python so that `dbt` is the stand-in (see conftest.py).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    project, step, *arguments = argv
    # The copy's own script (its PROJECT_DIR is the copy), loaded from its file.
    spec = importlib.util.spec_from_file_location("build_warehouse", Path(project) / "scripts" / "build_warehouse.py")
    assert spec is not None and spec.loader is not None
    build_warehouse = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_warehouse)

    def killed(*_args: object, **_kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    assert callable(getattr(build_warehouse, step)), step
    setattr(build_warehouse, step, killed)
    return build_warehouse.main(arguments)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
