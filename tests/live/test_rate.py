"""The live stats' event rate (OCR passes/s, fps): steady between sparse events, honest at 0."""

from __future__ import annotations

import pytest

from camtranslate.live.view import Rate


def test_sparse_events_show_their_rate_between_events_not_zero() -> None:
    rate = Rate(5.0)  # the OCR-pass window
    shown = []
    for i in range(10):  # an OCR pass every 3 s: at most 2 inside the window
        rate.tick(3.0 * i)
        shown += [rate.rate(3.0 * i + dt) for dt in (0.0, 1.0, 2.0, 2.9)]
    steady = shown[8:]  # from the second interval on
    assert min(steady) > 0.3 and max(steady) < 0.5, steady


def test_dense_events_use_the_window() -> None:
    rate = Rate(2.0)
    for i in range(100):
        rate.tick(i / 30)
    assert rate.rate(99 / 30) == pytest.approx(30.0, rel=0.05)


def test_no_events_or_one_event_is_zero_and_a_pause_decays() -> None:
    rate = Rate(5.0)
    assert rate.rate(1.0) == 0.0
    rate.tick(1.0)
    assert rate.rate(2.0) == 0.0
    rate.tick(2.0)  # one per second, then nothing
    assert rate.rate(2.5) == pytest.approx(1.0, rel=0.3)
    assert rate.rate(62.0) < 0.02  # a still scene: next to nothing, falling
