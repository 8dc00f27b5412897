"""``camtranslate bench live``: the live loop measured headless.

Runs the very same LiveSession (capture thread, throttle, OCR worker, tracking, stabilizer,
overlay compose) on a video file, with an offscreen consumer that calls ``latest_view()`` on a
30 Hz timer the way the GUI's display timer does, and reports what a user would feel:

- source_fps / display_fps: frames captured vs distinct frames the "screen" got
- ocr_passes_per_s: OCR passes completed (unchanged frames are skipped, so a still scene is ~0)
- ui_stall_p99_ms: per tick, how late the tick fired plus how long ``latest_view()`` took
- overlay_changes_per_s: how often a region on screen changed its translation text (churn)
- first_overlay_s: from start() (cold: models load first) to the first translation on screen

Rates are measured over ``--seconds`` starting once the models are ready; the clock for
first_overlay_s starts at ``start()``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from camtranslate.cli_options import add_engine_options, config_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``live`` to a ``bench`` group's subparsers (cli.py owns the group)."""
    p = subparsers.add_parser(
        "live",
        help="measure the live loop headless on a video file",
        description=(
            "Run the live loop (capture, throttle, OCR, tracking, stabilizer, overlay) on a video "
            "with an offscreen 30 Hz display and report source/display fps, OCR passes/s, UI "
            "stall p99, overlay churn and time to the first overlay."
        ),
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--video", type=Path, help="a video file played like a webcam (looped)")
    src.add_argument(
        "--make",
        choices=("still", "pan", "zoom", "shake"),
        help="generate a camera-like clip of --image (default: the bundled sign.jpg) and use it",
    )
    p.add_argument("--image", type=Path, help="the photo --make animates")
    p.add_argument("--save-video", type=Path, help="keep the --make clip at this path (.mp4)")
    p.add_argument("--seconds", type=float, default=20.0, help="measurement window (default 20)")
    p.add_argument("--display-hz", type=float, default=30.0, help="display timer rate (30)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_engine_options(p, with_ocr=True, erase_default="fill")
    p.add_argument(
        "--warmup-timeout", type=float, default=600.0, help="give up if models take longer"
    )
    p.set_defaults(func=_cmd_bench_live)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def run_live_bench(
    session: Any,
    seconds: float,
    display_hz: float = 30.0,
    ready: threading.Event | None = None,
    failed: threading.Event | None = None,
    warmup_timeout: float = 600.0,
) -> dict[str, Any]:
    """Drive a (not yet started) LiveSession like the GUI's display timer and measure it."""
    period = 1.0 / display_hz
    ready = ready or threading.Event()
    failed = failed or threading.Event()
    t_start = time.monotonic()
    session.start()
    first_overlay: float | None = None
    window_start: float | None = None
    base_stats = None
    stalls: list[float] = []
    calls: list[float] = []
    shown_frames: set[int] = set()
    last_text: dict[int, str] = {}
    changes = appeared = faded = 0
    max_regions = 0
    next_tick = time.monotonic()
    try:
        while True:
            now = time.monotonic()
            if failed.is_set():
                break
            if window_start is None:
                if ready.is_set():
                    window_start = now
                    base_stats = session.stats()
                elif now - t_start > warmup_timeout:
                    break
            elif now - window_start >= seconds:
                break
            if next_tick > now:
                time.sleep(next_tick - now)
            tick = time.monotonic()
            late = max(0.0, tick - next_tick)
            view = session.latest_view()
            took = time.monotonic() - tick
            next_tick += period
            if next_tick < time.monotonic():  # a missed tick is counted once, not replayed
                next_tick = time.monotonic()
            if view is None:
                continue
            drawn = {r.id: r.translation for r in view.regions if r.translation}
            if drawn and first_overlay is None:
                first_overlay = time.monotonic() - t_start
            if window_start is None:
                last_text = drawn
                continue
            stalls.append((late + took) * 1000)
            calls.append(took * 1000)
            shown_frames.add(view.frame_index)
            for rid, text in drawn.items():
                if rid in last_text and last_text[rid] != text:
                    changes += 1
                elif rid not in last_text:
                    appeared += 1
            faded += sum(1 for rid in last_text if rid not in drawn)
            last_text = drawn
            max_regions = max(max_regions, len(drawn))
        end = time.monotonic()
        stats = session.stats()
    finally:
        session.stop()
    if window_start is None or base_stats is None:
        raise RuntimeError("the live session never became ready (see the events above)")
    span = max(end - window_start, 1e-6)
    return {
        "source_fps": round((stats.frames - base_stats.frames) / span, 2),
        "display_fps": round(len(shown_frames) / span, 2),
        "ocr_passes_per_s": round((stats.ocr_passes - base_stats.ocr_passes) / span, 3),
        "ui_stall_p99_ms": round(_percentile(stalls, 99), 2),
        "overlay_changes_per_s": round(changes / span, 3),
        "first_overlay_s": None if first_overlay is None else round(first_overlay, 2),
        "ui_stall_p50_ms": round(_percentile(stalls, 50), 2),
        "ui_stall_max_ms": round(max(stalls, default=0.0), 2),
        "latest_view_p99_ms": round(_percentile(calls, 99), 2),
        "region_appearances_per_s": round(appeared / span, 3),
        "region_fadeouts_per_s": round(faded / span, 3),
        "max_regions_shown": max_regions,
        "frames_skipped_unchanged": stats.frames_skipped - base_stats.frames_skipped,
        "ocr_ms": stats.ocr_ms,
        "translate_ms": stats.translate_ms,
        "overlay_ms": stats.overlay_ms,
        "track_ms": stats.track_ms,
        "cache_hits": stats.cache_hits,
        "cache_misses": stats.cache_misses,
        "warmup_s": round(window_start - t_start, 2),
        "seconds": round(span, 2),
        "display_hz": display_hz,
        "cpu_count": os.cpu_count(),
    }


def _cmd_bench_live(args: argparse.Namespace) -> int:
    from camtranslate.errors import CamtranslateError
    from camtranslate.live.session import (
        LiveEvent,
        LiveSession,
        ModelsReady,
        SessionError,
        SourceEnded,
        SourceFailed,
    )
    from camtranslate.live.sources import VideoFileSource
    from camtranslate.pipeline import Pipeline

    tmp: tempfile.TemporaryDirectory[str] | None = None
    video = args.video
    if args.make:
        import cv2

        from camtranslate.bench.videos import write_motion_video
        from camtranslate.paths import sample_image_path

        photo_path = args.image or sample_image_path()
        photo = cv2.imread(str(photo_path))
        if photo is None:
            raise CamtranslateError(f"cannot read image {photo_path}")
        if args.save_video:
            video = args.save_video
        else:
            tmp = tempfile.TemporaryDirectory(prefix="camtranslate-bench-")
            video = Path(tmp.name) / f"{args.make}.mp4"
        seconds = 6.0 if args.make != "still" else 2.0
        write_motion_video(photo, video, args.make, seconds, 15.0, noise=2.0)

    config = config_from_args(args)
    ready, failed = threading.Event(), threading.Event()
    problems: list[str] = []

    def on_event(event: LiveEvent) -> None:
        if isinstance(event, ModelsReady):
            ready.set()
        elif isinstance(event, SourceFailed | SourceEnded) or (
            isinstance(event, SessionError) and event.stage == "models"
        ):
            problems.append(event.message)
            failed.set()
        elif isinstance(event, SessionError):
            problems.append(event.message)
        if not args.json:
            print(f"[{type(event).__name__}] {event.message}", file=sys.stderr)

    try:
        pipeline = Pipeline(config)
        source = VideoFileSource(video, loop=True, realtime=True)
        source.open()  # a missing or unreadable file: its one-line SourceError, before any model
        source.close()
        session = LiveSession(pipeline, source, args.source, args.target, on_event=on_event)
        try:
            result = run_live_bench(
                session, args.seconds, args.display_hz, ready, failed, args.warmup_timeout
            )
        except RuntimeError:
            raise CamtranslateError(
                problems[-1] if problems else "the live session never became ready"
            ) from None
        if failed.is_set():
            raise CamtranslateError(problems[-1] if problems else "the live session failed")
        result["video"] = str(args.video) if args.video else f"generated {args.make} clip"
        result["engine"] = args.engine
        result["languages"] = f"{args.source}->{args.target}"
        if args.json:
            print(json.dumps(result))
        else:
            width = max(len(k) for k in result)
            for key, value in result.items():
                print(f"{key:<{width}}  {value}")
        return 0
    finally:
        close = getattr(locals().get("pipeline"), "close", None)
        if close is not None:
            close()
        if tmp is not None:
            tmp.cleanup()
