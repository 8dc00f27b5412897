"""What a LiveSession hands its viewer: the composed frame (``ComposedFrame`` with its
``ShownRegion``s), the ``LiveStats`` snapshot with the session's ``SessionState``, and the
rate and smoothing helpers the stats are made of. Plain data, no threads."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import numpy as np

from camtranslate.types import Polygon


class SessionState(str, Enum):
    """Where a session stands (``LiveStats.state``). A ``str`` enum: compares equal to its value
    ("running"), and ``str()`` / JSON give the value."""

    STARTING = "starting"
    LOADING = "loading"
    """The source is open (or opening); models are warming up."""
    RUNNING = "running"
    LOST = "lost"
    """The source stopped delivering; reconnect attempts follow."""
    ENDED = "ended"
    """A non-looping file delivered its last frame."""
    FAILED = "failed"
    """The source did not open."""
    NO_MODELS = "no-models"
    """Warm-up failed; the video still shows, no OCR until retry()."""
    STOPPED = "stopped"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


@dataclass(frozen=True)
class ShownRegion:
    id: int
    polygon: Polygon
    """In the pixels of the composed frame."""
    text: str
    translation: str
    alpha: float
    source_lang: str = ""
    untranslated_reason: str = ""
    """Why the text is shown as read ("zh: no model for zh→pt; ...", "unsure"); "" if translated."""


@dataclass(frozen=True)
class LiveStats:
    source_fps: float = 0.0
    display_fps: float = 0.0
    ocr_passes_per_s: float = 0.0
    ocr_ms: float = 0.0
    translate_ms: float = 0.0
    overlay_ms: float = 0.0
    track_ms: float = 0.0
    cache_hits: int = 0
    cache_misses: int = 0
    frames: int = 0
    frames_displayed: int = 0
    frames_skipped: int = 0
    ocr_passes: int = 0
    overlay_changes: int = 0
    state: SessionState = SessionState.STOPPED


@dataclass(frozen=True)
class ComposedFrame:
    image: np.ndarray
    frame_index: int
    timestamp: float
    regions: tuple[ShownRegion, ...]
    stats: LiveStats
    frozen: bool = False
    original: bool = False


class Rate:
    """Events per second over a sliding window.

    Events sparser than the window (an OCR pass every few seconds on a slow machine) use the
    last interval instead, decaying while no new event comes: the rate shown between two passes
    is the real one, not 0.00/s flickering with a number.
    """

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque()
        self._last_two: deque[float] = deque(maxlen=2)
        self.count = 0

    def tick(self, now: float) -> None:
        self._times.append(now)
        self._last_two.append(now)
        self.count += 1
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] > self.window_s:
            self._times.popleft()

    def rate(self, now: float) -> float:
        self._trim(now)
        times = self._times if len(self._times) >= 2 else self._last_two
        if len(times) < 2:
            return 0.0
        interval = (times[-1] - times[0]) / (len(times) - 1)
        span = max(interval, now - times[-1])  # no event for longer than usual: slowing down
        return 1.0 / span if span > 0 else 0.0


def ema(old: float, new: float, k: float = 0.3) -> float:
    return new if old == 0.0 else (1 - k) * old + k * new


__all__ = ["ComposedFrame", "LiveStats", "Rate", "SessionState", "ShownRegion", "ema"]
