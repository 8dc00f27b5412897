"""Fonts for the overlay: a bundled Latin face plus system fonts chosen by glyph coverage.

Why coverage and not language: a translation into Portuguese needs "ã"/"ç", one into Chinese
needs Han glyphs, and a Latin-only font draws tofu boxes for the latter. We read each font's
``cmap`` table (a small pure-Python parser: no fontTools dependency) and pick, per text, the first
font that has every character. System fonts are found with fontconfig (``fc-match``, run with a
fixed argument list) where it exists, and from a list of well-known paths on Windows and macOS.
"""

from __future__ import annotations

import bisect
import logging
import os
import struct
import subprocess
import sys
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from camtranslate.errors import CamtranslateError
from camtranslate.paths import resources_dir

log = logging.getLogger(__name__)

BUNDLED_FONTS = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf"}
"""Files under ``resources/fonts`` (Noto Sans 2.004, SIL OFL 1.1: Latin, Greek, Cyrillic)."""

_FC_TIMEOUT_S = 5.0


class FontError(CamtranslateError):
    """A font file is missing or cannot be read."""


@dataclass(frozen=True, slots=True)
class FontFace:
    """One face in a font file (``index`` selects the face inside a .ttc collection)."""

    path: Path
    index: int = 0

    def __str__(self) -> str:
        return f"{self.path}#{self.index}" if self.index else str(self.path)


class Coverage:
    """The set of code points a face maps to a real glyph, as sorted inclusive ranges."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [r[0] for r in merged]
        self._ends = [r[1] for r in merged]

    def __contains__(self, cp: object) -> bool:
        if not isinstance(cp, int):
            return False
        i = bisect.bisect_right(self._starts, cp) - 1
        return i >= 0 and cp <= self._ends[i]

    def __len__(self) -> int:
        return sum(e - s + 1 for s, e in zip(self._starts, self._ends, strict=True))

    def missing(self, codepoints: Iterable[int]) -> set[int]:
        return {cp for cp in codepoints if cp not in self}


def _cmap_ranges(data: bytes, offset: int) -> list[tuple[int, int]]:
    """Ranges of code points with a non-zero glyph in the best Unicode cmap subtable."""
    _version, count = struct.unpack_from(">HH", data, offset)
    subtables = {}
    for i in range(count):
        pid, eid, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * i)
        subtables[(pid, eid)] = offset + sub
    # Full-repertoire tables first (format 12), then BMP ones.
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
        if key not in subtables:
            continue
        at = subtables[key]
        (fmt,) = struct.unpack_from(">H", data, at)
        if fmt == 12:
            (ngroups,) = struct.unpack_from(">I", data, at + 12)
            ranges = []
            for g in range(ngroups):
                start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * g)
                if glyph == 0:  # a group mapping to .notdef: only its first char is notdef
                    start += 1
                if start <= end:
                    ranges.append((start, end))
            return ranges
        if fmt == 4:
            return _cmap4_ranges(data, at)
    return []


def _cmap4_ranges(data: bytes, at: int) -> list[tuple[int, int]]:
    (seg_x2,) = struct.unpack_from(">H", data, at + 6)
    nseg = seg_x2 // 2
    ends = struct.unpack_from(f">{nseg}H", data, at + 14)
    starts = struct.unpack_from(f">{nseg}H", data, at + 16 + seg_x2)
    deltas = struct.unpack_from(f">{nseg}h", data, at + 16 + 2 * seg_x2)
    ro_at = at + 16 + 3 * seg_x2
    range_offsets = struct.unpack_from(f">{nseg}H", data, ro_at)
    ranges: list[tuple[int, int]] = []
    for i in range(nseg):
        start, end = starts[i], ends[i]
        if start == 0xFFFF:
            continue
        if range_offsets[i] == 0:
            # glyph = (c + delta) & 0xFFFF; exactly one c can land on glyph 0.
            zero = (-deltas[i]) & 0xFFFF
            if start <= zero <= end:
                if start < zero:
                    ranges.append((start, zero - 1))
                if zero < end:
                    ranges.append((zero + 1, end))
            else:
                ranges.append((start, end))
            continue
        run_start = None
        for c in range(start, end + 1):
            addr = ro_at + 2 * i + range_offsets[i] + 2 * (c - start)
            (glyph,) = struct.unpack_from(">H", data, addr) if addr + 2 <= len(data) else (0,)
            if glyph:
                glyph = (glyph + deltas[i]) & 0xFFFF
            if glyph and run_start is None:
                run_start = c
            elif not glyph and run_start is not None:
                ranges.append((run_start, c - 1))
                run_start = None
        if run_start is not None:
            ranges.append((run_start, end))
    return ranges


@lru_cache(maxsize=64)
def font_coverage(face: FontFace) -> Coverage:
    """Code points ``face`` can draw. Reads only the table directory and the cmap table."""
    try:
        with open(face.path, "rb") as fh:
            head = fh.read(12 + 4 * 64)
            if head[:4] == b"ttcf":
                (count,) = struct.unpack_from(">I", head, 8)
                if 0 <= face.index < min(count, 64):
                    (base,) = struct.unpack_from(">I", head, 12 + 4 * face.index)
                else:
                    raise FontError(f"{face.path.name}: no face {face.index} in the collection")
            else:
                base = 0
            fh.seek(base)
            directory = fh.read(12 + 16 * 512)
            (num_tables,) = struct.unpack_from(">H", directory, 4)
            for i in range(min(num_tables, 512)):
                tag, _c, offset, length = struct.unpack_from(">4sIII", directory, 12 + 16 * i)
                if tag == b"cmap":
                    fh.seek(offset)
                    cmap = fh.read(length)
                    return Coverage(_cmap_ranges(cmap, 0))
    except (OSError, struct.error) as exc:
        raise FontError(f"cannot read font {face.path}: {exc}") from exc
    raise FontError(f"{face.path.name} has no character map (not a usable font)")


def needed_codepoints(text: str) -> set[int]:
    """Characters that must have glyphs: not spaces, controls or format marks."""
    return {
        ord(ch) for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in ("C", "Z")
    }


def bundled_font_path(weight: str = "regular") -> Path:
    """The Noto Sans file shipped in ``resources/fonts``."""
    name = BUNDLED_FONTS.get(weight)
    if name is None:
        raise FontError(f"unknown font weight {weight!r}; use one of {sorted(BUNDLED_FONTS)}")
    return resources_dir() / "fonts" / name


# Han/kana/hangul need a region-specific CJK face; the lang hint picks it in fontconfig.
def _script_lang(codepoints: Iterable[int]) -> str | None:
    has_han = False
    for cp in codepoints:
        if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF:
            return "ja"
        if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
            return "ko"
        if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF:
            has_han = True
        for lo, hi, code in _SCRIPT_LANGS:
            if lo <= cp <= hi:
                return code
    return "zh-cn" if has_han else None


_SCRIPT_LANGS = (
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0980, 0x09FF, "bn"),
    (0x0E00, 0x0E7F, "th"),
)


_LANG_ALIASES = {"zh": "zh-cn", "zh-hans": "zh-cn", "zh-hant": "zh-tw", "jp": "ja"}


def _fc_match(codepoints: Sequence[int], lang: str | None, bold: bool) -> list[FontFace]:
    """Ask fontconfig for the best sans faces covering ``codepoints`` (sorted best first)."""
    pattern = "sans-serif"
    if lang:
        pattern += f":lang={lang}"
    if bold:
        pattern += ":weight=bold"
    if codepoints:
        pattern += ":charset=" + " ".join(f"{cp:x}" for cp in sorted(codepoints)[:64])
    args = ["fc-match", "--sort", "--format=%{file}\t%{index}\n", pattern]
    try:
        proc = subprocess.run(
            args, capture_output=True, text=True, timeout=_FC_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in proc.stdout.splitlines()[:12]:
        path, _, index = line.partition("\t")
        if path and Path(path).suffix.lower() in (".ttf", ".otf", ".ttc", ".otc"):
            faces.append(FontFace(Path(path), int(index) if index.isdigit() else 0))
    return faces


def _known_font_paths() -> list[FontFace]:
    """Common fonts with wide coverage on systems without fontconfig (and Linux as a backup)."""
    names: list[Path] = []
    if sys.platform.startswith("win"):
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        names += [
            fonts / n
            for n in (
                "segoeui.ttf",
                "msyh.ttc",
                "YuGothM.ttc",
                "meiryo.ttc",
                "malgun.ttf",
                "msgothic.ttc",
                "simsun.ttc",
                "arialuni.ttf",
                "Nirmala.ttf",
                "tahoma.ttf",
                "arial.ttf",
            )
        ]
    elif sys.platform == "darwin":
        for d in (
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
            Path("/Library/Fonts"),
        ):
            names += [
                d / n
                for n in (
                    "Helvetica.ttc",
                    "PingFang.ttc",
                    "Hiragino Sans GB.ttc",
                    "ヒラギノ角ゴシック W3.ttc",
                    "AppleSDGothicNeo.ttc",
                    "Arial Unicode.ttf",
                    "Arial.ttf",
                )
            ]
    names += [
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
        Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    ]
    return [FontFace(p) for p in names if p.is_file()]


def _needs_shaping(codepoints: Iterable[int]) -> bool:
    """Scripts whose glyphs change with context (Arabic, Hebrew, Indic, Thai...): use Raqm."""
    return any(
        0x0590 <= cp <= 0x0DFF
        or 0x0E00 <= cp <= 0x0FFF
        or 0x1000 <= cp <= 0x109F
        or 0xFB1D <= cp <= 0xFEFF
        for cp in codepoints
    )


class FontLibrary:
    """Chooses a face per text and hands out cached ``FreeTypeFont`` objects per size.

    Thread-safe: the live view renders from one thread while the pipeline renders from another.
    """

    def __init__(
        self,
        font_path: Path | str | None = None,
        *,
        weight: str = "regular",
        fallbacks: Sequence[Path | str] = (),
        use_system_fonts: bool = True,
    ) -> None:
        primary = Path(font_path) if font_path is not None else bundled_font_path(weight)
        face = FontFace(primary)
        if font_path is None and not primary.is_file() and use_system_fonts:
            # A broken install or bundle lost resources/fonts: any system sans beats failing.
            latin = [f for f in _fc_match([0x41, 0xE7], None, weight == "bold") if f.path.is_file()]
            if latin:
                log.warning("bundled font %s is missing; using %s", primary, latin[0])
                face = latin[0]
        if not face.path.is_file():
            raise FontError(f"font file not found: {face.path}")
        self.primary = face
        font_coverage(self.primary)  # fail now, with a clear message, on a non-font file
        self.fallbacks = [FontFace(Path(p)) for p in fallbacks]
        self.bold = weight == "bold"
        self.use_system_fonts = use_system_fonts
        self._lock = threading.RLock()
        self._choice: OrderedDict[tuple[str, str | None], FontFace] = OrderedDict()
        self._fonts: OrderedDict[tuple[FontFace, int, bool], ImageFont.FreeTypeFont] = OrderedDict()
        self._system: dict[tuple[frozenset[int], str | None], list[FontFace]] = {}
        self._warned: set[int] = set()

    def face_for(self, text: str, lang: str | None = None) -> FontFace:
        """The first face that can draw every character of ``text`` (the best one otherwise)."""
        lang = _LANG_ALIASES.get(lang.lower(), lang.lower()) if lang else None
        key = (text, lang)
        with self._lock:
            face = self._choice.get(key)
            if face is not None:
                self._choice.move_to_end(key)
                return face
            face = self._choose(needed_codepoints(text), lang)
            self._choice[key] = face
            if len(self._choice) > 4096:
                self._choice.popitem(last=False)
            return face

    def _choose(self, needed: set[int], lang: str | None) -> FontFace:
        missing = font_coverage(self.primary).missing(needed)
        if not missing:
            return self.primary
        best, best_missing = self.primary, missing
        for face in self._candidates(missing, lang):
            try:
                face_missing = font_coverage(face).missing(needed)
            except FontError:
                continue
            if not face_missing:
                return face
            if len(face_missing) < len(best_missing):
                best, best_missing = face, face_missing
        new = best_missing - self._warned
        if new:
            self._warned |= new
            log.warning(
                "no installed font has glyphs for %s; install fonts-noto-core/fonts-noto-cjk",
                "".join(chr(c) for c in sorted(new)[:20]),
            )
        return best

    def _candidates(self, missing: set[int], lang: str | None) -> Iterable[FontFace]:
        yield from self.fallbacks
        if not self.use_system_fonts:
            return
        hint = _script_lang(missing)
        if hint and lang and lang.split("-")[0] == hint.split("-")[0]:
            hint = lang  # "zh-tw" picks the Traditional Chinese face
        key = (frozenset(missing), hint)
        found = self._system.get(key)
        if found is None:
            found = _fc_match(sorted(missing), hint, self.bold) + _known_font_paths()
            self._system[key] = found
        yield from found

    def font(self, face: FontFace, size: int, shaping: bool = False) -> ImageFont.FreeTypeFont:
        """A loaded font at ``size`` pixels (LRU-cached: loading parses the file)."""
        size = max(1, int(size))
        engine_raqm = bool(shaping and features.check("raqm"))
        key = (face, size, engine_raqm)
        with self._lock:
            font = self._fonts.get(key)
            if font is not None:
                self._fonts.move_to_end(key)
                return font
            engine = ImageFont.Layout.RAQM if engine_raqm else ImageFont.Layout.BASIC
            try:
                font = ImageFont.truetype(
                    str(face.path), size, index=face.index, layout_engine=engine
                )
            except OSError as exc:
                raise FontError(f"cannot load font {face}: {exc}") from exc
            self._fonts[key] = font
            if len(self._fonts) > 256:
                self._fonts.popitem(last=False)
            return font

    @staticmethod
    def needs_shaping(text: str) -> bool:
        return _needs_shaping(needed_codepoints(text))
