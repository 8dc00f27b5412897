"""Tiling of extreme shapes for RapidOCR (camtranslate/ocr/rapid.py): pure geometry, no model."""

from __future__ import annotations

import itertools

import numpy as np

from camtranslate.ocr.rapid import MAX_ASPECT, drop_tile_duplicates, tiles


def test_ordinary_frames_are_one_piece() -> None:
    for shape in [(720, 1280), (40, 1000), (2000, 2000), (1280, int(1280 * MAX_ASPECT))]:
        pieces = tiles(np.zeros((*shape, 3), np.uint8), 1280)
        assert len(pieces) == 1 and pieces[0][:2] == (0, 0)


def test_a_long_strip_is_covered_by_overlapping_tiles() -> None:
    for shape in [(40, 20000), (20000, 40), (300, 9999)]:
        image = np.zeros((*shape, 3), np.uint8)
        pieces = tiles(image, 1280)
        along = 1 if shape[1] > shape[0] else 0
        spans = sorted((dx if along else dy, view.shape[along]) for dx, dy, view in pieces)
        assert spans[0][0] == 0 and spans[-1][0] + spans[-1][1] == shape[along]
        for (start, length), (nxt, _) in itertools.pairwise(spans):
            assert nxt < start + length and start + length - nxt >= length // 5  # overlap
        for _, _, view in pieces:
            assert max(view.shape[:2]) <= max(1280, 4 * min(shape)) and view.base is not None


def test_duplicates_from_overlaps_keep_the_whole_word() -> None:
    whole = ([(900, 5), (1100, 5), (1100, 35), (900, 35)], "EMERGENCY", 0.9)
    cut = ([(960, 5), (1100, 5), (1100, 35), (960, 35)], "GENCY", 0.95)
    other = ([(1300, 5), (1400, 5), (1400, 35), (1300, 35)], "EXIT", 0.9)
    kept = drop_tile_duplicates([cut, whole, other])
    assert sorted(t for _, t, _ in kept) == ["EMERGENCY", "EXIT"]
