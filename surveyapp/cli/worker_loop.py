"""The loop behind every `... worker` command: do work until stopped, resting when there is none."""
from __future__ import annotations

import signal
import time
from collections.abc import Callable


def run_until_stopped(step: Callable[[], bool], interval: float) -> None:
    """Call `step` until SIGTERM or Ctrl-C; after a call that found nothing to do, rest `interval` seconds.

    A stop waits for the step in hand to finish (so a message or an import is never cut off half-way)
    and ends a rest within half a second.
    """
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping:
            if step():
                continue
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.5, interval))
    except KeyboardInterrupt:
        pass
