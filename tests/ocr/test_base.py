from __future__ import annotations

import numpy as np
import pytest

from camtranslate.errors import CamtranslateError
from camtranslate.ocr.base import (
    check_image,
    clockwise_quad,
    make_regions,
    script_language,
    sort_reading_order,
)
from camtranslate.types import TextRegion


def test_clockwise_quad_repairs_winding_and_clips():
    ccw = [(10, 10), (10, 30), (50, 30), (50, 10)]  # tl, bl, br, tr: counter-clockwise on screen
    assert clockwise_quad(ccw, 100, 100) == ((10, 10), (50, 10), (50, 30), (10, 30))
    out = clockwise_quad([(-5, -5), (120, -5), (120, 20), (-5, 20)], 100, 50)
    assert all(0 <= x <= 99 and 0 <= y <= 49 for x, y in out)


def test_clockwise_quad_reduces_polygons_to_four_corners():
    poly = [(0, 0), (20, 0), (40, 2), (40, 12), (20, 10), (0, 10)]
    out = clockwise_quad(poly, 100, 100)
    assert len(out) == 4
    xs, ys = [p[0] for p in out], [p[1] for p in out]
    assert min(xs) <= 1 and max(xs) >= 39 and min(ys) <= 1 and max(ys) >= 11


def _box(x: float, y: float, w: float = 40, h: float = 20, text: str = "w") -> TextRegion:
    return TextRegion(((x, y), (x + w, y), (x + w, y + h), (x, y + h)), text, 0.9)


def test_reading_order_keeps_a_tilted_line_together():
    regions = [
        _box(200, 108, text="c"),
        _box(0, 100, text="a"),
        _box(100, 104, text="b"),
        _box(0, 160, text="d"),
        _box(5, 0, text="title"),
    ]
    assert [r.text for r in sort_reading_order(regions)] == ["title", "a", "b", "c", "d"]


def test_script_language():
    assert script_language("ありがとう") == "ja"
    assert script_language("東京駅", ("ja",)) == "ja"
    assert script_language("出口") == "zh"
    assert script_language("출구") == "ko"
    assert script_language("Saída") is None


def test_make_regions_drops_empty_and_unsure_results():
    quad = [(0, 0), (10, 0), (10, 5), (0, 5)]
    raw = [(quad, "  ", 0.99), (quad, "ok", 0.3), (quad, "Sai\u0301da  now", 0.8)]
    regions = make_regions(raw, 100, 100, min_confidence=0.5)
    assert [r.text for r in regions] == ["Saída now"]  # NFC, single spaces
    assert regions[0].confidence == pytest.approx(0.8)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((10, 10, 3), np.float32),
        np.zeros((10, 10, 5), np.uint8),
        np.zeros((1, 1, 3), np.uint8),
        "image.png",
    ],
)
def test_check_image_rejects_what_no_engine_can_read(bad):
    with pytest.raises(CamtranslateError):
        check_image(bad)


def test_check_image_accepts_grey_and_bgra():
    assert check_image(np.zeros((8, 9), np.uint8)).shape == (8, 9, 3)
    assert check_image(np.zeros((8, 9, 4), np.uint8)).shape == (8, 9, 3)
