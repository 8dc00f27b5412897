"""``camtranslate bench live``: the live loop measured headless.

Runs the very same LiveSession (capture thread, throttle, OCR worker, tracking, stabilizer,
overlay compose) on a video file, with an offscreen consumer that calls ``latest_view()`` on a
30 Hz timer the way the GUI's display timer does, and reports what a user would feel:

- source_fps / display_fps: frames captured vs distinct frames the "screen" got
- ocr_passes_per_s: OCR passes completed (unchanged frames are skipped, so a still scene is ~0)
- ui_stall_p99_ms: per tick, how late the tick fired plus how long ``latest_view()`` took
- overlay_changes_per_s: how often a region on screen changed its translation text (churn)
- first_overlay_s: from start() (cold: models load first) to the first translation on screen
- first_overlay_warm_s: from the models being ready (the video already running) to the first
  translation on screen: what a user sees when the window loaded its models beforehand
- ocr_pass_median_ms vs plain_ocr_median_ms (their ratio, ocr_pass_vs_plain): the live loop's
  OCR pass against a plain full-frame ``engine.read()`` on frames of the same video, same run
- cpu_core_fraction: process CPU seconds per wall second over the window (1.0 = one core);
  cpu_core_fraction_tail: the same over the last half (a still scene has settled by then)
- text-change scenes (``--make textchange``, or a video with its ``.scene.json``): latency from
  the first displayed frame with new sign text to a translation of that text on screen

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
        choices=("still", "pan", "zoom", "shake", "hands", "textchange"),
        help=(
            "generate a camera-like clip of --image (default: the bundled sign.jpg) and use it: "
            "camera motions, hands moving in front of a steady sign (hands, 720p), or a board "
            "whose text changes every 4 s (textchange, 720p)"
        ),
    )
    p.add_argument("--image", type=Path, help="the photo --make animates")
    p.add_argument(
        "--size",
        default="1280x720",
        help="frame size of the hands/textchange clips, WxH (default 1280x720; 1920x1080 too)",
    )
    p.add_argument("--save-video", type=Path, help="keep the --make clip at this path (.mp4)")
    p.add_argument("--seconds", type=float, default=20.0, help="measurement window (default 20)")
    p.add_argument("--display-hz", type=float, default=30.0, help="display timer rate (30)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--ocr-mode",
        choices=("incremental", "full"),
        default="incremental",
        help="incremental: read only what changed (default); full: every pass reads the frame",
    )
    p.add_argument(
        "--plain-frames",
        type=int,
        default=12,
        help="frames of the video timed with a plain full-frame OCR call for the ratio (0: skip)",
    )
    add_engine_options(p, with_ocr=True, erase_default="fill")
    p.add_argument(
        "--warmup-timeout", type=float, default=600.0, help="give up if models take longer"
    )
    p.set_defaults(func=_cmd_bench_live)


def scene_file(video: Path) -> Path:
    """Where a generated scene clip's description (text schedule) is kept: next to it."""
    return Path(video).with_suffix(".scene.json")


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
    scene: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Drive a (not yet started) LiveSession like the GUI's display timer and measure it.

    ``scene``: a text-change clip's description (``videos.write_scene_video``) to measure
    change → new translation latency."""
    period = 1.0 / display_hz
    schedule = _Schedule(scene) if scene and scene.get("texts") else None
    cpu_marks: list[tuple[float, float]] = []
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
                    base_passes = len(session.pass_log()) if hasattr(session, "pass_log") else 0
                    cpu_marks.append((now, time.process_time()))
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
            if schedule is not None:
                schedule.see(view, tick)
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
            if not cpu_marks or tick - cpu_marks[-1][0] >= 0.25:
                cpu_marks.append((tick, time.process_time()))
        end = time.monotonic()
        cpu_marks.append((end, time.process_time()))
        stats = session.stats()
        passes = session.pass_log()[base_passes:] if hasattr(session, "pass_log") else []
    finally:
        session.stop()
    if window_start is None or base_stats is None:
        raise RuntimeError("the live session never became ready (see the events above)")
    span = max(end - window_start, 1e-6)
    pass_ms = [ms for ms, _ in passes]
    reports = [r for _, r in passes if r is not None]
    half = [m for m in cpu_marks if m[0] >= window_start + span / 2] or cpu_marks[-1:]
    tail_span = max(cpu_marks[-1][0] - half[0][0], 1e-6)
    extra: dict[str, Any] = {
        "display_vs_source": round(len(shown_frames) / max(stats.frames - base_stats.frames, 1), 3),
        "first_overlay_warm_s": None
        if first_overlay is None
        else round(max(0.0, first_overlay - (window_start - t_start)), 2),
        "ocr_pass_median_ms": round(_percentile(pass_ms, 50), 1),
        "ocr_pass_p90_ms": round(_percentile(pass_ms, 90), 1),
        "ocr_passes": len(pass_ms),
        "full_passes": sum(1 for r in reports if r.kind == "full"),
        "partial_passes": sum(1 for r in reports if r.kind == "partial"),
        "lines_recognized": sum(r.recognized for r in reports),
        "lines_reused": sum(r.reused for r in reports),
        "detected_fraction_median": round(
            _percentile([r.detected_fraction for r in reports], 50), 3
        ),
        "cpu_core_fraction": round((cpu_marks[-1][1] - cpu_marks[0][1]) / span, 3),
        "cpu_core_fraction_tail": round((cpu_marks[-1][1] - half[0][1]) / tail_span, 3),
    }
    if schedule is not None:
        extra.update(schedule.result())
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
        **extra,
    }


class _Schedule:
    """Follows a text-change clip on screen: when a frame with new text is first displayed and
    when a translation of that text is first drawn."""

    def __init__(self, scene: dict[str, Any]) -> None:
        self.texts = [str(t) for t in scene["texts"]]
        self.per_text = int(scene["frames_per_text"])
        self.frames = int(scene["frames"])
        self.phase: int | None = None
        self.pending: tuple[float, str] | None = None
        self.latencies: list[float] = []
        self.missed = 0
        self.since: dict[int, tuple[str, float]] = {}

    def see(self, view: Any, now: float) -> None:
        for r in view.regions:  # since when each region shows its current translation
            if r.translation and self.since.get(r.id, ("", 0.0))[0] != r.translation:
                self.since[r.id] = (r.translation, now)
        phase = (view.frame_index % self.frames) // self.per_text
        if phase != self.phase:
            if self.pending is not None:
                self.missed += 1  # the text changed again before its translation showed
            self.pending = None if self.phase is None else (now, self.texts[phase])
            self.phase = phase
        if self.pending is None:
            return
        since, text = self.pending
        # a translation of the new text, drawn after the change (not one left from the last
        # time the clip showed this text)
        if any(
            r.translation and _same_text(r.text, text) and self.since[r.id][1] >= since
            for r in view.regions
        ):
            self.latencies.append(now - since)
            self.pending = None

    def result(self) -> dict[str, Any]:
        return {
            "text_changes_seen": len(self.latencies) + self.missed,
            "text_change_missed": self.missed,
            "change_to_translation_median_s": round(_percentile(self.latencies, 50), 2)
            if self.latencies
            else None,
            "change_to_translation_p90_s": round(_percentile(self.latencies, 90), 2)
            if self.latencies
            else None,
        }


def _same_text(read: str, expected: str) -> bool:
    """An OCR reading of the board's text (spacing and one or two letters may differ)."""
    import difflib

    a = "".join(read.split()).casefold()
    b = "".join(expected.split()).casefold()
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def plain_ocr_ms(engine: Any, video: Path, count: int) -> list[float]:
    """Milliseconds of a plain full-frame ``engine.read()`` on ``count`` frames spread over the
    video (the baseline the live loop's pass is compared with)."""
    import cv2

    cap = cv2.VideoCapture(str(video))
    frames = []
    try:
        while True:
            ok, image = cap.read()
            if not ok:
                break
            frames.append(image)
    finally:
        cap.release()
    if not frames or count <= 0:
        return []
    step = max(1, len(frames) // count)
    out = []
    for image in frames[::step][:count]:
        t0 = time.perf_counter()
        engine.read(image)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _cmd_bench_live(args: argparse.Namespace) -> int:
    from camtranslate.errors import CamtranslateError
    from camtranslate.live.events import (
        LiveEvent,
        ModelsReady,
        SessionError,
        SourceEnded,
        SourceFailed,
    )
    from camtranslate.live.session import LiveSession
    from camtranslate.live.sources import VideoFileSource
    from camtranslate.pipeline import Pipeline

    tmp: tempfile.TemporaryDirectory[str] | None = None
    video = args.video
    scene: dict[str, Any] | None = None
    if args.make:
        import cv2

        from camtranslate.bench.videos import SCENES, write_motion_video, write_scene_video
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
        if args.make in SCENES:
            try:
                width, height = (int(v) for v in args.size.lower().split("x"))
            except ValueError:
                raise CamtranslateError(
                    f"--size wants WxH, e.g. 1920x1080, not {args.size}"
                ) from None
            scene = write_scene_video(photo, video, args.make, size=(width, height))
            if args.save_video:
                scene_file(video).write_text(json.dumps(scene))
        else:
            seconds = 6.0 if args.make != "still" else 2.0
            write_motion_video(photo, video, args.make, seconds, 15.0, noise=2.0)
    elif scene_file(video).is_file():
        scene = json.loads(scene_file(video).read_text())

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
        session = LiveSession(
            pipeline,
            source,
            args.source,
            args.target,
            on_event=on_event,
            incremental=args.ocr_mode == "incremental",
        )
        try:
            result = run_live_bench(
                session,
                args.seconds,
                args.display_hz,
                ready,
                failed,
                args.warmup_timeout,
                scene=scene,
            )
        except RuntimeError:
            raise CamtranslateError(
                problems[-1] if problems else "the live session never became ready"
            ) from None
        if failed.is_set():
            raise CamtranslateError(problems[-1] if problems else "the live session failed")
        plain = plain_ocr_ms(pipeline.ocr, Path(video), args.plain_frames)
        if plain:
            median = _percentile(plain, 50)
            result["plain_ocr_median_ms"] = round(median, 1)
            result["ocr_pass_vs_plain"] = (
                round(result["ocr_pass_median_ms"] / median, 3) if median > 0 else None
            )
        result["ocr_mode"] = args.ocr_mode
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
