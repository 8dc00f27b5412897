"""The OCR engine protocol and the post-processing every backend shares.

Backends differ in how they find and read text; what they hand to the pipeline must not differ:
clockwise quadrilaterals in full-frame pixels, confidences in 0..1, no empty or low-confidence
results, reading order. Keeping that here means a backend cannot drift from the contract.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from camtranslate.errors import ImageDecodeError
from camtranslate.types import TextRegion, as_polygon


@runtime_checkable
class OcrEngine(Protocol):
    """Finds and reads text in a BGR uint8 frame of any size."""

    name: str

    def read(self, image: np.ndarray) -> list[TextRegion]: ...

    def warmup(self) -> None: ...


def check_image(image: object) -> np.ndarray:
    """Reject what no backend can read with a one-line message instead of a deep traceback."""
    if not isinstance(image, np.ndarray):
        raise ImageDecodeError(f"OCR needs a numpy image, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ImageDecodeError(f"OCR needs a uint8 image, got dtype {image.dtype}")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = np.ascontiguousarray(image[:, :, :3])
    elif image.ndim != 3 or image.shape[2] != 3:
        raise ImageDecodeError(f"OCR needs a BGR image (H, W, 3), got shape {image.shape}")
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ImageDecodeError(f"OCR needs an image of at least 2x2 pixels, got {image.shape}")
    return np.ascontiguousarray(image)


def clockwise_quad(points: object, width: int, height: int) -> tuple[tuple[float, float], ...]:
    """Four corners, clockwise on screen (y down), starting at the text's top-left; clipped.

    Detectors already emit top-left, top-right, bottom-right, bottom-left; this only repairs a
    reversed winding and keeps every corner inside the frame, so overlay code can trust both.
    """
    arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(arr) != 4:  # rare: polygons from curved text; the rotated bounding box is enough
        import cv2

        box = cv2.boxPoints(cv2.minAreaRect(arr.astype(np.float32)))
        arr = np.asarray(box, dtype=np.float64)
        start = int(np.argmin(arr[:, 0] + arr[:, 1]))
        arr = np.roll(arr, -start, axis=0)
    x, y = arr[:, 0], arr[:, 1]
    signed_area = float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))
    if signed_area < 0:  # counter-clockwise on screen: keep the start corner, reverse the rest
        arr = np.concatenate([arr[:1], arr[:0:-1]])
    arr[:, 0] = np.clip(arr[:, 0], 0, width - 1)
    arr[:, 1] = np.clip(arr[:, 1], 0, height - 1)
    return as_polygon(arr)


def script_language(text: str, languages: Sequence[str] = ()) -> str | None:
    """The language a text's script implies, when the script alone tells it ("ja", "zh", "ko").

    Kana means Japanese; Hangul means Korean; Han characters alone are Chinese unless the user
    asked for Japanese and not Chinese. Latin text says nothing reliable: None (the translation
    stage detects it).
    """
    kana = han = hangul = 0
    for ch in text:
        code = ord(ch)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D:
            kana += 1
        elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            hangul += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            han += 1
    if kana:
        return "ja"
    if hangul:
        return "ko"
    if han:
        langs = {lang.lower().split("-")[0].split("_")[0] for lang in languages}
        if "ja" in langs and "zh" not in langs:
            return "ja"
        return "zh"
    return None


def clean_text(text: str) -> str:
    """NFC-normalise and trim: recognisers may emit decomposed accents or stray spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def make_regions(
    raw: Iterable[tuple[object, str, float]],
    width: int,
    height: int,
    min_confidence: float,
    languages: Sequence[str] = (),
) -> list[TextRegion]:
    """(points, text, score) from a backend → filtered, normalised regions in reading order."""
    regions = []
    for points, text, score in raw:
        text = clean_text(str(text))
        conf = float(min(max(score, 0.0), 1.0))
        if not text or conf < min_confidence:
            continue
        poly = clockwise_quad(points, width, height)
        regions.append(TextRegion(poly, text, conf, script_language(text, languages)))
    return sort_reading_order(regions)


def sort_reading_order(regions: Sequence[TextRegion]) -> list[TextRegion]:
    """Top-to-bottom lines, left-to-right within a line.

    A plain (y, x) sort scrambles words of one slightly tilted line; instead regions whose vertical
    centres lie within half a text height of a line's first region join that line.
    """
    items = []
    for r in regions:
        ys = [p[1] for p in r.polygon]
        xs = [p[0] for p in r.polygon]
        items.append(((min(ys) + max(ys)) / 2, max(max(ys) - min(ys), 1.0), min(xs), r))
    items.sort(key=lambda t: (t[0], t[2]))
    lines: list[list[tuple[float, float, float, TextRegion]]] = []
    for item in items:
        if lines:
            first = lines[-1][0]
            if abs(item[0] - first[0]) <= 0.5 * min(item[1], first[1]):
                lines[-1].append(item)
                continue
        lines.append([item])
    return [t[3] for line in lines for t in sorted(line, key=lambda t: t[2])]


def warmup_engine(engine: OcrEngine) -> None:
    """Run detection and recognition once on a rendered word, so the first real frame does not
    pay for lazy session creation (RapidOCR builds recognition only once text is found)."""
    import cv2

    img = np.full((96, 320, 3), 255, np.uint8)
    cv2.putText(img, "Warm up", (12, 64), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 0), 3)
    engine.read(img)
