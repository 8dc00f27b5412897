"""Phrase cache benchmark: what a hit costs vs a model call, and the hit rate on a static sign.

  python benchmarks/bench_cache.py                      # real OCR on 6 jittered frames, 300 frames
  python benchmarks/bench_cache.py --frames 600 --ocr-frames 0   # synthetic OCR noise only

The "video" of a static sign is simulated: the real OCR output of resources/samples/sign.jpg
under small camera changes (shift, brightness, sensor noise) gives a pool of realistic per-frame
readings; each simulated frame draws one of them, plus (with --noise) a random character error,
so the cache sees the same mix of stable and flickering texts a live view produces.
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ocr_readings(n_frames: int, seed: int) -> list[list[str]]:
    """Real OCR of the sample sign: the original frame plus n_frames-1 jittered ones."""
    import cv2
    import numpy as np

    from camtranslate.ocr import create_ocr_engine

    engine = create_ocr_engine("rapid")
    image = cv2.imread(str(REPO / "resources" / "samples" / "sign.jpg"), cv2.IMREAD_COLOR)
    rng = np.random.default_rng(seed)
    readings = []
    for i in range(n_frames):
        frame = image
        if i:
            dx, dy = rng.integers(-6, 7, size=2)
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            frame = cv2.warpAffine(image, m, (image.shape[1], image.shape[0]), borderMode=1)
            gain = rng.uniform(0.9, 1.1)
            noise = rng.normal(0, 2, frame.shape)  # sigma 6 already hides the sign from rapid OCR
            frame = np.clip(frame.astype(np.float32) * gain + noise, 0, 255).astype(np.uint8)
        readings.append([r.text for r in engine.read(frame)])
    return readings


def corrupt(text: str, rng: random.Random) -> str:
    """One OCR-like error: a dropped, doubled or confused character."""
    if len(text) < 2:
        return text
    i = rng.randrange(len(text))
    kind = rng.choice(["drop", "dup", "swap"])
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "dup":
        return text[:i] + text[i] + text[i:]
    confusions = {"O": "0", "I": "l", "S": "5", "E": "F", "A": "4", "G": "6", "T": "7"}
    return text[:i] + confusions.get(text[i].upper(), text[i]) + text[i + 1 :]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--ocr-frames", type=int, default=6, help="real OCR readings (0: synthetic)")
    ap.add_argument("--noise", type=float, default=0.05, help="extra per-text error probability")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    from camtranslate.models.registry import ModelRegistry
    from camtranslate.translate.cache import CachedTranslator, PhraseCache
    from camtranslate.translate.ct2 import CT2Translator

    model = ModelRegistry([REPO / "models"]).find("en", "pt")
    assert model is not None
    ct2 = CT2Translator(model, device="cpu", threads=args.threads)
    rng = random.Random(args.seed)

    if args.ocr_frames > 0:
        pool = ocr_readings(args.ocr_frames, args.seed)
        source = f"real rapid OCR of sign.jpg, {args.ocr_frames} jittered frames"
    else:
        base = ["FASTER THAN", "YOU CAN SAY", "GIFT-WRAP IT,", 'PLEASE"', "TAP", "&GO"]
        pool = [base]
        source = "fixed OCR texts of sign.jpg"
    distinct = sorted({t for frame in pool for t in frame})
    print(f"OCR readings per frame: {pool}\n")

    # -- 1. cost per text: model call vs memory hit vs SQLite hit ---------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        cache = PhraseCache(Path(tmp) / "bench.sqlite3")
        texts = distinct
        reps = 30
        ct2.translate_batch(texts)  # warm
        t0 = time.perf_counter()
        for _ in range(reps):
            for t in texts:
                ct2.translate_batch([t])
        model_one = (time.perf_counter() - t0) / (reps * len(texts))
        t0 = time.perf_counter()
        for _ in range(reps):
            ct2.translate_batch(texts)
        model_frame = (time.perf_counter() - t0) / reps

        cached = CachedTranslator(ct2, cache)
        cached.translate_batch(texts)
        mem = []
        for _ in range(2000):
            t0 = time.perf_counter()
            cached.translate_batch(texts)
            mem.append(time.perf_counter() - t0)
        mem_frame = statistics.median(mem)  # medians: the machine is shared, means catch preemption
        sql = []
        for _ in range(200):
            cache.clear_memory()
            t0 = time.perf_counter()
            cached.translate_batch(texts)
            sql.append(time.perf_counter() - t0)
        sql_frame = statistics.median(sql)
        k = len(texts)
        print(f"### Cost per frame of {k} texts ({source}; threads={args.threads})\n")
        print("| path | per frame | per text | vs model |")
        print("|---|---|---|---|")
        rows = [
            ("model, one call per text", model_one * k, model_one),
            ("model, one batched call", model_frame, model_frame / k),
            ("cache hit, SQLite (memory cleared)", sql_frame, sql_frame / k),
            ("cache hit, memory LRU", mem_frame, mem_frame / k),
        ]
        for label, frame, per in rows:
            print(
                f"| {label} | {frame * 1e3:.3f} ms | {per * 1e6:.1f} µs | "
                f"{model_frame / frame:.0f}x faster than batched |"
                if "cache" in label
                else f"| {label} | {frame * 1e3:.2f} ms | {per * 1e6:.0f} µs | |"
            )
        cache.close()

    # -- 2. a video of a static sign ------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        cache = PhraseCache(Path(tmp) / "bench.sqlite3")
        cached = CachedTranslator(ct2, cache)
        cached_calls = plain_calls = 0
        t_cached = t_plain = 0.0
        for _ in range(args.frames):
            frame = [corrupt(t, rng) if rng.random() < args.noise else t for t in rng.choice(pool)]
            before = ct2.model_calls
            t0 = time.perf_counter()
            cached.translate_batch(frame)
            t_cached += time.perf_counter() - t0
            cached_calls += ct2.model_calls - before
            before = ct2.model_calls
            t0 = time.perf_counter()
            ct2.translate_batch(frame)
            t_plain += time.perf_counter() - t0
            plain_calls += ct2.model_calls - before
        print(
            f"\n### Static sign, {args.frames} frames ({source}; extra noise {args.noise:.0%} "
            "per text)\n"
        )
        print("| | value |")
        print("|---|---|")
        print(f"| distinct OCR readings in the pool | {len(distinct)} |")
        print(f"| texts per frame (pool) | {[len(f) for f in pool]} |")
        print(f"| texts looked up | {cached.hits + cached.misses} |")
        print(f"| hit rate | {cached.hit_rate:.1%} |")
        print(f"| model calls with cache / without | {cached_calls} / {plain_calls} |")
        print(
            f"| translate time per frame with cache / without | "
            f"{t_cached / args.frames * 1e3:.2f} ms / {t_plain / args.frames * 1e3:.2f} ms |"
        )
        cache.close()


if __name__ == "__main__":
    main()
