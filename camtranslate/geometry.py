"""Plane geometry of text regions, shared by the text path and the overlay.

`region_quad` normalises an OCR polygon to 4 clockwise corners and `paragraph_groups` decides
which regions are lines of one paragraph. Both the translator (`blocks.py`, which joins such
lines into one sentence) and the renderer (`overlay/`, which draws them at one font size) follow
this one rule; it lives here, below both, so that reading and translating text never loads the
drawing code (an import-linter contract in pyproject.toml keeps it so).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

import cv2
import numpy as np

T = TypeVar("T")


def region_quad(polygon: Sequence[Sequence[float]]) -> np.ndarray | None:
    """The region as 4 corners (float32, clockwise on screen, first = top-left of the text).

    Returns None for degenerate input (fewer than 3 points, non-finite values, no area), so callers
    can skip it instead of crashing. Polygons with more than 4 points are reduced to their minimum
    area rectangle, oriented like the polygon's first edge.
    """
    try:
        pts = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    except (TypeError, ValueError):
        return None
    if len(pts) < 3 or not np.isfinite(pts).all():
        return None
    if len(pts) != 4:
        rect = cv2.minAreaRect(pts.astype(np.float32))
        box = cv2.boxPoints(rect).astype(np.float64)
        # Start at the corner nearest the polygon's first point, keep screen-clockwise order.
        start = int(np.argmin(((box - pts[0]) ** 2).sum(axis=1)))
        pts = np.roll(box, -start, axis=0)
    # Shoelace in image coordinates (y down): positive = clockwise on screen.
    x, y = pts[:, 0], pts[:, 1]
    x_next, y_next = np.concatenate([x[1:], x[:1]]), np.concatenate([y[1:], y[:1]])
    area = 0.5 * float(np.dot(x, y_next) - np.dot(y, x_next))
    if abs(area) < 1.0:
        return None
    if area < 0:
        pts = pts[[0, 3, 2, 1]]
    return pts.astype(np.float32)


def drop_overlapping(items: Sequence[T], points: Callable[[T], object]) -> list[T]:
    """Of items whose boxes mostly cover the same place (the overlap is over half the smaller
    box), keep the larger: the others are the same text cut at the edge of a tile or a
    detection box. `points(item)` gives the item's corner points; order: largest first."""

    def bbox(item: T) -> tuple[float, float, float, float]:
        arr = np.asarray(points(item), dtype=np.float64).reshape(-1, 2)
        return arr[:, 0].min(), arr[:, 1].min(), arr[:, 0].max(), arr[:, 1].max()

    def area(b: tuple[float, float, float, float]) -> float:
        return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)

    boxed = sorted(((bbox(item), item) for item in items), key=lambda bi: -area(bi[0]))
    kept: list[tuple[tuple[float, float, float, float], T]] = []
    for b, item in boxed:
        if all(
            area((max(b[0], o[0]), max(b[1], o[1]), min(b[2], o[2]), min(b[3], o[3])))
            <= 0.5 * min(area(b), area(o))
            for o, _ in kept
        ):
            kept.append((b, item))
    return [item for _, item in kept]


def quad_size(quad: np.ndarray) -> tuple[float, float]:
    """(width along the text, height across it): the mean of opposite edge lengths."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad.tolist()
    top = math.hypot(x1 - x0, y1 - y0)
    bottom = math.hypot(x2 - x3, y2 - y3)
    left = math.hypot(x3 - x0, y3 - y0)
    right = math.hypot(x2 - x1, y2 - y1)
    return (top + bottom) / 2.0, (left + right) / 2.0


def paragraph_pairs(quads: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """Pairs (i < j) of regions placed like consecutive lines of one paragraph: stacked (one
    under the other, overlapping along the text by at least a quarter, at most 0.6 line heights
    apart) with line heights within 30% of each other. Geometry only: whether the two lines are
    also printed on one surface is the caller's question (``paragraph_groups(same_block=...)``).
    """
    n = len(quads)
    pairs: list[tuple[int, int]] = []
    sizes = [quad_size(q) for q in quads]
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    for i in range(n):
        hi_ = sizes[i][1]
        lo_box = quads[i].min(axis=0) - 0.7 * hi_
        hi_box = quads[i].max(axis=0) + 0.7 * hi_
        to_unit = None
        for j in range(i + 1, n):
            hj = sizes[j][1]
            if not (0.77 < hj / max(hi_, 1e-6) < 1.3):  # a headline is its own block
                continue
            if (quads[j].max(axis=0) < lo_box).any() or (quads[j].min(axis=0) > hi_box).any():
                continue
            if to_unit is None:
                to_unit = cv2.getPerspectiveTransform(quads[i].astype(np.float32), unit)
            corners = quads[j].astype(np.float32).reshape(1, 4, 2)
            uv = cv2.perspectiveTransform(corners, to_unit).reshape(4, 2)
            if not np.isfinite(uv).all():
                continue
            u0, u1 = float(uv[:, 0].min()), float(uv[:, 0].max())
            w0, w1 = float(uv[:, 1].min()), float(uv[:, 1].max())
            overlap = min(u1, 1.0) - max(u0, 0.0)
            if overlap < 0.25 * min(1.0, u1 - u0):
                continue
            if w0 > 1.6 or w1 < -0.6 or (0.25 < (w0 + w1) / 2 < 0.75):
                continue  # too far apart, or on the same line (side by side)
            pairs.append((i, j))
    return pairs


def paragraph_groups(
    quads: Sequence[np.ndarray],
    same_block: Callable[[int, int], bool] | None = None,
    pairs: Sequence[tuple[int, int]] | None = None,
) -> list[list[int]]:
    """Indices of regions that are lines of one paragraph (groups of two or more): chains of
    ``paragraph_pairs`` that ``same_block(i, j)`` (when given) accepts. The renderer draws such
    lines at one font size, as the original was printed; a pipeline can also merge them before
    translating (one sentence translates better than its broken lines) and pass all their
    corners as one polygon. ``pairs``: ``paragraph_pairs(quads)`` when already computed.

    Chaining lets a paragraph under a lighting gradient stay whole (each line looks like its
    neighbour even when the first and last differ); a refused pair is only a cut when no other
    chain joins the two lines.
    """
    n = len(quads)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in paragraph_pairs(quads) if pairs is None else pairs:
        if same_block is None or same_block(i, j):
            parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]
