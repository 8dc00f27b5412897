"""Plain data that travels between stages: no Qt, no engine objects, only numbers and strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

Point = tuple[float, float]
Polygon = tuple[Point, ...]
"""Corners in full-frame pixel coordinates, clockwise from the top-left corner of the text."""


UNCLEAR_LANGUAGE = "language unclear"
"""How an untranslated reason starts when the language was only weakly guessed."""


def language_label(lang: str, reason: str = "") -> str:
    """The short language tag a list shows: "?" when there is none, "it?" for a weak guess
    (the reason says the language is unclear), else the code."""
    if not lang or lang == "unknown":
        return "?"
    return f"{lang}?" if reason.startswith(UNCLEAR_LANGUAGE) else lang


def as_polygon(points: Any) -> Polygon:
    """Normalise any (N, 2) array-like into an immutable polygon of floats."""
    arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return tuple((float(x), float(y)) for x, y in arr)


@dataclass(frozen=True, slots=True)
class TextRegion:
    """One piece of text found by OCR."""

    polygon: Polygon
    text: str
    confidence: float
    language: str | None = None
    """ISO 639-1 code when the engine knows the script/language ("zh", "ja"), else None."""

    def bbox(self) -> tuple[int, int, int, int]:
        """Axis-aligned bounds (x0, y0, x1, y1), integers, x1/y1 exclusive."""
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return (
            int(np.floor(min(xs))),
            int(np.floor(min(ys))),
            int(np.ceil(max(xs))),
            int(np.ceil(max(ys))),
        )


@dataclass(frozen=True, slots=True)
class TranslatedRegion:
    """A text region together with its translation."""

    region: TextRegion
    translation: str
    source_lang: str
    """The language the text was translated from (detected when the user chose "auto")."""
    cached: bool = False
    untranslated_reason: str = ""
    """Why the source text is shown as is ("unsure (-0.91)", "fr: no model for fr→pt; ..."); ""
    when it was translated or needed no translation."""

    @property
    def untranslated(self) -> bool:
        return bool(self.untranslated_reason)


@dataclass(frozen=True)
class FrameResult:
    """Everything one pass of the pipeline produced for one frame."""

    image: np.ndarray
    """The translated frame, BGR uint8, same size as the input."""
    regions: tuple[TranslatedRegion, ...]
    source_lang: str
    """What was asked for ("auto" or a code)."""
    target_lang: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Per-stage wall time: "ocr", "translate", "overlay" (and others a stage adds)."""

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    def to_json(self, image_name: str) -> dict[str, Any]:
        """The CLI's documented JSON form."""
        return {
            "image": image_name,
            "width": self.width,
            "height": self.height,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "regions": [
                {
                    "polygon": [[round(x, 1), round(y, 1)] for x, y in r.region.polygon],
                    "text": r.region.text,
                    "translation": r.translation,
                    "confidence": round(float(r.region.confidence), 4),
                    "detected_lang": r.source_lang,
                    "untranslated": r.untranslated,
                    **({"reason": r.untranslated_reason} if r.untranslated else {}),
                }
                for r in self.regions
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
