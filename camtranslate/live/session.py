"""LiveSession: the live loop (capture → throttle → OCR/translate → track → stabilize → compose).

Qt-free; the GUI wraps it (a QTimer polls ``latest_view()``, events become Qt signals) and the
headless ``camtranslate bench live`` drives the very same object.

API (stable contract for the GUI)::

    from camtranslate.live import LiveSession, VideoFileSource, CameraSource, list_cameras

    session = LiveSession(pipeline, source, source_lang="auto", target_lang="pt",
                          on_event=callback, overlay=None)
        # pipeline: anything with warmup(progress), recognize(image) -> list[TextRegion],
        #   translate_texts(texts, source, target) -> list[TranslationOutcome]
        #   (camtranslate.pipeline.Pipeline). overlay: an OverlayRenderer (default: the
        #   pipeline's ``renderer``, else a new one).
        # on_event(event: LiveEvent) is called from the session's threads: it must be quick
        #   and thread-safe (the GUI emits a Qt signal from it).
    session.start()            # returns at once; opens the source and warms up models in threads.
                               # Raises nothing: failures arrive as SourceFailed / SessionError.
    session.stop(timeout=10.0, wait=True)   # joins all threads (idempotent); waits for an OCR
                               # pass in flight; wait=False only signals (then join() / start())
    session.retry()            # after SourceFailed / a "models" SessionError: try that part again
    session.set_languages(source_lang, target_lang)   # re-translates what is on screen
    session.refresh_translations()                    # the same, after a glossary edit
    session.freeze(True|False) # hold the current frame + overlay; OCR pauses
    session.show_original(True|False)                 # draw the camera frame without overlay
    session.set_highlight(region_id | None)           # outline one region (side-list selection)
    view = session.latest_view()   # ComposedFrame | None (None until the first frame); returns
                                   # at once: a compose thread draws the overlay on each new
                                   # frame, so the GUI thread never waits for OCR or drawing.
                                   # Controls below show up in the next composed view (~1 frame).
    session.stats()            # LiveStats snapshot
    session.running            # bool
    session.state              # SessionState (also in every stats())

What the view gets (camtranslate/live/view.py)::

    ComposedFrame: image (BGR uint8, overlay drawn; may be the camera frame itself, so treat it
                   as read-only), frame_index, timestamp,
                   regions: tuple[ShownRegion, ...], stats: LiveStats, frozen, original
    ShownRegion:   id (stable while tracked), polygon (current-frame pixels), text (source),
                   translation, alpha (0..1 fade), source_lang
    LiveStats:     source_fps, display_fps, ocr_passes_per_s, ocr_ms, translate_ms,
                   overlay_ms, track_ms, cache_hits, cache_misses, frames, frames_skipped
                   (unchanged, not OCR'd), frames_displayed, ocr_passes, overlay_changes,
                   state: SessionState (a str enum: STARTING "starting", LOADING, RUNNING,
                   LOST, ENDED, FAILED (source did not open), NO_MODELS "no-models" (warm-up
                   failed; video still shows), STOPPED)

Events (camtranslate/live/events.py; frozen dataclasses, all subclasses of ``LiveEvent`` with a
one-line ``message``):
    SourceOpened(message, name, fps, size)   SourceFailed(message)   — could not open; final
    SourceLost(message)                      — stopped delivering; reconnect attempts follow
    SourceRecovered(message)                 SourceEnded(message)    — a non-looping file ended
    ModelsLoading(message, stage, fraction)  ModelsReady(message, seconds)
    SessionError(message, stage)             — stage: "models" (warm-up failed: no OCR until
        retry()), "ocr", "translation", "overlay", "tracking", "capture"; the loop keeps running.
        Repeats of the same message are emitted at most every 5 s.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from camtranslate.errors import CamtranslateError, SourceError
from camtranslate.live.events import (
    LiveEvent,
    ModelsLoading,
    ModelsReady,
    SessionError,
    SourceEnded,
    SourceFailed,
    SourceLost,
    SourceOpened,
    SourceRecovered,
)
from camtranslate.live.incremental import IncrementalReader, PassReport, supports_incremental
from camtranslate.live.sources import Frame, FrameSource
from camtranslate.live.stabilizer import Observation, Stabilizer
from camtranslate.live.throttle import ChangeDetector, LatestFrameSlot
from camtranslate.live.tracking import MotionTracker, warp_points, warp_polygon
from camtranslate.live.view import ComposedFrame, LiveStats, Rate, SessionState, ShownRegion, ema
from camtranslate.types import Polygon, TextRegion, as_polygon

if TYPE_CHECKING:
    from camtranslate.translate.service import TranslationOutcome


class LivePipeline(Protocol):
    def warmup(self, progress: Callable[[str, float], None] | None = None) -> None: ...

    def recognize(self, image: np.ndarray) -> list[TextRegion]: ...

    def translate_texts(
        self, texts: Sequence[str], source: str | None = None, target: str | None = None
    ) -> list[TranslationOutcome]: ...


def _inside_fraction(matrix: np.ndarray, polygon: Polygon, size: tuple[int, int]) -> float:
    """How much of a world polygon's box lies inside a (width, height) frame seen through M."""
    pts = warp_points(matrix, np.asarray(polygon))
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    area = max(x1 - x0, 1e-6) * max(y1 - y0, 1e-6)
    w, h = size
    ix = max(0.0, min(x1, w) - max(x0, 0.0))
    iy = max(0.0, min(y1, h) - max(y0, 0.0))
    return float(ix * iy / area)


_WATCHED = (SessionState.RUNNING, SessionState.LOADING, SessionState.NO_MODELS)
"""States in which the watchdog expects frames."""


# -- the session -------------------------------------------------------------------------------
class LiveSession:
    """Capture, OCR-worker, compose and watchdog threads behind a lock-light view API.

    See the module docstring for the contract."""

    max_failed_reads = 15
    """Consecutive failed reads before the source counts as lost."""
    lost_timeout_s = 2.0
    """...or this long without a frame (a read that blocks on an unplugged camera)."""
    reconnect_interval_s = 1.0
    worker_nice = 5
    """How much lower the OCR worker's CPU priority is (Linux); 0 leaves it alone."""
    settle_passes = 2
    """Extra OCR passes after a change even if the frames stop changing: a still scene gets
    three readings to vote on (and a second chance at words one pass missed), then none."""
    settle_s = 1.0
    """With incremental OCR, passes also go on for this long after the last change: they cost
    next to nothing on unchanged frames and let a new reading that holds still earn its
    confirming vote (Stabilizer.hold_s), so a sign's new text is shown without waiting for
    the next change."""
    compose_interval_s = 1 / 30
    """The compose thread redraws at least this often while fades run (and on every frame)."""
    shape_lock_px = 1.0
    shape_lock_fraction = 0.015
    """A region's drawn shape changes only when tracking moves a corner this much relative to
    the others; below that the shape is only moved."""
    min_in_view = 0.3
    """A region whose box is less than this much inside the frame has left the view."""
    full_detect_interval_s = 3.0
    """Incremental OCR runs a detection over the whole frame at least this often while the
    scene changes (and at once when tracking is lost): see live/incremental.py."""

    def __init__(
        self,
        pipeline: LivePipeline,
        source: FrameSource,
        source_lang: str = "auto",
        target_lang: str = "pt",
        on_event: Callable[[LiveEvent], None] | None = None,
        overlay: Any | None = None,
        stabilizer: Stabilizer | None = None,
        change_detector: ChangeDetector | None = None,
        incremental: bool = True,
    ) -> None:
        self.pipeline = pipeline
        self.incremental = incremental
        """Read only what changed between passes (when the OCR engine allows it); False: every
        pass reads the whole frame (the pipeline's ``recognize``)."""
        self._reader: IncrementalReader | None = None
        self._lost_at_pass = -1
        self._pass_log: deque[tuple[float, PassReport | None]] = deque(maxlen=4096)
        self.source = source
        self._src_lang = source_lang
        self._tgt_lang = target_lang
        self._on_event = on_event
        self._overlay = overlay
        self._stabilizer = stabilizer if stabilizer is not None else Stabilizer()
        self._detector = change_detector if change_detector is not None else ChangeDetector()
        self._tracker = MotionTracker()
        self._slot = LatestFrameSlot()
        self._lock = threading.RLock()
        self._compose_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._latest: Frame | None = None
        self._matrices: OrderedDict[int, np.ndarray] = OrderedDict()
        self._frozen: tuple[Frame, np.ndarray] | None = None
        self._want_frozen = False
        self._original = False
        self._highlight: int | None = None
        self._lang_gen = 0
        self._retranslate = False
        self._state = SessionState.STOPPED
        self._lost = False
        self._last_frame_at = 0.0
        self._ready = False
        self._last_error: tuple[str, float] = ("", 0.0)
        # stats
        self._src_rate = Rate()
        self._disp_rate = Rate()
        self._ocr_rate = Rate(5.0)
        self._ms = {"ocr": 0.0, "translate": 0.0, "overlay": 0.0, "track": 0.0}
        self._hits = self._misses = 0
        self._skipped = 0
        self._last_shown_index = -1
        self._cache_key: tuple | None = None
        self._compose_wake = threading.Event()
        self._drawn: dict[int, np.ndarray] = {}
        self._cache_view: ComposedFrame | None = None
        self._animating = True

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    @property
    def state(self) -> SessionState:
        with self._lock:
            return self._state

    def _set_state(self, state: SessionState) -> None:
        with self._lock:
            self._state = state

    def start(self) -> None:
        """Open the source and load models in background threads; returns at once."""
        if self.running:
            if not self._stop.is_set():
                return
            self.join()  # a stop(wait=False) still winding down
        self._stop.clear()
        self._set_state(SessionState.STARTING)
        self._slot = LatestFrameSlot()
        self._reader = None  # the next pass reads the whole frame
        self._threads = [
            threading.Thread(target=self._capture_loop, name="live-capture", daemon=True),
            threading.Thread(target=self._worker_loop, name="live-ocr", daemon=True),
            threading.Thread(target=self._watchdog_loop, name="live-watchdog", daemon=True),
            threading.Thread(target=self._compose_loop, name="live-compose", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 10.0, wait: bool = True) -> None:
        """Stop and join every thread; the source is closed by its capture thread.

        Joining waits for an OCR pass in flight (up to one pass). ``wait=False`` only signals:
        the threads finish on their own (a GUI closing a live view need not block), and
        ``join()`` or a later ``start()`` waits for them.
        """
        self._stop.set()
        self._slot.close()
        self._compose_wake.set()
        if wait:
            self.join(timeout)

    def join(self, timeout: float = 10.0) -> None:
        """Wait for the threads of a stopped session to end."""
        deadline = time.monotonic() + timeout
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]
        if not self._threads:
            self._set_state(SessionState.STOPPED)

    def retry(self) -> None:
        """After SourceFailed or a models SessionError: try again the part that gave up.

        Restarts the capture thread if the source never opened and the OCR worker if model
        loading failed; what still runs is left alone. Starts the session if it was stopped.
        """
        if not self.running:
            self.start()
            return
        names = {t.name for t in self._threads if t.is_alive()}
        for name, target in (("live-capture", self._capture_loop), ("live-ocr", self._worker_loop)):
            if name not in names:
                thread = threading.Thread(target=target, name=name, daemon=True)
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
                thread.start()

    def __enter__(self) -> LiveSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- controls --------------------------------------------------------------------------
    def set_languages(self, source_lang: str, target_lang: str) -> None:
        with self._lock:
            if (source_lang, target_lang) == (self._src_lang, self._tgt_lang):
                return
            self._src_lang, self._tgt_lang = source_lang, target_lang
            self._lang_gen += 1
            self._retranslate = True
        self._slot.wake()

    def refresh_translations(self) -> None:
        """Translate what is on screen again (the glossary changed): shown in place, no fade,
        not counted as churn."""
        with self._lock:
            self._retranslate = True
        self._slot.wake()

    @property
    def languages(self) -> tuple[str, str]:
        with self._lock:
            return self._src_lang, self._tgt_lang

    def freeze(self, frozen: bool) -> None:
        """Hold the current frame and its overlay (before the first frame: hold that one)."""
        with self._lock:
            self._want_frozen = bool(frozen)
            if frozen and self._frozen is None and self._latest is not None:
                m = self._matrices.get(self._latest.index, np.eye(3))
                self._frozen = (self._latest, m)
            elif not frozen:
                self._frozen = None
        self._compose_wake.set()

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def show_original(self, original: bool) -> None:
        self._original = bool(original)
        self._compose_wake.set()

    def set_highlight(self, region_id: int | None) -> None:
        self._highlight = region_id
        self._compose_wake.set()

    # -- events ----------------------------------------------------------------------------
    def _emit(self, event: LiveEvent) -> None:
        if self._on_event is None:
            return
        # a broken callback must not kill the live loop
        with contextlib.suppress(Exception):
            self._on_event(event)

    def _error(self, stage: str, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, CamtranslateError) else f"{type(exc).__name__}: {exc}"
        message = f"{stage} failed: {text}".splitlines()[0]
        now = time.monotonic()
        if message != self._last_error[0] or now - self._last_error[1] > 5.0:
            self._last_error = (message, now)
            self._emit(SessionError(message, stage=stage))

    def _set_lost(self, lost: bool, why: str = "") -> None:
        with self._lock:
            if lost == self._lost:
                return
            self._lost = lost
            self._state = (
                SessionState.LOST
                if lost
                else (SessionState.RUNNING if self._ready else SessionState.LOADING)
            )
        name = getattr(self.source, "name", "source")
        if lost:
            self._emit(SourceLost(f"{name} stopped delivering frames ({why}); reconnecting…"))
        else:
            self._emit(SourceRecovered(f"{name} is back"))

    # -- capture thread --------------------------------------------------------------------
    def _open_source(self) -> bool:
        try:
            self.source.open()
        except SourceError as exc:
            self._set_state(SessionState.FAILED)
            self._emit(SourceFailed(str(exc)))
            return False
        except Exception as exc:  # a driver error: same outcome, one line
            self._set_state(SessionState.FAILED)
            self._emit(SourceFailed(f"cannot open {getattr(self.source, 'name', 'source')}: {exc}"))
            return False
        src = self.source
        self._emit(
            SourceOpened(
                f"{src.name} opened ({src.size[0]}x{src.size[1]} at {src.fps:.0f} fps)",
                name=src.name,
                fps=float(src.fps),
                size=(int(src.size[0]), int(src.size[1])),
            )
        )
        return True

    def _capture_loop(self) -> None:
        if not self._open_source():
            return
        self._last_frame_at = time.monotonic()
        with self._lock:
            if self._state in (SessionState.STARTING, SessionState.FAILED):
                self._state = SessionState.RUNNING if self._ready else SessionState.LOADING
        failures = 0
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    if self.source.exhausted:
                        self._set_state(SessionState.ENDED)
                        self._emit(SourceEnded(f"{self.source.name} ended"))
                        return
                    failures += 1
                    if failures >= self.max_failed_reads and not self._lost:
                        self._set_lost(True, f"{failures} failed reads")
                    if self._lost:
                        self._reconnect()
                    else:
                        self._stop.wait(0.01)
                    continue
                failures = 0
                self._last_frame_at = time.monotonic()
                if self._lost:
                    self._set_lost(False)
                try:
                    self._on_frame(frame)
                except Exception as exc:  # a bug in one frame's bookkeeping: report, go on
                    self._error("capture", exc)
        except Exception as exc:  # the source itself blew up: treat it as lost, never crash
            self._error("capture", exc)
            self._set_lost(True, str(exc))
        finally:
            with contextlib.suppress(Exception):
                self.source.close()

    def _reconnect(self) -> None:
        if self._stop.wait(self.reconnect_interval_s):
            return
        with contextlib.suppress(SourceError, Exception):
            self.source.close()
            self.source.open()

    def _on_frame(self, frame: Frame) -> None:
        t0 = time.perf_counter()
        lost_before = self._tracker.lost_count
        try:
            matrix = self._tracker.update(frame.image, frame.index)
        except Exception as exc:  # tracking is an embellishment: hold still rather than crash
            self._error("tracking", exc)
            matrix = self._tracker.matrix
        track_ms = (time.perf_counter() - t0) * 1000
        now = time.monotonic()
        size = (int(frame.image.shape[1]), int(frame.image.shape[0]))
        with self._lock:
            self._ms["track"] = ema(self._ms["track"], track_ms)
            self._latest = frame
            self._matrices[frame.index] = matrix
            while len(self._matrices) > 512:
                self._matrices.popitem(last=False)
            self._src_rate.tick(now)
            if self._want_frozen and self._frozen is None:
                self._frozen = (frame, matrix)
            if self._tracker.lost_count != lost_before:
                self._stabilizer.doubt()
            if self._frozen is None:
                self._stabilizer.retire_where(
                    lambda poly: _inside_fraction(matrix, poly, size) < self.min_in_view, now
                )
        self._compose_wake.set()
        if self._frozen is None:
            self._slot.put(frame)

    def _watchdog_loop(self) -> None:
        """Notices a read that blocks (no frames at all) where counting failures cannot."""
        while not self._stop.wait(0.25):
            with self._lock:
                watched = self._state in _WATCHED
            if watched and self._last_frame_at:
                idle = time.monotonic() - self._last_frame_at
                if idle > self.lost_timeout_s and not self._lost:
                    self._set_lost(True, f"no frame for {idle:.1f} s")

    # -- OCR worker ------------------------------------------------------------------------
    def _lower_worker_priority(self) -> None:
        """Run OCR/translation below the capture and display threads (Linux: nice is per thread,
        and inference threads the worker creates inherit it), so inference on a busy machine
        slows OCR passes, not the video."""
        if self.worker_nice <= 0 or not sys.platform.startswith("linux"):
            return
        with contextlib.suppress(Exception):
            tid = threading.get_native_id()
            current = os.getpriority(os.PRIO_PROCESS, tid)
            os.setpriority(os.PRIO_PROCESS, tid, min(19, current + self.worker_nice))

    def _worker_loop(self) -> None:
        self._lower_worker_priority()
        if not self._warmup():
            return
        settle = 0
        settle_until = 0.0
        while not self._stop.is_set():
            if self._retranslate:
                self._do_retranslate()
            frame = self._slot.take(timeout=0.25)
            if frame is None or self._stop.is_set() or self._frozen is not None:
                continue
            now = time.monotonic()
            changed = self._detector.changed(frame.image)
            if changed:
                settle = self.settle_passes
            elif settle > 0:  # a few more readings of a scene that just changed: votes to settle
                settle -= 1
            elif now < settle_until and self._incremental_reader() is not None:
                pass  # cheap passes over unchanged pixels: held readings get confirmed
            else:
                with self._lock:
                    self._skipped += 1
                continue
            try:
                self._ocr_pass(frame)
                self._detector.accept(frame.image)
                if changed:  # counted from the end of the pass that read the change
                    settle_until = time.monotonic() + self.settle_s
            except Exception as exc:
                self._error("ocr", exc)
                self._stop.wait(0.5)

    def _warmup(self) -> bool:
        t0 = time.monotonic()
        with self._lock:
            if self._state in (SessionState.STARTING, SessionState.RUNNING, SessionState.NO_MODELS):
                self._state = SessionState.LOADING

        def progress(stage: str, fraction: float) -> None:
            self._emit(ModelsLoading(f"{stage}…", stage=stage, fraction=float(fraction)))

        try:
            warmup = getattr(self.pipeline, "warmup", None)
            if warmup is not None:
                warmup(progress)
        except Exception as exc:
            with self._lock:
                if self._state in (
                    SessionState.LOADING,
                    SessionState.RUNNING,
                    SessionState.STARTING,
                ):
                    self._state = SessionState.NO_MODELS
            self._error("models", exc)
            return False
        seconds = time.monotonic() - t0
        with self._lock:
            self._ready = True
            if self._state == SessionState.LOADING:
                self._state = SessionState.RUNNING
        self._emit(ModelsReady(f"models ready in {seconds:.1f} s", seconds=seconds))
        return True

    def _translate(
        self, texts: Sequence[str], src: str, tgt: str
    ) -> dict[str, tuple[str, str, str]]:
        """text -> (translation, source language, why it was left as read), one batch through
        the pipeline: its phrase cache is the only cache (the glossary and the guard apply to
        every reading, so a glossary edit shows on the next pass)."""
        texts = list(dict.fromkeys(texts))
        if not texts:
            return {}
        t0 = time.perf_counter()
        outcomes = self.pipeline.translate_texts(texts, src, tgt)
        ms = (time.perf_counter() - t0) * 1000
        with self._lock:
            self._ms["translate"] = ema(self._ms["translate"], ms)
            self._hits += sum(o.cached for o in outcomes)
            self._misses += sum(not o.cached and bool(o.route) for o in outcomes)
        return {o.text: (o.translation, o.source_lang, o.reason) for o in outcomes}

    def _ocr_pass(self, frame: Frame) -> None:
        t0 = time.perf_counter()
        regions, report = self._recognize(frame)
        ocr_ms = (time.perf_counter() - t0) * 1000
        with self._lock:
            self._pass_log.append((ocr_ms, report))
        now = time.monotonic()
        size = (int(frame.image.shape[1]), int(frame.image.shape[0]))
        with self._lock:
            self._ms["ocr"] = ema(self._ms["ocr"], ocr_ms)
            self._ocr_rate.tick(now)
            m_k = self._matrices.get(frame.index)
            if m_k is None:  # fell out of the history (should not happen): assume no motion
                m_k = self._matrices[next(reversed(self._matrices))] if self._matrices else None
            m_k = np.eye(3) if m_k is None else m_k
            inv = np.linalg.inv(m_k)
            observations = [
                Observation(
                    warp_polygon(inv, r.polygon),
                    r.text,
                    float(r.confidence),
                    fresh=report is None or report.is_fresh(r.polygon),
                    changed=report is not None and report.is_changed(r.polygon),
                    settled=report is None or report.is_settled(r.polygon),
                )
                for r in regions
                if r.text.strip()
            ]
            self._stabilizer.observe(
                observations,
                now,
                in_view=lambda poly: _inside_fraction(m_k, poly, size) >= self.min_in_view,
            )
            pending = self._stabilizer.pending_texts()
            src, tgt, gen = self._src_lang, self._tgt_lang, self._lang_gen
        translations: dict[str, tuple[str, str, str]] = {}
        if pending:
            try:
                translations = self._translate(pending, src, tgt)
            except Exception as exc:
                self._error("translation", exc)
        with self._lock:
            if gen == self._lang_gen:
                self._stabilizer.apply_translations(translations, time.monotonic())
            world = [r.polygon for r in self._stabilizer.visible(time.monotonic())]
        self._tracker.request_reseed(world)
        self._compose_wake.set()

    def _recognize(self, frame: Frame) -> tuple[list[TextRegion], PassReport | None]:
        """One OCR pass: incremental (only what changed, see incremental.py) when the engine
        can detect and read separately, else the pipeline's full-frame ``recognize``."""
        reader = self._incremental_reader()
        if reader is None:
            return self.pipeline.recognize(frame.image), None
        with self._lock:
            matrix = self._matrices.get(frame.index)
        lost = self._tracker.lost_count
        tracking_lost = lost != self._lost_at_pass or matrix is None
        self._lost_at_pass = lost
        lines, report = reader.read(frame.image, matrix, time.monotonic(), tracking_lost)
        if getattr(getattr(self.pipeline, "config", None), "group_lines", True):
            from camtranslate.blocks import group_lines

            lines = group_lines(lines, frame.image)  # lines on one surface only (blocks.py)
        return lines, report

    def _incremental_reader(self) -> IncrementalReader | None:
        if not self.incremental:
            return None
        if self._reader is None:
            engine = getattr(self.pipeline, "ocr", None)
            if engine is None or not supports_incremental(engine):
                self.incremental = False
                return None
            self._reader = IncrementalReader(engine, full_interval_s=self.full_detect_interval_s)
        return self._reader

    def pass_log(self) -> list[tuple[float, PassReport | None]]:
        """(milliseconds, what the pass did) of the recent OCR passes, oldest first."""
        with self._lock:
            return list(self._pass_log)

    def _do_retranslate(self) -> None:
        with self._lock:
            self._retranslate = False
            texts = self._stabilizer.shown_texts()
            src, tgt, gen = self._src_lang, self._tgt_lang, self._lang_gen
        if not texts:
            return
        try:
            translations = self._translate(texts, src, tgt)
        except Exception as exc:
            self._error("translation", exc)
            return
        with self._lock:
            if gen == self._lang_gen:
                self._stabilizer.retranslate(translations)

    # -- display ---------------------------------------------------------------------------
    def _renderer(self) -> Any:
        if self._overlay is None:
            self._overlay = getattr(self.pipeline, "renderer", None)
            if self._overlay is None:
                from camtranslate.overlay import OverlayRenderer

                self._overlay = OverlayRenderer()
        return self._overlay

    def stats(self) -> LiveStats:
        now = time.monotonic()
        with self._lock:
            return LiveStats(
                source_fps=round(self._src_rate.rate(now), 2),
                display_fps=round(self._disp_rate.rate(now), 2),
                ocr_passes_per_s=round(self._ocr_rate.rate(now), 2),
                ocr_ms=round(self._ms["ocr"], 1),
                translate_ms=round(self._ms["translate"], 1),
                overlay_ms=round(self._ms["overlay"], 1),
                track_ms=round(self._ms["track"], 1),
                cache_hits=self._hits,
                cache_misses=self._misses,
                frames=self._src_rate.count,
                frames_displayed=self._disp_rate.count,
                frames_skipped=self._skipped,
                ocr_passes=self._ocr_rate.count,
                overlay_changes=self._stabilizer.changes,
                state=self._state,
            )

    def latest_view(self) -> ComposedFrame | None:
        """The newest composed frame (None before the first one). Returns at once: the compose
        thread draws the overlay as frames arrive, so neither inference nor drawing a new text
        patch ever runs on the caller's (the GUI's) thread."""
        view = self._cache_view
        if view is not None:
            with self._lock:
                if view.frame_index != self._last_shown_index:
                    self._last_shown_index = view.frame_index
                    self._disp_rate.tick(time.monotonic())
        return view

    def _compose_loop(self) -> None:
        while not self._stop.is_set():
            # a new frame, a control or an OCR result wakes it; the timer only runs fades
            self._compose_wake.wait(self.compose_interval_s if self._animating else 0.5)
            self._compose_wake.clear()
            if self._stop.is_set():
                break
            try:
                self._compose()
            except Exception as exc:  # drawing must never take the live view down
                self._error("overlay", exc)
                self._stop.wait(0.2)

    def _compose(self) -> None:
        """Draw the stabilized overlay over the newest (or frozen) frame, if anything changed."""
        with self._compose_lock:
            now = time.monotonic()
            frame: Frame | None
            matrix: np.ndarray | None
            with self._lock:
                if self._frozen is not None:
                    frame, matrix = self._frozen
                else:
                    frame = self._latest
                    matrix = None if frame is None else self._matrices.get(frame.index)
                if frame is None:
                    return
                matrix = np.eye(3) if matrix is None else matrix
                stable = self._stabilizer.visible(now)
            self._animating = any(r.alpha < 1.0 for r in stable)
            original, highlight = self._original, self._highlight
            size = (int(frame.image.shape[1]), int(frame.image.shape[0]))
            # an OCR result that arrives after its text left the view is not listed
            stable = [
                r
                for r in stable
                if _inside_fraction(matrix, r.polygon, size) >= self.min_in_view
                or r.id in self._drawn
            ]
            shown = tuple(
                ShownRegion(
                    r.id,
                    self._locked_shape(r.id, warp_points(matrix, np.asarray(r.polygon))),
                    r.text,
                    r.translation,
                    round(r.alpha, 2),
                    r.source_lang,
                    r.untranslated_reason,
                )
                for r in stable
            )
            alive = {r.id for r in stable}
            for rid in [k for k in self._drawn if k not in alive]:
                del self._drawn[rid]
            frozen = self._frozen is not None
            key = (
                frame.index,
                original,
                highlight,
                frozen,
                tuple((r.id, r.translation, r.alpha, r.polygon) for r in shown),
            )
            if key == self._cache_key and self._cache_view is not None:
                return
            image = frame.image
            if not original:
                image = self._draw(frame.image, shown, highlight)
            self._cache_view = ComposedFrame(
                image=image,
                frame_index=frame.index,
                timestamp=frame.timestamp,
                regions=shown,
                stats=self.stats(),
                frozen=frozen,
                original=original,
            )
            self._cache_key = key

    def _locked_shape(self, region_id: int, polygon: np.ndarray) -> Polygon:
        """Move the last drawn shape instead of redrawing a shape that changed by under
        ``shape_lock_px`` (or ``shape_lock_fraction`` of its size): tracking noise must not
        resize the text, and a zoom re-renders the text patch in ~1.5% steps instead of on every
        frame (the renderer caches patches by size); the erase padding hides the difference.
        """
        prev = self._drawn.get(region_id)
        if prev is not None and prev.shape == polygon.shape:
            shift = polygon.mean(axis=0) - prev.mean(axis=0)
            diag = float(np.linalg.norm(prev.max(axis=0) - prev.min(axis=0)))
            tolerance = max(self.shape_lock_px, self.shape_lock_fraction * diag)
            if np.abs(polygon - shift - prev).max() < tolerance:
                polygon = prev + shift
                self._drawn[region_id] = polygon
                return as_polygon(polygon)
        self._drawn[region_id] = polygon
        return as_polygon(polygon)

    def _draw(
        self, image: np.ndarray, shown: Sequence[ShownRegion], highlight: int | None
    ) -> np.ndarray:
        items = [r for r in shown if r.translation and r.translation != r.text]
        if not items and highlight is None:
            return image
        try:
            from camtranslate.overlay import items_for

            t0 = time.perf_counter()
            out = self._renderer().render(image, items_for(shown, self._tgt_lang, highlight))
            ms = (time.perf_counter() - t0) * 1000
            with self._lock:
                self._ms["overlay"] = ema(self._ms["overlay"], ms)
            return out
        except Exception as exc:
            self._error("overlay", exc)
            return image


__all__ = ["LivePipeline", "LiveSession"]
