"""The engine controller: owns the window's Pipeline, rebuilds it when a choice needs a new one,
warms models up on the worker thread and reports by signals. Which choice needs what is the
Pipeline's rule (``needs_rebuild``, ``warmup_pair``, ``language_pairs``), never decided here.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from camtranslate.config import PipelineConfig
from camtranslate.gui.workers import Worker

log = logging.getLogger(__name__)


class EngineController(QObject):
    progress = Signal(str, float)
    """(what is loading, fraction 0..1; -1 when unknown)."""
    ready = Signal()
    failed = Signal(str)
    pairs = Signal(list)
    """The language pairs the installed models reach (after each rebuild)."""

    def __init__(self, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.pipeline: Any = None
        """The Pipeline (tests may put a stand-in with the same methods here)."""
        self.generation = 0
        """Counts rebuilds: a still translated by an older engine is stale."""
        self.models_ready = False
        self._warm_id = 0

    def rebuild(self, config: PipelineConfig, start_warmup: bool = True) -> None:
        """A new Pipeline for ``config`` (the old one is closed on the worker, after the jobs
        that may still use it); the caller asked ``pipeline.needs_rebuild`` first."""
        from camtranslate.pipeline import Pipeline

        old = self.pipeline
        self.generation += 1
        self.pipeline = Pipeline(config)
        self.models_ready = False
        if old is not None:
            self.worker.submit(lambda _p: old.close(), lambda _r: None, lambda _m: None)
        if start_warmup:
            self.start_warmup()

    def start_warmup(self) -> None:
        """Cold start: list the pairs, then load OCR + translation + fonts, with progress."""
        wid = self._next_warm()
        pipeline = self.pipeline
        self.progress.emit("Loading models", 0.0)
        # the language lists first (a folder scan): they must fill even if warm-up then fails
        self.worker.submit(
            lambda _p: pipeline.language_pairs(),
            lambda pairs: self.pairs.emit(list(pairs)),
            lambda msg: log.warning("cannot list language pairs: %s", msg),
        )
        self.worker.submit(
            lambda progress: pipeline.warmup(progress),
            lambda _r: self._done(wid),
            lambda msg: self._failed(wid, msg),
            lambda msg, frac: self._progress(wid, msg, frac),
        )

    def warm_pair(self, source: str, target: str) -> None:
        """Another language pair: load its models now, so a missing one is told at once."""
        wid = self._next_warm()
        pipeline = self.pipeline
        what = f"models into {target}" if source == "auto" else f"the {source}→{target} model"
        self.progress.emit(f"Loading {what}", -1.0)
        self.worker.submit(
            lambda _p: pipeline.warmup_pair(source, target),
            lambda _r: self._done(wid),
            lambda m: self._failed(wid, m),
        )

    def close(self) -> None:
        if self.pipeline is not None:
            self.pipeline.close()

    def _next_warm(self) -> int:
        self._warm_id += 1
        self.models_ready = False
        return self._warm_id

    def _progress(self, wid: int, message: str, fraction: float) -> None:
        if wid == self._warm_id:
            self.progress.emit(message, fraction)

    def _done(self, wid: int) -> None:
        if wid == self._warm_id:
            self.models_ready = True
            self.ready.emit()

    def _failed(self, wid: int, message: str) -> None:
        if wid == self._warm_id:
            self.failed.emit(message)
