"""GUI test fixtures: real window, real pipeline, offscreen Qt, settings in a temp INI file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

# OCR on two shared cores takes seconds per frame; model loading more on a cold cache.
MODELS_TIMEOUT_MS = 240_000
STILL_TIMEOUT_MS = 240_000


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "gui.ini"


@pytest.fixture
def make_window(qtbot, settings_path: Path) -> Iterator[Callable[..., object]]:
    """Build real MainWindows (closed at teardown) that share one settings file."""
    from camtranslate.gui.main_window import MainWindow
    from camtranslate.gui.settings import Settings

    windows: list[MainWindow] = []

    def make(*, source: str | None = "en", target: str | None = "pt", warmup: bool = True):
        settings = Settings(settings_path)
        if source is not None:
            settings.source_lang = source
        if target is not None:
            settings.target_lang = target
        window = MainWindow(settings, warmup=warmup)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()


@pytest.fixture
def ready_window(make_window, qtbot):
    """A window whose models finished loading."""
    window = make_window()
    qtbot.waitUntil(
        lambda: window.models_ready or window.banner.isVisible(), timeout=MODELS_TIMEOUT_MS
    )
    assert window.models_ready, window.banner.text()
    return window


def _make_video(path: Path, image, frames: int = 45, fps: float = 15.0) -> Path:
    """A slow pan with a little shake over a real photo's sign: a hand-held camera.

    Crops at native scale around the poster of resources/samples/sign.jpg (text readable at
    640x360, so OCR passes stay short on the test machine).
    """
    import cv2
    import numpy as np

    out_w, out_h = 640, 360
    rng = np.random.default_rng(7)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (out_w, out_h))
    assert writer.isOpened()
    for i in range(frames):
        t = i / max(1, frames - 1)
        x0 = int(20 + 40 * t + rng.integers(-2, 3))
        y0 = int(110 + rng.integers(-2, 3))
        writer.write(np.ascontiguousarray(image[y0 : y0 + out_h, x0 : x0 + out_w]))
    writer.release()
    return path


@pytest.fixture
def make_video() -> Callable[..., Path]:
    return _make_video
