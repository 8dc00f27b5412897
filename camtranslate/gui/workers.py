"""Qt bridges to the Qt-free core: run blocking work off the GUI thread, report back by signals.

The GUI thread never runs OCR, translation, decoding or model loading; it only paints. Work goes
to a one-thread pool (so warm-up, then each queued still, run one after another without
contending for the two CPU cores with each other), and results come back as queued signals.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from camtranslate.errors import CamtranslateError

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]


class JobSignals(QObject):
    progress = Signal(str, float)
    done = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    """One call of ``fn(progress)`` on a worker thread; its outcome arrives as a signal.

    ``CamtranslateError`` messages go to the user as they are (they are written for people);
    anything else is logged with its traceback and shown as one line, and the app goes on.
    """

    def __init__(self, fn: Callable[[ProgressFn], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the Worker keeps it until its signals were delivered
        self.fn = fn
        self.signals = JobSignals()
        self.cancelled = threading.Event()

    def run(self) -> None:
        if self.cancelled.is_set():
            return
        try:
            result = self.fn(self._progress)
        except CamtranslateError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug must not take the window down
            log.error("worker job failed:\n%s", traceback.format_exc())
            self.signals.failed.emit(f"Unexpected error: {type(exc).__name__}: {exc}")
        else:
            self.signals.done.emit(result)

    def _progress(self, message: str, fraction: float) -> None:
        self.signals.progress.emit(message, float(fraction))


class Worker(QObject):
    """A private one-thread pool; jobs run in submission order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._jobs: set[Job] = set()

    def submit(
        self,
        fn: Callable[[ProgressFn], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        on_progress: Callable[[str, float], None] | None = None,
    ) -> Job:
        job = Job(fn)
        job.signals.done.connect(on_done)
        job.signals.failed.connect(on_failed)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        job.signals.done.connect(lambda _r, j=job: self._jobs.discard(j))
        job.signals.failed.connect(lambda _m, j=job: self._jobs.discard(j))
        self._jobs.add(job)
        self.pool.start(job)
        return job

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Drop queued jobs and wait for the running one (a model call cannot be interrupted)."""
        for job in list(self._jobs):
            job.cancelled.set()
        self.pool.clear()
        self.pool.waitForDone(timeout_ms)
