"""What the window says and offers, checked on the real window without loading models: the
language pickers never offer X→X, and the status bar never shows a leftover ("Translating X…"
after the queue finished, "Ready: drop images…" over a live video)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from camtranslate.errors import CamtranslateError
from camtranslate.gui.main_window import AUTO, READY_STATUS
from camtranslate.types import FrameResult

PAIRS = [("en", "pt"), ("pt", "en"), ("es", "en"), ("en", "es")]


def _codes(combo) -> list[str]:
    return [combo.itemData(i) for i in range(combo.count())]


def _pick(combo, code: str) -> None:
    combo.setCurrentIndex(combo.findData(code))


def test_the_target_is_never_offered_as_the_source(make_window) -> None:
    window = make_window(source="en", target="pt", warmup=False)
    window._fill_languages(PAIRS, "en", "pt")  # what the language-pair scan delivers
    assert "pt" not in _codes(window.source_combo)
    assert _codes(window.source_combo)[0] == AUTO and "en" in _codes(window.source_combo)

    _pick(window.target_combo, "en")  # en→en would be no translation: source becomes Auto
    assert window.source_lang() == AUTO
    assert "en" not in _codes(window.source_combo)
    assert {"pt", "es"} <= set(_codes(window.source_combo))
    assert window.settings.source_lang == AUTO and window.settings.target_lang == "en"

    _pick(window.source_combo, "pt")
    _pick(window.target_combo, "es")
    assert window.source_lang() == "pt" and "es" not in _codes(window.source_combo)

    window.set_languages("es", "en")  # e.g. picking a model in the model list
    assert (window.source_lang(), window.target_lang()) == ("es", "en")


def test_a_saved_source_equal_to_the_target_opens_as_auto_detect(make_window) -> None:
    window = make_window(source="pt", target="pt", warmup=False)
    assert (window.source_lang(), window.target_lang()) == (AUTO, "pt")


class _FakePipeline:
    """Stands in for the engine: every picture 'translates' to itself with no text."""

    def __init__(self, real) -> None:
        self.real = real
        self.config = real.config
        self.translation = real.translation

    def close(self) -> None:
        self.real.close()

    def __getattr__(self, name: str):  # the rules (pairs, warm-up) come from the real one
        return getattr(self.real, name)

    def needs_rebuild(self, config) -> bool:
        return False  # stay in place over language changes

    def process(self, image: np.ndarray, source=None, target=None) -> FrameResult:
        if image.shape[:2] == (3, 3):
            raise CamtranslateError("the engine stopped (a passing problem)")
        return FrameResult(image.copy(), (), source or "auto", target or "pt", {"ocr": 1.0})


def test_no_translating_status_after_the_queue_finished(
    make_window, qtbot, tmp_path: Path, sample_image_path: Path
) -> None:
    import shutil

    window = make_window(warmup=False)
    window.pipeline = _FakePipeline(window.pipeline)
    paths = []
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        shutil.copy(sample_image_path, tmp_path / name)
        paths.append(tmp_path / name)
    window.add_paths(paths)
    qtbot.waitUntil(lambda: all(e.state == "done" for e in window.queue), timeout=60_000)
    qtbot.wait(50)
    status = window.message_label.text()
    assert "Translating" not in status, status
    assert status.startswith("a.jpg:"), status  # it speaks of the picture on screen


def test_models_ready_during_live_video_does_not_say_drop_images(make_window) -> None:
    window = make_window(warmup=False)

    class _Live:  # only its presence matters here
        def stop(self) -> None:
            pass

    window.live.session, window.live.description = _Live(), "clip.mp4"
    try:
        window._on_models_ready()
        assert window.message_label.text() == "Live: clip.mp4"
    finally:
        window.live.session = None
    window._on_models_ready()
    assert window.message_label.text() == READY_STATUS


def test_models_ready_while_a_still_translates_keeps_saying_so(make_window) -> None:
    from camtranslate.gui.main_window import QueueEntry

    window = make_window(warmup=False)
    window.queue.append(QueueEntry(name="slow.jpg", path=Path("slow.jpg")))
    window.queue[0].state, window.queue.current = "running", 0
    window._on_models_ready()
    assert window.message_label.text() == "Translating slow.jpg…"


def _fake_window(make_window):
    window = make_window(warmup=False)
    window.pipeline = _FakePipeline(window.pipeline)
    return window


def _files(tmp_path: Path, sample_image_path: Path, names: list[str]) -> list[Path]:
    import shutil

    out = []
    for name in names:
        if name.startswith("bad"):
            (tmp_path / name).write_text("not a picture", encoding="utf-8")
        else:
            shutil.copy(sample_image_path, tmp_path / name)
        out.append(tmp_path / name)
    return out


def _settled(window) -> bool:
    return all(e.state in ("done", "failed") for e in window.queue)


def test_no_retry_for_a_file_that_is_not_a_picture(
    make_window, qtbot, tmp_path: Path, sample_image_path: Path
) -> None:
    window = _fake_window(make_window)
    window.add_paths(_files(tmp_path, sample_image_path, ["bad.jpg"]))
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    assert window.queue[0].state == "failed"
    assert window.banner.isVisible() and "bad.jpg" in window.banner.text()
    assert not window.banner.retry_button.isVisible()


def test_retry_is_offered_for_a_passing_engine_error(make_window, qtbot) -> None:
    window = _fake_window(make_window)
    window.add_image(np.zeros((3, 3, 3), np.uint8), name="tiny")
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    assert window.banner.isVisible() and window.banner.retry_button.isVisible()


def test_a_background_failure_puts_no_banner_over_a_good_photo(
    make_window, qtbot, tmp_path: Path, sample_image_path: Path
) -> None:
    window = _fake_window(make_window)
    window.add_paths(_files(tmp_path, sample_image_path, ["a.jpg", "bad.jpg"]))
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    assert window.current == 0 and window.queue[1].state == "failed"
    assert not window.banner.isVisible()
    assert "bad.jpg" in window.message_label.text()


def test_the_banner_of_a_failed_file_goes_when_another_picture_is_shown(
    make_window, qtbot, tmp_path: Path, sample_image_path: Path
) -> None:
    window = _fake_window(make_window)
    window.add_paths(_files(tmp_path, sample_image_path, ["bad.jpg", "b.jpg"]))
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    assert window.banner.isVisible()
    window.show_entry(1)
    assert not window.banner.isVisible()


def test_a_photo_is_shown_at_once_while_the_models_still_load(
    make_window, qtbot, sample_image_path: Path, sample_image
) -> None:
    window = make_window()  # warm-up occupies the worker thread
    window.add_paths([sample_image_path])
    qtbot.waitUntil(lambda: window.view.frame() is not None, timeout=10_000)
    assert window.queue[0].result is None  # shown before it is translated
    assert np.array_equal(window.view.frame(), sample_image)
    assert not window.models_ready


def test_a_language_change_reruns_only_the_photo_on_screen(
    make_window, qtbot, tmp_path: Path, sample_image_path: Path
) -> None:
    window = _fake_window(make_window)
    window.add_paths(_files(tmp_path, sample_image_path, ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]))
    assert window.cancel_button.isVisible() and window.queue_progress.isVisible()
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    assert not window.cancel_button.isVisible()  # nothing left in the background
    window.show_entry(1)
    finished: list[int] = []
    window.stillFinished.connect(finished.append)
    window.set_languages("auto", "pt")
    qtbot.waitUntil(lambda: window.queue[1].state == "done", timeout=60_000)
    qtbot.wait(100)
    assert finished == [1]
    assert [e.state for e in window.queue] == ["waiting", "done", "waiting", "waiting"]
    window.show_entry(2)  # on demand
    qtbot.waitUntil(lambda: window.queue[2].state == "done", timeout=60_000)


def test_background_translation_can_be_cancelled(
    make_window, qtbot, tmp_path: Path, sample_image_path: Path
) -> None:
    window = make_window()  # the real engine: the queue is still busy when cancelled
    window.add_paths(_files(tmp_path, sample_image_path, ["a.jpg", "b.jpg", "c.jpg"]))
    assert window.acts.cancel.isEnabled()
    window.acts.cancel.trigger()
    assert [e.state for e in window.queue][1:] == ["waiting", "waiting"]
    assert "when shown" in window.message_label.text()
    assert not window.cancel_button.isVisible()


def test_model_info_is_a_user_card_with_developer_details(make_window) -> None:
    window = make_window(warmup=False)
    window.show_model_info()
    box = window.model_box
    assert box is not None and box.text() == "English → Portuguese"
    assert "built in" in box.informativeText() and "../" not in box.informativeText()
    assert "camtranslate-en-pt" in box.detailedText()
    assert window.model_combo.currentText() == "en→pt · built in"
    box.close()
