"""The real window over the real pipeline: stills dropped, a video played, faults survived."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication

MODELS_TIMEOUT_MS = 240_000
STILL_TIMEOUT_MS = 240_000


def _drop(window, paths: list[Path]) -> None:
    """A real QDropEvent with file URLs, delivered to the window's own handler."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def _pixels(window) -> np.ndarray:
    frame = window.view.frame()
    assert frame is not None
    return frame


def test_window_opens_at_once_and_loads_models_in_background(make_window, qtbot):
    window = make_window()
    assert window.isVisible()
    assert not window.models_ready  # the window did not wait for models
    assert window.engine_combo.count() >= 1
    assert window.source_combo.currentData() == "en"
    assert window.target_combo.currentData() == "pt"
    qtbot.waitUntil(
        lambda: window.models_ready or window.banner.isVisible(), timeout=MODELS_TIMEOUT_MS
    )
    assert window.models_ready, window.banner.text()
    assert not window.progress.isVisible()


def test_dropped_folder_translates_queue_and_reports_bad_file(
    ready_window, qtbot, tmp_path, sample_image_path, sample_image
):
    window = ready_window
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a-broken.jpg").write_text("this is not a picture", encoding="utf-8")
    shutil.copy(sample_image_path, folder / "b-sign.jpg")
    _drop(window, [folder])

    assert [e.name for e in window.queue] == ["a-broken.jpg", "b-sign.jpg"]
    # the unreadable file: a clear message, the window goes on with the next one
    qtbot.waitUntil(lambda: window.queue[0].state == "failed", timeout=STILL_TIMEOUT_MS)
    assert window.banner.text().count("a-broken.jpg") == 1  # named once, not "name: path: ..."
    assert not window.banner.retry_button.isVisible()  # not a picture: trying again cannot help
    qtbot.waitUntil(lambda: window.queue[1].state in ("done", "failed"), timeout=STILL_TIMEOUT_MS)
    assert window.queue[1].state == "done", window.queue[1].error

    window.show_entry(1)
    rows = window.region_list.rows()
    texts = " ".join(r.text for r in rows).upper()
    assert "TAP" in texts
    translated = [r for r in rows if r.translation and r.translation != r.text]
    assert translated, rows
    assert window.region_list.topLevelItemCount() == len(rows)
    shown = _pixels(window)
    assert shown.shape == sample_image.shape
    assert np.abs(shown.astype(int) - sample_image.astype(int)).mean() > 0.05  # text redrawn

    # original / translation toggle
    window.acts.original.trigger()
    assert np.array_equal(_pixels(window), sample_image)
    window.acts.original.trigger()
    assert not np.array_equal(_pixels(window), sample_image)

    # select a row: highlight; copy its translation
    window.region_list.setCurrentItem(window.region_list.topLevelItem(0))
    assert window.view._highlight == rows[0].polygon
    assert window.region_list.copy_selected("translation") == rows[0].translation
    assert QGuiApplication.clipboard().text() == rows[0].translation
    assert window.region_list.copy_selected("text") == rows[0].text

    # navigate the queue
    window.acts.prev.trigger()
    assert window.current == 0
    assert "a-broken.jpg" in window.message_label.text()
    window.acts.next.trigger()
    assert window.current == 1
    # the status bar speaks of the picture on screen
    assert window.message_label.text().startswith("b-sign.jpg:")

    # save the translated picture (atomic save in the core)
    out = tmp_path / "out" / "sign-pt.png"
    out.parent.mkdir()
    assert window.save_image(out)
    from camtranslate.imaging import load_image

    assert np.array_equal(load_image(out), window.queue[1].result.image)

    # other languages: the stale translation leaves the screen at once, the original shows
    window.set_languages("auto", "pt")
    assert window.queue[1].state in ("queued", "running")
    assert np.array_equal(_pixels(window), sample_image)
    assert window.region_list.rows() == ()
    qtbot.waitUntil(lambda: window.queue[1].state == "done", timeout=STILL_TIMEOUT_MS)
    assert not np.array_equal(_pixels(window), sample_image)


def test_video_source_shows_frames_and_overlays(
    ready_window, qtbot, tmp_path, sample_image, make_video
):
    window = ready_window
    video = make_video(tmp_path / "pan.avi", sample_image)
    window.open_video(video)
    assert window.mode == "live"
    qtbot.waitUntil(lambda: window.display_frames > 5, timeout=60_000)
    poster = ("FASTER", "YOU CAN", "GIFT", "PLEASE", "TAP", "GO")

    def translated_poster() -> bool:
        rows = window.region_list.rows()
        return any(
            any(w in r.text.upper() for w in poster) and r.translation and r.translation != r.text
            for r in rows
        )

    qtbot.waitUntil(translated_poster, timeout=STILL_TIMEOUT_MS)
    # frames keep being shown while OCR runs: the display counter rises
    before = window.display_frames
    qtbot.waitUntil(lambda: window.display_frames > before + 10, timeout=30_000)
    assert "fps" in window.stats_label.text()

    window.acts.freeze.trigger()
    assert window.frozen
    window.acts.freeze.trigger()
    window.stop_live()
    assert window.session is None
    assert window.mode in ("idle", "still")


def test_vanishing_source_is_reported_and_window_keeps_running(
    ready_window, qtbot, tmp_path, sample_image, make_video
):
    """A video file deleted mid-run stands in for an unplugged camera (same capture code)."""
    window = ready_window
    video = make_video(tmp_path / "short.avi", sample_image, frames=10)
    window.open_video(video)
    qtbot.waitUntil(lambda: window.display_frames > 0, timeout=60_000)
    video.unlink()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=60_000)
    assert window.banner.text()
    assert window.isVisible()
    # a camera that does not exist: told, no crash
    window.banner.dismiss()
    window.start_camera(index=63)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=60_000)
    assert "camera" in window.banner.text().lower()
    window.stop_live()
    # the Camera button on a machine whose probe found none: told, with a Retry (probe again)
    qtbot.waitUntil(lambda: window.cameras is not None, timeout=60_000)
    if not window.cameras:
        window.banner.dismiss()
        window.start_camera()
        assert "no camera" in window.banner.text().lower()
        assert window.banner.retry_button.isVisible()
        assert window.session is None


def test_unreadable_video_file_is_reported(make_window, qtbot, tmp_path):
    window = make_window(warmup=False)
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 100)
    window.open_video(bad)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=60_000)
    assert window.banner.text()
    # the picture area says so too (not "Opening…" for ever), and the status bar keeps it
    assert "broken.mp4" in window.view._placeholder
    assert "Opening" not in window.view._placeholder
    from camtranslate.live.events import ModelsReady

    window._on_live_event(ModelsReady("models ready in 1.0 s", seconds=1.0))
    assert window.message_label.text() == window.banner.text()
    window.stop_live()


def test_settings_persist_across_windows(make_window, qtbot):
    first = make_window(source="en", target="pt", warmup=False)
    first.set_languages("en", "pt")
    first.engine_combo.setCurrentIndex(max(0, first.engine_combo.findData("rapid")))
    first.resolution_combo.setCurrentText("640x480")
    first.resize(700, 555)  # inside the offscreen 800x800 screen
    first.settings.last_folder = "/tmp/somewhere"
    first.close()

    second = make_window(source=None, target=None, warmup=False)
    assert second.source_lang() == "en"
    assert second.target_lang() == "pt"
    assert second.ocr_engine() == "rapid"
    assert second.resolution_combo.currentText() == "640x480"
    assert second.settings.last_folder == "/tmp/somewhere"
    assert (second.width(), second.height()) == (700, 555)


def test_clipboard_without_image_is_a_message(make_window):
    window = make_window(warmup=False)
    QGuiApplication.clipboard().setText("just text")
    window.paste_image()
    assert "clipboard" in window.banner.text().lower()


@pytest.mark.parametrize("shape", [(5, 7, 3), (4, 9)])
def test_paste_image_queues_a_still(make_window, shape):
    from PySide6.QtGui import QImage

    from camtranslate.gui.qtimage import bgr_to_qimage

    window = make_window(warmup=False)
    image = np.random.default_rng(1).integers(0, 255, shape, dtype=np.uint8)
    QGuiApplication.clipboard().setImage(bgr_to_qimage(image))
    assert not QGuiApplication.clipboard().image().isNull()
    window.paste_image()
    assert len(window.queue) == 1
    assert window.queue[0].image is not None
    assert window.queue[0].image.shape[:2] == shape[:2]
    assert isinstance(window.view.image(), QImage)


def test_keyboard_shortcuts_toggle_freeze_and_original(make_window, qtbot):
    window = make_window(warmup=False)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.frozen
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.frozen
    qtbot.keyClick(window, Qt.Key.Key_O)
    assert window.showing_original
    qtbot.keyClick(window, Qt.Key.Key_Tab)
    assert not window.showing_original


def test_missing_model_is_told_and_choosing_another_pair_recovers(make_window, qtbot):
    window = make_window(source="en", target="ja")  # no en→ja model is installed
    qtbot.waitUntil(window.banner.isVisible, timeout=MODELS_TIMEOUT_MS)
    assert "ja" in window.banner.text()
    assert window.banner.retry_button.isVisible()
    assert not window.models_ready
    assert window.model_combo.currentText() == "No model for en→ja"  # not another pair's model
    assert window.model_combo.currentData() is None
    window.set_languages("en", "pt")
    qtbot.waitUntil(lambda: window.models_ready, timeout=MODELS_TIMEOUT_MS)
    assert not window.banner.isVisible()
    assert "en→pt" in window.model_combo.currentText()
    assert not any(
        window.model_combo.itemText(i).startswith("No model")
        for i in range(window.model_combo.count())
    )


def test_missing_model_banner_is_not_hidden_by_a_bad_file(make_window, qtbot, tmp_path):
    window = make_window(source="en", target="ja")  # no en→ja model is installed
    qtbot.waitUntil(window.banner.isVisible, timeout=MODELS_TIMEOUT_MS)
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture", encoding="utf-8")
    window.add_paths([bad])
    qtbot.waitUntil(lambda: window.queue[0].state == "failed", timeout=STILL_TIMEOUT_MS)
    assert "ja" in window.banner.text()  # the problem that concerns every picture stays up
    assert "notes.jpg" not in window.banner.text()
    assert "notes.jpg" in window.message_label.text()
