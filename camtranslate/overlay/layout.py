"""Geometry of a text region and fitting a translation into it.

A region is handled in its own upright frame: the polygon becomes a quad (clockwise from the
top-left of the text), the text is laid out in a ``width x height`` rectangle and the rendered
patch is later warped onto the quad, which covers rotation and mild perspective in one step.
Fitting picks the line count that gives the largest font (balanced line breaks), then the exact
size by binary search on real glyph measurements.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ImageFont

# The region corners and the paragraph rule live in the core (camtranslate/geometry.py), which
# the text path uses too; re-exported here for the renderer and older callers.
from camtranslate.geometry import paragraph_groups as paragraph_groups
from camtranslate.geometry import quad_size as quad_size
from camtranslate.geometry import region_quad as region_quad

MIN_FONT_PX = 5
"""Smaller text is unreadable anyway; below this we clip rather than shrink."""
LINE_PITCH = 1.18
"""Baseline-to-baseline distance in em for wrapped lines."""
MAX_LINES = 8

FontGetter = Callable[[int], ImageFont.FreeTypeFont]


def quantize(v: float, step: float = 1.04) -> int:
    """Snap a patch dimension onto a geometric ladder so a box that jitters by a pixel between
    frames (tracking) still hits the patch cache; the warp absorbs the <3% difference."""
    if v <= 24:
        return max(1, round(v))
    return round(step ** round(math.log(v) / math.log(step)))


def is_wide_char(ch: str) -> bool:
    """East Asian wide/fullwidth characters: they break anywhere and can stack vertically."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def split_units(text: str) -> tuple[list[str], str]:
    """Break opportunities: words joined by spaces, or single characters for CJK-like text."""
    words = text.split()
    if len(words) > 1 or not words:
        return words, " "
    word = words[0]
    if sum(is_wide_char(c) for c in word) * 2 >= len(word):
        return _cjk_units(word), ""
    return [word], " "


def _cjk_units(text: str) -> list[str]:
    """One unit per character, keeping closing punctuation with the character before it."""
    units: list[str] = []
    for ch in text:
        if units and (
            ch in "、。，．！？）」』】〕〉》”’・ー々,.!?:;)"
            or (not is_wide_char(ch) and not is_wide_char(units[-1][-1]))
        ):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def balanced_lines(widths: Sequence[float], sep: float, n: int) -> list[int]:
    """Break points (start index of each line) that minimise the widest of ``n`` lines.

    Linear partition by dynamic programming: the units are few (a sign's words), so O(n k^2)
    is nothing, and balanced lines look better than greedy filling on a sign.
    """
    k = len(widths)
    n = max(1, min(n, k))
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)

    def span(i: int, j: int) -> float:  # units i..j-1 on one line
        return prefix[j] - prefix[i] + sep * (j - i - 1)

    inf = float("inf")
    best = [[inf] * (k + 1) for _ in range(n + 1)]
    cut = [[0] * (k + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for lines in range(1, n + 1):
        for j in range(lines, k + 1):
            for i in range(lines - 1, j):
                cost = max(best[lines - 1][i], span(i, j))
                if cost < best[lines][j]:
                    best[lines][j], cut[lines][j] = cost, i
    starts = []
    j = k
    for lines in range(n, 0, -1):
        i = cut[lines][j]
        starts.append(i)
        j = i
    return starts[::-1]


@dataclass(frozen=True, slots=True)
class TextLayout:
    """Where the glyphs go inside the ``width x height`` patch."""

    lines: tuple[str, ...]
    size: int
    """Font size in pixels."""
    orientation: str = "horizontal"
    """"horizontal", "vertical" (CJK columns, right to left) or "rotated" (turned 90° clockwise
    to run along a tall box)."""


def _join(units: Sequence[str], starts: Sequence[int], sep: str) -> tuple[str, ...]:
    ends = [*starts[1:], len(units)]
    return tuple(sep.join(units[a:b]) for a, b in zip(starts, ends, strict=True))


class Metrics:
    """Measurements at one font size; Noto fonts scale linearly enough to extrapolate."""

    def __init__(self, font: ImageFont.FreeTypeFont) -> None:
        self.font = font
        self.size = font.size
        self.cap = -font.getbbox("H", anchor="ls")[1]

    def line_extent(self, line: str) -> tuple[float, float, float]:
        """(advance width, top above baseline, bottom below baseline) of a line's ink."""
        x0, y0, x1, y1 = self.font.getbbox(line, anchor="ls")
        width = max(float(self.font.getlength(line)), float(x1 - x0))
        return width, max(float(self.cap), float(-y0)), max(0.0, float(y1))

    def block(self, lines: Sequence[str]) -> tuple[float, float, float]:
        """(width, height, top of first line) of the whole paragraph."""
        ext = [self.line_extent(line) for line in lines]
        width = max(e[0] for e in ext)
        pitch = LINE_PITCH * self.size
        top = ext[0][1]
        height = top + pitch * (len(lines) - 1) + ext[-1][2]
        return width, height, top


def fit_text(
    text: str,
    width: float,
    height: float,
    font_at: FontGetter,
    *,
    margin: float = 0.1,
    allow_vertical: bool = True,
    max_size: int | None = None,
) -> TextLayout:
    """The largest layout of ``text`` that fits ``width x height`` minus a margin.

    ``margin`` is a fraction of the box's short side, kept free on every side.
    Tall narrow boxes also try CJK columns or text turned 90°; a wider box is always tried first.
    ``max_size`` caps the font size (lines of one paragraph share a size); under the cap the
    fewest lines win.
    """
    cap = float(max_size) if max_size else math.inf
    text = " ".join(text.split())
    if not text or width < 1 or height < 1:
        return TextLayout((), MIN_FONT_PX)
    units, sep = split_units(text)
    cjk = sep == ""
    horizontal = _fit_horizontal(units, sep, width, height, font_at, margin, cap)
    if allow_vertical and height > 1.5 * width:
        if cjk:  # columns are the natural way to set CJK in a tall box: favour them a little
            vertical = _fit_vertical(units, width, height, font_at, margin, cap)
            if vertical.size * 1.12 >= horizontal.size:
                return vertical
        else:  # Latin turned to run along the box, only when it is clearly larger
            turned = _fit_horizontal(units, sep, height, width, font_at, margin, cap)
            if turned.size >= 1.3 * horizontal.size:
                return TextLayout(turned.lines, turned.size, "rotated")
    return horizontal


def _inner(width: float, height: float, margin: float) -> tuple[float, float]:
    m = margin * min(width, height)  # of the short side: a tall box is as thin as its width
    return max(1.0, width - 2 * m), max(1.0, height - 2 * m)


def _fit_horizontal(
    units: Sequence[str],
    sep: str,
    width: float,
    height: float,
    font_at: FontGetter,
    margin: float,
    cap: float = math.inf,
) -> TextLayout:
    inner_w, inner_h = _inner(width, height, margin)
    ref = Metrics(font_at(64))
    # Measure each word once at a reference size; candidate line breaks are then scored by
    # arithmetic (the final size is checked on the real lines below).
    extents = [ref.line_extent(u) for u in units]
    unit_w = [e[0] for e in extents]
    sep_w = ref.font.getlength(sep) if sep else 0.0
    pitch = LINE_PITCH * ref.size
    best: tuple[float, tuple[str, ...]] | None = None
    for n in range(1, min(MAX_LINES, len(units)) + 1):
        starts = balanced_lines(unit_w, sep_w, n)
        ends = [*starts[1:], len(units)]
        spans = list(zip(starts, ends, strict=True))
        bw = max(sum(unit_w[a:b]) + sep_w * (b - a - 1) for a, b in spans)
        first, last = spans[0], spans[-1]
        top = max(extents[i][1] for i in range(*first))
        bottom = max(extents[i][2] for i in range(*last))
        bh = top + pitch * (len(spans) - 1) + bottom
        lines = _join(units, starts, sep)
        scale = min(inner_w / max(bw, 1e-6), inner_h / max(bh, 1e-6))
        size = min(ref.size * scale, cap)
        # An extra line must buy a clearly larger font: fewer lines read faster.
        if best is None or size > best[0] * 1.08:
            best = (size, lines)
        if LINE_PITCH * n * ref.size * scale > inner_h * 1.5 and n > 1:
            break
    assert best is not None
    est, lines = best

    def fits(size: int) -> bool:
        bw, bh, _ = Metrics(font_at(size)).block(lines)
        return bw <= inner_w + 0.5 and bh <= inner_h + 0.5

    hi = math.ceil(est * 1.1) if math.isinf(cap) else min(math.ceil(est * 1.1), int(cap))
    lo, hi = MIN_FONT_PX, max(MIN_FONT_PX, hi)
    # The linear estimate is usually right to a pixel: probe it and its neighbour first (two
    # measurements), and binary-search the rest only when it is off.
    guess = min(hi, max(lo, math.floor(est)))
    if fits(guess):
        if guess == hi or not fits(guess + 1):
            return TextLayout(lines, guess)
        lo = guess + 1
    else:
        if guess == lo:
            return TextLayout(lines, lo)
        if fits(guess - 1):
            return TextLayout(lines, guess - 1)
        hi = guess - 2
        if hi < lo or not fits(lo):
            return TextLayout(lines, lo)
    while lo < hi:  # largest size that fits, measured (hinting is not linear at small sizes)
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return TextLayout(lines, lo)


def _fit_vertical(
    units: Sequence[str],
    width: float,
    height: float,
    font_at: FontGetter,
    margin: float,
    cap: float = math.inf,
) -> TextLayout:
    """CJK set in columns, one character cell (1 em square) per unit."""
    inner_w, inner_h = _inner(width, height, margin)
    chars = [c for u in units for c in u]
    best = (0.0, 1)
    for cols in range(1, min(MAX_LINES, len(chars)) + 1):
        per_col = math.ceil(len(chars) / cols)
        size = min(inner_h / per_col, inner_w / (cols * 1.1 - 0.1), cap)
        if size > best[0] * 1.08:
            best = (size, cols)
    size, cols = best
    per_col = math.ceil(len(chars) / cols)
    columns = tuple("".join(chars[i : i + per_col]) for i in range(0, len(chars), per_col))
    return TextLayout(columns, max(MIN_FONT_PX, int(size)), "vertical")


def text_quads(quads: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Quads to draw text into, trimmed where stacked regions overlap.

    OCR boxes of consecutive lines overlap (they are padded); text centred in each full box would
    collide, so each box gives up the half of every overlap band with a region above or below it.
    The erase still covers the full boxes; a box keeps at least 60% of its height.
    """
    out = [q.copy() for q in quads]
    if len(quads) < 2:
        return out
    boxes = [(q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()) for q in quads]
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    for i, qi in enumerate(quads):
        v_min, v_max = 0.0, 1.0
        to_unit = None
        for j, qj in enumerate(quads):
            if i == j or not _boxes_touch(boxes[i], boxes[j]):
                continue
            if to_unit is None:
                to_unit = cv2.getPerspectiveTransform(qi, unit)
            uv = cv2.perspectiveTransform(qj.reshape(1, 4, 2), to_unit).reshape(4, 2)
            if not np.isfinite(uv).all():
                continue
            u0, u1 = float(uv[:, 0].min()), float(uv[:, 0].max())
            w0, w1 = float(uv[:, 1].min()), float(uv[:, 1].max())
            if min(u1, 1.0) - max(u0, 0.0) < 0.25 or w1 <= 0.0 or w0 >= 1.0:
                continue  # not stacked on this line, or not overlapping
            centre = (w0 + w1) / 2.0
            if centre > 0.75:
                v_max = min(v_max, (w0 + 1.0) / 2.0)
            elif centre < 0.25:
                v_min = max(v_min, w1 / 2.0)
        if v_min > 0.0 or v_max < 1.0:
            if v_max - v_min < 0.6:
                mid = (v_min + v_max) / 2.0
                v_min, v_max = max(0.0, mid - 0.3), min(1.0, mid + 0.3)
            q = quads[i]
            left, right = q[3] - q[0], q[2] - q[1]
            out[i] = np.array(
                [
                    q[0] + v_min * left,
                    q[1] + v_min * right,
                    q[1] + v_max * right,
                    q[0] + v_max * left,
                ],
                np.float32,
            )
    return out


def _boxes_touch(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
