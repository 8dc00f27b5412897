"""The live controller over a real video and the real pipeline: typed events reach the GUI
thread, composed frames and the stats line come from the display tick, stop ends it."""

from __future__ import annotations

from camtranslate.gui.live_controller import LiveController
from camtranslate.live.events import LiveEvent, SourceFailed, SourceOpened
from camtranslate.live.view import ComposedFrame


def test_video_frames_events_and_stats(qtbot, tmp_path, sample_image, make_video, pipeline):
    live = LiveController()
    events: list[LiveEvent] = []
    frames: list[ComposedFrame] = []
    lines: list[str] = []
    live.event.connect(events.append)
    live.frame.connect(frames.append)
    live.stats.connect(lines.append)
    video = make_video(tmp_path / "clip.avi", sample_image)
    live.start(pipeline, "video", str(video), None, source_lang="en", target_lang="pt")
    assert live.description == "clip.avi" and live.args == ("video", str(video), None)
    qtbot.waitUntil(lambda: len(frames) > 5, timeout=120_000)
    assert any(isinstance(e, SourceOpened) for e in events)  # objects, not flattened strings
    assert frames[-1].image.shape == (360, 640, 3)
    assert live.display_frames >= len(frames) and len(live.tick_times) >= len(frames)
    assert lines and lines[-1].startswith("display ") and "OCR " in lines[-1]
    assert live.stop() is True
    assert live.session is None and live.args is None
    shown = live.display_frames
    qtbot.wait(200)
    assert live.display_frames == shown  # the tick stopped with the session
    assert live.stop() is False


def test_an_unreadable_video_is_a_typed_event(qtbot, tmp_path, pipeline):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 100)
    live = LiveController()
    with qtbot.waitSignal(
        live.event, timeout=60_000, check_params_cb=lambda e: isinstance(e, SourceFailed)
    ) as blocker:
        live.start(pipeline, "video", str(bad), None, source_lang="en", target_lang="pt")
    assert blocker.args[0].message
    live.stop()
