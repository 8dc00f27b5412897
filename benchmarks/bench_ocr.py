"""OCR accuracy and speed on ICDAR 2015 dev photos (../shared/eval/icdar2015_dev).

Scoring (word level, ICDAR 2015 style):
- Ground truth: quadrilaterals with transcriptions; "###" boxes are don't-care.
- Engines return lines; a detection whose text has several space-separated words is split into
  one quadrilateral per word, cut along its top and bottom edges in proportion to character
  counts (spaces included). Single-word detections are scored as they are.
- Detection: words are matched one-to-one to legible boxes greedily by IoU (>= 0.5). Unmatched
  words lying mostly (>= 50% of their area) inside a don't-care box are ignored (neither hit nor
  false alarm). Precision = matched / scored words, recall = matched / legible boxes.
- End-to-end: a matched word counts when its text equals the box's transcription, compared
  case-insensitively after stripping leading/trailing punctuation from both.
- Speed: wall seconds of ``engine.read(image)`` per image after one warm-up call (median, p90),
  and the process CPU seconds per image (median; all threads): on a shared machine CPU time is
  the steadier number, wall time what a user waits.

Usage:
  python benchmarks/bench_ocr.py [--engines rapid@960,rapid@1280,easy@1280] [--limit N]
                                 [--scale 2.0] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from camtranslate.ocr import create_ocr_engine

REPO = Path(__file__).resolve().parents[1]


DATA = REPO / ".." / "shared" / "eval" / "icdar2015_dev"
PUNCT = "\"'`.,:;!?()[]{}<>-_/\\|*~“”‘’«»"


def norm_word(text: str) -> str:
    return text.strip().strip(PUNCT).lower()


def _area(poly: np.ndarray) -> float:
    return abs(float(cv2.contourArea(poly.astype(np.float32))))


def iou_and_cover(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """IoU of two quads and the share of ``a`` covered by ``b`` (convex hulls)."""
    ha = cv2.convexHull(a.astype(np.float32))
    hb = cv2.convexHull(b.astype(np.float32))
    inter, _ = cv2.intersectConvexConvex(ha, hb)
    inter = max(float(inter), 0.0)
    aa, ab = _area(ha), _area(hb)
    union = aa + ab - inter
    return (inter / union if union > 0 else 0.0), (inter / aa if aa > 0 else 0.0)


def split_words(poly: np.ndarray, text: str) -> list[tuple[np.ndarray, str]]:
    """Cut a line quad (tl, tr, br, bl) into per-word quads by character offsets."""
    words = text.split()
    if len(words) <= 1:
        return [(poly, text)]
    tl, tr, br, bl = poly.astype(np.float64)
    n = len(text)
    out, pos = [], 0
    for word in words:
        start = text.index(word, pos)
        end = start + len(word)
        pos = end
        f0, f1 = start / n, end / n
        out.append(
            (
                np.array(
                    [
                        tl + (tr - tl) * f0,
                        tl + (tr - tl) * f1,
                        bl + (br - bl) * f1,
                        bl + (br - bl) * f0,
                    ]
                ),
                word,
            )
        )
    return out


def score_image(regions, boxes) -> dict[str, int]:
    gt_legible = [(np.array(b["points"], float), b["text"]) for b in boxes if b["text"] != "###"]
    gt_care = [np.array(b["points"], float) for b in boxes if b["text"] == "###"]
    dets = [w for r in regions for w in split_words(np.array(r.polygon, float), r.text)]
    pairs = []
    for i, (dp, _) in enumerate(dets):
        for j, (gp, _) in enumerate(gt_legible):
            iou, _ = iou_and_cover(dp, gp)
            if iou >= 0.5:
                pairs.append((iou, i, j))
    pairs.sort(reverse=True)
    used_d, used_g, matched, correct = set(), set(), 0, 0
    for _, i, j in pairs:
        if i in used_d or j in used_g:
            continue
        used_d.add(i)
        used_g.add(j)
        matched += 1
        if norm_word(dets[i][1]) == norm_word(gt_legible[j][1]):
            correct += 1
    ignored = 0
    for i, (dp, _) in enumerate(dets):
        if i not in used_d and any(iou_and_cover(dp, c)[1] >= 0.5 for c in gt_care):
            ignored += 1
    return {
        "dets": len(dets) - ignored,
        "gt": len(gt_legible),
        "match": matched,
        "correct": correct,
    }


def prf(hit: int, n_pred: int, n_gt: int) -> tuple[float, float, float]:
    p = hit / n_pred if n_pred else 0.0
    r = hit / n_gt if n_gt else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def parse_spec(spec: str) -> tuple[str, int]:
    name, _, side = spec.partition("@")
    return name, int(side) if side else 1280


def run(spec: str, items: list[dict], scale: float, min_conf: float) -> dict:
    name, side = parse_spec(spec)
    t0 = time.perf_counter()
    engine = create_ocr_engine(name, ("en",), max_detect_side=side, min_confidence=min_conf)
    engine.warmup()
    load_s = time.perf_counter() - t0
    totals = {"dets": 0, "gt": 0, "match": 0, "correct": 0}
    times, cpu = [], []
    for item in items:
        img = cv2.imread(str(DATA / "images" / item["image"]))
        boxes = item["boxes"]
        if scale != 1.0:
            img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            boxes = [{**b, "points": (np.array(b["points"]) * scale).tolist()} for b in boxes]
        t, c = time.perf_counter(), time.process_time()
        regions = engine.read(img)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        for k, v in score_image(regions, boxes).items():
            totals[k] += v
    dp, dr, df = prf(totals["match"], totals["dets"], totals["gt"])
    ep, er, ef = prf(totals["correct"], totals["dets"], totals["gt"])
    times.sort()
    return {
        "engine": spec,
        "images": len(items),
        "scale": scale,
        "det_precision": dp,
        "det_recall": dr,
        "det_f1": df,
        "e2e_precision": ep,
        "e2e_recall": er,
        "e2e_f1": ef,
        "sec_median": statistics.median(times),
        "sec_p90": times[min(len(times) - 1, round(0.9 * (len(times) - 1)))],
        "cpu_s_median": statistics.median(cpu),
        "load_s": load_s,
        **totals,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--engines",
        default="rapid@960,rapid@1280,easy@1280",
        help="comma-separated NAME[@MAX_DETECT_SIDE]",
    )
    ap.add_argument("--limit", type=int, default=0, help="first N images only (0: all 100)")
    ap.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="resize photos (and boxes) first, e.g. 2 for a 2560x1440 camera",
    )
    ap.add_argument("--min-confidence", type=float, default=0.5)
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    if not (DATA / "gt.json").is_file():
        print(f"no evaluation data at {DATA.resolve()}", file=sys.stderr)
        return 2
    items = json.loads((DATA / "gt.json").read_text())
    if args.limit:
        items = items[: args.limit]
    rows = []
    print(
        f"{'engine':<13}{'imgs':>5} {'det P':>6} {'det R':>6} {'det F1':>6} "
        f"{'e2e P':>6} {'e2e R':>6} {'e2e F1':>6} {'s/img':>6} {'p90':>6} {'cpu s':>6} {'load':>6}"
    )
    for spec in args.engines.split(","):
        r = run(spec.strip(), items, args.scale, args.min_confidence)
        rows.append(r)
        print(
            f"{r['engine']:<13}{r['images']:>5} {r['det_precision']:6.3f} {r['det_recall']:6.3f} "
            f"{r['det_f1']:6.3f} {r['e2e_precision']:6.3f} {r['e2e_recall']:6.3f} "
            f"{r['e2e_f1']:6.3f} {r['sec_median']:6.2f} {r['sec_p90']:6.2f} "
            f"{r['cpu_s_median']:6.2f} {r['load_s']:6.1f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
