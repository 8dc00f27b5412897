"""Overlay: erase the source text and draw the translation in place (Qt-free).

``OverlayRenderer(font_path=None, erase="fill").render(image, items)`` returns a new BGR image;
``OverlayItem`` describes one translated region; ``items_for(regions, target, highlight)`` turns
translated regions into items (the one drawing rule, for stills and the live view). See
``render.py`` for the cost model and ``fonts.py`` for how fonts are chosen per script.
"""

from camtranslate.overlay.erase import contrast_color, contrast_ratio, relative_luminance
from camtranslate.overlay.fonts import FontError, FontFace, FontLibrary, bundled_font_path
from camtranslate.overlay.items import items_for
from camtranslate.overlay.layout import paragraph_groups, region_quad
from camtranslate.overlay.render import (
    ERASE_MODES,
    CacheStats,
    OverlayItem,
    OverlayRenderer,
    RegionColors,
)

__all__ = [
    "ERASE_MODES",
    "CacheStats",
    "FontError",
    "FontFace",
    "FontLibrary",
    "OverlayItem",
    "OverlayRenderer",
    "RegionColors",
    "bundled_font_path",
    "contrast_color",
    "contrast_ratio",
    "items_for",
    "paragraph_groups",
    "region_quad",
    "relative_luminance",
]
