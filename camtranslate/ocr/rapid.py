"""RapidOCR backend: PP-OCRv6 detection + recognition on ONNX Runtime (the default engine).

The wheel ships PP-OCRv6 small det/rec ONNX files (one multilingual recogniser: Chinese, Japanese,
English and ~45 Latin-script languages with their accents). We point RapidOCR at those files
explicitly: left to itself it resolves model names to modelscope.cn URLs and would try to
download anything it does not find, which an offline tool must never do.

Detection runs on a copy downscaled so its longer side is at most ``max_detect_side`` (detection
cost grows with pixels; recognition still crops from the full-resolution frame), and RapidOCR
maps the boxes back to full-frame coordinates. See docs/results/ocr.md for the measurements.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from camtranslate.errors import OcrUnavailableError
from camtranslate.ocr.base import check_image, make_regions, warmup_engine
from camtranslate.types import TextRegion

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"

# ISO 639-1 codes the shipped PP-OCRv6 recogniser reads (RapidOCR's default_models.yaml lists them
# as "ppocrv6_langs": ch, chinese_cht, japan, en and these Latin-script languages).
LATIN_LANGS = frozenset(
    [
        "af",
        "az",
        "bs",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "en",
        "es",
        "et",
        "eu",
        "fi",
        "fr",
        "ga",
        "gl",
        "hr",
        "hu",
        "id",
        "is",
        "it",
        "ku",
        "la",
        "lb",
        "lt",
        "lv",
        "mi",
        "ms",
        "mt",
        "nl",
        "no",
        "oc",
        "pl",
        "pt",
        "qu",
        "rm",
        "ro",
        "sk",
        "sl",
        "sq",
        "sv",
        "sw",
        "tl",
        "tr",
        "uz",
        "vi",
    ]
)
SUPPORTED_LANGS = LATIN_LANGS | {"zh", "ja"}


def _base_lang(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-")[0]


def check_languages(languages: Sequence[str]) -> None:
    """Fail early, naming the languages the shipped models cannot read and what to use instead."""
    unknown = sorted(
        {code for code in languages if code != "auto" and _base_lang(code) not in SUPPORTED_LANGS}
    )
    if unknown:
        raise OcrUnavailableError(
            f"the rapid OCR engine cannot read {', '.join(unknown)} (it reads Chinese, Japanese "
            "and Latin-script languages); try the easy engine for other scripts"
        )


def model_dir() -> Path:
    """The folder inside the installed rapidocr package that holds the shipped ONNX files."""
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise OcrUnavailableError(
            "the rapid OCR engine needs the rapidocr package: pip install rapidocr"
        )
    return Path(spec.origin).parent / "models"


class RapidOcrEngine:
    """PP-OCRv6 through RapidOCR; one instance serves one worker thread (calls are serialised)."""

    name = "rapid"

    def __init__(
        self,
        languages: Sequence[str] = ("en",),
        *,
        max_detect_side: int = 1280,
        min_confidence: float = 0.5,
        use_angle_cls: bool = False,
    ) -> None:
        check_languages(languages)
        if max_detect_side < 64:
            raise ValueError(f"max_detect_side must be at least 64, got {max_detect_side}")
        self.languages = tuple(languages)
        self.max_detect_side = int(max_detect_side)
        self.min_confidence = float(min_confidence)
        self._lock = threading.Lock()
        self._engine = self._build(use_angle_cls)

    def _build(self, use_angle_cls: bool):
        try:
            import onnxruntime
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise OcrUnavailableError(
                f"the rapid OCR engine needs rapidocr and onnxruntime ({exc.name} is missing): "
                "pip install rapidocr onnxruntime"
            ) from exc
        from camtranslate.privacy import disable_telemetry

        disable_telemetry()  # the env var is set at package import; this also stops ORT events
        folder = model_dir()
        missing = [n for n in (DET_MODEL, REC_MODEL, CLS_MODEL) if not (folder / n).is_file()]
        if missing:
            raise OcrUnavailableError(
                f"rapidocr's bundled models are missing ({', '.join(missing)} in {folder}): "
                "reinstall rapidocr (pip install --force-reinstall rapidocr)"
            )
        use_cuda = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
        params = {
            "Global.log_level": "error",
            "Global.text_score": self.min_confidence,
            "Global.use_cls": use_angle_cls,
            # RapidOCR shrinks the whole frame (recognition crops too) above max_side_len; we only
            # want detection downscaled, so lift that cap and bound detection with limit_side_len.
            "Global.max_side_len": max(8192, self.max_detect_side),
            "Det.model_path": str(folder / DET_MODEL),
            "Det.limit_type": "max",
            "Det.limit_side_len": self.max_detect_side,
            "Cls.model_path": str(folder / CLS_MODEL),
            "Rec.model_path": str(folder / REC_MODEL),
            "EngineConfig.onnxruntime.use_cuda": use_cuda,
        }
        return RapidOCR(params=params)

    def read(self, image: np.ndarray) -> list[TextRegion]:
        """Regions in reading order; boxes in the coordinates of ``image`` itself."""
        image = check_image(image)
        height, width = image.shape[:2]
        with self._lock:
            result = self._engine(image)
        boxes, txts, scores = (getattr(result, k, None) for k in ("boxes", "txts", "scores"))
        if boxes is None or txts is None or scores is None:
            return []
        return make_regions(
            zip(boxes, txts, scores, strict=True),
            width,
            height,
            self.min_confidence,
            self.languages,
        )

    def warmup(self) -> None:
        warmup_engine(self)
