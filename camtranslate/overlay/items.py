"""What gets drawn over a frame: the one rule, for stills and the live view alike.

A region is drawn when it has a translation that differs from its text (text left as it is —
already in the target language, no model, unsure — keeps the original pixels). The highlighted
region is drawn even then, outlined, so the selected row can always be found in the picture.
Every item carries the target language, which picks the regional CJK face (zh/ja/ko) — the
live view once dropped it and drew CJK in another font than stills.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol

from camtranslate.overlay.render import OverlayItem
from camtranslate.types import Polygon, TranslatedRegion


class Shown(Protocol):
    """A region as the live view shows it (live.session.ShownRegion has these fields)."""

    @property
    def polygon(self) -> Polygon: ...
    @property
    def text(self) -> str: ...
    @property
    def translation(self) -> str: ...
    @property
    def alpha(self) -> float: ...
    @property
    def id(self) -> int: ...


def items_for(
    regions: Sequence[TranslatedRegion | Shown],
    target: str | None,
    highlight: Hashable | None = None,
) -> list[OverlayItem]:
    """Overlay items for translated regions.

    ``regions``: a still's ``TranslatedRegion`` list (its key is its index) or the live view's
    shown regions (their key is their ``id``; their ``alpha`` fades them). ``highlight``: the
    key of the region to outline, or None.
    """
    items = []
    for index, r in enumerate(regions):
        if isinstance(r, TranslatedRegion):
            polygon, text, key, alpha = r.region.polygon, r.region.text, index, 1.0
        else:
            polygon, text, key, alpha = r.polygon, r.text, r.id, float(r.alpha)
        translated = bool(r.translation) and r.translation != text
        lit = highlight is not None and key == highlight
        if translated or lit:
            shown = r.translation if translated else text
            items.append(OverlayItem(polygon, shown, alpha, lit, language=target))
    return items
