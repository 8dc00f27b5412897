from __future__ import annotations

import struct

import numpy as np
import pytest

from camtranslate.errors import CamtranslateError
from camtranslate.overlay import FontError, FontLibrary, OverlayItem, OverlayRenderer
from camtranslate.overlay.fonts import (
    Coverage,
    _cmap_ranges,
    bundled_font_path,
    font_coverage,
    needed_codepoints,
)
from camtranslate.paths import resources_dir

ACCENTED = "ãçéñßüÀÇÕêôíúÁ"
TOFU = "\u0378"  # unassigned: every font draws .notdef for it


def test_bundled_fonts_and_licence_are_shipped():
    fonts = resources_dir() / "fonts"
    sizes = [bundled_font_path(w).stat().st_size for w in ("regular", "bold")]
    assert sum(sizes) < 1_100_000
    assert "SIL OPEN FONT LICENSE" in (fonts / "OFL.txt").read_text(encoding="utf-8")


def test_bundled_font_covers_accented_latin_but_not_cjk():
    lib = FontLibrary()
    cov = font_coverage(lib.primary)
    assert not cov.missing(needed_codepoints(ACCENTED + "Привет Ελλάδα"))
    assert ord("出") not in cov and ord(TOFU) not in cov
    assert lib.face_for("Atenção, señor") == lib.primary


def test_coverage_merges_and_looks_up_ranges():
    cov = Coverage([(10, 20), (21, 30), (40, 40), (5, 12)])
    assert 5 in cov and 30 in cov and 40 in cov
    assert 31 not in cov and 4 not in cov and 41 not in cov
    assert len(cov) == 27


def test_cmap_format_12_is_parsed():
    groups = [(0x41, 0x5A, 1), (0x4E00, 0x4E10, 100), (0x20000, 0x20001, 0)]
    sub = struct.pack(">HHIII", 12, 0, 16 + 12 * len(groups), 0, len(groups))
    sub += b"".join(struct.pack(">III", *g) for g in groups)
    cmap = struct.pack(">HH", 0, 1) + struct.pack(">HHI", 3, 10, 12) + sub
    cov = Coverage(_cmap_ranges(cmap, 0))
    assert ord("A") in cov and 0x4E05 in cov and 0x20001 in cov
    assert 0x20000 not in cov, "a group starting at glyph 0 maps its first char to .notdef"


def test_cjk_text_gets_a_font_that_covers_it():
    lib = FontLibrary()
    face = lib.face_for("出口")
    if font_coverage(face).missing(needed_codepoints("出口")):
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    assert face != lib.primary
    mixed = lib.face_for("出口 Exit")
    assert not font_coverage(mixed).missing(needed_codepoints("出口 Exit"))


def test_bad_font_paths_give_a_clear_error(tmp_path):
    with pytest.raises(FontError, match="not found"):
        FontLibrary(tmp_path / "nope.ttf")
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"this is not a font at all" * 10)
    with pytest.raises(CamtranslateError):
        OverlayRenderer(font_path=junk)
    with pytest.raises(FontError):
        FontLibrary(weight="ultralight")


def _glyph(renderer: OverlayRenderer, text: str) -> np.ndarray:
    """Render ``text`` alone, in fixed colours on white, and return its ink mask."""
    img = np.full((120, 160, 3), 255, np.uint8)
    item = OverlayItem(
        ((20, 10), (140, 10), (140, 110), (20, 110)),
        text,
        background=(255, 255, 255),
        foreground=(0, 0, 0),
    )
    return renderer.render(img, [item])[..., 0] < 128


def _differ(a: np.ndarray, b: np.ndarray) -> bool:
    return int((a ^ b).sum()) > 0.15 * max(int(a.sum()), int(b.sum()), 1)


def test_accented_latin_renders_real_glyphs():
    r = OverlayRenderer()
    tofu = _glyph(r, TOFU)
    assert tofu.sum() > 50, "the .notdef box itself must be visible for this test to mean much"
    shapes = {ch: _glyph(r, ch) for ch in "ãçßñéc"}
    for ch, mask in shapes.items():
        assert mask.sum() > 30, ch
        assert _differ(mask, tofu), f"{ch!r} rendered as tofu"
    assert _differ(shapes["ç"], shapes["c"]), "the cedilla is missing"
    # "Atenção" as a whole: wider than the tofu and not a row of boxes.
    word = _glyph(r, "Atenção")
    assert _differ(word, _glyph(r, TOFU * 7))


def test_cjk_renders_real_glyphs():
    r = OverlayRenderer()
    if font_coverage(r.fonts.face_for("出口")).missing(needed_codepoints("出口")):
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    tofu = _glyph(r, TOFU)
    chu, kou = _glyph(r, "出"), _glyph(r, "口")
    assert _differ(chu, tofu) and _differ(kou, tofu)
    assert _differ(chu, kou), "two different characters must not draw the same box"
    assert _differ(_glyph(r, "出口"), _glyph(r, TOFU * 2))


def test_missing_bundled_fonts_fall_back_to_a_system_sans(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMTRANSLATE_RESOURCES", str(tmp_path))  # a bundle without fonts/
    try:
        lib = FontLibrary()
    except FontError:
        pytest.skip("no fontconfig on this system: the clear error is the expected outcome")
    assert lib.primary.path.is_file()
    assert not font_coverage(lib.primary).missing(needed_codepoints("Atenção"))
    with pytest.raises(FontError, match="not found"):
        FontLibrary(use_system_fonts=False)
