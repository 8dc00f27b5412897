"""Removing the source text: background estimation, text-pixel masks, fill and inpaint.

Everything works on a small region of interest around one polygon, never on the whole frame, so
ten regions cost about as much as one full-frame pass would.

"fill" paints the (slightly grown) polygon with the background estimated from a ring around it:
a robust plane (colour = a + b·x + c·y per channel, outliers dropped) so a sign lit from one side
gets a matching gradient instead of a flat patch with a visible seam. "inpaint" finds the glyph
pixels (far from the background colour), grows them and lets ``cv2.inpaint`` fill them from the
surroundings: slower, keeps texture, meant for stills.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Color = tuple[int, int, int]
"""BGR, 0..255."""

DARK_TEXT: Color = (24, 24, 24)
LIGHT_TEXT: Color = (255, 255, 255)


def _linear(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(bgr: Color | np.ndarray) -> float:
    """WCAG 2.x relative luminance of an sRGB colour given as BGR 0..255."""
    b, g, r = (float(v) for v in bgr)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(a: Color | np.ndarray, b: Color | np.ndarray) -> float:
    """WCAG contrast ratio, 1 (none) .. 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def contrast_color(background: Color | np.ndarray) -> Color:
    """Dark or light text, whichever contrasts more with ``background``."""
    if contrast_ratio(DARK_TEXT, background) >= contrast_ratio(LIGHT_TEXT, background):
        return DARK_TEXT
    return LIGHT_TEXT


def as_color(value: object) -> Color:
    arr = np.clip(np.asarray(value, dtype=np.float64).reshape(3), 0, 255)
    b, g, r = (int(v) for v in np.rint(arr))
    return (b, g, r)


@dataclass(frozen=True, slots=True)
class Background:
    """Background colour model inside one ROI: ``base + gx·x + gy·y`` (ROI pixel coordinates)."""

    base: np.ndarray  # (3,) float32
    gx: np.ndarray
    gy: np.ndarray
    lo: np.ndarray  # clamp range: never extrapolate beyond what the ring showed
    hi: np.ndarray
    median: Color

    @staticmethod
    def flat(color: Color | np.ndarray) -> Background:
        c = np.asarray(color, dtype=np.float32).reshape(3)
        z = np.zeros(3, np.float32)
        return Background(c, z, z, c, c, as_color(c))

    @property
    def is_flat(self) -> bool:
        return not (self.gx.any() or self.gy.any())

    def image(self, height: int, width: int) -> np.ndarray:
        """The model evaluated on the ROI grid, float32 (h, w, 3)."""
        if self.is_flat:
            return np.broadcast_to(self.base, (height, width, 3))
        xs = np.arange(width, dtype=np.float32)[None, :, None] * self.gx
        ys = np.arange(height, dtype=np.float32)[:, None, None] * self.gy
        img = (self.base + ys) + xs
        np.maximum(img, self.lo, out=img)
        np.minimum(img, self.hi, out=img)
        return img

    def at(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """The model at scattered ROI pixels, float32 (n, 3)."""
        if self.is_flat:
            return np.broadcast_to(self.base, (len(xs), 3))
        val = self.base + xs[:, None].astype(np.float32) * self.gx
        val += ys[:, None].astype(np.float32) * self.gy
        np.maximum(val, self.lo, out=val)
        np.minimum(val, self.hi, out=val)
        return val


_MAX_SAMPLES = 500


def estimate_background(roi: np.ndarray, ring: np.ndarray, gradient: bool = True) -> Background:
    """Robust background from the sample pixels (``ring`` is a bool mask on ``roi``).

    The ring around a box often straddles two surfaces (a mat on a wooden floor, a sign against a
    wall) and catches letters of the next line, while a sign lit from one side has a real
    gradient. Two hypotheses are fitted with iteratively trimmed least squares, one started from
    the most common brightness and one from all pixels; the plane that explains more pixels wins.
    """
    ys, xs = np.nonzero(ring)
    if len(ys) == 0:
        return Background.flat(np.median(roi.reshape(-1, 3), axis=0))
    if len(ys) > _MAX_SAMPLES:  # a few hundred pixels pin a plane down; more only costs time
        step = len(ys) // _MAX_SAMPLES + 1
        ys, xs = ys[::step], xs[::step]
    px = roi[ys, xs].astype(np.float32)
    lum = px @ np.array([0.114, 0.587, 0.299], np.float32)
    hist = np.bincount(np.minimum(lum / 8, 31).astype(np.intp), minlength=32).astype(np.float32)
    hist = np.convolve(hist, np.array([1, 2, 3, 2, 1], np.float32), mode="same")
    peak = (float(np.argmax(hist)) + 0.5) * 8.0
    mode = np.abs(lum - peak) <= 28.0
    if mode.sum() < 8:
        mode = np.ones(len(px), bool)
    planar = gradient and len(px) >= 24 and np.ptp(xs) >= 4 and np.ptp(ys) >= 2
    if not planar:
        keep = _trim_flat(px, mode)
        return Background.flat(np.median(px[keep], axis=0))
    design = np.stack(
        [np.ones(len(px), np.float32), xs.astype(np.float32), ys.astype(np.float32)], 1
    )

    # Score with one fixed tolerance: adaptive thresholds would favour the sloppier fit.
    def score(c: np.ndarray) -> int:
        return int((np.abs(design @ c - px).sum(axis=1) <= 30.0).sum())

    coef, keep = _trim_plane(design, px, mode)
    # Two surfaces side by side also fit a (wrong) ramp; the ramp must explain clearly more.
    # When the mode's plane explains 80% of the pixels, no plane can explain 1.25 times that,
    # so the second fit (half the cost of sampling every frame) is skipped: same result.
    first = score(coef)
    if first < 0.8 * len(px):
        other, other_keep = _trim_plane(design, px, np.ones(len(px), bool))
        if score(other) > 1.25 * first:
            coef, keep = other, other_keep
    inl = px[keep]
    return Background(
        coef[0].astype(np.float32),
        coef[1].astype(np.float32),
        coef[2].astype(np.float32),
        inl.min(axis=0).astype(np.float32),
        inl.max(axis=0).astype(np.float32),
        as_color(np.median(inl, axis=0)),
    )


def _trim_flat(px: np.ndarray, keep: np.ndarray) -> np.ndarray:
    med = np.median(px[keep], axis=0)
    dist = np.abs(px - med).sum(axis=1)
    new = dist <= max(24.0, 2.5 * float(np.median(dist[keep])))
    return new if new.sum() >= 8 else keep


def _trim_plane(
    design: np.ndarray, px: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares plane per channel, refitted on the pixels it explains (3 rounds)."""
    coef = _plane(design, px, keep)
    for _ in range(3):
        resid = np.abs(design @ coef - px).sum(axis=1)
        new = resid <= max(24.0, 2.5 * float(np.median(resid[keep])))
        if new.sum() < 8 or np.array_equal(new, keep):
            break
        keep = new
        coef = _plane(design, px, keep)
    return coef, keep


def _plane(design: np.ndarray, px: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """(3, 3) plane coefficients by the normal equations: the fill is sampled on every frame,
    and for three unknowns this is several times cheaper than ``lstsq`` (its SVD dominated the
    erase time). Pixel coordinates of one ROI keep the 3x3 system well conditioned in float64;
    a degenerate sample (all on one line) falls back to ``lstsq``."""
    a = design[keep].astype(np.float64)
    b = px[keep].astype(np.float64)
    try:
        coef = np.linalg.solve(a.T @ a, a.T @ b)
    except np.linalg.LinAlgError:
        coef = np.linalg.lstsq(a, b, rcond=None)[0]
    if not np.isfinite(coef).all():
        coef = np.linalg.lstsq(a, b, rcond=None)[0]
    return coef.astype(np.float32)


def text_pixels(
    roi: np.ndarray, inside: np.ndarray, bg: Background, step: int = 1, loose: bool = False
) -> np.ndarray | None:
    """Bool mask of the glyph pixels inside the polygon: far from the background colour.

    Otsu on the distance to the background splits glyphs from paper; None when nothing stands
    out (a blank box) so callers fall back to plain contrast colours. ``step`` > 1 looks at every
    step-th row and column only (enough to learn the text colour; the mask is then subsampled).
    ``loose`` lowers the threshold: for inpainting, missing faint or small print leaves ghosts,
    while inpainting some extra background costs nothing visible.
    """
    if step > 1:
        roi, inside = roi[::step, ::step], inside[::step, ::step]
    ys, xs = np.nonzero(inside)
    if len(ys) < 16:
        return None
    dist = np.abs(roi[ys, xs].astype(np.float32) - bg.at(xs * step, ys * step)).sum(axis=1)
    d8 = np.clip(dist / 3.0, 0, 255).astype(np.uint8).reshape(-1, 1)
    thr, _ = cv2.threshold(d8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    thr = max(float(thr) * (0.6 if loose else 1.0), 12.0 if loose else 20.0)
    hit = d8[:, 0] > thr
    frac = hit.mean()
    if frac < 0.02 or frac > (0.9 if loose else 0.75):
        return None
    mask = np.zeros(inside.shape, bool)
    mask[ys[hit], xs[hit]] = True
    return mask


def text_color(roi: np.ndarray, glyphs: np.ndarray, bg: Background, step: int = 1) -> Color | None:
    """The source text's colour: the glyph pixels farthest from the background (their cores,
    not the anti-aliased rims that mix with the paper). ``step`` as given to ``text_pixels``."""
    px = roi[::step, ::step][glyphs].astype(np.float32)
    if len(px) < 8:
        return None
    dist = np.abs(px - np.asarray(bg.median, np.float32)).sum(axis=1)
    core = px[dist >= np.median(dist)]
    return as_color(np.median(core, axis=0))


def inpaint_region(roi: np.ndarray, glyphs: np.ndarray | None, radius: int) -> np.ndarray:
    """``roi`` with the (grown) glyph pixels filled in from their surroundings (TELEA)."""
    if glyphs is None or not glyphs.any():
        return roi
    grow = max(1, radius)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    mask = cv2.dilate(glyphs.astype(np.uint8) * 255, kernel)
    return cv2.inpaint(roi, mask, max(3, grow + 1), cv2.INPAINT_TELEA)
