"""Merge OCR lines into text blocks, so a sentence broken over lines is translated whole.

OCR engines return one region per printed line. Translating "FASTER THAN" / "YOU CAN SAY"
line by line gives word salad; translating the block gives a sentence. Which lines may form one
paragraph is decided by `geometry.paragraph_pairs` (stacked, overlapping, similar letter
height, in the lines' own rotated frame) — one rule for both drawing and translating; the
overlay draws by the same rule, and this module never imports the overlay.

Placement alone is not enough: a light heading over a dark banner, or a black price box on an
orange menu panel, sit like two lines of one paragraph. Merged, they became one block that the
renderer erased with one fill sampled around the whole block (the banner painted wall-grey).
So when the frame is given, two lines join only when they look printed on one surface: their
backgrounds (sampled on a ring around each line, other lines masked out) and their text
colours agree (`same_surface`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from camtranslate.geometry import paragraph_groups, paragraph_pairs, quad_size, region_quad
from camtranslate.types import Polygon, TextRegion, as_polygon


def _join_text(lines: Sequence[str]) -> str:
    out = lines[0].strip()
    for nxt in lines[1:]:
        nxt = nxt.strip()
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and nxt[:1].islower():
            out = out[:-1] + nxt  # a word hyphenated across the line break
        else:
            out = f"{out} {nxt}"
    return out


def _block_polygon(quads: Sequence[np.ndarray]) -> Polygon:
    """The rectangle enclosing all lines, in the first line's orientation, clockwise from
    its top-left corner."""
    top = quads[0][1] - quads[0][0]
    ux = top / max(float(np.hypot(*top)), 1e-9)
    uy = np.array([-ux[1], ux[0]])
    pts = np.concatenate(quads).astype(np.float64)
    xs, ys = pts @ ux, pts @ uy
    corners = [
        (xs.min(), ys.min()),
        (xs.max(), ys.min()),
        (xs.max(), ys.max()),
        (xs.min(), ys.max()),
    ]
    return as_polygon([x * ux + y * uy for x, y in corners])


@dataclass(frozen=True, slots=True)
class LineLook:
    """How one line looks on the frame, in CIELAB (L 0..100, a/b about -100..100)."""

    background: np.ndarray
    """(3,) float32: the dominant colour on a ring around the line, other lines masked out."""
    text: np.ndarray | None
    """(3,) float32: the glyph cores' colour; None when nothing stands out from the background."""


def _lab(pixels: np.ndarray) -> np.ndarray:
    """BGR uint8 (..., 3) to CIELAB float32 (L 0..100)."""
    flat = np.ascontiguousarray(pixels.reshape(-1, 1, 3), dtype=np.float32) / np.float32(255.0)
    return cv2.cvtColor(flat, cv2.COLOR_BGR2Lab).reshape(-1, 3)


def _dominant(lab: np.ndarray) -> np.ndarray:
    """The most common colour of a pixel sample: the lightness mode, then a trimmed median, so
    a ring straddling the line's surface and something else (a wall, a pole, the next sign)
    reports the surface that holds most of it."""
    hist = np.bincount(np.clip(lab[:, 0] / 4.0, 0, 25).astype(np.intp), minlength=26)
    smooth = np.convolve(hist.astype(np.float64), np.array([1.0, 2.0, 1.0]), mode="same")
    peak = (float(np.argmax(smooth)) + 0.5) * 4.0
    near = lab[np.abs(lab[:, 0] - peak) <= 10.0]
    if len(near) < 8:
        near = lab
    med = np.median(near, axis=0)
    dist = np.linalg.norm(near - med, axis=1)
    keep = near[dist <= max(8.0, 2.5 * float(np.median(dist)))]
    return np.median(keep if len(keep) >= 8 else near, axis=0).astype(np.float32)


def _disk(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def line_looks(image: np.ndarray, quads: Sequence[np.ndarray]) -> list[LineLook | None]:
    """The look of each line (None when it lies outside the frame or shows too few pixels).

    Sampled per call, on this frame: nothing is remembered between frames.
    """
    frame_h, frame_w = image.shape[:2]
    fixed = [np.round(q.astype(np.float64) * 16).astype(np.int32).reshape(-1, 1, 2) for q in quads]
    looks: list[LineLook | None] = []
    for k, q in enumerate(quads):
        h = quad_size(q)[1]
        ring = max(2, round(0.15 * h))
        pad = ring + 2
        x0 = max(0, int(np.floor(q[:, 0].min())) - pad)
        y0 = max(0, int(np.floor(q[:, 1].min())) - pad)
        x1 = min(frame_w, int(np.ceil(q[:, 0].max())) + pad + 1)
        y1 = min(frame_h, int(np.ceil(q[:, 1].max())) + pad + 1)
        if x1 - x0 < 3 or y1 - y0 < 3:
            looks.append(None)
            continue
        shift = np.array([[[x0 * 16, y0 * 16]]], np.int32)
        inside = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(inside, [fixed[k] - shift], 255, cv2.LINE_8, 4)
        others = np.zeros_like(inside)
        for m, f in enumerate(fixed):
            if m != k:
                cv2.fillPoly(others, [f - shift], 255, cv2.LINE_8, 4)
        # The surface the line is printed on: the box itself (OCR boxes are padded, and glyphs
        # cover well under half of a line) and a thin band around it. A wider ring reaches
        # past the edge of a small sign onto the wall or the trees behind it.
        near = cv2.dilate(inside, _disk(ring)) > 0
        free = near & (others == 0)
        band = free if free.sum() >= 12 else near
        roi = image[y0:y1, x0:x1]
        if band.sum() < 12 or not inside.any():
            looks.append(None)
            continue
        background = _dominant(_lab(roi[band]))
        looks.append(LineLook(background, _text_colour(_lab(roi[inside > 0]), background)))
    return looks


def _text_colour(lab: np.ndarray, background: np.ndarray) -> np.ndarray | None:
    """The colour of the pixels inside a line that stand out from its background (Otsu on the
    distance), taken from the half farthest away: the glyph cores, not anti-aliased rims."""
    if len(lab) < 16:
        return None
    dist = np.linalg.norm(lab - background, axis=1)
    d8 = np.clip(dist * 2.0, 0, 255).astype(np.uint8).reshape(-1, 1)
    thr, _ = cv2.threshold(d8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    hit = d8[:, 0] > max(float(thr), 20.0)
    if not 0.02 <= hit.mean() <= 0.75:
        return None
    core = dist >= np.median(dist[hit])
    return np.median(lab[hit & core], axis=0).astype(np.float32)


# Thresholds, in CIELAB ΔE76 (about 2.3 is a just noticeable difference), measured on the 54
# stacked line pairs RapidOCR finds on the 100 ICDAR 2015 dev photos (benchmarks/bench_overlay.py
# --blocks): lines of one print differ in background by at most 12, or 19 on a poster lit in
# its middle (faint white print on yellow, img_96) and 32 on a red disc with a dark rim (white
# print, img_29: the gradient rule below); two surfaces (a sign's blue panel over its white
# panel, white print on a red pill over red print on the white wall, a pole across a poster) by
# 53 or more, and a white shop name over its red-and-white twin on the dark front by 12 in
# background but 56 in ink.
SAME_BACKGROUND = 20.0
"""Backgrounds this close are one surface."""
STRONG_CONTRAST = 25.0
"""Text standing out by at least this much has a reliable colour (faint print does not)."""
DIFFERENT_INK = 30.0
"""Strong texts whose colours differ by more than this are two prints (a red heading over a
blue line, white text over its reflection)."""
SAME_INK = 12.0
GRADIENT_SHARE = 0.75
"""A lighting gradient across one print: the same ink (within SAME_INK) on backgrounds that
differ by less than GRADIENT_SHARE of the text's own contrast. A different surface differs by
about as much as the print's contrast or more (white text on a grey wall over white text on a
dark banner)."""


def same_surface(a: LineLook | None, b: LineLook | None) -> bool:
    """Whether two stacked lines look printed on one surface, in one ink.

    Unknown looks (a line outside the frame) do not stop a merge: placement decides.
    """
    if a is None or b is None:
        return True
    d_bg = float(np.linalg.norm(a.background - b.background))
    if a.text is None or b.text is None:
        return d_bg <= SAME_BACKGROUND
    contrast = min(
        float(np.linalg.norm(a.text - a.background)), float(np.linalg.norm(b.text - b.background))
    )
    d_ink = float(np.linalg.norm(a.text - b.text))
    same_polarity = (a.text[0] > a.background[0]) == (b.text[0] > b.background[0])
    if contrast >= STRONG_CONTRAST and (not same_polarity or d_ink > DIFFERENT_INK):
        return False
    if d_bg <= SAME_BACKGROUND:
        return True
    return same_polarity and d_ink <= SAME_INK and d_bg <= GRADIENT_SHARE * contrast


@dataclass(frozen=True, slots=True)
class BlockPlan:
    """Which lines form blocks (indices into the usable lines), and what was kept apart."""

    groups: list[list[int]]
    refused: list[tuple[int, int]]
    """Stacked pairs that placement would join but that end in different blocks because their
    looks disagree."""


def plan_blocks(quads: Sequence[np.ndarray], image: np.ndarray | None = None) -> BlockPlan:
    """Paragraph groups of ``quads``; with ``image``, only lines on one surface join."""
    pairs = paragraph_pairs(quads)
    if image is None or not pairs:
        return BlockPlan(paragraph_groups(quads, pairs=pairs), [])
    wanted = sorted({k for pair in pairs for k in pair})
    sampled = line_looks(_as_bgr(image), [quads[k] for k in wanted])
    looks = dict(zip(wanted, sampled, strict=True))
    cut = {(i, j) for i, j in pairs if not same_surface(looks[i], looks[j])}
    groups = paragraph_groups(quads, lambda i, j: (i, j) not in cut, pairs=pairs)
    block = {k: n for n, group in enumerate(groups) for k in group}
    # A refused pair still chained through a third line (a gradient) was not kept apart.
    refused = [(i, j) for i, j in sorted(cut) if block.get(i, -1 - i) != block.get(j, -1 - j)]
    return BlockPlan(groups, refused)


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def group_lines(regions: Sequence[TextRegion], image: np.ndarray | None = None) -> list[TextRegion]:
    """Merge stacked lines of one paragraph into one region; others pass through unchanged.

    ``image``: the frame the regions were read on. With it, lines join only when their
    backgrounds and text colours agree (two signs stacked on different surfaces stay two
    blocks, each erased with its own fill); without it, placement and size alone decide.
    Lines inside a block are read top to bottom; blocks are returned in reading order.
    """
    usable = [(r, q) for r in regions if (q := region_quad(r.polygon)) is not None]
    skipped = [r for r in regions if region_quad(r.polygon) is None]
    quads = [q.astype(np.float32) for _, q in usable]
    groups = plan_blocks(quads, image).groups  # only the groups of two or more lines
    grouped = {k for g in groups for k in g}
    blocks = [*skipped, *(r for k, (r, _) in enumerate(usable) if k not in grouped)]
    for group in groups:
        down = quads[group[0]][3] - quads[group[0]][0]
        ordered = sorted(group, key=lambda k: float(quads[k].mean(axis=0) @ down))
        lines = [usable[k][0] for k in ordered]
        languages = {r.language for r in lines}
        blocks.append(
            TextRegion(
                polygon=_block_polygon([quads[k] for k in ordered]),
                text=_join_text([r.text for r in lines]),
                confidence=float(min(r.confidence for r in lines)),
                language=languages.pop() if len(languages) == 1 else None,
            )
        )
    blocks.sort(key=lambda r: (r.bbox()[1], r.bbox()[0]))
    return blocks
