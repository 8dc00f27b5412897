from __future__ import annotations

import cv2
import numpy as np
import pytest

from camtranslate.overlay.erase import (
    DARK_TEXT,
    LIGHT_TEXT,
    contrast_color,
    contrast_ratio,
    estimate_background,
    inpaint_region,
    relative_luminance,
    text_color,
    text_pixels,
)


def test_wcag_luminance_and_contrast():
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    assert relative_luminance((0, 0, 0)) == pytest.approx(0.0)
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    # Pure green is far brighter than pure blue (BGR order!).
    assert relative_luminance((0, 255, 0)) > 0.7 > 0.1 > relative_luminance((255, 0, 0))
    assert contrast_color((0, 0, 0)) == LIGHT_TEXT
    assert contrast_color((255, 255, 255)) == DARK_TEXT
    assert contrast_color((0, 255, 255)) == DARK_TEXT  # yellow
    assert contrast_color((128, 0, 0)) == LIGHT_TEXT  # navy


def ring_mask(shape, box, width):
    inside = np.zeros(shape[:2], np.uint8)
    x0, y0, x1, y1 = box
    inside[y0:y1, x0:x1] = 1
    outer = cv2.dilate(inside, np.ones((2 * width + 1, 2 * width + 1), np.uint8))
    return (outer > 0) & (inside == 0), inside > 0


def test_background_plane_follows_a_lighting_gradient():
    h, w = 60, 200
    xs = np.arange(w, dtype=np.float32)[None, :]
    grey = np.repeat(80 + 0.6 * xs, h, axis=0)
    roi = np.dstack([grey] * 3).astype(np.uint8)
    ring, _ = ring_mask(roi.shape, (20, 20, 180, 40), 6)
    bg = estimate_background(roi, ring)
    img = bg.image(h, w)
    assert abs(float(img[30, 30, 0]) - (80 + 0.6 * 30)) < 4
    assert abs(float(img[30, 170, 0]) - (80 + 0.6 * 170)) < 4


def test_background_ignores_a_minority_surface_and_text():
    roi = np.full((60, 200, 3), 230, np.uint8)
    roi[:12] = (60, 110, 170)  # wood floor along the top of the ring
    cv2.putText(roi, "NEXT", (30, 58), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 2)
    ring, _ = ring_mask(roi.shape, (15, 15, 185, 45), 8)
    bg = estimate_background(roi, ring)
    assert np.abs(np.subtract(bg.median, (230, 230, 230))).max() <= 3
    assert np.abs(bg.image(60, 200)[30, 100] - 230).max() < 12


def test_text_pixels_colour_and_inpaint():
    roi = np.full((50, 220, 3), (40, 160, 40), np.uint8)  # green sign
    cv2.putText(roi, "EXIT", (40, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (250, 250, 250), 3)
    ring, inside = ring_mask(roi.shape, (10, 8, 210, 44), 4)
    bg = estimate_background(roi, ring)
    glyphs = text_pixels(roi, inside, bg)
    assert glyphs is not None and 0.05 < glyphs[inside].mean() < 0.6
    color = text_color(roi, glyphs, bg)
    assert color is not None and min(color) > 200
    cleaned = inpaint_region(roi.copy(), glyphs, 2)
    assert np.abs(cleaned[inside].astype(int) - (40, 160, 40)).max(axis=1).mean() < 15
    blank = np.full((50, 220, 3), 128, np.uint8)
    assert text_pixels(blank, inside, estimate_background(blank, ring)) is None
