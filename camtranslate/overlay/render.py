"""The overlay renderer: erase each source text, draw its translation in place.

Cost model (why it is built this way): fitting a text (font choice, line breaks, size search)
and rasterising it is the expensive part, and in the live view the same translations are drawn
every display frame. So the colourless glyph patch is cached (LRU keyed by text, face, quantised
box size, outline) and each frame only samples colours, fills the box and warps the cached patch
onto the current polygon, all inside a small region of interest per text.

Colours are sampled on the frame being drawn, for each item (a block of lines is one item), and
never carried over from an earlier frame: a remembered fill went stale when the light changed
slowly (a white board's patch stayed mid-grey after the darker stretch of a live clip).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from camtranslate.errors import CamtranslateError
from camtranslate.overlay.erase import (
    DARK_TEXT,
    LIGHT_TEXT,
    Background,
    Color,
    as_color,
    contrast_color,
    contrast_ratio,
    estimate_background,
    inpaint_region,
    relative_luminance,
    text_color,
    text_pixels,
)
from camtranslate.overlay.fonts import FontFace, FontLibrary
from camtranslate.overlay.layout import (
    fit_text,
    paragraph_groups,
    quad_size,
    quantize,
    region_quad,
    text_quads,
)
from camtranslate.overlay.patch import TextPatch, draw_patch
from camtranslate.types import Polygon

ERASE_MODES = ("fill", "inpaint", "none")
DEFAULT_HIGHLIGHT: Color = (0, 190, 255)  # amber (BGR): visible on most photos and on white
MAX_PATCH_SIDE = 2048
MIN_TEXT_CONTRAST = 3.0
"""WCAG AA for large text: keep the source text colour only when it reads at least this well."""


@dataclass(frozen=True)
class OverlayItem:
    """One translated text to draw.

    ``polygon``: full-frame pixels, clockwise from the top-left of the text (any winding is
    accepted; more than 4 points are reduced to their minimum-area rectangle).
    ``alpha``: 0..1 opacity of the whole item (erase, text, highlight): the live view's fade.
    ``highlight``: outline the region (the GUI's selected row).
    ``background`` / ``foreground``: BGR colours to use instead of sampling this frame (from
    ``OverlayRenderer.sample_colors``, or a fixed style); None samples them on the frame drawn.
    ``language``: the translation's language code; picks the regional CJK face (zh/zh-tw/ja/ko).
    """

    polygon: Polygon
    text: str
    alpha: float = 1.0
    highlight: bool = False
    background: Color | None = None
    foreground: Color | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RegionColors:
    """Colours sampled for one region: what ``OverlayItem.background/foreground`` take."""

    background: Color
    foreground: Color
    source_text: Color | None
    """The source text's colour, when one stood out from the background."""


@dataclass
class _Region:
    item: OverlayItem
    quad: np.ndarray  # full-frame float32 (4, 2)
    height: float  # across the text, pixels
    x0: int
    y0: int
    x1: int
    y1: int
    grow: int  # erase dilation, pixels
    ring: int  # ring width for background sampling, pixels
    thick: int  # highlight outline width, pixels
    alpha: float
    text_quad: np.ndarray = field(default_factory=lambda: np.zeros((4, 2), np.float32))
    """Where the translation is drawn (set by ``render`` once all regions are known)."""
    fg: Color = (0, 0, 0)
    bg: Color = (255, 255, 255)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    size: int = 0
    capacity: int = 0


class OverlayRenderer:
    """Draws translations over an image. ``render`` never modifies its input.

    ``font_path``: a TrueType/OpenType file for Latin text (default: bundled Noto Sans); texts it
    cannot draw (CJK, Arabic...) fall back to system fonts chosen by glyph coverage.
    ``erase``: "fill" (fast: live view), "inpaint" (keeps texture: stills) or "none".
    ``weight``: "bold" (default: reads best over photos) or "regular"; picks the bundled face
    and the weight asked of fallback fonts.
    ``margin``: free space around the text, as a fraction of the box's short side.
    ``outline``: thin halo around glyphs; None = on for "inpaint" and "none", off for "fill".
    ``match_text_color``: reuse the source text's colour when it contrasts enough with the fill.
    """

    def __init__(
        self,
        font_path: Path | str | None = None,
        erase: str = "fill",
        *,
        weight: str = "bold",
        outline: bool | None = None,
        match_text_color: bool = True,
        highlight_color: Color = DEFAULT_HIGHLIGHT,
        margin: float = 0.12,
        cache_size: int = 512,
        fallback_fonts: Sequence[Path | str] = (),
        use_system_fonts: bool = True,
    ) -> None:
        if erase not in ERASE_MODES:
            raise CamtranslateError(
                f"unknown erase mode {erase!r}; use one of: {', '.join(ERASE_MODES)}"
            )
        self.erase = erase
        self.fonts = FontLibrary(
            font_path, weight=weight, fallbacks=fallback_fonts, use_system_fonts=use_system_fonts
        )
        self.outline = (erase != "fill") if outline is None else outline
        self.match_text_color = match_text_color
        self.highlight_color = as_color(highlight_color)
        self.margin = margin
        self._cache: OrderedDict[tuple, TextPatch] = OrderedDict()
        self._capacity = max(1, cache_size)
        self._lock = threading.Lock()
        self._render_lock = threading.Lock()  # FreeType faces are not thread-safe
        self._stats = CacheStats(capacity=self._capacity)

    # ----------------------------------------------------------------------------- public
    def render(self, image: np.ndarray, items: Sequence[OverlayItem]) -> np.ndarray:
        """A copy of ``image`` (BGR uint8) with every item erased and redrawn translated."""
        image = _as_bgr(image)
        out = image.copy()
        regions = [r for r in (self._region(it, image.shape) for it in items) if r is not None]
        if not regions:
            return out
        occupied = None
        if any(r.item.background is None for r in regions):
            occupied = np.zeros(image.shape[:2], np.uint8)
            for r in regions:
                cv2.fillPoly(occupied, [_fixed(r.quad)], 255, cv2.LINE_8, 4)
        for r in regions:
            if r.item.text.strip():
                self._erase(image, out, r, occupied)
        for r, tq in zip(regions, text_quads([r.quad for r in regions]), strict=True):
            r.text_quad = tq
        texts = [r for r in regions if r.item.text.strip()]
        patches = {id(r): self._text_patch(r) for r in texts}
        self._share_paragraph_sizes(texts, patches)
        for r in texts:
            self._draw_text(out, r, patches[id(r)])
        for r in regions:
            if r.item.highlight:
                self._draw_highlight(out, r)
        _fade(image, out, regions)
        return out

    def erase_only(self, image: np.ndarray, polygons: Sequence[Polygon]) -> np.ndarray:
        """A copy of ``image`` with the text in ``polygons`` erased and nothing drawn: shows
        what the erase stage alone does (debug views, tests)."""
        image = _as_bgr(image)
        out = image.copy()
        regions = [
            r for r in (self._region(OverlayItem(p, "x"), image.shape) for p in polygons) if r
        ]
        occupied = np.zeros(image.shape[:2], np.uint8)
        for r in regions:
            cv2.fillPoly(occupied, [_fixed(r.quad)], 255, cv2.LINE_8, 4)
        for r in regions:
            self._erase(image, out, r, occupied)
        return out

    def sample_colors(self, image: np.ndarray, polygon: Polygon) -> RegionColors | None:
        """Background and text colours for ``polygon`` in ``image`` (None if degenerate/outside).

        Meant for the live view: call once on the frame the OCR read, then pass the colours in
        ``OverlayItem`` for every display frame.
        """
        image = _as_bgr(image)
        r = self._region(OverlayItem(polygon, "x"), image.shape)
        if r is None:
            return None
        roi = image[r.y0 : r.y1, r.x0 : r.x1]
        inside, _grown, ring = self._masks(r, roi.shape, None)
        assert ring is not None  # asked for (ring=True)
        bg = estimate_background(roi, ring)
        glyphs = text_pixels(roi, inside, bg)
        src = text_color(roi, glyphs, bg) if glyphs is not None else None
        return RegionColors(bg.median, self._foreground(bg.median, src), src)

    def cache_info(self) -> CacheStats:
        with self._lock:
            return CacheStats(
                self._stats.hits, self._stats.misses, len(self._cache), self._capacity
            )

    def clear_cache(self) -> None:
        """Forget the cached glyph patches."""
        with self._lock:
            self._cache.clear()
            self._stats = CacheStats(capacity=self._capacity)

    # ------------------------------------------------------------------------- internals
    def _region(self, item: OverlayItem, shape: tuple[int, ...]) -> _Region | None:
        try:
            alpha = float(item.alpha)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(alpha) or alpha <= 0.0:
            return None
        if not isinstance(item.text, str):
            return None
        quad = region_quad(item.polygon)
        if quad is None:
            return None
        _w, h = quad_size(quad)
        grow = int(min(6, max(1, round(0.07 * h))))
        ring = int(min(12, max(2, round(0.22 * h))))
        thick = min(6, max(2, round(min(_w, h) / 12)))  # highlight outline
        pad = grow + max(ring, thick + 2) + 3
        height, width = shape[:2]
        x0 = max(0, math.floor(float(quad[:, 0].min())) - pad)
        y0 = max(0, math.floor(float(quad[:, 1].min())) - pad)
        x1 = min(width, math.ceil(float(quad[:, 0].max())) + pad + 1)
        y1 = min(height, math.ceil(float(quad[:, 1].max())) + pad + 1)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return None  # entirely outside the frame
        return _Region(item, quad, h, x0, y0, x1, y1, grow, ring, thick, min(alpha, 1.0))

    def _masks(
        self, r: _Region, shape: tuple[int, ...], occupied: np.ndarray | None, ring: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(inside polygon, grown erase area as uint8, sampling ring as bool) on the ROI."""
        h, w = shape[:2]
        inside = np.zeros((h, w), np.uint8)
        cv2.fillPoly(inside, [_fixed(r.quad - (r.x0, r.y0))], 255, cv2.LINE_8, 4)
        grown = cv2.dilate(inside, _disk(r.grow))
        if not ring:
            return inside > 0, grown, None
        outer = cv2.dilate(grown, _disk(r.ring))
        band = (outer > 0) & (grown == 0)
        if occupied is not None:
            free = band & (occupied[r.y0 : r.y1, r.x0 : r.x1] == 0)
            if free.sum() >= 12:  # ignore neighbouring text boxes unless nothing else is left
                band = free
        # The box's own rim: OCR boxes are padded, so it is mostly background, and it is the
        # surface the text was printed on when the outer ring runs onto something else.
        core = cv2.erode(inside, _disk(min(10, max(1, round(0.12 * r.height)))))
        band |= (inside > 0) & (core == 0)
        return inside > 0, grown, band

    def _erase(
        self, original: np.ndarray, out: np.ndarray, r: _Region, occupied: np.ndarray | None
    ) -> None:
        src = original[r.y0 : r.y1, r.x0 : r.x1]
        dst = out[r.y0 : r.y1, r.x0 : r.x1]
        item = r.item
        inpaint = self.erase == "inpaint"
        want_source = item.foreground is None and self.match_text_color
        need_model = item.background is None or want_source or inpaint
        bg: Background | None = None
        source_color: Color | None = None
        glyphs = None
        inside, grown, ring = self._masks(r, src.shape, occupied, ring=need_model)
        if need_model and ring is not None:
            bg = estimate_background(src, ring)
            if want_source or inpaint:
                # Fill only needs the text colour: every 2nd pixel of a big box tells it as well.
                step = 2 if not inpaint and r.height >= 24 else 1
                glyphs = text_pixels(src, inside, bg, step, loose=inpaint)
                if glyphs is not None and want_source:
                    source_color = text_color(src, glyphs, bg, step)
        fill_bg = Background.flat(item.background) if item.background is not None else bg
        assert fill_bg is not None
        mask = under = None
        if inpaint:
            under = inpaint_region(dst.copy(), glyphs, min(8, max(1, round(0.08 * r.height))))
            mask = grown
            r.bg = (
                item.background
                if item.background is not None
                else as_color(np.median(under[inside], axis=0))
            )
        else:
            r.bg = fill_bg.median
            if self.erase == "fill":
                mask = cv2.blur(grown, (3, 3))  # soft edge: no hard seam against the photo
                under = fill_bg.base if fill_bg.is_flat else fill_bg.image(*dst.shape[:2])
        r.fg = (
            item.foreground if item.foreground is not None else self._foreground(r.bg, source_color)
        )
        if mask is not None and under is not None:
            _blend(dst, under, mask)

    def _foreground(self, bg: Color, source: Color | None) -> Color:
        """The source text's colour if it reads well; else the same hue and polarity (dark text
        stays dark) pushed towards black/white until it does; else plain dark or light."""
        if not self.match_text_color or source is None:
            return contrast_color(bg)
        if contrast_ratio(source, bg) >= MIN_TEXT_CONTRAST:
            return source
        darker = relative_luminance(source) < relative_luminance(bg)
        extreme = np.asarray(DARK_TEXT if darker else LIGHT_TEXT, np.float64)
        src = np.asarray(source, np.float64)
        for t in (0.25, 0.5, 0.75, 1.0):
            mixed = as_color(src + (extreme - src) * t)
            if contrast_ratio(mixed, bg) >= MIN_TEXT_CONTRAST:
                return mixed
        return contrast_color(bg)

    def _text_patch(
        self, r: _Region, max_size: int | None = None
    ) -> tuple[TextPatch, int, int] | None:
        """The cached glyph patch for a region's text quad, with its (quantised) size."""
        tw, th = quad_size(r.text_quad)
        if tw < 1 or th < 1:
            return None
        # A box far larger than the frame (a bad polygon) must not allocate a giant patch:
        # past MAX_PATCH_SIDE the patch is drawn smaller and the warp scales it up.
        shrink = min(1.0, MAX_PATCH_SIDE / max(tw, th))
        pw, ph = quantize(tw * shrink), quantize(th * shrink)
        text = " ".join(r.item.text.split())
        face = self.fonts.face_for(text, r.item.language)
        return self._patch(text, face, pw, ph, max_size), pw, ph

    def _share_paragraph_sizes(
        self, regions: Sequence[_Region], patches: dict[int, tuple[TextPatch, int, int] | None]
    ) -> None:
        """Lines of one paragraph get one font size: the smallest any of them needs, except that
        a line needing much less than the others (a long translation) keeps its own smaller size
        instead of shrinking the whole paragraph."""
        usable = [r for r in regions if patches[id(r)] is not None]
        for group in paragraph_groups([r.text_quad for r in usable]):
            members = [usable[i] for i in group]
            sizes = [patches[id(m)][0].layout.size for m in members]  # type: ignore[index]
            target = max(min(sizes), round(0.9 * float(np.median(sizes))))
            for m, size in zip(members, sizes, strict=True):
                if size > target:
                    patches[id(m)] = self._text_patch(m, target)

    def _patch(
        self, text: str, face: FontFace, w: int, h: int, max_size: int | None = None
    ) -> TextPatch:
        key = (text, face, w, h, max_size, self.outline, self.margin)
        with self._lock:
            patch = self._cache.get(key)
            if patch is not None:
                self._cache.move_to_end(key)
                self._stats.hits += 1
                return patch
            self._stats.misses += 1
        shaping = self.fonts.needs_shaping(text)

        def font_at(size: int):
            return self.fonts.font(face, size, shaping)

        with self._render_lock:
            layout = fit_text(text, w, h, font_at, margin=self.margin, max_size=max_size)
            outline_px = max(1, round(layout.size / 14)) if self.outline else 0
            patch = draw_patch(layout, w, h, font_at, outline_px)
        with self._lock:
            self._cache[key] = patch
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        return patch

    def _draw_text(
        self, out: np.ndarray, r: _Region, prepared: tuple[TextPatch, int, int] | None
    ) -> None:
        if prepared is None:
            return
        patch, pw, ph = prepared
        src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
        dst_quad = (r.text_quad - (r.x0, r.y0)).astype(np.float32)
        m = cv2.getPerspectiveTransform(src, dst_quad)
        roi = out[r.y0 : r.y1, r.x0 : r.x1]
        size = (roi.shape[1], roi.shape[0])
        if patch.outline is not None:
            halo = cv2.warpPerspective(patch.outline, m, size, flags=cv2.INTER_LINEAR)
            halo_color = r.bg if contrast_ratio(r.bg, r.fg) >= 2.0 else contrast_color(r.fg)
            _blend(roi, np.asarray(halo_color, np.float32), halo)
        glyphs = cv2.warpPerspective(patch.fill, m, size, flags=cv2.INTER_LINEAR)
        _blend(roi, np.asarray(r.fg, np.float32), glyphs)

    def _draw_highlight(self, out: np.ndarray, r: _Region) -> None:
        """An outline just outside the erased area, so it frames the text instead of covering
        it: each edge moves outwards along the region's own axes."""
        q = r.quad
        u = q[1] - q[0]
        v = q[3] - q[0]
        u = u / max(float(np.linalg.norm(u)), 1e-6)
        v = v / max(float(np.linalg.norm(v)), 1e-6)
        d = r.grow + 1 + r.thick / 2.0
        quad = np.array(
            [q[0] - d * (u + v), q[1] + d * (u - v), q[2] + d * (u + v), q[3] - d * (u - v)],
            np.float32,
        )
        cv2.polylines(out, [_fixed(quad)], True, self.highlight_color, r.thick, cv2.LINE_AA, 4)


def _as_bgr(image: np.ndarray) -> np.ndarray:
    """Validate the frame; grey and BGRA frames are converted rather than rejected."""
    if not isinstance(image, np.ndarray) or image.size == 0:
        raise CamtranslateError("overlay needs a non-empty image array")
    if image.dtype != np.uint8:
        raise CamtranslateError(f"overlay needs an 8-bit image, got {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 1:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim != 3 or image.shape[2] != 3:
        raise CamtranslateError(f"overlay needs a BGR image, got shape {image.shape}")
    return image


def _fade(original: np.ndarray, out: np.ndarray, regions: Sequence[_Region]) -> None:
    """Blend items with alpha < 1 back towards the original, as whole finished items.

    Everything was drawn opaque; fading afterwards (rather than fading the erase and the text
    separately) gives exactly original·(1-α) + overlay·α. Where regions overlap the most opaque
    one wins.
    """
    faded = [r for r in regions if r.alpha < 1.0]
    if not faded:
        return
    x0, y0 = min(r.x0 for r in faded), min(r.y0 for r in faded)
    x1, y1 = max(r.x1 for r in faded), max(r.y1 for r in faded)
    amap = np.zeros((y1 - y0, x1 - x0), np.float32)
    for r in regions:
        ax0, ay0, ax1, ay1 = max(r.x0, x0), max(r.y0, y0), min(r.x1, x1), min(r.y1, y1)
        if ax0 < ax1 and ay0 < ay1:
            sub = amap[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0]
            np.maximum(sub, r.alpha, out=sub)
    src = np.ascontiguousarray(original[y0:y1, x0:x1])
    dst = out[y0:y1, x0:x1]
    # Pixels outside every region hold the original in both, so blending them is harmless.
    dst[...] = cv2.blendLinear(np.ascontiguousarray(dst), src, amap, 1.0 - amap)


def _fixed(quad: np.ndarray) -> np.ndarray:
    """Corner coordinates in 1/16 pixel fixed point (``shift=4``) for sub-pixel polygons."""
    return np.round(np.asarray(quad, np.float64) * 16).astype(np.int32).reshape(-1, 1, 2)


_DISKS: dict[int, np.ndarray] = {}


def _disk(radius: int) -> np.ndarray:
    k = _DISKS.get(radius)
    if k is None:
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        _DISKS[radius] = k
    return k


def _blend(dst: np.ndarray, color: np.ndarray, mask: np.ndarray) -> None:
    """dst = dst·(1-a) + color·a with a = mask/255, in place, only where mask > 0.

    ``color`` is one BGR colour or an image the size of ``dst``. cv2.blendLinear on uint8 is
    about 3x faster than the same arithmetic in numpy float32, and this runs twice per region
    per display frame.
    """
    x0, y0, w, h = cv2.boundingRect(mask)
    if w == 0 or h == 0:
        return
    sub = dst[y0 : y0 + h, x0 : x0 + w]
    if color.ndim == 3:
        over = color[y0 : y0 + h, x0 : x0 + w]
        if over.dtype != np.uint8:
            over = np.clip(over + 0.5, 0, 255).astype(np.uint8)
    else:
        over = np.empty_like(sub)
        over[:] = np.clip(np.round(color), 0, 255).astype(np.uint8)
    a = mask[y0 : y0 + h, x0 : x0 + w].astype(np.float32) * np.float32(1.0 / 255.0)
    sub[...] = cv2.blendLinear(np.ascontiguousarray(over), np.ascontiguousarray(sub), a, 1.0 - a)
