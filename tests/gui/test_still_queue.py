"""The still-image queue without a window: order, stale results, what a settings change re-runs,
cancel and progress. Plain data: no QApplication is created here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from camtranslate.gui.still_queue import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    WAITING,
    QueueEntry,
    StillQueue,
)
from camtranslate.types import FrameResult

KEY = (1, "en", "pt")
IMAGE = np.zeros((4, 4, 3), np.uint8)


def _result() -> FrameResult:
    return FrameResult(IMAGE, (), "en", "pt", {"ocr": 1.0})


def _queue(n: int) -> StillQueue:
    q = StillQueue()
    for i in range(n):
        q.append(QueueEntry(name=f"{i}.jpg", path=Path(f"{i}.jpg")))
    return q


def _run_all(q: StillQueue, key=KEY) -> list[int]:
    order = []
    while (t := q.next_job(key)) is not None:
        order.append(t.index)
        q.finish(t, key, IMAGE, _result())
    return order


def test_the_picture_on_screen_goes_first_then_the_ones_after_it() -> None:
    q = _queue(5)
    q.show(3)
    assert _run_all(q) == [3, 4, 0, 1, 2]
    assert all(e.state == DONE for e in q)


def test_one_job_at_a_time() -> None:
    q = _queue(2)
    q.show(0)
    first = q.next_job(KEY)
    assert first is not None and q[0].state == RUNNING
    assert q.next_job(KEY) is None  # the shown picture is not overtaken


def test_a_result_made_under_old_settings_is_stale() -> None:
    q = _queue(2)
    q.show(0)
    t = q.next_job(KEY)
    new_key = (1, "auto", "pt")
    assert not q.finish(t, new_key, IMAGE, _result())
    assert q[0].state == QUEUED and q[0].result is None  # on screen: again, at once
    t1 = q.next_job(new_key)
    assert t1.index == 0
    q.show(1)
    assert not q.fail(t1, (2, "auto", "pt"), "boom")
    assert q[0].state == WAITING and q[0].error is None  # not on screen: when shown


def test_a_settings_change_reruns_only_the_picture_on_screen() -> None:
    q = _queue(42)
    q.show(5)
    _run_all(q)
    q[7].state, q[7].error = FAILED, "bad"
    q.invalidate()
    assert q[5].state == QUEUED and q[5].result is None
    assert all(e.state == WAITING and e.result is None for i, e in enumerate(q) if i != 5)
    assert _run_all(q, (2, "en", "pt")) == [5]  # one picture, not 42
    q.show(9)  # on demand
    assert q[9].state == QUEUED
    assert _run_all(q, (2, "en", "pt")) == [9]


def test_cancel_stops_the_background_and_progress_counts_the_batch() -> None:
    q = _queue(10)
    q.show(0)
    assert q.progress() == (0, 10) and q.pending() == 10
    t = q.next_job(KEY)
    q.finish(t, KEY, IMAGE, _result())
    t = q.next_job(KEY)
    q.finish(t, KEY, IMAGE, _result())
    assert q.progress() == (2, 10)
    q.show(2)
    assert q.cancel_background() == 7  # the shown one (2) goes on
    assert q.progress() == (2, 3)
    assert _run_all(q) == [2]
    assert q.progress() == (0, 0) and q.pending() == 0  # idle: the next batch counts anew
    assert [e.state for e in q][3:] == [WAITING] * 7


def test_retry_decodes_a_file_again() -> None:
    q = _queue(1)
    q.show(0)
    t = q.next_job(KEY)
    q[0].image, q[0].retryable = IMAGE, False
    q.fail(t, KEY, "passing problem")
    q.retry(0)
    assert q[0].state == QUEUED and q[0].image is None and q[0].retryable


def test_the_queue_module_does_not_load_qt() -> None:
    code = "import sys, camtranslate.gui.still_queue; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
