"""End to end: ms per 1280x720 frame, per stage (median and p90), and the cold start.

Runs the real Pipeline (OCR → blocks → translation → overlay) over real photos: the ICDAR 2015
dev images in ../shared when present, else the bundled samples. The phrase cache is off for the
"uncached" pass and on (warm) for the second pass over the same frames, which is what a camera
pointed at the same scene sees.

Usage:
  python benchmarks/bench_pipeline.py [--engine rapid] [--limit 20] [--to pt] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import cv2

from camtranslate.config import PipelineConfig
from camtranslate.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[1]
ICDAR = REPO / ".." / "shared" / "eval" / "icdar2015_dev" / "images"
STAGES = ("ocr", "translate", "overlay", "total")


def _images(limit: int) -> list[Path]:
    if ICDAR.is_dir():
        return sorted(ICDAR.glob("*.jpg"), key=lambda p: int(p.stem.split("_")[1]))[:limit]
    return sorted((REPO / "resources" / "samples").glob("*.jpg"))[:limit]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(engine: str, limit: int, source: str, target: str, erase: str) -> dict:
    paths = _images(limit)
    frames = [cv2.imread(str(p)) for p in paths]
    with tempfile.TemporaryDirectory() as tmp:
        config = PipelineConfig(
            ocr_engine=engine,
            source_lang=source,
            target_lang=target,
            erase=erase,
            cache_path=Path(tmp) / "cache.sqlite3",
        )
        t0 = time.perf_counter()
        pipeline = Pipeline(config)
        pipeline.warmup()
        cold_s = time.perf_counter() - t0
        passes: dict[str, dict[str, list[float]]] = {}
        for label in ("first pass (cache cold)", "second pass (cache warm)"):
            timings: dict[str, list[float]] = {s: [] for s in STAGES}
            regions = 0
            for frame in frames:
                t = time.perf_counter()
                result = pipeline.process(frame)
                timings["total"].append((time.perf_counter() - t) * 1000)
                for s in ("ocr", "translate", "overlay"):
                    timings[s].append(result.timings_ms[s])
                regions += len(result.regions)
            passes[label] = timings
            passes[label]["regions_per_frame"] = [regions / max(len(frames), 1)]
        pipeline.close()
    return {
        "engine": engine,
        "frames": len(frames),
        "cold_start_s": cold_s,
        "passes": passes,
        "images": "icdar2015_dev" if ICDAR.is_dir() else "resources/samples",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="rapid")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--from", dest="source", default="auto")
    ap.add_argument("--to", dest="target", default="pt")
    ap.add_argument("--erase", default="inpaint", choices=("fill", "inpaint"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    report = run(args.engine, args.limit, args.source, args.target, args.erase)
    print(
        f"engine {report['engine']}, {report['frames']} frames of {report['images']}, "
        f"erase={args.erase}; cold start (load + warm-up) {report['cold_start_s']:.2f} s\n"
    )
    print("| pass | stage | median ms | p90 ms |\n|---|---|---|---|")
    for label, timings in report["passes"].items():
        for s in STAGES:
            print(
                f"| {label} | {s} | {statistics.median(timings[s]):.1f} | "
                f"{_pct(timings[s], 0.9):.1f} |"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
