from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from overlay_helpers import (
    changed,
    draw_source_text,
    edge_density,
    polygon_mask,
    rotated_box,
)

from camtranslate.errors import CamtranslateError
from camtranslate.overlay import OverlayItem, OverlayRenderer, contrast_ratio
from camtranslate.overlay.layout import region_quad

# Real RapidOCR boxes on resources/samples/sign.jpg (dark print on a grey sign).
SIGN_BOXES = {
    "FASTER THAN": ((151, 223), (266, 221), (266, 241), (151, 244)),
    "YOU CAN SAY": ((154, 238), (266, 235), (266, 255), (154, 259)),
    "TAP": ((182, 294), (245, 290), (247, 320), (184, 324)),
}
# The floor print, rotated about 8 degrees.
FLOOR_BOX = ((436, 504), (738, 540), (732, 588), (430, 552))


def blank(color, size=(240, 400)) -> np.ndarray:
    return np.full((*size, 3), color, np.uint8)


@pytest.mark.parametrize("mode", ["fill", "inpaint"])
def test_erase_removes_text_on_the_real_photo(sample_image, mode):
    r = OverlayRenderer(erase=mode)
    polygons = [*SIGN_BOXES.values(), FLOOR_BOX]
    out = r.erase_only(sample_image, polygons)
    for poly in polygons:
        inner = polygon_mask(sample_image.shape, poly) & ~_rim(sample_image.shape, poly)
        before, after = edge_density(sample_image, inner), edge_density(out, inner)
        assert before > 0.05, "the box should contain print to begin with"
        assert after < 0.35 * before, (mode, poly, before, after)


def _rim(shape, poly, width=3):
    """The polygon's outline band: the real edge of the box, not text, may remain there."""
    inside = polygon_mask(shape, poly)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    return inside & ~(cv2.erode(inside.astype(np.uint8), k) > 0)


def test_render_on_the_real_photo_draws_inside_the_boxes_only(sample_image, renderer):
    items = [
        OverlayItem(SIGN_BOXES["FASTER THAN"], "MAIS RÁPIDO DO QUE"),
        OverlayItem(SIGN_BOXES["YOU CAN SAY"], "VOCÊ CONSEGUE DIZER"),
        OverlayItem(FLOOR_BOX, "TOQUE E VÁ"),
    ]
    before = sample_image.copy()
    out = renderer.render(sample_image, items)
    assert np.array_equal(sample_image, before), "the input must not be modified"
    assert out.shape == sample_image.shape and out.dtype == np.uint8
    diff = changed(sample_image, out, 25)
    allowed = np.zeros(diff.shape, bool)
    for it in items:
        allowed |= polygon_mask(out.shape, it.polygon, grow=10)
        assert diff[polygon_mask(out.shape, it.polygon)].mean() > 0.05
    assert not (diff & ~allowed).any(), "pixels changed outside the regions"


@pytest.mark.parametrize("angle", [0.0, 30.0, -30.0])
def test_text_stays_inside_a_rotated_polygon(angle, renderer):
    img = blank((210, 210, 210), (400, 500))
    poly = rotated_box(250, 200, 300, 60, angle)
    draw_source_text(img, poly, "CAUTION", (20, 20, 20))
    out = renderer.render(img, [OverlayItem(poly, "Atenção piso")])
    # Uniform background: the erase fill equals it, so only the new glyphs differ from plain bg.
    ink = changed(blank((210, 210, 210), (400, 500)), out, 60)
    assert ink.sum() > 500
    assert not (ink & ~polygon_mask(out.shape, poly, grow=2)).any()
    # The glyphs' principal direction follows the box.
    ys, xs = np.nonzero(ink)
    cov = np.cov(np.stack([xs, ys]).astype(np.float64))
    evals, evecs = np.linalg.eigh(cov)
    vx, vy = evecs[:, np.argmax(evals)]
    measured = math.degrees(math.atan2(vy, vx))
    delta = (measured - angle + 90) % 180 - 90
    assert abs(delta) < 5, (angle, measured)


def test_long_translation_wraps_and_stays_inside(renderer):
    img = blank((230, 230, 230), (300, 400))
    poly = ((60, 60), (340, 60), (340, 200), (60, 200))
    draw_source_text(img, poly, "EXIT", (30, 30, 30))
    text = "Saída de emergência pela escada do lado esquerdo"
    out = renderer.render(img, [OverlayItem(poly, text)])
    ink = changed(blank((230, 230, 230), (300, 400)), out, 60)
    assert not (ink & ~polygon_mask(out.shape, poly, grow=2)).any()
    rows = ink.any(axis=1)
    bands = np.count_nonzero(np.diff(rows.astype(np.int8)) == 1) + int(rows[0])
    assert bands >= 2, "a long text in a tall box should be set on several lines"
    xs = np.nonzero(ink.any(axis=0))[0]
    assert xs.max() - xs.min() > 0.6 * 280, "wrapped lines should still use the box's width"


@pytest.mark.parametrize(
    ("bg", "src", "dark_expected"),
    [((0, 0, 0), (255, 255, 255), False), ((255, 255, 255), (0, 0, 0), True)],
)
def test_text_colour_contrasts_with_the_background(bg, src, dark_expected, renderer):
    img = blank(bg)
    poly = ((40, 80), (360, 80), (360, 150), (40, 150))
    draw_source_text(img, poly, "HELLO", src)
    out = renderer.render(img, [OverlayItem(poly, "Olá")])
    ink = changed(blank(bg), out, 60)
    assert ink.sum() > 200
    text_pixels = out[ink]
    core = text_pixels[np.abs(text_pixels.astype(int) - bg).sum(axis=1) > 600]
    assert len(core) > 50
    if dark_expected:
        assert core.mean() < 60
    else:
        assert core.mean() > 200


def test_blank_box_gets_a_wcag_contrast_colour(renderer):
    for bg in [(20, 20, 20), (240, 240, 240), (40, 40, 200), (90, 200, 240)]:
        img = blank(bg)
        poly = ((40, 80), (360, 80), (360, 150), (40, 150))
        colors = renderer.sample_colors(img, poly)
        assert colors is not None
        assert np.abs(np.subtract(colors.background, bg)).max() <= 2
        assert contrast_ratio(colors.foreground, colors.background) >= 4.5


def test_given_colours_are_used():
    r = OverlayRenderer()
    img = blank((200, 200, 200))
    poly = ((40, 80), (360, 80), (360, 150), (40, 150))
    out = r.render(img, [OverlayItem(poly, "Olá", background=(0, 0, 255), foreground=(0, 255, 0))])
    centre_row = out[115, 45:355]
    reds = (centre_row == (0, 0, 255)).all(axis=1).sum()
    greens = (centre_row == (0, 255, 0)).all(axis=1).sum()
    assert reds > 100 and greens > 5


def test_alpha_zero_leaves_the_image_unchanged(sample_image, renderer):
    items = [OverlayItem(p, "texto", alpha=0.0, highlight=True) for p in SIGN_BOXES.values()]
    out = renderer.render(sample_image, items)
    assert np.array_equal(out, sample_image)
    assert out is not sample_image


def test_alpha_blends_between_original_and_overlay(sample_image, renderer):
    poly = SIGN_BOXES["TAP"]
    full = renderer.render(sample_image, [OverlayItem(poly, "TOQUE")]).astype(np.float32)
    half = renderer.render(sample_image, [OverlayItem(poly, "TOQUE", alpha=0.5)])
    mask = polygon_mask(sample_image.shape, poly)
    expected = (sample_image.astype(np.float32) + full) / 2
    assert np.abs(half[mask] - expected[mask]).max() <= 2.0
    assert changed(sample_image, half, 20)[mask].any()


def test_highlight_outlines_the_region(renderer):
    img = blank((128, 128, 128))
    poly = ((100, 80), (300, 80), (300, 140), (100, 140))
    plain = renderer.render(img, [OverlayItem(poly, "Olá")])
    lit = renderer.render(img, [OverlayItem(poly, "Olá", highlight=True)])
    diff = changed(plain, lit, 40)
    assert diff.sum() > 300
    ring = polygon_mask(img.shape, poly, grow=14) & ~polygon_mask(img.shape, poly)
    assert diff[ring].sum() > 0.8 * diff.sum(), "the outline goes around the box, not over it"


@pytest.mark.parametrize(
    "polygon",
    [
        ((10, 10), (10, 10), (10, 10), (10, 10)),  # zero area
        ((5, 5), (50, 5), (95, 5), (140, 5)),  # a line
        ((5000, 5000), (5100, 5000), (5100, 5040), (5000, 5040)),  # outside the frame
        ((-300, -80), (-100, -80), (-100, -20), (-300, -20)),  # negative, outside
        ((-40, -10), (120, -10), (120, 30), (-40, 30)),  # half outside
        ((1, 2), (3, 4)),  # two points
        ((float("nan"), 0), (10, 0), (10, 10), (0, 10)),
        (),
    ],
)
def test_degenerate_polygons_do_not_crash(polygon, renderer):
    img = blank((90, 160, 200))
    item = OverlayItem(polygon, "Olá mundo", highlight=True)
    out = renderer.render(img, [item])
    assert out.shape == img.shape
    renderer.erase_only(img, [polygon])
    renderer.sample_colors(img, polygon)


def test_odd_items_and_images():
    r = OverlayRenderer()
    img = blank((200, 200, 200))
    poly = ((40, 80), (360, 80), (360, 150), (40, 150))
    assert np.array_equal(r.render(img, [OverlayItem(poly, "   ")]), img)  # nothing to say
    assert np.array_equal(r.render(img, []), img)
    grey = r.render(img[..., 0].copy(), [OverlayItem(poly, "Olá")])
    assert grey.shape == img.shape
    bgra = r.render(np.dstack([img, img[..., :1]]), [OverlayItem(poly, "Olá")])
    assert bgra.shape == img.shape
    with pytest.raises(CamtranslateError):
        r.render(img.astype(np.float32), [])
    with pytest.raises(CamtranslateError):
        r.render(np.zeros((0, 0, 3), np.uint8), [])
    with pytest.raises(CamtranslateError):
        OverlayRenderer(erase="blur")


def test_polygon_winding_and_extra_points_do_not_mirror_text(renderer):
    img = blank((220, 220, 220))
    cw = ((40, 80), (360, 80), (360, 150), (40, 150))
    ccw = (cw[0], cw[3], cw[2], cw[1])
    eight = (cw[0], (200, 80), cw[1], (360, 115), cw[2], (200, 150), cw[3], (40, 115))
    a = renderer.render(img, [OverlayItem(cw, "Saída")])
    b = renderer.render(img, [OverlayItem(ccw, "Saída")])
    c = renderer.render(img, [OverlayItem(eight, "Saída")])
    assert np.array_equal(a, b)
    assert np.abs(a.astype(int) - c.astype(int)).mean() < 2.0


def test_stacked_lines_do_not_collide(renderer):
    img = blank((230, 230, 230), (200, 400))
    top = ((40, 40), (360, 40), (360, 90), (40, 90))
    bottom = ((40, 75), (360, 75), (360, 125), (40, 125))  # overlaps the top box by 15 px
    out = renderer.render(img, [OverlayItem(top, "PRIMEIRA LINHA"), OverlayItem(bottom, "SEGUNDA")])
    rows = changed(blank((230, 230, 230), (200, 400)), out, 60).any(axis=1)
    starts = np.count_nonzero(np.diff(rows.astype(np.int8)) == 1)
    assert starts >= 2, "two separate lines of text"


def test_patch_cache_makes_redraws_hit(sample_image):
    r = OverlayRenderer()
    items = [OverlayItem(p, t) for t, p in SIGN_BOXES.items()]
    r.render(sample_image, items)
    first = r.cache_info()
    assert first.misses == len(items) and first.hits == 0
    moved = [OverlayItem(tuple((x + 1.0, y + 0.5) for x, y in it.polygon), it.text) for it in items]
    r.render(sample_image, moved)  # a tracked region moves a little: same patch
    assert r.cache_info().hits == len(items)
    assert r.cache_info().misses == len(items)
    r.clear_cache()
    assert r.cache_info().size == 0


def test_inpaint_mode_renders_text(sample_image):
    r = OverlayRenderer(erase="inpaint")
    out = r.render(sample_image, [OverlayItem(FLOOR_BOX, "TOQUE E VÁ")])
    assert changed(sample_image, out, 40)[polygon_mask(out.shape, FLOOR_BOX)].mean() > 0.05


def test_erase_none_keeps_the_background(renderer):
    img = blank((50, 100, 150))
    draw_source_text(img, ((40, 80), (360, 80), (360, 150), (40, 150)), "HELLO", (250, 250, 250))
    r = OverlayRenderer(erase="none")
    out = r.render(img, [OverlayItem(((40, 80), (360, 80), (360, 150), (40, 150)), "Olá")])
    # The source print is still there where the new text does not cover it.
    assert (out == (250, 250, 250)).all(axis=2).sum() > 50


coord = st.floats(min_value=-400, max_value=800, allow_nan=False, allow_infinity=False)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    points=st.lists(st.tuples(coord, coord), min_size=0, max_size=6),
    text=st.text(alphabet="abcdeçãéß 出口Ω\n\t-", min_size=0, max_size=30),
    alpha=st.floats(min_value=-1.0, max_value=2.0, allow_nan=False),
)
def test_random_items_never_crash_or_paint_far_outside(points, text, alpha, renderer):
    img = blank((120, 140, 160), (240, 320))
    item = OverlayItem(tuple(points), text, alpha=alpha, highlight=True)
    out = renderer.render(img, [item])
    assert out.shape == img.shape and out.dtype == np.uint8
    quad = region_quad(points)  # >4 points become their minimum-area rectangle
    if quad is not None:
        xs, ys = quad[:, 0].tolist(), quad[:, 1].tolist()
        pad = 40  # erase growth, highlight offset and width stay well inside this
        far = np.ones(img.shape[:2], bool)
        far[
            max(0, int(min(ys)) - pad) : max(0, int(max(ys)) + pad),
            max(0, int(min(xs)) - pad) : max(0, int(max(xs)) + pad),
        ] = False
        assert np.array_equal(out[far], img[far])


@pytest.mark.parametrize("mode", ["fill", "inpaint"])
def test_huge_polygon_is_drawn_without_a_giant_patch(mode):
    img = blank((200, 200, 200))
    poly = ((-20000, -5000), (30000, -5000), (30000, 9000), (-20000, 9000))
    out = OverlayRenderer(erase=mode).render(img, [OverlayItem(poly, "Olá", highlight=True)])
    assert out.shape == img.shape


def test_remembered_colours_are_not_reused_on_a_different_picture():
    r = OverlayRenderer()  # one renderer, as in the live view
    poly = ((40, 80), (360, 80), (360, 150), (40, 150))
    results = []
    for bg, src in [((250, 250, 250), (10, 10, 10)), ((10, 10, 10), (250, 250, 250))] * 2:
        img = blank(bg)
        draw_source_text(img, poly, "HELLO", src)
        out = r.render(img, [OverlayItem(poly, "Olá")])
        ink = changed(blank(bg), out, 100)
        results.append(float(out[ink].mean()))
    assert results[0] < 80 and results[2] < 80, "dark text on the white sign"
    assert results[1] > 170 and results[3] > 170, "light text on the black sign"


def test_one_renderer_can_be_shared_by_two_threads(sample_image):
    """The live view composes frames while the pipeline renders stills with the same renderer."""
    import threading

    r = OverlayRenderer()
    errors: list[BaseException] = []
    results: dict[int, np.ndarray] = {}

    def work(k: int) -> None:
        try:
            for i in range(6):
                items = [OverlayItem(p, f"{t} {k} {i % 3}") for t, p in SIGN_BOXES.items()]
                items.append(OverlayItem(FLOOR_BOX, "出口" if k else "Saída"))
                results[k] = r.render(sample_image, items)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results[0].shape == results[1].shape == sample_image.shape
