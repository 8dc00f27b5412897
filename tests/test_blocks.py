"""Lines of one paragraph become one block; separate signs stay apart."""

from __future__ import annotations

import math

from camtranslate.blocks import group_lines
from camtranslate.types import TextRegion, as_polygon

# What rapid OCR reads on resources/samples/sign.jpg (a poster with a 4-line slogan and a logo).
SIGN_LINES = [
    ("FASTER THAN", [(151, 223), (266, 221), (266, 241), (151, 244)]),
    ("YOU CAN SAY", [(154, 238), (266, 235), (266, 255), (154, 259)]),
    ("GIFT-WRAP IT,", [(158, 252), (272, 248), (272, 270), (158, 273)]),
    ('PLEASE"', [(175, 266), (254, 266), (254, 287), (175, 287)]),
    ("TAP", [(182, 294), (245, 290), (247, 320), (184, 324)]),
    ("&GO", [(182, 323), (244, 319), (245, 345), (183, 349)]),
]


def _regions(lines):
    return [TextRegion(as_polygon(p), t, 0.9) for t, p in lines]


def test_a_slogan_split_over_lines_is_one_block_and_the_logo_another():
    blocks = group_lines(_regions(SIGN_LINES))
    texts = [b.text for b in blocks]
    assert texts == ['FASTER THAN YOU CAN SAY GIFT-WRAP IT, PLEASE"', "TAP &GO"]
    x0, y0, x1, y1 = blocks[0].bbox()
    assert x0 <= 151 and y0 <= 221 and x1 >= 272 and y1 >= 287


def test_side_by_side_and_distant_regions_stay_apart():
    lines = [
        ("EXIT", [(10, 10), (60, 10), (60, 30), (10, 30)]),
        ("ENTRANCE", [(200, 10), (300, 10), (300, 30), (200, 30)]),  # same row, far right
        ("Toilets", [(10, 200), (80, 200), (80, 220), (10, 220)]),  # far below
    ]
    assert sorted(b.text for b in group_lines(_regions(lines))) == ["ENTRANCE", "EXIT", "Toilets"]


def test_rotated_paragraph_groups_and_reads_top_to_bottom():
    angle = math.radians(25)
    ux, uy = (math.cos(angle), math.sin(angle)), (-math.sin(angle), math.cos(angle))

    def quad(x, y, w, h):
        pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        return [(300 + px * ux[0] + py * uy[0], 100 + px * ux[1] + py * uy[1]) for px, py in pts]

    lines = [("second line", quad(0, 26, 160, 22)), ("first line", quad(0, 0, 150, 22))]
    blocks = group_lines(_regions(lines))
    assert [b.text for b in blocks] == ["first line second line"]


def test_hyphenated_word_is_joined_and_degenerate_polygons_survive():
    lines = [
        ("Informa-", [(10, 10), (110, 10), (110, 30), (10, 30)]),
        ("tion desk", [(10, 34), (120, 34), (120, 54), (10, 54)]),
        ("?", [(5, 5), (5, 5), (5, 5), (5, 5)]),
    ]
    texts = sorted(b.text for b in group_lines(_regions(lines)))
    assert texts == ["?", "Information desk"]


def test_empty_input():
    assert group_lines([]) == []
