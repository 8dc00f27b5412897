"""Drawing a laid-out text into an upright coverage mask (the patch later warped onto the region).

Patches are colourless 8-bit masks: colours are applied at composite time, so the same cached
patch serves every frame even when the sampled background colour drifts a little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from camtranslate.overlay.layout import LINE_PITCH, Metrics, TextLayout

FontAt = Callable[[int], ImageFont.FreeTypeFont]


@dataclass(frozen=True, slots=True)
class TextPatch:
    """Coverage masks (uint8, 0..255) of the glyphs and of their outline, ``height x width``."""

    fill: np.ndarray
    outline: np.ndarray | None
    layout: TextLayout


def draw_patch(
    layout: TextLayout, width: int, height: int, font_at: FontAt, outline_px: int = 0
) -> TextPatch:
    """Render ``layout`` centred in a ``width x height`` mask (and its outline mask)."""
    width, height = max(1, int(width)), max(1, int(height))
    if layout.orientation == "rotated":
        turned = draw_patch(
            TextLayout(layout.lines, layout.size), height, width, font_at, outline_px
        )
        halo = turned.outline
        return TextPatch(
            np.ascontiguousarray(np.rot90(turned.fill, k=-1)),
            None if halo is None else np.ascontiguousarray(np.rot90(halo, k=-1)),
            layout,
        )
    fill = Image.new("L", (width, height), 0)
    outline = Image.new("L", (width, height), 0) if outline_px > 0 else None
    if layout.lines:
        font = font_at(layout.size)
        if layout.orientation == "vertical":
            runs = _vertical_positions(layout, width, height)
        else:
            runs = _horizontal_positions(layout, width, height, font)
        targets = [(ImageDraw.Draw(fill), 0)]
        if outline is not None:
            targets.append((ImageDraw.Draw(outline), outline_px))
        for draw, stroke in targets:
            for (x, y), text, anchor in runs:
                draw.text(
                    (x, y),
                    text,
                    font=font,
                    fill=255,
                    anchor=anchor,
                    stroke_width=stroke,
                    stroke_fill=255,
                )
    return TextPatch(np.asarray(fill), None if outline is None else np.asarray(outline), layout)


Run = tuple[tuple[float, float], str, str]


def _horizontal_positions(
    layout: TextLayout, width: int, height: int, font: ImageFont.FreeTypeFont
) -> list[Run]:
    metrics = Metrics(font)
    _, block_h, top = metrics.block(layout.lines)
    baseline = (height - block_h) / 2.0 + top
    runs = []
    for line in layout.lines:
        line_w = metrics.line_extent(line)[0]
        runs.append((((width - line_w) / 2.0, baseline), line, "ls"))
        baseline += LINE_PITCH * layout.size
    return runs


def _vertical_positions(layout: TextLayout, width: int, height: int) -> list[Run]:
    """Columns right to left, characters top to bottom, each centred in a 1 em cell."""
    size = layout.size
    cols = len(layout.lines)
    per_col = max(len(c) for c in layout.lines)
    block_w = cols * 1.1 * size - 0.1 * size
    x_right = (width + block_w) / 2.0 - size / 2.0
    y_top = (height - per_col * size) / 2.0 + size / 2.0
    runs = []
    for c, column in enumerate(layout.lines):
        x = x_right - c * 1.1 * size
        for r, ch in enumerate(column):
            runs.append(((x, y_top + r * size), ch, "mm"))
    return runs
