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


# -- colour: lines join only when printed on one surface (issue 11) ---------------------------
def _sign(rows):
    """A 400x200 picture with one text line per row: (text, surface BGR, ink BGR, box).
    Each surface fills its box grown by 8 px, so stacked boxes on different surfaces meet."""
    import cv2
    import numpy as np

    image = np.full((200, 400, 3), 128, np.uint8)
    regions = []
    for text, surface, ink, (x0, y0, x1, y1) in rows:
        cv2.rectangle(image, (x0 - 8, y0 - 8), (x1 + 8, y1 + 8), surface, -1)
        cv2.putText(image, text, (x0 + 4, y1 - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.8, ink, 2)
        regions.append(TextRegion(as_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]), text, 0.9))
    return image, regions


WALL, BANNER, ORANGE, BLACK = (150, 150, 150), (40, 35, 30), (0, 128, 255), (10, 10, 10)
LIGHT, WHITE = (235, 235, 235), (255, 255, 255)


def test_a_light_heading_on_the_wall_and_a_dark_banner_under_it_stay_apart():
    image, regions = _sign(
        [
            ("Knowledge Culture", WALL, LIGHT, (40, 40, 300, 72)),
            ("People of the city", BANNER, WHITE, (40, 80, 300, 112)),
        ]
    )
    assert len(group_lines(regions)) == 1  # placement alone: one paragraph
    assert len(group_lines(regions, image)) == 2


def test_a_black_price_box_on_an_orange_panel_stays_apart():
    image, regions = _sign(
        [
            ("Grilled fish", ORANGE, WHITE, (40, 40, 260, 72)),
            ("Lunch menu 12", BLACK, WHITE, (40, 80, 260, 112)),
        ]
    )
    assert len(group_lines(regions, image)) == 2


def test_lines_on_one_surface_still_join_with_the_picture():
    for surface, ink in ((WALL, (20, 20, 20)), (BANNER, WHITE), (ORANGE, WHITE)):
        image, regions = _sign(
            [
                ("Welcome to the", surface, ink, (40, 40, 300, 72)),
                ("city museum", surface, ink, (40, 80, 300, 112)),
            ]
        )
        assert [b.text for b in group_lines(regions, image)] == ["Welcome to the city museum"]


def test_lines_under_a_lighting_gradient_still_join():
    from itertools import pairwise

    import cv2
    import numpy as np

    from camtranslate.blocks import SAME_BACKGROUND, line_looks

    # A red board lit from below: its lightness climbs by about 25 ΔE from line to line (more
    # than SAME_BACKGROUND), under the same white ink.
    ys = np.arange(200, dtype=np.float32)[:, None]
    lab = np.zeros((200, 400, 3), np.float32)
    lab[..., 0] = np.clip(15 + (ys - 46) * 28 / 40, 5, 75)
    lab[..., 1], lab[..., 2] = 45, 30
    image = np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2BGR) * 255 + 0.5, 0, 255).astype(np.uint8)
    regions = []
    for k, text in enumerate(["Only cash", "accepted at", "this counter"]):
        y0 = 30 + 40 * k
        cv2.putText(image, text, (44, y0 + 26), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
        box = [(40, y0), (300, y0), (300, y0 + 32), (40, y0 + 32)]
        regions.append(TextRegion(as_polygon(box), text, 0.9))
    looks = line_looks(image, [np.array(r.polygon, np.float32) for r in regions])
    steps = [np.linalg.norm(a.background - b.background) for a, b in pairwise(looks)]
    assert min(steps) > SAME_BACKGROUND  # the gradient rule, not the plain one, joins them
    assert [b.text for b in group_lines(regions, image)] == ["Only cash accepted at this counter"]
