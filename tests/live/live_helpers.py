"""Helpers the live session tests share: an event recorder and a poll-until helper."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from camtranslate.live.events import LiveEvent


class Recorder:
    """Collects the session's events (called from its threads)."""

    def __init__(self) -> None:
        self.events: list[LiveEvent] = []
        self.lock = threading.Lock()

    def __call__(self, event: LiveEvent) -> None:
        with self.lock:
            self.events.append(event)

    def of(self, kind: type) -> list[LiveEvent]:
        with self.lock:
            return [e for e in self.events if isinstance(e, kind)]


def wait_for(cond: Callable[[], object], timeout: float, step: float = 1 / 30) -> object:
    """Poll like the GUI's display timer until cond() is truthy; None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(step)
    return None
