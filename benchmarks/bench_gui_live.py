"""The live loop measured in the real window (the GUI twin of ``camtranslate bench live``).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_live.py VIDEO --seconds 20

Plays VIDEO in the real main window and prints one JSON object: from the first overlay on,
frames the window painted per second against the source's rate, OCR passes per second, and UI
stalls (how late the 30 Hz display timer fired: p99/max). A measurement harness, so it lives
here and not in the product (it was ``camtranslate gui VIDEO --measure SECONDS``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np


def measure_live(video: Path, seconds: float = 20.0, warmup_timeout_s: float = 300.0) -> dict:
    """Play ``video`` in the real window (the GUI twin of ``camtranslate bench live``).

    Counted from the first overlay on: frames the window painted per second against the source's
    rate, OCR passes per second, and UI stalls (how late the 30 Hz display timer fired: p99/max).
    """
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from camtranslate.gui.main_window import MainWindow
    from camtranslate.gui.settings import Settings

    app = QApplication.instance() or QApplication(["camtranslate"])

    tmp = tempfile.TemporaryDirectory(prefix="camtranslate-measure-")
    settings = Settings(Path(tmp.name) / "gui.ini")
    settings.source_lang, settings.target_lang = "en", "pt"
    window = MainWindow(settings)
    window.show()
    started = time.monotonic()
    window.open_video(video)

    def spin(until) -> None:
        loop = QEventLoop()
        poll = QTimer()
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start(20)
        loop.exec()
        poll.stop()

    deadline = started + warmup_timeout_s
    spin(lambda: bool(window.region_list.rows()) or time.monotonic() > deadline)
    first_overlay_s = time.monotonic() - started
    session = window.session
    s0 = session.stats() if session is not None else None
    shown0 = window.display_frames
    ticks0 = len(window.tick_times)
    t0 = time.monotonic()
    spin(lambda: time.monotonic() - t0 >= seconds)
    elapsed = time.monotonic() - t0
    s1 = window.session.stats() if window.session is not None else None
    ticks = np.diff(np.array(list(window.tick_times)[ticks0:]))
    late_ms = np.maximum(0.0, ticks * 1000 - window.timer.interval()) if ticks.size else np.zeros(1)
    out = {
        "seconds": round(elapsed, 1),
        "first_overlay_s": round(first_overlay_s, 2),
        "display_fps": round((window.display_frames - shown0) / elapsed, 2),
        "source_fps": round((s1.frames - s0.frames) / elapsed, 2) if s0 and s1 else 0.0,
        "ocr_passes_per_s": round((s1.ocr_passes - s0.ocr_passes) / elapsed, 2)
        if s0 and s1
        else 0.0,
        "ui_stall_p99_ms": round(float(np.percentile(late_ms, 99)), 1),
        "ui_stall_max_ms": round(float(late_ms.max()), 1),
    }
    window.close()
    app.processEvents()
    tmp.cleanup()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("video", type=Path, help="a video file played like a webcam (looped)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement window (20)")
    parser.add_argument(
        "--warmup-timeout", type=float, default=300.0, help="give up waiting for models (300)"
    )
    args = parser.parse_args(argv)
    print(json.dumps(measure_live(args.video, args.seconds, args.warmup_timeout)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
