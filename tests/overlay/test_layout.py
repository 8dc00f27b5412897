from __future__ import annotations

import numpy as np
import pytest
from overlay_helpers import rotated_box

from camtranslate.overlay import FontLibrary
from camtranslate.overlay.fonts import font_coverage, needed_codepoints
from camtranslate.overlay.layout import (
    balanced_lines,
    fit_text,
    paragraph_groups,
    quad_size,
    quantize,
    region_quad,
    split_units,
    text_quads,
)


@pytest.fixture(scope="module")
def fonts() -> FontLibrary:
    return FontLibrary()


def font_getter(lib: FontLibrary, text: str):
    face = lib.face_for(text)
    return lambda size: lib.font(face, size)


def test_region_quad_normalises_winding_and_rejects_degenerate_input():
    cw = ((0, 0), (100, 0), (100, 20), (0, 20))
    assert np.allclose(region_quad(cw), cw)
    ccw = (cw[0], cw[3], cw[2], cw[1])
    assert np.allclose(region_quad(ccw), cw)
    for bad in [
        (),
        ((1, 1),),
        ((0, 0), (5, 5), (10, 10)),
        ((0, 0),) * 4,
        "abc",
        ((0, float("inf")), (1, 0), (1, 1), (0, 1)),
    ]:
        assert region_quad(bad) is None


def test_region_quad_reduces_many_points_to_an_oriented_rectangle():
    poly = rotated_box(200, 100, 160, 40, 20)
    many = []
    for a, b in zip(poly, poly[1:] + poly[:1], strict=True):
        many += [a, tuple((np.array(a) + np.array(b)) / 2)]
    quad = region_quad(many)
    assert quad is not None
    assert np.abs(quad - np.float32(poly)).max() < 1.0
    w, h = quad_size(quad)
    assert w == pytest.approx(160, abs=1) and h == pytest.approx(40, abs=1)


def test_quantize_is_stable_for_small_jitter():
    assert quantize(12.4) == 12 and quantize(0.2) == 1
    values = {quantize(v) for v in np.linspace(200, 206, 13)}
    assert len(values) <= 2
    assert all(abs(quantize(v) - v) / v < 0.03 for v in range(25, 2000, 7))


def test_balanced_lines_minimise_the_widest_line():
    assert balanced_lines([1] * 6, 0.0, 2) == [0, 3]
    assert balanced_lines([5, 1, 1, 1, 1, 1], 0.0, 2) == [0, 1]
    assert balanced_lines([1, 1, 1], 0.5, 1) == [0]
    assert balanced_lines([2, 2], 0.0, 5) == [0, 1]


def test_split_units_by_words_or_characters():
    assert split_units("Saída de  emergência") == (["Saída", "de", "emergência"], " ")
    units, sep = split_units("出口在这里。")
    assert sep == "" and units[-1] == "里。"
    assert split_units("Olá") == (["Olá"], " ")


def test_shorter_text_gets_a_larger_font(fonts):
    short = fit_text("Sim", 300, 40, font_getter(fonts, "Sim"))
    long = fit_text("Sim, mas só depois das cinco", 300, 40, font_getter(fonts, "Sim"))
    assert short.size > long.size
    assert short.lines == ("Sim",)


def test_long_text_wraps_in_a_tall_box(fonts):
    text = "Saída de emergência pela escada"
    layout = fit_text(text, 200, 120, font_getter(fonts, text))
    assert len(layout.lines) >= 2
    assert " ".join(layout.lines) == text
    widths = [fonts.font(fonts.primary, layout.size).getlength(line) for line in layout.lines]
    assert max(widths) <= 200


def test_tall_narrow_boxes(fonts):
    latin = fit_text("Mercado Central", 30, 240, font_getter(fonts, "Mercado"))
    assert latin.orientation == "rotated"
    cjk_font = font_getter(fonts, "出口在这里")
    if font_coverage(fonts.face_for("出口在这里")).missing(needed_codepoints("出口在这里")):
        pytest.skip("no CJK font installed")
    cjk = fit_text("出口在这里", 40, 220, cjk_font)
    assert cjk.orientation == "vertical" and "".join(cjk.lines) == "出口在这里"


def test_fit_text_handles_empty_and_tiny_boxes(fonts):
    assert fit_text("   ", 100, 20, font_getter(fonts, "x")).lines == ()
    tiny = fit_text("Uma frase longa demais", 6, 3, font_getter(fonts, "x"))
    assert tiny.size >= 1


def test_text_quads_split_overlapping_stacked_lines():
    top = np.float32([(0, 0), (200, 0), (200, 40), (0, 40)])
    below = np.float32([(0, 30), (200, 30), (200, 70), (0, 70)])
    apart = np.float32([(300, 0), (400, 0), (400, 40), (300, 40)])
    t_top, t_below, t_apart = text_quads([top, below, apart])
    assert t_top[2, 1] <= 35.0 + 1e-3 and t_top[0, 1] == 0
    assert t_below[0, 1] >= 35.0 - 1e-3 and t_below[2, 1] == 70
    assert np.array_equal(t_apart, apart)


def test_paragraph_groups_on_the_sample_sign():
    lines = [  # RapidOCR's boxes on resources/samples/sign.jpg
        ((151, 223), (266, 221), (266, 241), (151, 244)),
        ((154, 238), (266, 235), (266, 255), (154, 259)),
        ((158, 252), (272, 248), (272, 270), (158, 273)),
        ((175, 266), (254, 266), (254, 287), (175, 287)),
        ((182, 294), (245, 290), (247, 320), (184, 324)),  # "TAP": the larger headline
        ((182, 323), (244, 319), (245, 345), (183, 349)),  # "&GO"
        ((436, 504), (738, 540), (732, 588), (430, 552)),  # floor print, far away
        ((300, 223), (400, 223), (400, 244), (300, 244)),  # beside line 0, same row
    ]
    groups = paragraph_groups([region_quad(p) for p in lines])
    assert sorted(sorted(g) for g in groups) == [[0, 1, 2, 3], [4, 5]]


@pytest.mark.parametrize("box", [(300, 40), (120, 90), (60, 20), (500, 200), (40, 12)])
def test_fit_text_finds_the_largest_size_that_fits(fonts, box):
    """The shortcut search must agree with an exhaustive one."""
    text = "Saída de emergência à esquerda"
    get = font_getter(fonts, text)
    layout = fit_text(text, *box, get, margin=0.1)
    from camtranslate.overlay.layout import Metrics, _inner

    inner_w, inner_h = _inner(*box, 0.1)

    def fits(size: int) -> bool:
        bw, bh, _ = Metrics(get(size)).block(layout.lines)
        return bw <= inner_w + 0.5 and bh <= inner_h + 0.5

    if layout.size > 5:
        assert fits(layout.size)
    assert not fits(layout.size + 1) or layout.size + 1 > 2 * box[1]
