"""items_for: the one rule for what is drawn over a frame, for stills and the live view."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from camtranslate.overlay import OverlayRenderer, items_for
from camtranslate.types import TextRegion, TranslatedRegion

BOX = ((10.0, 10.0), (200.0, 10.0), (200.0, 50.0), (10.0, 50.0))
BOX2 = ((10.0, 80.0), (200.0, 80.0), (200.0, 120.0), (10.0, 120.0))


def _tr(text: str, translation: str, polygon=BOX) -> TranslatedRegion:
    return TranslatedRegion(TextRegion(polygon, text, 0.9), translation, "en")


@dataclass(frozen=True)
class _Shown:  # the fields of live.view.ShownRegion
    polygon: tuple
    text: str
    translation: str
    alpha: float
    id: int


def test_only_changed_translations_are_drawn_with_the_target_language() -> None:
    regions = [_tr("EXIT", "SAÍDA"), _tr("OK", "OK", BOX2), _tr("24/7", "")]
    items = items_for(regions, "ja")
    assert [(i.text, i.polygon, i.language) for i in items] == [("SAÍDA", BOX, "ja")]
    assert not items[0].highlight and items[0].alpha == 1.0


def test_the_highlighted_region_is_outlined_even_when_left_as_is() -> None:
    regions = [_tr("EXIT", "SAÍDA"), _tr("OK", "OK", BOX2)]
    items = items_for(regions, "pt", highlight=1)
    assert [(i.text, i.highlight) for i in items] == [("SAÍDA", False), ("OK", True)]
    assert [i.highlight for i in items_for(regions, "pt", highlight=0)] == [True]


def test_live_regions_keep_their_fade_and_are_keyed_by_id() -> None:
    shown = [_Shown(BOX, "EXIT", "SAÍDA", 0.4, 7), _Shown(BOX2, "PUSH", "PUSH", 1.0, 9)]
    items = items_for(shown, "zh", highlight=9)
    assert [(i.text, i.alpha, i.highlight, i.language) for i in items] == [
        ("SAÍDA", 0.4, False, "zh"),
        ("PUSH", 1.0, True, "zh"),
    ]


def test_cjk_target_draws_with_the_regional_face(renderer: OverlayRenderer) -> None:
    """The language reaches the renderer: the same Han text in a Traditional and a Simplified
    Chinese face gives different pixels (the live view used to drop it)."""
    image = np.full((140, 240, 3), 255, np.uint8)
    text = "直角骨"  # glyphs whose Traditional and Simplified forms differ in Noto CJK
    tw = renderer.render(image, items_for([_tr("EXIT", text)], "zh-tw"))
    zh = renderer.render(image, items_for([_tr("EXIT", text)], "zh"))
    assert not np.array_equal(tw, image)
    assert not np.array_equal(tw, zh)
