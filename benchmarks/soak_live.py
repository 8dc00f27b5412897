"""Soak test of the live loop: a looping camera-like video through LiveSession for N minutes.

Why: the live view runs for hours. A slow leak (a cache without a bound, a per-frame list, a
thread started per reconnect) only shows after thousands of frames, so this feeds a real video
through the real pipeline (RapidOCR + CTranslate2 + overlay) with an offscreen consumer polling
`latest_view()` at 30 Hz like the GUI timer, and samples every few seconds:

  RSS (psutil), Python and OS thread counts, open file handles, the frame slot, every size-able
  container inside the session / stabilizer / tracker / renderer / phrase cache, and the
  session's stats.

It prints a table and a verdict: RSS growth after warm-up (goal < 5 %), thread count stable and
all threads joined at stop, nothing backs up (slot <= 1), OCR still making progress. Exit status
1 if a goal is missed. RSS swings by ~20 MiB within an OCR pass (ONNX Runtime scratch buffers
come and go), so growth compares the first and the last `--window-s` after warm-up by their
*floor* (min: what a leak raises) and by their *ceiling* (max: what a growing buffer raises);
both must stay under 5 %. Single-sample growth is printed too.

  nice -n 10 python benchmarks/soak_live.py --minutes 10 --json soak.json
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import psutil

from camtranslate.bench.videos import write_motion_video
from camtranslate.config import PipelineConfig
from camtranslate.imaging import load_image
from camtranslate.live.events import LiveEvent, SessionError
from camtranslate.live.session import LiveSession
from camtranslate.live.sources import VideoFileSource
from camtranslate.paths import sample_image_path
from camtranslate.pipeline import Pipeline


def make_video(folder: Path, seconds: float, fps: float) -> Path:
    """A pan-then-zoom clip of the real sample photo: text moves, enters and leaves the view."""
    photo = load_image(sample_image_path())
    pan = folder / "pan.mp4"
    write_motion_video(photo, pan, motion="pan", seconds=seconds, fps=fps, noise=2.0)
    return pan


def container_sizes(obj: Any, prefix: str, depth: int = 1) -> dict[str, int]:
    """len() of every dict/list/deque/set attribute (and of obj itself when it has one).

    Generic on purpose: the soak must notice a container that grows without bound even if it
    was added to the session after this script was written.
    """
    out: dict[str, int] = {}
    if obj is None:
        return out
    try:
        attrs = vars(obj)
    except TypeError:
        return out
    for name, value in attrs.items():
        if isinstance(value, (dict, list, deque, set)) or type(value).__name__ == "OrderedDict":
            out[f"{prefix}.{name}"] = len(value)
        elif depth > 0 and hasattr(value, "__dict__") and not isinstance(value, type):
            module = type(value).__module__ or ""
            if module.startswith("camtranslate"):
                if hasattr(value, "__len__"):
                    with contextlib.suppress(TypeError):
                        out[f"{prefix}.{name}"] = len(value)
                out.update(container_sizes(value, f"{prefix}.{name}", depth - 1))
    return out


def sample(
    proc: psutil.Process, session: LiveSession, pipeline: Pipeline, t0: float
) -> dict[str, Any]:
    stats = session.stats()
    row: dict[str, Any] = {
        "t_s": round(time.monotonic() - t0, 1),
        "rss_mib": round(proc.memory_info().rss / 2**20, 1),
        "py_threads": threading.active_count(),
        "os_threads": proc.num_threads(),
        "fds": proc.num_fds() if hasattr(proc, "num_fds") else -1,  # file handles (POSIX)
        "gc_objects": len(gc.get_objects()),
        "frames": stats.frames,
        "ocr_passes": stats.ocr_passes,
        "skipped": stats.frames_skipped,
        "source_fps": stats.source_fps,
        "display_fps": stats.display_fps,
        "ocr_ms": stats.ocr_ms,
        "cache_hits": stats.cache_hits,
        "cache_misses": stats.cache_misses,
        "state": stats.state,
    }
    sizes = container_sizes(session, "session")
    sizes.update(container_sizes(pipeline, "pipeline", depth=2))
    row["containers"] = sizes
    return row


def trend_mib_per_min(rows: list[dict[str, Any]]) -> float:
    if len(rows) < 3:
        return 0.0
    t = np.array([r["t_s"] for r in rows]) / 60.0
    y = np.array([r["rss_mib"] for r in rows])
    return float(np.polyfit(t, y, 1)[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup-s", type=float, default=120.0, help="excluded from growth")
    parser.add_argument("--window-s", type=float, default=60.0, help="median window for growth")
    parser.add_argument("--sample-s", type=float, default=5.0)
    parser.add_argument("--display-hz", type=float, default=30.0)
    parser.add_argument("--video", type=Path, help="default: a 20 s pan clip of the sample")
    parser.add_argument("--video-fps", type=float, default=15.0)
    parser.add_argument("--source", default="en")
    parser.add_argument("--target", default="pt")
    parser.add_argument("--json", type=Path, help="write all samples and the verdict here")
    args = parser.parse_args(argv)

    proc = psutil.Process()
    work = Path(tempfile.mkdtemp(prefix="camtranslate-soak-"))
    video = args.video or make_video(work, seconds=20.0, fps=args.video_fps)
    config = PipelineConfig(
        source_lang=args.source, target_lang=args.target, cache_path=work / "cache.sqlite3"
    )
    pipeline = Pipeline(config)
    events: Counter[str] = Counter()
    errors: list[str] = []

    def on_event(event: LiveEvent) -> None:
        events[type(event).__name__] += 1
        if isinstance(event, SessionError) and len(errors) < 20:
            errors.append(event.message)

    session = LiveSession(
        pipeline,
        VideoFileSource(video, loop=True, realtime=True),
        args.source,
        args.target,
        on_event=on_event,
    )
    rows: list[dict[str, Any]] = []
    views = 0
    period = 1.0 / args.display_hz
    t0 = time.monotonic()
    end = t0 + args.minutes * 60.0
    next_sample = t0
    print(f"soak: {video.name}, {args.minutes:g} min, display {args.display_hz:g} Hz", flush=True)
    threads_before = threading.active_count()
    session.start()
    try:
        next_tick = time.monotonic()
        while time.monotonic() < end:
            view = session.latest_view()
            if view is not None:
                # What the GUI does with each view: an RGB copy for a QImage.
                _ = cv2.cvtColor(view.image, cv2.COLOR_BGR2RGB)
                views += 1
            now = time.monotonic()
            if now >= next_sample:
                row = sample(proc, session, pipeline, t0)
                rows.append(row)
                print(
                    f"{row['t_s']:7.1f}s rss {row['rss_mib']:7.1f} MiB  threads "
                    f"{row['py_threads']}/{row['os_threads']}  frames {row['frames']:6d}  "
                    f"ocr {row['ocr_passes']:5d}  slot {row['containers'].get('session._slot', 0)}"
                    f"  memo {row['containers'].get('session._memo', 0)}  {row['state']}",
                    flush=True,
                )
                next_sample = now + args.sample_s
            next_tick += period
            delay = next_tick - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_tick = time.monotonic()
    finally:
        session.stop()
        final = sample(proc, session, pipeline, t0)
        pipeline.close()
    rows.append(final)

    running = rows[:-1]  # the last row is taken after stop()
    steady = [r for r in running if r["t_s"] >= args.warmup_s] or running[-2:]
    base = steady[0]
    last_running = steady[-1]
    peak = max(r["rss_mib"] for r in rows)
    growth = (last_running["rss_mib"] - base["rss_mib"]) / base["rss_mib"] * 100
    t_first, t_last = steady[0]["t_s"], steady[-1]["t_s"]
    first_win = [r["rss_mib"] for r in steady if r["t_s"] <= t_first + args.window_s]
    last_win = [r["rss_mib"] for r in steady if r["t_s"] >= t_last - args.window_s]
    floor_growth = (min(last_win) - min(first_win)) / min(first_win) * 100
    ceiling_growth = (max(last_win) - max(first_win)) / max(first_win) * 100
    threads = sorted({r["os_threads"] for r in steady})
    py_threads = sorted({r["py_threads"] for r in steady})
    growing = {}
    for key in base["containers"]:
        first = base["containers"].get(key, 0)
        last = last_running["containers"].get(key, 0)
        peak_c = max(r["containers"].get(key, 0) for r in steady)
        if last > first:
            growing[key] = (first, last, peak_c)
    slot_max = max(r["containers"].get("session._slot", 0) for r in rows)
    verdict = {
        "minutes": args.minutes,
        "video": str(video),
        "views_consumed": views,
        "frames": final["frames"],
        "ocr_passes": final["ocr_passes"],
        "rss_start_mib": rows[0]["rss_mib"],
        "rss_after_warmup_mib": base["rss_mib"],
        "rss_peak_mib": peak,
        "rss_final_mib": last_running["rss_mib"],
        "rss_growth_after_warmup_pct": round(growth, 2),
        "rss_first_window_min_max_mib": [min(first_win), max(first_win)],
        "rss_last_window_min_max_mib": [min(last_win), max(last_win)],
        "rss_floor_growth_pct": round(floor_growth, 2),
        "rss_ceiling_growth_pct": round(ceiling_growth, 2),
        "rss_trend_mib_per_min": round(trend_mib_per_min(steady), 3),
        "os_threads_after_warmup": threads,
        "fds_after_warmup": sorted({r["fds"] for r in steady}),
        "py_threads_after_warmup": py_threads,
        "os_threads_after_stop": final["os_threads"],
        "py_threads_after_stop": final["py_threads"],
        "slot_max": slot_max,
        "containers_that_grew": growing,
        "events": dict(events),
        "errors": errors,
        "ok_memory": floor_growth < 5.0 and ceiling_growth < 5.0,
        "ok_threads": len(py_threads) == 1 and len(threads) == 1,
        "ok_threads_joined": final["py_threads"] == threads_before,
        "ok_backlog": slot_max <= 1,
        "ok_progress": last_running["ocr_passes"] > base["ocr_passes"]
        and last_running["frames"] > base["frames"],
    }
    print()
    for key in (
        "frames",
        "ocr_passes",
        "views_consumed",
        "rss_start_mib",
        "rss_after_warmup_mib",
        "rss_peak_mib",
        "rss_final_mib",
        "rss_growth_after_warmup_pct",
        "rss_first_window_min_max_mib",
        "rss_last_window_min_max_mib",
        "rss_floor_growth_pct",
        "rss_ceiling_growth_pct",
        "rss_trend_mib_per_min",
        "os_threads_after_warmup",
        "py_threads_after_warmup",
        "py_threads_after_stop",
        "slot_max",
        "containers_that_grew",
        "events",
        "errors",
    ):
        print(f"{key:30} {verdict[key]}")
    checks = ("ok_memory", "ok_threads", "ok_threads_joined", "ok_backlog", "ok_progress")
    for key in checks:
        print(f"{key:30} {verdict[key]}")
    ok = all(verdict[key] for key in checks)
    print(f"{'verdict':30} {'PASS' if ok else 'FAIL'}")
    if args.json:
        args.json.write_text(json.dumps({"verdict": verdict, "samples": rows}, indent=1) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
