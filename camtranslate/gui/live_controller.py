"""The live controller: starts and stops a LiveSession (camera or video), carries its events into
the GUI thread as the session's own typed objects, and runs the display tick that copies the
newest composed frame to the view. The thread orchestration itself stays in live/session.py.
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

DISPLAY_HZ = 30


class LiveController(QObject):
    event = Signal(object)
    """A live.events event (SourceOpened, SourceLost, ModelsReady, SessionError...), delivered
    in the GUI thread."""
    frame = Signal(object)
    """A newly composed frame (live.view.ComposedFrame) to show."""
    stats = Signal(str)
    """The stats line, once per display tick while a session runs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: Any = None
        self.args: tuple[str, Any, tuple[int, int] | None] | None = None
        """(kind, camera index or video path, resolution) of the running source: its restart."""
        self.description = ""
        self.display_frames = 0
        self.tick_times: deque[float] = deque(maxlen=4096)
        """When the display timer fired: gaps beyond its interval are UI stalls."""
        self._shown_times: deque[float] = deque(maxlen=120)
        self._last_key: Any = None
        self._relay = _Relay()
        self._relay.event.connect(self.event)
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 / DISPLAY_HZ))
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def start(
        self,
        pipeline: Any,
        kind: str,
        target: Any,
        size: tuple[int, int] | None,
        *,
        source_lang: str,
        target_lang: str,
        frozen: bool = False,
        original: bool = False,
    ) -> None:
        """Open the source and start the session; raises CamtranslateError (nothing runs then)."""
        from camtranslate.live.session import LiveSession
        from camtranslate.live.sources import CameraSource, VideoFileSource

        self.stop()
        if kind == "camera":
            source: Any = CameraSource(target, resolution=size)
            self.description = f"Camera {target}"
        else:
            source = VideoFileSource(target, loop=True)
            self.description = Path(target).name
        session = LiveSession(
            pipeline,
            source,
            source_lang=source_lang,
            target_lang=target_lang,
            on_event=self._relay.event.emit,  # a queued signal: safe from the session's threads
        )
        session.freeze(frozen)
        session.show_original(original)
        session.start()
        self.session, self.args, self._last_key = session, (kind, target, size), None

    def stop(self) -> bool:
        """Stop the session; returns whether one was running."""
        session, self.session, self.args = self.session, None, None
        if session is None:
            return False
        session.stop()
        return True

    def tick(self) -> None:
        """30 Hz: hand on the session's newest composed frame when it changed; never waits."""
        session = self.session
        if session is None:
            return
        self.tick_times.append(time.monotonic())
        view = session.latest_view()
        if view is None:
            return
        key = (view.frame_index, view.timestamp, len(view.regions), view.frozen, view.original)
        if key != self._last_key:
            self._last_key = key
            self.display_frames += 1
            self._shown_times.append(time.monotonic())
            self.frame.emit(view)
        self.stats.emit(self.stats_text(view.stats))

    def display_fps(self) -> float:
        now = time.monotonic()
        recent = [t for t in self._shown_times if now - t <= 2.0]
        if len(recent) < 2:
            return 0.0
        return (len(recent) - 1) / max(1e-6, recent[-1] - recent[0])

    def stats_text(self, s: Any) -> str:
        hits = getattr(s, "cache_hits", 0)
        misses = getattr(s, "cache_misses", 0)
        return (
            f"display {self.display_fps():.1f} fps · source {s.source_fps:.1f} fps · "
            f"OCR {s.ocr_passes_per_s:.2f}/s · ocr {s.ocr_ms:.0f} ms · "
            f"translate {s.translate_ms:.0f} ms · overlay {s.overlay_ms:.0f} ms · "
            f"cache {hits}/{hits + misses} hits"
        )


class _Relay(QObject):
    """Carries session callbacks (fired on its threads) into the GUI thread."""

    event = Signal(object)
