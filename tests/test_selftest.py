"""The self-test on real models: the same check the packaged app runs with --self-test."""

from __future__ import annotations

import io
import os

import pytest

from camtranslate.selftest import run_self_test


@pytest.fixture
def offscreen_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")


@pytest.mark.slow
def test_self_test_passes_on_the_bundled_sample(offscreen_qt: None) -> None:
    out = io.StringIO()
    home_before = os.environ.get("CAMTRANSLATE_HOME")
    rc = run_self_test(offscreen=True, out=out)
    report = out.getvalue()
    assert rc == 0, report
    assert "self-test passed" in report
    assert "[ok  ] text regions found" in report
    assert "[ok  ] translation differs from source" in report
    assert os.environ.get("CAMTRANSLATE_HOME") == home_before  # env restored


def test_self_test_fails_without_models(
    offscreen_qt: None, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle that lost its models must not pass: the check has teeth."""
    monkeypatch.setenv("CAMTRANSLATE_MODELS", str(tmp_path / "no-models"))
    out = io.StringIO()
    assert run_self_test(offscreen=True, out=out) == 1
    assert "self-test FAILED" in out.getvalue()
