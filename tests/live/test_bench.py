from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading

import pytest

from camtranslate.bench.live import register, run_live_bench
from camtranslate.bench.videos import write_scene_video
from camtranslate.errors import CamtranslateError
from camtranslate.live.events import LiveEvent, ModelsReady
from camtranslate.live.session import LiveSession
from camtranslate.live.sources import VideoFileSource

KEYS = {
    "source_fps",
    "display_fps",
    "ocr_passes_per_s",
    "ui_stall_p99_ms",
    "overlay_changes_per_s",
    "first_overlay_s",
    "first_overlay_warm_s",
    "display_vs_source",
    "ocr_pass_median_ms",
    "ocr_passes",
    "full_passes",
    "partial_passes",
    "lines_reused",
    "cpu_core_fraction",
    "cpu_core_fraction_tail",
}


def test_register_adds_live_to_a_bench_group():
    parser = argparse.ArgumentParser()
    bench = parser.add_subparsers(dest="bench").add_parser("bench").add_subparsers(dest="which")
    register(bench)
    args = parser.parse_args(["bench", "live", "--video", "v.mp4", "--seconds", "3", "--json"])
    assert args.which == "live" and args.seconds == 3.0 and args.json and callable(args.func)


@pytest.mark.slow
def test_run_live_bench_measures_the_real_session(pipeline, make_video):
    path, _ = make_video("still", seconds=2.0, noise=2.0)
    ready = threading.Event()

    def on_event(event: LiveEvent) -> None:
        if isinstance(event, ModelsReady):
            ready.set()

    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt", on_event=on_event)
    result = run_live_bench(session, seconds=3.0, ready=ready)
    assert set(result) >= KEYS
    assert result["source_fps"] > 0 and result["display_fps"] > 0
    assert result["display_fps"] <= result["source_fps"] * 1.1
    assert result["ui_stall_p99_ms"] >= 0
    assert result["overlay_changes_per_s"] == 0  # a still scene does not churn
    assert result["full_passes"] == 1 and result["partial_passes"] >= 2  # read once, kept
    assert result["lines_reused"] > 0
    assert 0 < result["cpu_core_fraction"] < 4
    assert not session.running


@pytest.mark.slow
def test_text_change_scene_reports_change_to_translation_latency(pipeline, sign_image, tmp_path):
    path = tmp_path / "textchange.mp4"
    scene = write_scene_video(sign_image, path, "textchange", every_s=2.0)
    assert scene["frames"] == 4 * scene["frames_per_text"] == 120
    ready = threading.Event()

    def on_event(event: LiveEvent) -> None:
        if isinstance(event, ModelsReady):
            ready.set()

    session = LiveSession(pipeline, VideoFileSource(path), "en", "pt", on_event=on_event)
    result = run_live_bench(session, seconds=9.0, ready=ready, scene=scene)
    assert result["text_changes_seen"] >= 3
    assert result["text_change_missed"] <= 1
    assert 0 < result["change_to_translation_median_s"] <= result["change_to_translation_p90_s"]
    assert result["change_to_translation_p90_s"] < 2.0  # each text shows for 2 s


def test_scene_clips(sign_image, tmp_path):
    import cv2
    import numpy as np

    info = write_scene_video(sign_image, tmp_path / "hands.mp4", "hands", seconds=1.0, fps=10)
    assert info["frames"] == 10 and "texts" not in info
    cap = cv2.VideoCapture(str(tmp_path / "hands.mp4"))
    frames = [cap.read()[1] for _ in range(10)]
    assert all(f is not None and f.shape == (720, 1280, 3) for f in frames)
    moved = np.abs(frames[0].astype(int) - frames[5].astype(int)).mean(axis=2) > 40
    assert 0.01 < moved.mean() < 0.5  # a hand moved; the scene behind it did not
    with pytest.raises(CamtranslateError):
        write_scene_video(sign_image, tmp_path / "x.mp4", "dance")


def test_cli_bench_live_reports_a_clear_error_for_a_missing_video(tmp_path):
    code = (
        "import sys, argparse\n"
        "from camtranslate.bench.live import register\n"
        "p = argparse.ArgumentParser(); s = p.add_subparsers(); register(s)\n"
        "a = p.parse_args(sys.argv[1:])\n"
        "from camtranslate.errors import CamtranslateError\n"
        "try:\n    a.func(a)\nexcept CamtranslateError as e:\n"
        "    print('ERR', e); sys.exit(1)\n"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "live",
            "--video",
            str(tmp_path / "no.mp4"),
            "--seconds",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert "ERR video file not found" in proc.stdout
    assert "Traceback" not in proc.stderr
    json.dumps(proc.stdout)  # printable
