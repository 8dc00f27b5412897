"""Overlay cost per frame: erase modes, cold vs cached glyph patches, sampled vs given colours.

A 1280x720 frame (resources/samples/sign.jpg) with 10 translated regions: the six lines RapidOCR
finds on the sign plus the rotated floor print and the two shop signs.

    python benchmarks/bench_overlay.py [--frames 50] [--image PATH]
    python benchmarks/bench_overlay.py --demo /tmp/overlay_demo.png [--erase inpaint]
    python benchmarks/bench_overlay.py --blocks ../shared/eval/icdar2015_dev/images \
        [--lines ocr.json] [--pictures DIR]

Prints one table row per scenario: median and 90th percentile milliseconds per rendered frame.

``--blocks``: how well the erase matches each line's own surface when lines are grouped by
placement alone (before) and only when their colours agree too (after, ``group_lines(regions,
image)``). RapidOCR reads every photo (``--lines`` caches what it read as JSON); each block is
erased ("fill"), and for every line of a multi-line paragraph the table gives the CIELAB ΔE
between the erased patch (median over the line's box) and the line's own background (sampled
around the line on the original, other lines masked out), plus how many stacked pairs the colour
rule refused. ``--pictures`` writes before/after crops of the photos where a merge was refused.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from camtranslate.blocks import group_lines, line_looks, plan_blocks
from camtranslate.geometry import paragraph_pairs, region_quad
from camtranslate.overlay import OverlayItem, OverlayRenderer
from camtranslate.paths import sample_image_path
from camtranslate.types import TextRegion, as_polygon

REGIONS = [
    (((151, 223), (266, 221), (266, 241), (151, 244)), "MAIS RÁPIDO DO QUE"),
    (((154, 238), (266, 235), (266, 255), (154, 259)), "VOCÊ CONSEGUE DIZER"),
    (((158, 252), (272, 248), (272, 270), (158, 273)), '"EMBRULHE PARA PRESENTE,'),
    (((175, 266), (254, 266), (254, 287), (175, 287)), 'POR FAVOR"'),
    (((182, 294), (245, 290), (247, 320), (184, 324)), "TOQUE"),
    (((182, 323), (244, 319), (245, 345), (183, 349)), "& VÁ"),
    (((533, 219), (627, 206), (627, 236), (533, 251)), "Acessórios"),
    (((394, 549), (636, 586), (634, 608), (390, 571)), "A maneira mais rápida de pagar."),
    (((436, 504), (738, 540), (732, 588), (430, 552)), "TOQUE E VÁ"),
    (((768, 204), (839, 204), (839, 237), (768, 237)), "配饰"),
]


def timed(fn: Callable[[], object], frames: int) -> tuple[float, float, float]:
    """(median wall ms, p90 wall ms, median CPU ms) per call.

    CPU time is reported too because shared machines inflate wall time: on an idle machine the
    wall time of this single-threaded code is close to its CPU time.
    """
    wall, cpu = [], []
    for _ in range(frames):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000.0)
        wall.append((time.perf_counter() - t0) * 1000.0)
    wall.sort()
    p90 = wall[min(len(wall) - 1, int(0.9 * len(wall)))]
    return statistics.median(wall), p90, statistics.median(cpu)


def jittered(items: list[OverlayItem], rng: np.random.Generator) -> list[OverlayItem]:
    """Tracked regions move a little every display frame."""
    out = []
    for it in items:
        dx, dy = rng.uniform(-1.5, 1.5, 2)
        poly = tuple((x + dx, y + dy) for x, y in it.polygon)
        out.append(OverlayItem(poly, it.text, it.alpha, it.highlight, it.background, it.foreground))
    return out


def read_lines(folder: Path, cache: Path | None) -> dict[str, list[TextRegion]]:
    """RapidOCR lines of every photo in ``folder`` (from ``cache`` when it holds them)."""
    if cache is not None and cache.exists():
        raw = json.loads(cache.read_text())
    else:
        from camtranslate.ocr import create_ocr_engine

        engine = create_ocr_engine("rapid", ("en",))
        raw = {}
        for path in sorted(folder.glob("*.jpg")):
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is not None:
                raw[path.name] = [
                    {"polygon": [list(map(float, pt)) for pt in r.polygon], "text": r.text}
                    for r in engine.read(image)
                ]
        if cache is not None:
            cache.write_text(json.dumps(raw))
    return {
        name: [TextRegion(as_polygon(line["polygon"]), line["text"], 0.9) for line in lines]
        for name, lines in raw.items()
    }


def _lab(bgr: np.ndarray) -> np.ndarray:
    flat = np.ascontiguousarray(bgr.reshape(-1, 1, 3), dtype=np.float32) / np.float32(255.0)
    return cv2.cvtColor(flat, cv2.COLOR_BGR2Lab).reshape(-1, 3)


def erase_errors(
    image: np.ndarray, erased: np.ndarray, quads: list[np.ndarray], surfaces: list
) -> list[float]:
    """ΔE between the erased patch inside each line's box and that line's own background."""
    errors = []
    for quad, look in zip(quads, surfaces, strict=True):
        if look is None:
            continue
        mask = np.zeros(image.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(quad).astype(np.int32)], 255)
        if not mask.any():
            continue
        patch = np.median(_lab(erased[mask > 0]), axis=0)
        errors.append(float(np.linalg.norm(patch - look.background)))
    return errors


def blocks_table(folder: Path, cache: Path | None, pictures: Path | None) -> int:
    lines_by_image = read_lines(folder, cache)
    renderer = OverlayRenderer(erase="fill")
    errs: dict[str, list[float]] = {"before": [], "after": []}
    changed: dict[str, list[float]] = {"before": [], "after": []}
    pairs_total = refused_total = photos_refused = 0
    for name, regions in lines_by_image.items():
        image = cv2.imread(str(folder / name), cv2.IMREAD_COLOR)
        if image is None:
            continue
        quads = [q for r in regions if (q := region_quad(r.polygon)) is not None]
        pairs = paragraph_pairs(quads)
        if not pairs:
            continue
        refused = plan_blocks(quads, image).refused
        pairs_total += len(pairs)
        refused_total += len(refused)
        photos_refused += bool(refused)
        in_pairs = sorted({k for pair in pairs for k in pair})
        measured = [quads[k] for k in in_pairs]
        # The reference: each line's own surface, sampled with all lines masked out.
        looks = line_looks(image, quads)
        surfaces = [looks[k] for k in in_pairs]
        outs = {}
        for when, blocks in (
            ("before", group_lines(regions)),
            ("after", group_lines(regions, image)),
        ):
            outs[when] = renderer.erase_only(image, [b.polygon for b in blocks])
            e = erase_errors(image, outs[when], measured, surfaces)
            errs[when] += e
            if refused:
                changed[when] += e
        if pictures is not None and refused:
            _save_pair(pictures, name, image, outs, measured)
    print(
        f"erase vs each line's own background, {len(lines_by_image)} photos in {folder}: "
        f"{pairs_total} stacked line pairs, {refused_total} merges refused "
        f"(on {photos_refused} photos)"
    )
    print(
        f"{'lines of paragraphs':28s} {'grouping':8s} {'n':>4s} {'mean ΔE':>8s} "
        f"{'p90 ΔE':>7s} {'> 10':>5s}"
    )
    for label, table in (("all", errs), ("on photos with a refusal", changed)):
        for when in ("before", "after"):
            e = np.array(table[when])
            if len(e):
                print(
                    f"{label:28s} {when:8s} {len(e):4d} {e.mean():8.1f} "
                    f"{np.percentile(e, 90):7.1f} {int((e > 10).sum()):5d}"
                )
    return 0


def _save_pair(
    folder: Path, name: str, image: np.ndarray, outs: dict[str, np.ndarray], quads: list
) -> None:
    """Original | erased before | erased after, cropped around the paragraph lines."""
    folder.mkdir(parents=True, exist_ok=True)
    pts = np.concatenate(quads)
    x0, y0 = np.maximum(pts.min(axis=0) - 40, 0).astype(int)
    x1, y1 = (pts.max(axis=0) + 40).astype(int)
    tiles = [im[y0:y1, x0:x1] for im in (image, outs["before"], outs["after"])]
    scale = 240.0 / max(1, tiles[0].shape[0])
    row = np.hstack([cv2.resize(t, None, fx=scale, fy=scale) for t in tiles])
    cv2.imwrite(str(folder / f"{Path(name).stem}_orig_before_after.png"), row)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=50)
    ap.add_argument("--image", type=Path, default=sample_image_path())
    ap.add_argument("--demo", type=Path, help="write the sample with the overlay drawn and exit")
    ap.add_argument("--erase", default="fill", help="erase mode for --demo")
    ap.add_argument("--blocks", type=Path, help="folder of photos: erase error per grouping")
    ap.add_argument("--lines", type=Path, help="with --blocks: OCR lines cache (JSON)")
    ap.add_argument("--pictures", type=Path, help="with --blocks: write before/after crops")
    args = ap.parse_args(argv)
    if args.blocks:
        return blocks_table(args.blocks, args.lines, args.pictures)
    image = cv2.imread(str(args.image), cv2.IMREAD_COLOR)
    if image is None:
        print(f"cannot read {args.image}", file=sys.stderr)
        return 2
    image = cv2.resize(image, (1280, 720))
    items = [OverlayItem(p, t) for p, t in REGIONS]
    if args.demo:
        shown = [OverlayItem(it.polygon, it.text, highlight=i == 7) for i, it in enumerate(items)]
        out = OverlayRenderer(erase=args.erase).render(image, shown)
        if not cv2.imwrite(str(args.demo), out):
            print(f"cannot write {args.demo}", file=sys.stderr)
            return 2
        print(f"wrote {args.demo}")
        return 0
    rng = np.random.default_rng(0)
    rows: list[tuple[str, float, float, float]] = []

    first = OverlayRenderer()
    rows.append(
        ("first frame (fonts load, fc-match)", *timed(lambda: first.render(image, items), 1))
    )

    for mode in ("fill", "inpaint"):
        r = OverlayRenderer(erase=mode)
        r.render(image, items)  # fonts and font choices warm

        def cold(r: OverlayRenderer = r) -> None:
            r.clear_cache()
            r.render(image, items)

        rows.append((f"{mode}: cold patch cache", *timed(cold, max(5, args.frames // 5))))
        rows.append(
            (f"{mode}: cached patches", *timed(lambda r=r: r.render(image, items), args.frames))
        )
        rows.append(
            (
                f"{mode}: cached, regions jitter ±1.5 px",
                *timed(lambda r=r: r.render(image, jittered(items, rng)), args.frames),
            )
        )

    live = OverlayRenderer(erase="fill")
    colors = [live.sample_colors(image, it.polygon) for it in items]
    rows.append(
        (
            "sample_colors for 10 regions (per OCR pass)",
            *timed(lambda: [live.sample_colors(image, it.polygon) for it in items], args.frames),
        )
    )
    given = [
        OverlayItem(it.polygon, it.text, background=c.background, foreground=c.foreground)
        for it, c in zip(items, colors, strict=True)
        if c is not None
    ]
    live.render(image, given)
    rows.append(
        (
            "live: fill, given colours, jitter",
            *timed(lambda: live.render(image, jittered(given, rng)), args.frames),
        )
    )
    faded = [
        OverlayItem(
            it.polygon,
            it.text,
            alpha=0.5,
            background=it.background,
            foreground=it.foreground,
            highlight=i == 0,
        )
        for i, it in enumerate(given)
    ]
    rows.append(
        (
            "live: + alpha 0.5 fade + highlight",
            *timed(lambda: live.render(image, faded), args.frames),
        )
    )
    rows.append(("baseline: image.copy() alone", *timed(image.copy, args.frames)))

    print(
        f"overlay, {image.shape[1]}x{image.shape[0]}, {len(items)} regions, "
        f"{args.frames} frames per row"
    )
    print(f"{'scenario':46s} {'median ms':>10s} {'p90 ms':>8s} {'CPU ms':>8s}")
    for name, med, p90, cpu in rows:
        print(f"{name:46s} {med:10.2f} {p90:8.2f} {cpu:8.2f}")
    info = live.cache_info()
    print(f"live renderer patch cache: {info.hits} hits, {info.misses} misses, {info.size} entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
