"""Throttle: OCR takes the newest frame when it is free, and skips frames that did not change.

A queue between a 30 fps camera and a 2 passes/s OCR grows without bound and shows stale text;
a slot of size one (latest frame wins) keeps latency at one OCR pass. The change detector lets a
steady scene cost nothing after its first pass.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from camtranslate.live.sources import Frame


class LatestFrameSlot:
    """A thread-safe slot holding at most one frame: ``put`` replaces, ``take`` empties."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self.dropped = 0
        """Frames replaced before anyone took them (the work the throttle saved)."""

    def put(self, frame: Frame) -> None:
        with self._cond:
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify_all()

    def take(self, timeout: float | None = None) -> Frame | None:
        """The newest frame (waiting up to ``timeout`` s for one), or None."""
        with self._cond:
            if self._frame is None and not self._closed:
                self._cond.wait(timeout)
            frame, self._frame = self._frame, None
            return frame

    def wake(self) -> None:
        """Wake a waiting ``take`` without a frame (stop, or other work to do)."""
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return 0 if self._frame is None else 1


def small_grey(image: np.ndarray, width: int = 96) -> np.ndarray:
    """A tiny blurred grey copy: cheap to compare, and blind to per-pixel sensor noise."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    h, w = grey.shape[:2]
    height = max(1, round(h * width / max(w, 1)))
    small = cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0).astype(np.int16)


class ChangeDetector:
    """Says whether a frame differs from the last one OCR read.

    Compares against the last *accepted* frame, not the previous one, so a slow drift still
    adds up to a change. A frame counts as changed when the mean absolute difference of the
    small grey copies exceeds ``mean_threshold`` grey levels or more than ``area_fraction`` of
    the pixels moved by over ``pixel_threshold`` (a small sign appearing in a corner), or at
    least ``min_pixels`` of them did (new text on a sign that stays put: a 330x95 board on a
    720p frame whose words change moves about 0.2 % of the small copy's pixels).
    Downscaling by area plus a blur averages sensor noise (σ≈3-5 levels) down to about one level,
    and the median difference is removed first so auto-exposure drift does not count.
    """

    def __init__(
        self,
        width: int = 128,
        mean_threshold: float = 3.0,
        pixel_threshold: int = 25,
        area_fraction: float = 0.005,
        min_pixels: int = 8,
    ) -> None:
        self.width = width
        self.min_pixels = min_pixels
        self.mean_threshold = mean_threshold
        self.pixel_threshold = pixel_threshold
        self.area_fraction = area_fraction
        self._reference: np.ndarray | None = None

    def difference(self, image: np.ndarray) -> tuple[float, float]:
        """(mean abs difference, fraction of strongly changed pixels) against the reference."""
        mean, count, total = self._difference(image)
        return mean, count / total

    def _difference(self, image: np.ndarray) -> tuple[float, int, int]:
        if self._reference is None:
            return float("inf"), 1, 1
        small = small_grey(image, self.width)
        if small.shape != self._reference.shape:
            return float("inf"), 1, 1
        diff = small - self._reference
        diff = np.abs(
            diff - np.median(diff)
        )  # auto-exposure shifts every pixel alike: not a change
        return float(diff.mean()), int((diff > self.pixel_threshold).sum()), int(diff.size)

    def changed(self, image: np.ndarray) -> bool:
        mean, count, total = self._difference(image)
        return (
            mean > self.mean_threshold
            or count > self.area_fraction * total
            or count >= self.min_pixels
        )

    def accept(self, image: np.ndarray) -> None:
        """Remember ``image`` as the frame OCR last read."""
        self._reference = small_grey(image, self.width)

    def reset(self) -> None:
        """Forget the reference: the next frame counts as changed (languages changed, etc.)."""
        self._reference = None
