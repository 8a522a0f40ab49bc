"""Stopping cleanly: a stop signal unwinds a script through its cleanup, and no child (dbt) outlives it.

`make build`, `make docs` and `make diff` install `stop_on_signals()` first: SIGTERM, SIGINT (Ctrl-C) or SIGHUP then
raise `StopSignal` where the script is, its `finally` blocks and context managers run (a child stopped, a side file
or a temporary folder removed), and the script prints one line and exits 128 + the signal's number.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
CHILD_GRACE_SECONDS = 5.0


class StopSignal(BaseException):
    """SIGTERM, SIGINT (Ctrl-C) or SIGHUP arrived: unwind through the cleanup, then exit 128 + the signal's number.
    A BaseException, so no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_on_signals() -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        for other in STOP_SIGNALS:  # a second signal must not cut the cleanup short
            signal.signal(other, signal.SIG_IGN)
        raise StopSignal(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)


@contextmanager
def child_stopped_on_exit(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Whatever ends the caller's block (a stop signal included), the child has ended when it exits: asked to
    terminate, then killed after CHILD_GRACE_SECONDS. So no dbt outlives its script, still writing a file the
    script's cleanup removes or a lock the script releases."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=CHILD_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
