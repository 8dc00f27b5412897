"""Lines on two surfaces are two blocks, and each is erased with its own colour (issue 11).

Real crops of ICDAR 2015 dev photos (tests/overlay/data, CC BY 4.0) with the boxes RapidOCR
reads on the full photos, shifted into the crop.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from overlay_helpers import draw_source_text, polygon_mask

from camtranslate.blocks import group_lines
from camtranslate.overlay import OverlayRenderer
from camtranslate.types import TextRegion, as_polygon

DATA = Path(__file__).parent / "data"

# file, crop origin in the full photo, [(text, polygon in full-photo pixels)]
CROPS = {
    # A station sign: "MRT" light on the blue-grey panel, "140m→" dark on the white panel.
    "mrt": (
        "icdar_img_30_x470_y50.png",
        (470, 50),
        [
            ("MRT", [(543, 99), (579, 99), (579, 119), (543, 119)]),
            ("140m→", [(518, 118), (581, 121), (580, 146), (517, 143)]),
        ],
    ),
    # A shop name in white on the grey facade over its bigger red-and-white twin on the dark
    # shop front.
    "breadtalk": (
        "icdar_img_40_x600_y90.png",
        (600, 90),
        [
            ("BreanTalk CAFÉ", [(640, 127), (765, 119), (767, 151), (642, 159)]),
            ("BreadTalk CA.", [(643, 149), (790, 142), (791, 175), (644, 183)]),
        ],
    ),
    # White print on a red pill over red print on the white wall.
    "sports": (
        "icdar_img_273_x320_y245.png",
        (320, 245),
        [
            ("WORLD OF SPORTS", [(347, 281), (470, 266), (472, 284), (349, 298)]),
            ("PLAY YOUR GAARE", [(374, 294), (447, 285), (449, 299), (376, 308)]),
        ],
    ),
    # One sentence in white on a red disc that darkens towards its rim: one print.
    "notes": (
        "icdar_img_29_x960_y80.png",
        (960, 80),
        [
            ("Only", [(1015, 110), (1047, 110), (1047, 126), (1015, 126)]),
            ("550 notes", [(998, 124), (1064, 119), (1065, 137), (999, 142)]),
            ("available", [(1000, 136), (1062, 130), (1064, 149), (1002, 155)]),
            ("here", [(1016, 148), (1050, 148), (1050, 164), (1016, 164)]),
        ],
    ),
}


def crop(name: str) -> tuple[np.ndarray, list[TextRegion]]:
    file, (ox, oy), lines = CROPS[name]
    image = cv2.imread(str(DATA / file), cv2.IMREAD_COLOR)
    assert image is not None
    regions = [
        TextRegion(as_polygon([(x - ox, y - oy) for x, y in poly]), text, 0.9)
        for text, poly in lines
    ]
    return image, regions


def lab(pixels: np.ndarray) -> np.ndarray:
    flat = np.ascontiguousarray(pixels.reshape(-1, 1, 3), dtype=np.float32) / np.float32(255)
    return cv2.cvtColor(flat, cv2.COLOR_BGR2Lab).reshape(-1, 3)


def own_background(image: np.ndarray, regions: list[TextRegion], k: int) -> np.ndarray:
    """Median CIELAB colour of line k's own rim: 1..3 px inside its box and 1 px outside, the
    other lines masked out (OCR boxes are padded, so this is the surface the line is printed
    on; a wider ring runs off the edge of the small panel onto the trees behind the sign)."""
    poly = regions[k].polygon
    inner = cv2.erode(polygon_mask(image.shape, poly).astype(np.uint8), np.ones((7, 7), np.uint8))
    rim = polygon_mask(image.shape, poly, 1) & (inner == 0)
    for m, other in enumerate(regions):
        if m != k:
            rim &= ~polygon_mask(image.shape, other.polygon, 1)
    return np.median(lab(image[rim]), axis=0)


def erase_errors(image: np.ndarray, regions: list[TextRegion], blocks: list[TextRegion]):
    """ΔE between the erased patch inside each line's box and the ring around that line."""
    out = OverlayRenderer(erase="fill").erase_only(image, [b.polygon for b in blocks])
    errors = []
    for k, r in enumerate(regions):
        patch = np.median(lab(out[polygon_mask(image.shape, r.polygon)]), axis=0)
        errors.append(float(np.linalg.norm(patch - own_background(image, regions, k))))
    return errors


@pytest.mark.parametrize("name", ["mrt", "breadtalk", "sports"])
def test_stacked_lines_on_two_surfaces_are_two_blocks(name):
    image, regions = crop(name)
    assert len(group_lines(regions)) == 1, "placement alone joins them (why colour is needed)"
    blocks = group_lines(regions, image)
    assert sorted(b.text for b in blocks) == sorted(r.text for r in regions)


def test_a_sentence_on_a_darkening_disc_stays_one_block():
    image, regions = crop("notes")
    blocks = group_lines(regions, image)
    assert [b.text for b in blocks] == ["Only 550 notes available here"]


def test_the_slogan_on_the_sample_sign_stays_one_block(sample_image):
    lines = [
        ("FASTER THAN", [(151, 223), (266, 221), (266, 241), (151, 244)]),
        ("YOU CAN SAY", [(154, 238), (266, 235), (266, 255), (154, 259)]),
        ("GIFT-WRAP IT,", [(158, 252), (272, 248), (272, 270), (158, 273)]),
        ('PLEASE"', [(175, 266), (254, 266), (254, 287), (175, 287)]),
        ("TAP", [(182, 294), (245, 290), (247, 320), (184, 324)]),
        ("&GO", [(182, 323), (244, 319), (245, 345), (183, 349)]),
    ]
    regions = [TextRegion(as_polygon(p), t, 0.9) for t, p in lines]
    texts = [b.text for b in group_lines(regions, sample_image)]
    assert texts == ['FASTER THAN YOU CAN SAY GIFT-WRAP IT, PLEASE"', "TAP &GO"]


def test_each_line_of_the_station_sign_is_erased_with_its_own_panel_colour():
    image, regions = crop("mrt")
    merged = erase_errors(image, regions, group_lines(regions))
    apart = erase_errors(image, regions, group_lines(regions, image))
    # One fill for both panels paints the blue-grey MRT panel white (ΔE ~50).
    assert max(merged) > 30
    assert max(apart) < 8, apart


def test_the_fill_follows_the_light_on_every_frame():
    """One renderer, as in the live view, over a white board that darkens in small steps and
    brightens again: each frame's patch has that frame's board colour. A fill remembered from
    an earlier frame (reused while the ring looked within 24 levels) lagged by up to 24."""
    renderer = OverlayRenderer(erase="fill")
    poly = ((60, 60), (340, 60), (340, 130), (60, 130))
    inside = polygon_mask((200, 400), poly)
    for level in (250, 232, 214, 196, 214, 232, 250):
        frame = np.full((200, 400, 3), level, np.uint8)
        draw_source_text(frame, poly, "NOTICE", (20, 20, 20))
        out = renderer.erase_only(frame, [poly])
        patch = np.median(out[inside].astype(np.float32), axis=0)
        assert np.abs(patch - level).max() <= 3, (level, patch)
