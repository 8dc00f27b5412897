"""What makes one OCR pass cheaper: ONNX Runtime options, batching, sizes, int8 (issue 12).

Every variant of ``RapidOcrEngine`` reads the same frames, round-robin (variant A on frame 1,
variant B on frame 1, ..., then frame 2), so load from other processes on a shared machine hits
all variants alike. Frames: a 1280x720 webcam-like clip (the bundled sign with a hand moving
in front, ``camtranslate.bench.videos``) and ICDAR 2015 dev photos (1280x720).

Per variant: median wall ms of a full ``read()``, of detection alone and of recognising the
detected lines (same boxes for every variant), and process CPU ms per read (all threads: the
steadier number on a busy machine). ``--f1`` also scores word F1 (detection and end to end)
of chosen variants on all 100 ICDAR dev photos with ``bench_ocr.py``'s scoring.

  python benchmarks/bench_ocr_speed.py [--frames 12] [--variants default,nospin,...]
  python benchmarks/bench_ocr_speed.py --f1 default,int8
  python benchmarks/bench_ocr_speed.py --quantize DIR   # write int8 det/rec ONNX files (needs
                                                        # the onnx package) and time them too
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from camtranslate.bench.videos import write_scene_video
from camtranslate.ocr.rapid import DET_MODEL, REC_MODEL, OrtOptions, RapidOcrEngine, model_dir
from camtranslate.paths import sample_image_path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "eval" / "icdar2015_dev"
OLD = OrtOptions(intra_threads=0, graph_level="all", arena=False, spinning=True)
"""What RapidOCR's own sessions used before (its config.yaml: arena off, spinning on)."""


def variants(int8_dir: Path | None) -> dict[str, dict]:
    out = {
        "default": {},
        "old-ort": {"ort": OLD},
        "nospin": {"ort": replace(OLD, spinning=False)},
        "arena": {"ort": replace(OLD, arena=True)},
        "nospin-arena": {"ort": replace(OLD, spinning=False, arena=True)},
        "nospin-1thread": {"ort": replace(OLD, spinning=False, intra_threads=1)},
        "1thread": {"ort": replace(OLD, intra_threads=1)},
        "basic-opt": {"ort": replace(OLD, graph_level="basic")},
        "batch1": {"rec_batch": 1},
        "batch16": {"rec_batch": 16},
        "det960": {"max_detect_side": 960},
        "det736": {"max_detect_side": 736},
        "cls-on": {"use_angle_cls": True},
    }
    if int8_dir is not None:
        out["int8"] = {
            "det_model": int8_dir / DET_MODEL.replace(".onnx", ".int8.onnx"),
            "rec_model": int8_dir / REC_MODEL.replace(".onnx", ".int8.onnx"),
        }
        out["int8-rec"] = {"rec_model": out["int8"]["rec_model"]}
    return out


def quantize(folder: Path) -> Path:
    """int8 (dynamic, weights) copies of the shipped det/rec models, by onnxruntime's tools."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    for name in (DET_MODEL, REC_MODEL):
        out = folder / name.replace(".onnx", ".int8.onnx")
        quantize_dynamic(str(model_dir() / name), str(out), weight_type=QuantType.QInt8)
    return folder


def load_frames(count: int) -> list[np.ndarray]:
    frames: list[np.ndarray] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hands.mp4"
        photo = cv2.imread(str(sample_image_path()))
        write_scene_video(photo, path, "hands", seconds=6.0, fps=15.0)
        cap = cv2.VideoCapture(str(path))
        clip = []
        while True:
            ok, image = cap.read()
            if not ok:
                break
            clip.append(image)
        cap.release()
    half = max(1, count // 2)
    frames += clip[:: max(1, len(clip) // half)][:half]
    photos = sorted((DATA / "images").glob("*.jpg"))[: count - len(frames)]
    frames += [cv2.imread(str(p)) for p in photos]
    return frames


def time_variants(specs: dict[str, dict], frames: list[np.ndarray]) -> list[dict]:
    engines = {}
    for name, kwargs in specs.items():
        t0 = time.perf_counter()
        engine = RapidOcrEngine(("auto",), **kwargs)
        engine.warmup()
        engines[name] = (engine, time.perf_counter() - t0)
    ref = engines["default"][0] if "default" in engines else next(iter(engines.values()))[0]
    boxes = [ref.detect(f) for f in frames]  # the same lines for every recogniser
    rows = {n: {"read": [], "cpu": [], "det": [], "rec": []} for n in engines}
    for frame, quads in zip(frames, boxes, strict=True):
        for name, (engine, _) in engines.items():
            t, c = time.perf_counter(), time.process_time()
            engine.read(frame)
            rows[name]["read"].append((time.perf_counter() - t) * 1000)
            rows[name]["cpu"].append((time.process_time() - c) * 1000)
            t = time.perf_counter()
            engine.detect(frame)
            rows[name]["det"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            engine.recognize_quads(frame, quads)
            rows[name]["rec"].append((time.perf_counter() - t) * 1000)
    base = statistics.median(rows[next(iter(rows))]["cpu"])
    out = []
    for name, r in rows.items():
        out.append(
            {
                "variant": name,
                "read_ms": statistics.median(r["read"]),
                "cpu_ms": statistics.median(r["cpu"]),
                "cpu_vs_first": statistics.median(r["cpu"]) / base if base else 0.0,
                "det_ms": statistics.median(r["det"]),
                "rec_ms": statistics.median(r["rec"]),
                "load_s": engines[name][1],
            }
        )
    return out


def f1(specs: dict[str, dict], names: list[str]) -> list[dict]:
    from bench_ocr import prf, score_image  # the scorer next to this script (run as a script)

    items = json.loads((DATA / "gt.json").read_text())
    out = []
    for name in names:
        engine = RapidOcrEngine(("en",), **specs[name])
        engine.warmup()
        totals = {"dets": 0, "gt": 0, "match": 0, "correct": 0}
        for item in items:
            image = cv2.imread(str(DATA / "images" / item["image"]))
            for k, v in score_image(engine.read(image), item["boxes"]).items():
                totals[k] += v
        det = prf(totals["match"], totals["dets"], totals["gt"])[2]
        e2e = prf(totals["correct"], totals["dets"], totals["gt"])[2]
        out.append({"variant": name, "images": len(items), "det_f1": det, "e2e_f1": e2e})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=12, help="frames: half clip, half ICDAR")
    ap.add_argument("--variants", help="comma-separated subset (default: all)")
    ap.add_argument("--quantize", type=Path, help="write int8 models here and time them")
    ap.add_argument("--int8-dir", type=Path, help="int8 models written earlier by --quantize")
    ap.add_argument("--f1", help="comma-separated variants to score on all ICDAR dev photos")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    int8_dir = quantize(args.quantize) if args.quantize else args.int8_dir
    specs = variants(int8_dir)
    if args.f1:
        rows = f1(specs, args.f1.split(","))
        cols = ["variant", "images", "det_f1", "e2e_f1"]
    else:
        chosen = args.variants.split(",") if args.variants else list(specs)
        rows = time_variants({n: specs[n] for n in chosen}, load_frames(args.frames))
        cols = ["variant", "read_ms", "cpu_ms", "cpu_vs_first", "det_ms", "rec_ms", "load_s"]
    if args.json:
        print(json.dumps(rows))
        return 0
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        cells = [f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c]) for c in cols]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
