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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from camtranslate.errors import OcrUnavailableError
from camtranslate.geometry import drop_overlapping
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


@dataclass(frozen=True)
class OrtOptions:
    """ONNX Runtime options for the det/rec/cls sessions (benchmarks/bench_ocr_speed.py).

    Measured (docs/results/ocr.md, "Cheaper passes"): memory arena on and spinning off read a
    720p frame in 0.73x the wall time and 0.62x the CPU of RapidOCR's own settings (arena off,
    spinning on); one thread saves CPU but is slower; graph level "basic" is slower.

    ``intra_threads`` 0 lets ONNX Runtime use one thread per core. ``spinning`` False stops idle
    pool threads from busy-waiting between calls: the OCR worker shares the CPU with capture,
    tracking and drawing, which must keep their frame rate (issue 12: display first).
    """

    intra_threads: int = 0
    inter_threads: int = 1
    graph_level: str = "all"  # "basic" | "extended" | "all"
    arena: bool = True
    spinning: bool = False


DEFAULT_ORT = OrtOptions()


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


def cuda_available() -> bool:
    """True when onnxruntime (the -gpu build) can run on a CUDA device here."""
    import onnxruntime

    return (
        "CUDAExecutionProvider" in onnxruntime.get_available_providers()
        and onnxruntime.get_device() == "GPU"
    )


def session_options(opts: OrtOptions):
    """onnxruntime.SessionOptions for ``opts`` (logging off: nothing leaves the process)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 4
    so.enable_cpu_mem_arena = opts.arena
    so.graph_optimization_level = {
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[opts.graph_level]
    if opts.intra_threads > 0:
        so.intra_op_num_threads = opts.intra_threads
    so.inter_op_num_threads = max(1, opts.inter_threads)
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.add_session_config_entry("session.intra_op.allow_spinning", "1" if opts.spinning else "0")
    so.add_session_config_entry("session.inter_op.allow_spinning", "1" if opts.spinning else "0")
    return so


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
        ort: OrtOptions = DEFAULT_ORT,
        rec_batch: int = 6,
        det_model: Path | None = None,
        rec_model: Path | None = None,
    ) -> None:
        check_languages(languages)
        if max_detect_side < 64:
            raise ValueError(f"max_detect_side must be at least 64, got {max_detect_side}")
        self.languages = tuple(languages)
        self.max_detect_side = int(max_detect_side)
        self.min_confidence = float(min_confidence)
        self.ort = ort
        self.rec_batch = max(1, int(rec_batch))
        self._models = {DET_MODEL: det_model, REC_MODEL: rec_model}
        """Other ONNX files for detection/recognition (benchmarks: int8 variants)."""
        self._lock = threading.Lock()
        self.providers: list[str] = []
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
        use_cuda = cuda_available()
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
            "Rec.rec_batch_num": self.rec_batch,
            "EngineConfig.onnxruntime.use_cuda": use_cuda,
        }
        engine = RapidOCR(params=params)
        # our own sessions, so the options RapidOCR does not expose (spinning, graph level,
        # arena) are ours to choose; CUDA first when onnxruntime-gpu sees a GPU
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if use_cuda else None
        models = [(engine._load_det_model(), DET_MODEL), (engine._load_rec_model(), REC_MODEL)]
        if use_angle_cls:
            models.append((engine._load_cls_model(), CLS_MODEL))
        for model, name in models:
            model.session.session = onnxruntime.InferenceSession(
                str(self._models.get(name) or folder / name),
                sess_options=session_options(self.ort),
                providers=providers or ["CPUExecutionProvider"],
            )
        self.providers = list(models[0][0].session.session.get_providers())
        return engine

    def read(self, image: np.ndarray) -> list[TextRegion]:
        """Regions in reading order; boxes in the coordinates of ``image`` itself.

        A frame far longer than wide (or the reverse) is read in overlapping tiles: RapidOCR
        scales the long side down and rounds the short one to a multiple of 32, so a 20000x40
        strip became 0 px high and raised ResizeImgError (and text in a long strip would have
        been shrunk to nothing anyway).
        """
        image = check_image(image)
        height, width = image.shape[:2]
        if min(height, width) < MIN_TEXT_SIDE:
            return []  # no readable line of text fits (RapidOCR would upscale it 15x for nothing)
        pieces = tiles(image, self.max_detect_side)
        if len(pieces) == 1:
            raw = self._read_raw(image)
        else:
            raw = drop_tile_duplicates(
                [
                    (np.asarray(box, np.float64).reshape(-1, 2) + np.array([dx, dy]), text, score)
                    for dx, dy, tile in pieces
                    for box, text, score in self._read_raw(tile)
                ]
            )
        return make_regions(raw, width, height, self.min_confidence, self.languages)

    def _read_raw(self, image: np.ndarray) -> list[tuple[object, str, float]]:
        with self._lock:
            result = self._engine(np.ascontiguousarray(image))
        boxes, txts, scores = (getattr(result, k, None) for k in ("boxes", "txts", "scores"))
        if boxes is None or txts is None or scores is None:
            return []
        return list(zip(boxes, txts, scores, strict=True))

    def warmup(self) -> None:
        warmup_engine(self)

    # -- the two halves, for incremental live reading (camtranslate/live/incremental.py) ----
    def detection_scale(self, width: int, height: int) -> float:
        """The factor a whole frame of this size is scaled by for detection (<= 1)."""
        return min(1.0, self.max_detect_side / max(width, height, 1))

    def detect(self, image: np.ndarray, scale: float | None = None) -> np.ndarray:
        """Text-line quads, (N, 4, 2) float32 in ``image`` pixels, without reading them.

        ``scale`` resizes ``image`` before detection (default: ``detection_scale`` of the image
        itself). A part cut from a frame passes the whole frame's scale so its text is seen at
        the same size as in a full detection.
        """
        image = check_image(image)
        height, width = image.shape[:2]
        if min(height, width) < MIN_TEXT_SIDE:
            return np.zeros((0, 4, 2), np.float32)
        if scale is None:
            scale = self.detection_scale(width, height)
        scaled = image
        if scale < 0.999:
            import cv2

            size = (max(8, round(width * scale)), max(8, round(height * scale)))
            scaled = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        with self._lock:
            det = self._engine._load_det_model()
            limit = det.limit_side_len
            det.limit_side_len = max(scaled.shape[:2]) + 32  # already scaled: never again
            try:
                result = det(np.ascontiguousarray(scaled))
            finally:
                det.limit_side_len = limit
        if result.boxes is None or len(result.boxes) == 0:
            return np.zeros((0, 4, 2), np.float32)
        boxes = np.asarray(result.boxes, np.float32).reshape(-1, 4, 2)
        if scaled is not image:
            boxes[:, :, 0] *= width / scaled.shape[1]
            boxes[:, :, 1] *= height / scaled.shape[0]
        return boxes

    def recognize_quads(
        self, image: np.ndarray, quads: Sequence[np.ndarray]
    ) -> list[tuple[str, float]]:
        """(text, score) for each quad of ``image`` (crops from the full-resolution frame), in
        batches of ``rec_batch`` crops of similar width; nothing is filtered."""
        if len(quads) == 0:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput
        from rapidocr.utils.process_img import get_rotate_crop_image

        image = check_image(image)
        crops = [get_rotate_crop_image(image, np.array(q, np.float32).reshape(4, 2)) for q in quads]
        with self._lock:
            rec = self._engine._load_rec_model()
            out = rec(TextRecInput(img=crops))
        if out.txts is None:
            return [("", 0.0)] * len(crops)
        return [(str(t), float(s)) for t, s in zip(out.txts, out.scores, strict=True)]


MIN_TEXT_SIDE = 6
"""Frames thinner than this (pixels) hold no readable text."""
MAX_ASPECT = 8.0
"""Frames more elongated than this are read in tiles (see RapidOcrEngine.read)."""


def tiles(image: np.ndarray, max_side: int) -> list[tuple[int, int, np.ndarray]]:
    """(x offset, y offset, view) pieces of `image` that RapidOCR can read.

    A frame of ordinary shape is one piece. An elongated one whose long side exceeds `max_side`
    is cut along that side into pieces of about `max_side` (at least 4x the short side), each
    overlapping the next by a quarter so a word cut at one edge is whole in the other.
    """
    height, width = image.shape[:2]
    long_side, short_side = max(height, width), min(height, width)
    if long_side <= max_side or long_side <= MAX_ASPECT * short_side:
        return [(0, 0, image)]
    length = max(max_side, 4 * short_side)
    step = max(1, length - length // 4)
    starts = list(range(0, max(long_side - length, 0) + 1, step))
    if starts[-1] + length < long_side:
        starts.append(long_side - length)
    if width >= height:
        return [(x, 0, image[:, x : x + length]) for x in starts]
    return [(0, y, image[y : y + length, :]) for y in starts]


def drop_tile_duplicates(raw: list[tuple[object, str, float]]) -> list[tuple[object, str, float]]:
    """Of two readings that mostly cover the same place (tile overlaps), keep the larger one:
    the other is the same text cut at a tile edge."""
    return drop_overlapping(raw, lambda r: r[0])
