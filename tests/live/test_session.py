"""LiveSession end to end on camera-like videos, with the real pipeline (rapid OCR + en→pt)."""

from __future__ import annotations

import shutil
import threading
import time

import numpy as np
import pytest
from live_helpers import Recorder, wait_for

from camtranslate.live.events import (
    ModelsLoading,
    ModelsReady,
    SessionError,
    SourceFailed,
    SourceLost,
    SourceOpened,
    SourceRecovered,
)
from camtranslate.live.session import LiveSession
from camtranslate.live.sources import VideoFileSource
from camtranslate.live.view import SessionState

# Real models end to end; the state machine's fast tests (a fake pipeline) are in
# test_session_states.py.
pytestmark = pytest.mark.slow


def overlay_view(session: LiveSession, rec: Recorder | None = None):
    if rec is not None:
        fatal = [e for e in rec.of(SessionError) if e.stage == "models"]
        assert not fatal, fatal[0].message
    view = session.latest_view()
    if view is not None and any(r.translation and r.translation != r.text for r in view.regions):
        return view
    return None


def read_view(session: LiveSession, rec: Recorder):
    """The latest view once it shows translated regions (changed or copied through)."""
    overlay_view(session, rec)  # raises on a fatal model error
    view = session.latest_view()
    if view is not None and any(r.translation for r in view.regions):
        return view
    return None


def _live_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("live-")}


def test_session_draws_overlays_while_frames_keep_flowing(pipeline, make_video):
    path, _ = make_video("pan", seconds=4.0)
    rec = Recorder()
    pipeline.warmup()  # threads the engines keep for themselves are not the session's
    baseline = threading.active_count()
    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt", on_event=rec)
    session.start()
    try:
        view = wait_for(lambda: overlay_view(session, rec), timeout=120)
        assert view is not None, f"no overlay; events: {rec.events}"
        translated = [r for r in view.regions if r.translation != r.text]
        assert translated and all(r.translation.strip() for r in translated)
        assert 0.0 < max(r.alpha for r in view.regions) <= 1.0
        # the overlay is drawn into the frame: pixels inside a region differ from the camera's
        raw = session.latest_view()
        assert raw is not None
        assert view.image.shape == (360, 640, 3)
        # frames keep flowing while OCR works: the display sees new frames every tick or two
        seen = set()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            v = session.latest_view()
            assert v is not None
            seen.add(v.frame_index)
            time.sleep(1 / 30)
        assert len(seen) >= 10  # a 15 fps source over 2 s, on a busy 2-core machine
        stats = session.stats()
        assert stats.ocr_passes >= 1 and stats.frames > 20
        assert stats.state is SessionState.RUNNING
        assert stats.ocr_ms > 0 and stats.translate_ms > 0
    finally:
        session.stop()
    assert rec.of(SourceOpened) and rec.of(ModelsLoading) and rec.of(ModelsReady)
    assert not session.running
    assert not _live_threads()
    assert threading.active_count() <= baseline


def test_overlay_follows_the_sign_and_shows_translation_pixels(pipeline, make_video):
    """Compose draws through the OverlayRenderer at the tracked position."""
    path, _ = make_video("shake", seconds=3.0)
    rec = Recorder()
    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt", on_event=rec)
    session.start()
    try:
        view = wait_for(lambda: overlay_view(session, rec), timeout=120)
        assert view is not None
        session.show_original(True)
        plain = wait_for(
            lambda: (v := session.latest_view()) is not None and v.original and v, timeout=5
        )
        assert plain is not None and plain.regions != ()
        session.show_original(False)
        assert wait_for(lambda: not session.latest_view().original, 5)
        session.freeze(True)
        a = wait_for(lambda: (v := session.latest_view()) is not None and v.frozen and v, 5)
        assert a is not None and not a.original
        time.sleep(0.5)
        b = session.latest_view()
        assert a is not None and b is not None and a.frozen
        assert a.frame_index == b.frame_index  # frozen: the same frame...
        region = next(r for r in b.regions if r.translation != r.text)
        poly = np.asarray(region.polygon).astype(int)
        x0, y0 = poly.min(axis=0).clip(0)
        x1, y1 = poly.max(axis=0)
        session.show_original(True)
        c = wait_for(lambda: (v := session.latest_view()) is not None and v.original and v, 5)
        assert c is not None and c.frame_index == b.frame_index
        diff = np.abs(b.image[y0:y1, x0:x1].astype(int) - c.image[y0:y1, x0:x1].astype(int))
        assert diff.mean() > 5  # ...with the translation drawn over the region
        session.freeze(False)
        session.show_original(False)
        assert wait_for(lambda: session.latest_view().frame_index != b.frame_index, timeout=5)
    finally:
        session.stop()
    assert not _live_threads()


def test_steady_scene_is_read_a_few_times_then_skipped(pipeline, make_video):
    path, _ = make_video("still", seconds=2.0, noise=3.0)
    rec = Recorder()
    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt", on_event=rec)
    session.start()
    try:
        # a reading on screen: with sensor noise the OCR may misread the sign ("FASTERTHAN
        # IFT-WRAP") and a faithful model copies such garbage through unchanged, so wait for
        # regions, not for a changed text
        assert wait_for(lambda: read_view(session, rec), timeout=120)
        # one pass for the change, then settle_passes more to vote on, and (incremental OCR)
        # cheap passes over the unchanged frames for settle_s, then nothing
        settled = 1 + session.settle_passes
        assert wait_for(lambda: session.stats().ocr_passes >= settled, timeout=120)
        time.sleep(session.settle_s + 0.5)
        before = session.stats()
        first = {r.id: r.translation for r in session.latest_view().regions}
        time.sleep(2.5)  # the clip loops: sensor noise and a restart, no real change
        after = session.stats()
        last = {r.id: r.translation for r in session.latest_view().regions}
    finally:
        session.stop()
    assert after.ocr_passes == before.ocr_passes >= settled
    # the settle passes read nothing again: the frames did not change
    assert all(r.kind == "partial" and r.recognized == 0 for _, r in session.pass_log()[1:])
    assert after.frames_skipped - before.frames_skipped > 10  # not OCR'd again
    assert after.overlay_changes == 0
    assert first and last == first


def test_source_that_dies_midway_reports_lost_then_recovers(pipeline, make_video, tmp_path):
    clip, _ = make_video("still", seconds=1.0)
    path = tmp_path / "camera.mp4"
    shutil.copy(clip, path)
    rec = Recorder()
    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt", on_event=rec)
    session.reconnect_interval_s = 0.3
    session.start()
    try:
        assert wait_for(lambda: session.stats().frames > 5, timeout=60)
        path.unlink()  # the camera is unplugged
        assert wait_for(lambda: rec.of(SourceLost), timeout=20), rec.events
        assert session.stats().state is SessionState.LOST
        assert session.latest_view() is not None  # the last frame stays on screen
        frames_when_lost = session.stats().frames
        shutil.copy(clip, path)  # plugged back in
        assert wait_for(lambda: rec.of(SourceRecovered), timeout=20), rec.events
        assert wait_for(lambda: session.stats().frames > frames_when_lost + 5, timeout=20)
    finally:
        session.stop()
    assert not _live_threads()


def test_source_that_cannot_open_reports_failed(pipeline, tmp_path):
    rec = Recorder()
    session = LiveSession(pipeline, VideoFileSource(tmp_path / "none.mp4"), on_event=rec)
    session.start()
    try:
        failed = wait_for(lambda: rec.of(SourceFailed), timeout=10)
        assert failed and "not found" in failed[0].message
        assert session.latest_view() is None
        assert session.stats().state is SessionState.FAILED
    finally:
        session.stop()
    assert not _live_threads()


def test_stop_is_idempotent_and_fast_before_models_load(make_video):
    """stop() right after start() joins everything, even while warm-up is still running."""
    from camtranslate.config import PipelineConfig
    from camtranslate.pipeline import Pipeline

    path, _ = make_video("still", seconds=1.0)
    fresh = Pipeline(PipelineConfig(source_lang="en", target_lang="pt", use_cache=False))
    session = LiveSession(fresh, VideoFileSource(path), "en", "pt")
    session.start()
    time.sleep(0.3)
    session.stop(timeout=60)
    session.stop()
    assert not _live_threads()
    fresh.close()


@pytest.mark.parametrize("bad", ["ocr", "translation"])
def test_errors_in_a_stage_become_events_and_the_loop_survives(make_video, pipeline, bad):
    """A pipeline whose stage raises (e.g. a model file vanished) must not kill the loop."""

    class Broken:
        renderer = pipeline.renderer

        def warmup(self, progress=None):
            pipeline.warmup(progress)

        def recognize(self, image):
            if bad == "ocr":
                raise RuntimeError("onnx session died")
            return pipeline.recognize(image)

        def translate_texts(self, texts, source=None, target=None):
            if bad == "translation":
                raise RuntimeError("model file missing")
            return pipeline.translate_texts(texts, source, target)

    path, _ = make_video("pan", seconds=2.0)
    rec = Recorder()
    session = LiveSession(Broken(), VideoFileSource(path), "en", "pt", on_event=rec)
    session.start()
    try:
        errors = wait_for(lambda: rec.of(SessionError), timeout=120)
        assert errors and errors[0].stage == bad
        n = session.stats().frames
        assert wait_for(lambda: session.stats().frames > n + 5, timeout=10)
        assert session.latest_view() is not None
    finally:
        session.stop()
    assert not _live_threads()


def test_freeze_before_start_holds_the_first_frame_and_stop_can_return_at_once(
    pipeline, make_video
):
    path, _ = make_video("pan", seconds=2.0)
    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt")
    session.freeze(True)
    session.start()
    try:
        first = wait_for(session.latest_view, timeout=30)
        assert first is not None and first.frozen
        time.sleep(0.5)
        again = session.latest_view()
        assert again is not None and again.frame_index == first.frame_index
        assert session.stats().frames > 3  # capture goes on behind the frozen picture
        assert session.stats().ocr_passes == 0  # and OCR rests
    finally:
        session.stop(wait=False)
        session.join()
    assert not _live_threads()


def test_set_languages_retranslates_what_is_on_screen(pipeline, make_video):
    path, _ = make_video("still", seconds=2.0, noise=2.0)
    rec = Recorder()
    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt", on_event=rec)
    session.start()
    try:
        view = wait_for(lambda: overlay_view(session, rec), timeout=120)
        assert view is not None
        session.set_languages("en", "en")  # text already in the target language passes through

        def all_plain():
            v = session.latest_view()
            return v is not None and v.regions and all(r.translation == r.text for r in v.regions)

        assert wait_for(all_plain, timeout=60)
        assert session.languages == ("en", "en")
        session.set_languages("en", "pt")
        assert wait_for(lambda: overlay_view(session, rec), timeout=60)
        assert session.stats().overlay_changes == 0  # a language switch is not churn
    finally:
        session.stop()


def test_glossary_edits_reach_the_live_view(make_video, tmp_path):
    """The session has no translation cache of its own: after a glossary edit, what is on
    screen is translated again (the window calls refresh_translations)."""
    from camtranslate.config import PipelineConfig
    from camtranslate.pipeline import Pipeline
    from camtranslate.translate.glossary import Term, add_term

    glossary = tmp_path / "glossary.tsv"
    own = Pipeline(PipelineConfig(source_lang="en", target_lang="pt", glossary_path=glossary))
    path, _ = make_video("still", seconds=3.0, noise=2.0)
    rec = Recorder()
    session = LiveSession(own, VideoFileSource(path), "en", "pt", on_event=rec)
    session.start()
    try:
        view = wait_for(lambda: overlay_view(session, rec), timeout=120)
        assert view is not None
        target = next(r for r in view.regions if r.translation != r.text)
        add_term(glossary, Term(target.text))  # "Always keep as written"
        session.refresh_translations()  # what the window does after the side-list action

        def kept():
            v = session.latest_view()
            return v is not None and any(
                r.text == target.text and r.translation == r.text for r in v.regions
            )

        assert wait_for(kept, timeout=90), "the glossary edit never reached the view"

    finally:
        session.stop()
        own.close()
