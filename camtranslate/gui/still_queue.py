"""The still-image queue, without Qt: which picture is translated next, which results are stale,
what is left to do. The window owns one, runs the jobs it hands out on its worker thread and
reports back; everything here is plain data, tested without a window.

Order: the picture on screen first, then the ones after it, then the ones before. A job carries
the key it was started under (engine generation, source, target); a result arriving under
another key is stale and its picture goes back in line. When the engine or a language changes
only the picture on screen is translated again at once; the others wait until they are shown
(``WAITING``), so a change never starts minutes of work over a long queue. Pictures that were
never translated are worked through in the background; ``cancel_background`` stops that.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from camtranslate.types import FrameResult

QUEUED = "queued"
"""To translate, in the background if it is not on screen."""
WAITING = "waiting"
"""To translate when it is shown (after a settings change or a cancel)."""
RUNNING = "running"
DONE = "done"
FAILED = "failed"


@dataclass
class QueueEntry:
    """One still in the queue: a file, a dropped folder's file, or a pasted picture."""

    name: str
    path: Path | None = None
    image: np.ndarray | None = None
    """The decoded original (set once loaded; pasted pictures start with it)."""
    result: FrameResult | None = None
    error: str | None = None
    state: str = QUEUED
    retryable: bool = True
    """False once it proved not to be a picture at all: trying again cannot help."""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ticket:
    """A job handed out: which entry, under which settings."""

    index: int
    key: Hashable


class StillQueue:
    def __init__(self) -> None:
        self.entries: list[QueueEntry] = []
        self.current = -1
        self._batch_done = 0
        self._batch_size = 0

    # -- contents ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: int) -> QueueEntry:
        return self.entries[index]

    def __iter__(self):
        return iter(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def append(self, entry: QueueEntry) -> int:
        self.entries.append(entry)
        if entry.state == QUEUED:
            self._batch_size += 1
        return len(self.entries) - 1

    def shown(self) -> QueueEntry | None:
        return self.entries[self.current] if 0 <= self.current < len(self.entries) else None

    def show(self, index: int) -> bool:
        """Make ``index`` (clamped) the picture on screen; a waiting picture is queued now.
        Returns whether the picture on screen changed."""
        if not self.entries:
            return False
        index = max(0, min(index, len(self.entries) - 1))
        moved = index != self.current
        self.current = index
        if self.entries[index].state == WAITING:
            self._queue(self.entries[index])
        return moved

    def running(self) -> QueueEntry | None:
        return next((e for e in self.entries if e.state == RUNNING), None)

    # -- the pump ----------------------------------------------------------------------------
    def next_job(self, key: Hashable) -> Ticket | None:
        """The next picture to translate under ``key`` (marked running), or None when one is
        running already (one at a time, so the picture on screen goes first) or none is left."""
        if self.running() is not None or not self.entries:
            return None
        n = len(self.entries)
        start = max(self.current, 0)
        for i in [(start + k) % n for k in range(n)]:
            if self.entries[i].state == QUEUED:
                self.entries[i].state = RUNNING
                return Ticket(i, key)
        return None

    def finish(self, ticket: Ticket, key: Hashable, image: np.ndarray, result: FrameResult) -> bool:
        """A job's result; False when the settings changed meanwhile (the picture goes back
        in line: it is translated again under the new settings)."""
        entry = self.entries[ticket.index]
        if ticket.key != key:
            self._requeue_stale(ticket.index)
            return False
        entry.image, entry.result = image, result
        entry.state, entry.error = DONE, None
        self._count_done()
        return True

    def fail(self, ticket: Ticket, key: Hashable, message: str) -> bool:
        entry = self.entries[ticket.index]
        if ticket.key != key:
            self._requeue_stale(ticket.index)
            return False
        entry.state, entry.error = FAILED, message
        self._count_done()
        return True

    def _requeue_stale(self, index: int) -> None:
        """Back in line under the new settings: at once if it is on screen, else when shown."""
        self.entries[index].state = WAITING
        self._batch_size -= 1  # counted again if it is queued again
        if index == self.current:
            self._queue(self.entries[index])
        else:
            self._reset_batch_if_idle()

    # -- settings changed, cancel, retry -----------------------------------------------------
    def invalidate(self) -> None:
        """The engine or a language changed: the picture on screen is translated again now,
        the other translated ones when they are shown; results and errors are dropped (never
        a translation into the old language)."""
        for i, entry in enumerate(self.entries):
            if entry.state in (DONE, FAILED, WAITING):
                entry.result, entry.error = None, None
                if i == self.current:
                    self._queue(entry)
                else:
                    entry.state = WAITING

    def cancel_background(self) -> int:
        """Stop translating pictures that are not on screen; each is translated when shown.
        Returns how many were waiting for their turn."""
        stopped = 0
        for i, entry in enumerate(self.entries):
            if entry.state == QUEUED and i != self.current:
                entry.state = WAITING
                stopped += 1
        self._batch_size -= stopped
        self._reset_batch_if_idle()
        return stopped

    def retry(self, index: int) -> None:
        entry = self.entries[index]
        entry.result, entry.error, entry.retryable = None, None, True
        if entry.path is not None:
            entry.image = None
        self._queue(entry)

    def _queue(self, entry: QueueEntry) -> None:
        if entry.state != QUEUED:
            self._batch_size += 1
        entry.state = QUEUED

    # -- progress ----------------------------------------------------------------------------
    def pending(self) -> int:
        """Pictures queued or running."""
        return sum(1 for e in self.entries if e.state in (QUEUED, RUNNING))

    def progress(self) -> tuple[int, int]:
        """(finished, total) of the work queued since the queue was last idle."""
        return self._batch_done, max(self._batch_size, self._batch_done)

    def _count_done(self) -> None:
        self._batch_done += 1
        self._reset_batch_if_idle()

    def _reset_batch_if_idle(self) -> None:
        if self.pending() == 0:
            self._batch_done = self._batch_size = 0
