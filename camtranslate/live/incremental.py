"""Incremental OCR for the live loop: pay only for what changed since the last pass.

A full OCR pass detects text over the whole frame and reads every line. Between two passes of a
webcam most of the picture is the same sign seen from a slightly different place, and the
tracker already knows how it moved (world → frame homographies, see tracking.py). So a pass:

1. warps the previous pass's frame into the current one with the tracked homography and
   compares them (small blurred grey copies, exposure drift removed): the *change mask*;
2. detects text only inside boxes around the changed pixels, grown to take in whole lines they
   touch (a hand over a line, a new sign coming into view, a sign whose text changed);
3. reads only lines that are new or whose own pixels changed; lines the tracker holds steady
   keep their text (moved to where the homography puts them) and cost nothing.

A *full* detection runs on the first pass, after every ``full_interval_s`` seconds of changing
picture (time between passes counts up to ``idle_gap_s`` each: a scene that stood still for a
minute does not pay a full detection for its first small change), when the tracker lost the
scene (tracking confidence dropped), and when more than ``max_change_fraction`` of the frame
changed. Even then an unchanged line is not read again, unless its text is older than
``max_text_age_s``. So text that partial detection missed (cut at a box edge) shows up within
``full_interval_s`` plus one pass, and no reused reading is older than ``max_text_age_s``.

Works with any engine that has ``detect(image, scale) -> (N, 4, 2) quads``,
``recognize_quads(image, quads) -> [(text, score)]`` and ``detection_scale(w, h)``
(``RapidOcrEngine``); numpy in, ``TextRegion`` out, no Qt.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeGuard

import cv2
import numpy as np

from camtranslate.geometry import drop_overlapping
from camtranslate.live.stabilizer import polygon_iou
from camtranslate.live.tracking import warp_points
from camtranslate.ocr.base import make_regions
from camtranslate.types import TextRegion


class IncrementalEngine(Protocol):
    """An OCR engine that detects and reads separately (``ocr/rapid.py``'s RapidOcrEngine)."""

    def detection_scale(self, width: int, height: int) -> float: ...

    def detect(self, image: np.ndarray, scale: float | None = None) -> np.ndarray: ...

    def recognize_quads(
        self, image: np.ndarray, quads: Sequence[np.ndarray]
    ) -> list[tuple[str, float]]: ...


def supports_incremental(engine: object) -> TypeGuard[IncrementalEngine]:
    return all(
        callable(getattr(engine, name, None))
        for name in ("detect", "recognize_quads", "detection_scale")
    )


@dataclass(frozen=True)
class PassReport:
    """What one pass did (for stats and ``bench live``)."""

    kind: str
    """"full" (detection over the whole frame) or "partial" (only where it changed)."""
    reason: str
    """Why a full pass: "first", "interval", "tracking", "large-change"; "" for partial."""
    detected_fraction: float
    """Share of the frame's pixels that went through detection (0 when nothing changed)."""
    changed_fraction: float
    """Share of the frame the change mask marked."""
    recognized: int
    """Lines read this pass."""
    reused: int
    """Lines whose text was kept from an earlier pass."""
    ms: float
    fresh: tuple[tuple[float, float, bool], ...] = ()
    """(x, y, pixels changed) per line read this pass: its centre in frame pixels and whether
    it was read because its own pixels changed. A reused text is not a new reading, so the
    stabilizer must not count it as another vote."""
    unsettled: tuple[tuple[float, float], ...] = ()
    """Centres of the lines with something moving right around them this pass."""

    def _lines_in(self, polygon: object) -> list[bool]:
        pts = np.asarray(polygon, np.float64).reshape(-1, 2)
        x0, y0 = pts.min(axis=0) - 2
        x1, y1 = pts.max(axis=0) + 2
        return [c for x, y, c in self.fresh if x0 <= x <= x1 and y0 <= y <= y1]

    def is_fresh(self, polygon: object) -> bool:
        """Whether a region (a line or a block of lines) holds a line read this pass."""
        return bool(self._lines_in(polygon))

    def is_changed(self, polygon: object) -> bool:
        """Whether a region holds a line read this pass because its pixels changed."""
        return any(self._lines_in(polygon))

    def is_settled(self, polygon: object) -> bool:
        """False when something moves right around a line of the region (see
        ``IncrementalReader._near_motion``)."""
        pts = np.asarray(polygon, np.float64).reshape(-1, 2)
        x0, y0 = pts.min(axis=0) - 2
        x1, y1 = pts.max(axis=0) + 2
        return not any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in self.unsettled)


@dataclass
class _Line:
    world: np.ndarray  # (4, 2) quad in world coordinates
    text: str
    score: float
    read_at: float


def _bbox(quad: np.ndarray) -> tuple[float, float, float, float]:
    return (
        float(quad[:, 0].min()),
        float(quad[:, 1].min()),
        float(quad[:, 0].max()),
        float(quad[:, 1].max()),
    )


def _area(r: Sequence[float]) -> float:
    return max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])


def _overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class IncrementalReader:
    """One per live session (holds the previous pass); call ``read`` from the OCR worker."""

    def __init__(
        self,
        engine: object,
        *,
        full_interval_s: float = 3.0,
        max_text_age_s: float = 10.0,
        max_change_fraction: float = 0.45,
        work_width: int = 320,
        pixel_threshold: int = 24,
        line_change_fraction: float = 0.04,
        iou_match: float = 0.5,
        idle_gap_s: float = 0.5,
        tile_px: int = 16,
        ring_motion_pixels: int = 3,
    ) -> None:
        if not supports_incremental(engine):
            raise TypeError(f"{type(engine).__name__} cannot detect and read separately")
        self.engine: IncrementalEngine = engine
        self.full_interval_s = full_interval_s
        self.max_text_age_s = max_text_age_s
        self.max_change_fraction = max_change_fraction
        self.work_width = work_width
        self.pixel_threshold = pixel_threshold
        self.line_change_fraction = line_change_fraction
        self.iou_match = iou_match
        self.idle_gap_s = idle_gap_s
        self.tile_px = tile_px
        self.ring_motion_pixels = ring_motion_pixels
        self._moved: np.ndarray | None = None
        self.reset()

    def reset(self) -> None:
        """Forget the previous pass: the next one is full."""
        self._lines: list[_Line] = []
        self._ref: np.ndarray | None = None  # small grey of the previous pass's frame
        self._ref_matrix = np.eye(3)  # world -> that frame
        self._ref_size: tuple[int, int] = (0, 0)
        self._busy_s = 0.0  # seconds of changing picture since the last full detection
        self._last_pass = 0.0

    # -- the change mask ---------------------------------------------------------------------
    def _small(self, image: np.ndarray) -> tuple[np.ndarray, float]:
        grey: np.ndarray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        h, w = grey.shape[:2]
        scale = min(1.0, self.work_width / max(w, 1))
        if scale < 1.0:
            # INTER_LINEAR, OpenCV's default: the change thresholds were tuned with it (this call
            # used to pass INTER_AREA positionally, where OpenCV takes it as ``dst`` and ignores it)
            grey = cv2.resize(grey, (max(1, round(w * scale)), max(1, round(h * scale))))
        return cv2.GaussianBlur(grey, (5, 5), 0), scale

    def _change_mask(self, small: np.ndarray, scale: float, matrix: np.ndarray) -> np.ndarray:
        """Boolean mask (small-frame pixels) of what differs from the previous pass's frame
        once the camera's motion is undone; newly uncovered borders count as changed."""
        assert self._ref is not None
        s = np.diag([scale, scale, 1.0])
        step = s @ matrix @ np.linalg.inv(self._ref_matrix) @ np.linalg.inv(s)
        h, w = small.shape[:2]
        warped = cv2.warpPerspective(self._ref, step, (w, h), flags=cv2.INTER_LINEAR)
        inside = cv2.warpPerspective(
            np.full(self._ref.shape, 255, np.uint8), step, (w, h), flags=cv2.INTER_NEAREST
        )
        valid = cv2.erode(inside, np.ones((3, 3), np.uint8)) > 0
        diff = small.astype(np.int16) - warped.astype(np.int16)
        if valid.any():
            diff -= np.int16(np.median(diff[valid]))  # auto-exposure moves every pixel alike
        changed = (np.abs(diff) > self.pixel_threshold) & valid
        # thin lines along edges are sub-pixel tracking error, not change
        opened = cv2.morphologyEx(changed.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3)))
        self._moved = opened > 0  # inside the previous view: something moved or changed
        return self._moved | ~valid

    # -- one pass ----------------------------------------------------------------------------
    def read(
        self,
        image: np.ndarray,
        matrix: np.ndarray | None = None,
        now: float | None = None,
        tracking_lost: bool = False,
    ) -> tuple[list[TextRegion], PassReport]:
        """Text lines of ``image`` (reading order, full-frame pixels) and what the pass cost.

        ``matrix`` maps world coordinates to this frame (the tracker's; identity when the camera
        is not tracked); ``tracking_lost`` says the tracker lost the scene since the last pass.
        """
        t0 = time.perf_counter()
        now = time.monotonic() if now is None else now
        matrix = np.eye(3) if matrix is None else np.asarray(matrix, np.float64)
        h, w = image.shape[:2]
        small, scale = self._small(image)
        reason = ""
        if self._ref is None or self._ref_size != (w, h):
            reason = "first"
        elif tracking_lost:
            reason = "tracking"
        elif self._busy_s + min(now - self._last_pass, self.idle_gap_s) >= self.full_interval_s:
            reason = "interval"
        changed: np.ndarray | None = None
        self._moved = None
        if reason in ("", "interval"):
            try:
                changed = self._change_mask(small, scale, matrix)
            except np.linalg.LinAlgError:
                changed, reason = None, "tracking"
        changed_fraction = 1.0 if changed is None else float(changed.mean())
        if not reason and changed_fraction > self.max_change_fraction:
            reason = "large-change"
        # where the lines of the previous pass are now
        predicted = [warp_points(matrix, line.world).astype(np.float32) for line in self._lines]
        if reason:
            quads = list(self.engine.detect(image))
            detected_fraction = 1.0
            keep: list[int] = []
        else:
            assert changed is not None
            rects = self._detection_rects(changed, scale, predicted, w, h)
            quads, keep = [], []
            for i, quad in enumerate(predicted):
                box = _bbox(quad)
                inside = box[0] < w and box[2] > 0 and box[1] < h and box[3] > 0
                if inside and not any(_overlaps(box, r) for r in rects):
                    keep.append(i)  # untouched by any change: keep it as it is
            det_scale = self.engine.detection_scale(w, h)
            area = 0.0
            for x0, y0, x1, y1 in rects:
                part = image[int(y0) : int(y1), int(x0) : int(x1)]
                area += part.shape[0] * part.shape[1]
                for quad in self.engine.detect(part, det_scale):
                    quads.append(quad + np.array([x0, y0], np.float32))
            detected_fraction = min(1.0, area / float(w * h))
            quads = drop_overlapping(quads, lambda q: q)  # a line cut at a box edge
        # which detected lines are lines we already read, with unchanged pixels?
        results: list[tuple[np.ndarray, str, float, float] | None] = [None] * len(quads)
        todo: list[int] = []
        for qi, quad in enumerate(quads):
            match = self._unchanged_match(quad, predicted, changed, scale, now, reason)
            if match is None:
                todo.append(qi)
            else:
                line = self._lines[match]
                results[qi] = (quad, line.text, line.score, line.read_at)
        read = self.engine.recognize_quads(image, [quads[i] for i in todo])
        for qi, (text, score) in zip(todo, read, strict=True):
            results[qi] = (quads[qi], text, score, now)
        if changed is not None and reason not in ("first", "tracking"):
            # a known line the detector missed this time, though its pixels did not change
            # (detection in a cut-out, or at the edge of its box, is not always the same):
            # still there, keep it rather than make the paragraph it belongs to change
            kept_set = set(keep)
            for i, quad in enumerate(predicted):
                if i in kept_set or now - self._lines[i].read_at > self.max_text_age_s:
                    continue
                poly = tuple(map(tuple, quad))
                if any(polygon_iou(poly, tuple(map(tuple, q))) >= 0.2 for q in quads):
                    continue  # replaced by what was detected there
                box = _bbox(quad)
                inside = box[0] >= 0 and box[1] >= 0 and box[2] <= w and box[3] <= h
                if inside and (
                    self._changed_fraction(quad, changed, scale) <= self.line_change_fraction
                ):
                    keep.append(i)
        reused = len(quads) - len(todo) + len(keep)
        kept = [(predicted[i], self._lines[i]) for i in keep]
        # remember this pass (world coordinates) for the next one
        inv = np.linalg.inv(matrix)
        lines = [
            _Line(warp_points(inv, q).astype(np.float64), text, score, at)
            for q, text, score, at in (r for r in results if r is not None)
        ]
        lines += [line for _, line in kept]
        self._lines = lines
        self._ref, self._ref_matrix, self._ref_size = small, matrix.copy(), (w, h)
        self._busy_s = 0.0 if reason else self._busy_s + min(now - self._last_pass, self.idle_gap_s)
        self._last_pass = now
        raw = [(q, text, score) for q, text, score, _ in (r for r in results if r is not None)]
        raw += [(quad, line.text, line.score) for quad, line in kept]
        regions = make_regions(
            raw,
            w,
            h,
            float(getattr(self.engine, "min_confidence", 0.5)),
            tuple(getattr(self.engine, "languages", ())),
        )
        report = PassReport(
            kind="full" if reason else "partial",
            reason=reason,
            detected_fraction=round(detected_fraction, 4),
            changed_fraction=round(changed_fraction, 4),
            recognized=len(todo),
            reused=reused,
            ms=(time.perf_counter() - t0) * 1000,
            fresh=tuple(
                (
                    float(quads[i][:, 0].mean()),
                    float(quads[i][:, 1].mean()),
                    reason in ("", "interval", "large-change")
                    and self._changed_fraction(quads[i], changed, scale)
                    > self.line_change_fraction,
                )
                for i in todo
            ),
            unsettled=tuple(
                (float(q[:, 0].mean()), float(q[:, 1].mean()))
                for q in [r[0] for r in results if r is not None] + [q for q, _ in kept]
                if self._near_motion(q, scale)
            ),
        )
        return regions, report

    def _near_motion(self, quad: np.ndarray, scale: float) -> bool:
        """Whether something moves right around a line (a hand next to or over it): its
        reading may be cut by what moves, so it must not count as settled."""
        if self._moved is None:
            return False
        x0, y0, x1, y1 = _bbox(quad)
        # a ring around the line: from where its own (blurred) pixels end to half a line
        # height further out; a change of the text itself stays inside the inner edge
        gap = 3.0 / scale + 0.15 * (y1 - y0)
        margin = gap + max(8.0, 0.5 * (y1 - y0))
        hs, ws = self._moved.shape[:2]
        outer = [
            max(0, int((x0 - margin) * scale)),
            max(0, int((y0 - margin) * scale)),
            min(ws, int(np.ceil((x1 + margin) * scale))),
            min(hs, int(np.ceil((y1 + margin) * scale))),
        ]
        inner = [
            max(0, int((x0 - gap) * scale)),
            max(0, int((y0 - gap) * scale)),
            min(ws, int(np.ceil((x1 + gap) * scale))),
            min(hs, int(np.ceil((y1 + gap) * scale))),
        ]
        if outer[2] <= outer[0] or outer[3] <= outer[1]:
            return False
        ring = self._moved[outer[1] : outer[3], outer[0] : outer[2]].astype(np.int32).sum()
        area = (outer[2] - outer[0]) * (outer[3] - outer[1])
        if inner[2] > inner[0] and inner[3] > inner[1]:
            ring -= int(self._moved[inner[1] : inner[3], inner[0] : inner[2]].sum())
            area -= (inner[2] - inner[0]) * (inner[3] - inner[1])
        return area > 0 and ring >= self.ring_motion_pixels

    def _detection_rects(
        self,
        changed: np.ndarray,
        scale: float,
        predicted: list[np.ndarray],
        width: int,
        height: int,
    ) -> list[tuple[float, float, float, float]]:
        """Full-frame boxes to detect in: changed blobs, padded, grown over the known lines
        they touch, merged where they overlap."""
        heights = [float(q[:, 1].max() - q[:, 1].min()) for q in predicted]
        pad = max(24.0, 1.0 * (float(np.median(heights)) if heights else 0.0))
        # changed tiles of the small mask, padded; neighbours merge below into boxes, but an
        # L-shaped change (a strip uncovered along two edges by a pan) stays two strips
        tile = self.tile_px
        hs, ws = changed.shape[:2]
        rects: list[list[float]] = []
        for ty in range(0, hs, tile):
            for tx in range(0, ws, tile):
                block = changed[ty : ty + tile, tx : tx + tile]
                if int(block.sum()) < 2:  # a speck the opening left
                    continue
                ys, xs = np.nonzero(block)
                rects.append(
                    [
                        max(0.0, (tx + xs.min()) / scale - pad),
                        max(0.0, (ty + ys.min()) / scale - pad),
                        min(float(width), (tx + xs.max() + 1) / scale + pad),
                        min(float(height), (ty + ys.max() + 1) / scale + pad),
                    ]
                )
        boxes = [_bbox(q) for q in predicted]
        grown = True
        while grown:  # take in whole lines, merge overlapping boxes, until nothing changes
            grown = False
            for r in rects:
                for b in boxes:
                    want = (
                        max(0.0, min(r[0], b[0] - 8)),
                        max(0.0, min(r[1], b[1] - 8)),
                        min(float(width), max(r[2], b[2] + 8)),
                        min(float(height), max(r[3], b[3] + 8)),
                    )
                    if _overlaps(tuple(r), b) and want != tuple(r):
                        r[:] = want
                        grown = True
            merged: list[list[float]] = []
            for r in rects:
                for m in merged:
                    union = [min(m[0], r[0]), min(m[1], r[1]), max(m[2], r[2]), max(m[3], r[3])]
                    # merge boxes that overlap when the union adds little (a strip along the
                    # left edge and one along the top stay two boxes, not the whole frame)
                    if _overlaps(tuple(r), tuple(m)) and _area(union) <= 1.3 * (
                        _area(r) + _area(m)
                    ):
                        m[:] = union
                        grown = True
                        break
                else:
                    merged.append(r)
            rects = merged
        out = []
        for x0, y0, x1, y1 in rects:
            x0, y0 = max(0.0, np.floor(x0)), max(0.0, np.floor(y0))
            x1, y1 = min(float(width), np.ceil(x1)), min(float(height), np.ceil(y1))
            if x1 - x0 >= 8 and y1 - y0 >= 8:
                out.append((x0, y0, x1, y1))
        return out

    def _unchanged_match(
        self,
        quad: np.ndarray,
        predicted: list[np.ndarray],
        changed: np.ndarray | None,
        scale: float,
        now: float,
        reason: str,
    ) -> int | None:
        """Index of the known line this quad is, if its pixels did not change (reuse its text)."""
        if changed is None or reason in ("first", "tracking") or not predicted:
            return None
        best, best_iou = None, self.iou_match
        for i, other in enumerate(predicted):
            iou = polygon_iou(tuple(map(tuple, quad)), tuple(map(tuple, other)))
            if iou >= best_iou:
                best, best_iou = i, iou
        if best is None or now - self._lines[best].read_at > self.max_text_age_s:
            return None
        if self._changed_fraction(quad, changed, scale) > self.line_change_fraction:
            return None
        return best

    @staticmethod
    def _changed_fraction(quad: np.ndarray, changed: np.ndarray | None, scale: float) -> float:
        """Share of a quad's bounding box the change mask marks (1.0 without a mask)."""
        if changed is None:
            return 1.0
        x0, y0, x1, y1 = (v * scale for v in _bbox(quad))
        hs, ws = changed.shape[:2]
        xa, ya = max(0, int(x0)), max(0, int(y0))
        xb, yb = min(ws, int(np.ceil(x1)) + 1), min(hs, int(np.ceil(y1)) + 1)
        if xb <= xa or yb <= ya:
            return 1.0
        return float(changed[ya:yb, xa:xb].mean())


__all__ = ["IncrementalReader", "PassReport", "supports_incremental"]
