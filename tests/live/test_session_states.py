"""LiveSession's state machine on a fake pipeline and a fake camera: no models, well under a
second each. The real-model runs of the same loop are in test_session.py (marked slow)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fake_pipeline import FakePipeline, FakeSource
from live_helpers import Recorder
from live_helpers import wait_for as poll

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
from camtranslate.live.view import ComposedFrame, SessionState

TIMEOUT = 2.0  # generous: each wait below is met in tens of milliseconds


def wait_for(cond: Callable[[], object], timeout: float = TIMEOUT) -> object:
    return poll(cond, timeout, step=0.005)


class _Overlay:
    """Stands in for the OverlayRenderer: the tests look at regions, not pixels."""

    def render(self, image, items):
        return image


def shown(session: LiveSession) -> dict[str, str]:
    """text -> translation in the newest composed view."""
    view: ComposedFrame | None = session.latest_view()
    return {} if view is None else {r.text: r.translation for r in view.regions}


def live_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("live-") and t.is_alive()]


@pytest.fixture
def make_session() -> Iterator[
    Callable[..., tuple[LiveSession, FakePipeline, FakeSource, Recorder]]
]:
    sessions: list[LiveSession] = []

    def make(
        pipeline: FakePipeline | None = None, source: FakeSource | None = None, **kw
    ) -> tuple[LiveSession, FakePipeline, FakeSource, Recorder]:
        pipeline = pipeline or FakePipeline()
        source = source or FakeSource()
        rec = Recorder()
        session = LiveSession(
            pipeline, source, "en", "pt", on_event=rec, overlay=_Overlay(), incremental=False, **kw
        )
        session.reconnect_interval_s = 0.05
        sessions.append(session)
        return session, pipeline, source, rec

    yield make
    for session in sessions:
        session.stop(timeout=2.0)
    assert not live_threads()


def test_a_session_reads_translates_and_shows_then_stops(make_session) -> None:
    session, _, source, rec = make_session()
    assert session.state is SessionState.STOPPED and not session.running
    session.start()
    assert wait_for(lambda: shown(session).get("EXIT") == "pt:EXIT")
    assert session.state is SessionState.RUNNING
    assert session.stats().state == "running"  # a str enum: string comparisons keep working
    assert rec.of(SourceOpened) and rec.of(ModelsLoading)
    assert rec.of(ModelsReady) and not rec.of(SessionError)
    session.stop()
    assert session.state is SessionState.STOPPED and not session.running
    assert source.closed == 1


def test_start_and_stop_are_idempotent(make_session) -> None:
    session, pipeline, source, rec = make_session()
    session.start()
    threads = list(session._threads)
    session.start()  # running: nothing new
    assert session._threads == threads and len(live_threads()) == 4
    assert wait_for(lambda: rec.of(ModelsReady))
    t0 = time.monotonic()
    session.stop()
    session.stop()
    assert time.monotonic() - t0 < 1.0
    assert session.state is SessionState.STOPPED and not live_threads()
    assert pipeline.warmups == 1 and source.opens == 1
    session.start()  # and it starts again after a stop
    assert wait_for(lambda: session.state is SessionState.RUNNING)
    assert pipeline.warmups == 2


def test_models_that_fail_leave_the_video_running_until_retry(make_session) -> None:
    pipeline = FakePipeline()
    pipeline.fail_warmup = 1
    session, _, _, rec = make_session(pipeline)
    session.start()
    assert wait_for(lambda: session.state is SessionState.NO_MODELS)
    errors = rec.of(SessionError)
    assert [e.stage for e in errors] == ["models"]
    assert "fake models are missing" in errors[0].message
    assert wait_for(lambda: session.latest_view() is not None)  # the video still shows
    assert session.running and pipeline.recognized == 0  # ...but nothing is read
    session.retry()
    assert wait_for(lambda: shown(session).get("EXIT") == "pt:EXIT")
    assert session.state is SessionState.RUNNING and pipeline.warmups == 2
    assert len(rec.of(ModelsReady)) == 1


def test_a_source_that_cannot_open_fails_then_retry_opens_it(make_session) -> None:
    session, pipeline, source, rec = make_session(source=FakeSource(fail_opens=1))
    session.start()
    assert wait_for(lambda: rec.of(SourceFailed))
    assert wait_for(lambda: session.state is SessionState.FAILED)
    assert "fake camera is busy" in rec.of(SourceFailed)[0].message
    assert not rec.of(SourceOpened) and session.latest_view() is None
    session.retry()
    assert wait_for(lambda: shown(session).get("EXIT") == "pt:EXIT")
    assert session.state is SessionState.RUNNING
    assert source.opens == 2 and len(rec.of(SourceOpened)) == 1
    assert pipeline.warmups == 1  # the models were fine: not loaded again


def test_a_source_that_stops_delivering_is_lost_then_recovers(make_session) -> None:
    session, _, source, rec = make_session()
    session.start()
    assert wait_for(lambda: session.state is SessionState.RUNNING)
    source.dead = True
    assert wait_for(lambda: rec.of(SourceLost))
    assert session.state is SessionState.LOST
    source.dead = False
    assert wait_for(lambda: rec.of(SourceRecovered))
    assert session.state is SessionState.RUNNING
    assert source.opens >= 2  # reconnected


def test_set_languages_while_running_retranslates_what_is_shown(make_session) -> None:
    session, pipeline, _, _ = make_session()
    session.start()
    assert wait_for(lambda: shown(session).get("EXIT") == "pt:EXIT")
    session.set_languages("en", "es")
    assert session.languages == ("en", "es")
    assert wait_for(lambda: shown(session).get("EXIT") == "es:EXIT")
    assert pipeline.calls_to("es") == [("EXIT",)]
    calls = len(pipeline.translated)
    session.set_languages("en", "es")  # the same pair: nothing to do
    time.sleep(0.05)
    assert len(pipeline.translated) == calls


def test_refresh_translations_redoes_what_is_shown(make_session) -> None:
    session, pipeline, _, _ = make_session()
    session.start()
    assert wait_for(lambda: shown(session).get("EXIT") == "pt:EXIT")
    with pipeline.lock:
        pipeline.translations["EXIT"] = "SAÍDA"  # a glossary edit
    session.refresh_translations()
    assert wait_for(lambda: shown(session).get("EXIT") == "SAÍDA")
    assert session.state is SessionState.RUNNING


@pytest.mark.parametrize("stage", ["ocr", "translation"])
def test_a_failing_stage_is_reported_and_the_loop_goes_on(make_session, stage) -> None:
    pipeline = FakePipeline()
    pipeline.fail_ocr = stage == "ocr"
    pipeline.fail_translate = stage == "translation"
    session, _, _, rec = make_session(pipeline)
    session.start()
    assert wait_for(lambda: [e for e in rec.of(SessionError) if e.stage == stage])
    assert session.state is SessionState.RUNNING
    with pipeline.lock:
        pipeline.fail_ocr = pipeline.fail_translate = False
    session.refresh_translations()  # what was read before the fix gets its translation
    assert wait_for(lambda: shown(session).get("EXIT") == "pt:EXIT")


def test_stop_during_a_slow_ocr_pass(make_session) -> None:
    session, pipeline, _, _ = make_session()
    pipeline.hold_ocr()
    session.start()
    assert pipeline.ocr_entered.wait(TIMEOUT)  # a pass is in flight and will not end by itself
    t0 = time.monotonic()
    session.stop(wait=False)  # only signals: returns at once
    assert time.monotonic() - t0 < 0.1
    session.stop(timeout=0.1)  # a join that gives up: the OCR worker is still in its pass
    assert session.running and session.state is not SessionState.STOPPED
    assert [t.name for t in live_threads()] == ["live-ocr"]
    pipeline.release_ocr()
    session.join(timeout=TIMEOUT)
    assert not session.running and session.state is SessionState.STOPPED
