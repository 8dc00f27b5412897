"""Motion tracking between OCR passes: sparse optical flow and a RANSAC homography.

The tracker gives every captured frame a 3x3 matrix ``M`` mapping *world* coordinates (the
pixels of the first frame) into that frame. OCR results belong to an older frame ``k`` (OCR takes
hundreds of ms), so a polygon read there goes to the world with ``inv(M_k)`` and to whatever
frame is on screen with ``M_now``: the overlay sticks to the sign while the camera moves and is
not late by one OCR pass. The history of matrices is kept for the last few hundred frames.

Points are tracked from a keyframe and the homography is fitted from their *keyframe* positions
to their current ones, so error does not pile up frame after frame; the keyframe (and its
features, concentrated inside/around the text) is re-seeded after each OCR pass and whenever too
few points survive.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import cv2
import numpy as np

from camtranslate.types import Polygon


def warp_points(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a 3x3 homography to an (N, 2) array."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 1, 2)
    return cv2.perspectiveTransform(pts, np.asarray(matrix, dtype=np.float64)).reshape(-1, 2)


def warp_polygon(matrix: np.ndarray, polygon: Polygon) -> Polygon:
    return tuple((float(x), float(y)) for x, y in warp_points(matrix, np.asarray(polygon)))


class MotionTracker:
    """Frame-to-world motion from sparse optical flow (calcOpticalFlowPyrLK + findHomography)."""

    def __init__(
        self,
        max_side: int = 640,
        max_points: int = 300,
        min_points: int = 24,
        history: int = 512,
        still_width: int = 64,
        still_threshold: int = 6,
    ) -> None:
        self.max_side = max_side
        self.max_points = max_points
        self.min_points = min_points
        self.history_size = history
        self.still_width = still_width
        self.still_threshold = still_threshold
        """Grey levels any pixel of a ``still_width`` copy may move by and the frame still
        counts as unmoved (a 1 px camera shift moves edges by far more)."""
        self._history: OrderedDict[int, np.ndarray] = OrderedDict()
        self._prev_grey: np.ndarray | None = None
        self._scale = 1.0
        self._key_pts: np.ndarray | None = None  # (N, 1, 2) float32 in small-frame pixels
        self._cur_pts: np.ndarray | None = None
        self._key_matrix = np.eye(3)  # world -> keyframe, full-frame pixels
        self._matrix = np.eye(3)  # world -> current frame
        self._seeded = 0
        self._reseed_polygons: list[Polygon] | None = None
        self.lost_count = 0
        """Frames where motion could not be estimated (held the last matrix, re-seeded)."""
        self.reseeds = 0
        self.skipped = 0
        """Frames that matched the last tracked one within ``still_threshold`` (not tracked)."""
        self._still_ref: np.ndarray | None = None

    @property
    def matrix(self) -> np.ndarray:
        """World → newest frame."""
        return self._matrix.copy()

    def matrix_at(self, index: int) -> np.ndarray | None:
        """World → frame ``index``, while it is still in the history."""
        m = self._history.get(index)
        return None if m is None else m.copy()

    def request_reseed(self, world_polygons: Sequence[Polygon]) -> None:
        """Re-seed features around these regions on the next frame (after an OCR pass)."""
        self._reseed_polygons = list(world_polygons)

    def _grey(self, image: np.ndarray) -> np.ndarray:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        h, w = grey.shape[:2]
        self._scale = min(1.0, self.max_side / max(h, w))
        if self._scale < 1.0:
            grey = cv2.resize(
                grey, (round(w * self._scale), round(h * self._scale)), interpolation=cv2.INTER_AREA
            )
        return grey

    def _seed(self, grey: np.ndarray, polygons: Sequence[Polygon] | None) -> None:
        """Pick good features: most inside/around the text regions, the rest anywhere."""
        pts: list[np.ndarray] = []
        h, w = grey.shape[:2]
        if polygons:
            mask = np.zeros((h, w), np.uint8)
            for poly in polygons:
                cur = warp_points(self._matrix, np.asarray(poly)) * self._scale
                x0, y0 = cur.min(axis=0)
                x1, y1 = cur.max(axis=0)
                pad = 0.5 * max(y1 - y0, 8.0)  # the sign's border and background texture
                cv2.rectangle(
                    mask,
                    (int(max(0, x0 - pad)), int(max(0, y0 - pad))),
                    (int(min(w - 1, x1 + pad)), int(min(h - 1, y1 + pad))),
                    255,
                    -1,
                )
            near = cv2.goodFeaturesToTrack(
                grey, int(self.max_points * 0.6), 0.01, 6, mask=mask, blockSize=5
            )
            if near is not None:
                pts.append(near)
        anywhere = cv2.goodFeaturesToTrack(grey, self.max_points // 2, 0.01, 10, blockSize=5)
        if anywhere is not None:
            pts.append(anywhere)
        if pts:
            all_pts = np.concatenate(pts).astype(np.float32).reshape(-1, 1, 2)
            self._key_pts = all_pts
            self._cur_pts = all_pts.copy()
        else:  # a blank frame: nothing to track until there is texture
            self._key_pts = self._cur_pts = None
        self._key_matrix = self._matrix.copy()
        self._seeded = 0 if self._key_pts is None else len(self._key_pts)
        self.reseeds += 1

    def _full(self, small_h: np.ndarray) -> np.ndarray:
        s = np.diag([self._scale, self._scale, 1.0])
        return np.linalg.inv(s) @ small_h @ s

    def _still(self, image: np.ndarray) -> bool:
        """Whether this frame is the last tracked one give or take sensor noise (then optical
        flow is skipped: a camera on a desk pointed at a sign costs almost nothing)."""
        h, w = image.shape[:2]
        size = (self.still_width, max(1, round(h * self.still_width / max(w, 1))))
        tiny = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.int16)
        ref = self._still_ref
        if ref is None or ref.shape != tiny.shape or self._reseed_polygons is not None:
            self._still_ref = tiny
            return False
        diff = np.abs(tiny - ref)
        if int(diff.max()) <= self.still_threshold:
            return True
        self._still_ref = tiny
        return False

    def update(self, image: np.ndarray, index: int) -> np.ndarray:
        """Track frame ``index``; return world → this frame."""
        if self._prev_grey is not None and self._still(image):
            self.skipped += 1
            self._history[index] = self._matrix.copy()
            while len(self._history) > self.history_size:
                self._history.popitem(last=False)
            return self._matrix.copy()
        grey = self._grey(image)
        if self._prev_grey is None or self._prev_grey.shape != grey.shape:
            self._matrix = np.eye(3) if self._prev_grey is None else self._matrix
            self._seed(grey, self._reseed_polygons)
            self._reseed_polygons = None
        elif self._cur_pts is not None and len(self._cur_pts) >= 4:
            self._track(grey)
        else:
            self._seed(grey, self._reseed_polygons)
        if self._reseed_polygons is not None:
            self._seed(grey, self._reseed_polygons)
            self._reseed_polygons = None
        self._prev_grey = grey
        self._history[index] = self._matrix.copy()
        while len(self._history) > self.history_size:
            self._history.popitem(last=False)
        return self._matrix.copy()

    def _track(self, grey: np.ndarray) -> None:
        assert self._cur_pts is not None and self._key_pts is not None
        assert self._prev_grey is not None
        win, levels = (21, 21), 3
        criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03)
        # nextPts is only an output buffer here (no OPTFLOW_USE_INITIAL_FLOW)
        nxt, st, _ = cv2.calcOpticalFlowPyrLK(
            self._prev_grey,
            grey,
            self._cur_pts,
            np.empty_like(self._cur_pts),
            winSize=win,
            maxLevel=levels,
            criteria=criteria,
        )
        back, st_b, _ = cv2.calcOpticalFlowPyrLK(
            grey,
            self._prev_grey,
            nxt,
            np.empty_like(nxt),
            winSize=win,
            maxLevel=levels,
            criteria=criteria,
        )
        fb = np.linalg.norm((back - self._cur_pts).reshape(-1, 2), axis=1)
        good = (st.reshape(-1) == 1) & (st_b.reshape(-1) == 1) & (fb < 1.0)
        key, cur = self._key_pts[good], nxt[good]
        h, w = grey.shape[:2]
        inside = (cur[:, 0, 0] >= 0) & (cur[:, 0, 0] < w) & (cur[:, 0, 1] >= 0) & (cur[:, 0, 1] < h)
        key, cur = key[inside], cur[inside]
        ok = False
        if len(key) >= 8:
            hmat, inliers = cv2.findHomography(key, cur, cv2.RANSAC, 2.0)
            if hmat is not None and inliers is not None and int(inliers.sum()) >= 8:
                candidate = self._full(hmat) @ self._key_matrix
                if self._plausible(candidate, grey.shape):
                    keep = inliers.reshape(-1).astype(bool)
                    key, cur = key[keep], cur[keep]
                    self._matrix = candidate
                    ok = True
        if not ok:  # hold the last motion; start over from this frame
            self.lost_count += 1
            self._seed(grey, self._reseed_polygons)
            self._reseed_polygons = None
            return
        self._key_pts, self._cur_pts = key, cur
        if len(cur) < max(self.min_points, self._seeded // 3):
            self._seed(grey, self._reseed_polygons)
            self._reseed_polygons = None

    def _plausible(self, candidate: np.ndarray, shape: tuple[int, ...]) -> bool:
        """Reject a jump no hand-held camera makes between two frames (a degenerate fit)."""
        h, w = shape[0] / self._scale, shape[1] / self._scale
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
        try:
            step = candidate @ np.linalg.inv(self._matrix)
        except np.linalg.LinAlgError:
            return False
        moved = warp_points(step, corners)
        if not np.all(np.isfinite(moved)):
            return False
        shift = np.linalg.norm(moved - corners, axis=1).max()
        area = cv2.contourArea(moved.astype(np.float32))
        return shift < 0.35 * float(np.hypot(w, h)) and 0.5 < area / (w * h) < 2.0
