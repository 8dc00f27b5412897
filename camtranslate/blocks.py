"""Merge OCR lines into text blocks, so a sentence broken over lines is translated whole.

OCR engines return one region per printed line. Translating "FASTER THAN" / "YOU CAN SAY"
line by line gives word salad; translating the block gives a sentence. Which lines form one
paragraph is decided by `geometry.paragraph_groups` (stacked, overlapping, similar letter
height, in the lines' own rotated frame) — one rule for both drawing and translating; the
overlay draws by the same rule, and this module never imports the overlay.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from camtranslate.geometry import paragraph_groups, region_quad
from camtranslate.types import TextRegion, as_polygon


def _join_text(lines: Sequence[str]) -> str:
    out = lines[0].strip()
    for nxt in lines[1:]:
        nxt = nxt.strip()
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and nxt[:1].islower():
            out = out[:-1] + nxt  # a word hyphenated across the line break
        else:
            out = f"{out} {nxt}"
    return out


def _block_polygon(quads: Sequence[np.ndarray]) -> tuple:
    """The rectangle enclosing all lines, in the first line's orientation, clockwise from
    its top-left corner."""
    top = quads[0][1] - quads[0][0]
    ux = top / max(float(np.hypot(*top)), 1e-9)
    uy = np.array([-ux[1], ux[0]])
    pts = np.concatenate(quads).astype(np.float64)
    xs, ys = pts @ ux, pts @ uy
    corners = [
        (xs.min(), ys.min()),
        (xs.max(), ys.min()),
        (xs.max(), ys.max()),
        (xs.min(), ys.max()),
    ]
    return as_polygon([x * ux + y * uy for x, y in corners])


def group_lines(regions: Sequence[TextRegion]) -> list[TextRegion]:
    """Merge stacked lines of one paragraph into one region; others pass through unchanged.

    Lines inside a block are read top to bottom; blocks are returned in reading order.
    """
    usable = [(r, q) for r in regions if (q := region_quad(r.polygon)) is not None]
    skipped = [r for r in regions if region_quad(r.polygon) is None]
    quads = [q.astype(np.float32) for _, q in usable]
    groups = paragraph_groups(quads)  # only the groups of two or more lines
    grouped = {k for g in groups for k in g}
    blocks = [*skipped, *(r for k, (r, _) in enumerate(usable) if k not in grouped)]
    for group in groups:
        down = quads[group[0]][3] - quads[group[0]][0]
        ordered = sorted(group, key=lambda k: float(quads[k].mean(axis=0) @ down))
        lines = [usable[k][0] for k in ordered]
        languages = {r.language for r in lines}
        blocks.append(
            TextRegion(
                polygon=_block_polygon([quads[k] for k in ordered]),
                text=_join_text([r.text for r in lines]),
                confidence=float(min(r.confidence for r in lines)),
                language=languages.pop() if len(languages) == 1 else None,
            )
        )
    blocks.sort(key=lambda r: (r.bbox()[1], r.bbox()[0]))
    return blocks
