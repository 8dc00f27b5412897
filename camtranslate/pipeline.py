"""The engine: one frame in, OCR → translation → overlay, one FrameResult out.

Heavy pieces (OCR engine, translation models, fonts) are created lazily and once, so that
constructing a Pipeline is instant (the window opens at once) and `warmup()` can load them in a
background thread while showing progress. `recognize` + `translate_regions` run in the worker
thread; `render` may run concurrently in the display thread (it only touches the renderer).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from camtranslate.config import PipelineConfig
from camtranslate.types import FrameResult, TextRegion, TranslatedRegion

if TYPE_CHECKING:
    from camtranslate.ocr.base import OcrEngine
    from camtranslate.overlay import OverlayRenderer
    from camtranslate.translate.cache import PhraseCache
    from camtranslate.translate.service import TranslationService

Progress = Callable[[str, float], None]
"""Called with (what is happening, fraction done in 0..1)."""


class Pipeline:
    """OCR, translation and overlay behind one object; models loaded once, reused per frame."""

    def __init__(self, config: PipelineConfig | None = None) -> None:
        self.config = config or PipelineConfig()
        self._ocr: OcrEngine | None = None
        self._service: TranslationService | None = None
        self._renderer: OverlayRenderer | None = None
        self._cache: PhraseCache | None = None
        self._build_lock = threading.RLock()
        self._infer_lock = threading.Lock()

    # -- lazily built stages -------------------------------------------------------------
    @property
    def ocr(self) -> OcrEngine:
        with self._build_lock:
            if self._ocr is None:
                from camtranslate.ocr import create_ocr_engine

                languages = self._ocr_languages()
                self._ocr = create_ocr_engine(
                    self.config.ocr_engine,
                    languages,
                    max_detect_side=self.config.max_detect_side,
                    min_confidence=self.config.min_confidence,
                    allow_downloads=self.config.allow_downloads,
                )
            return self._ocr

    @property
    def translation(self) -> TranslationService:
        with self._build_lock:
            if self._service is None:
                from camtranslate.models.registry import ModelRegistry
                from camtranslate.paths import embedded_models_dir, user_models_dir
                from camtranslate.translate.service import TranslationService

                dirs = [*self.config.models_dirs, user_models_dir(), embedded_models_dir()]
                self._service = TranslationService(
                    ModelRegistry(dirs),
                    self.cache,
                    device=self.config.device,
                    compute_type=self.config.compute_type,
                    threads=self.config.threads,
                )
            return self._service

    @property
    def cache(self) -> PhraseCache | None:
        with self._build_lock:
            if self._cache is None and self.config.use_cache:
                from camtranslate.paths import phrase_cache_path
                from camtranslate.translate.cache import PhraseCache

                self._cache = PhraseCache(self.config.cache_path or phrase_cache_path())
            return self._cache

    @property
    def renderer(self) -> OverlayRenderer:
        with self._build_lock:
            if self._renderer is None:
                from camtranslate.overlay import OverlayRenderer

                self._renderer = OverlayRenderer(erase=self.config.erase)
            return self._renderer

    def _ocr_languages(self) -> tuple[str, ...]:
        return (self.config.source_lang,)  # "auto": every script the engine reads

    # -- lifecycle -------------------------------------------------------------------------
    def warmup(self, progress: Progress | None = None) -> None:
        """Load every model and run each once on a tiny input, reporting progress.

        Cold start matters: the first real frame should not pay for model loading or for
        ONNX Runtime / CTranslate2 first-call allocation.
        """
        report = progress or (lambda _msg, _frac: None)
        report("Loading OCR engine", 0.0)
        engine = self.ocr
        engine.warmup()
        report("Loading translation model", 0.45)
        source = self.config.source_lang if self.config.source_lang != "auto" else "en"
        if source != self.config.target_lang:
            self.translation.warmup(source, self.config.target_lang)
        report("Preparing fonts", 0.85)
        blank = np.full((64, 256, 3), 255, np.uint8)
        from camtranslate.overlay import OverlayItem

        self.renderer.render(blank, [OverlayItem(((4, 4), (250, 4), (250, 60), (4, 60)), "Olá")])
        report("Ready", 1.0)

    def close(self) -> None:
        """Release the cache file handle; models are freed with the object."""
        with self._build_lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None

    # -- stages ----------------------------------------------------------------------------
    def recognize(self, image: np.ndarray) -> list[TextRegion]:
        with self._infer_lock:
            regions = self.ocr.read(image)
        if self.config.group_lines:
            from camtranslate.blocks import group_lines

            regions = group_lines(regions)
        return regions

    def translate_regions(
        self,
        regions: Sequence[TextRegion],
        source: str | None = None,
        target: str | None = None,
    ) -> list[TranslatedRegion]:
        """Translate all regions of a frame in one batch (cache first)."""
        if not regions:
            return []
        src = source or self.config.source_lang
        tgt = target or self.config.target_lang
        with self._infer_lock:
            outcomes = self.translation.translate([r.text for r in regions], src, tgt)
        return [
            TranslatedRegion(
                region=r,
                translation=o.translation,
                source_lang=o.source_lang,
                cached=o.cached,
                untranslated_reason=o.reason,
            )
            for r, o in zip(regions, outcomes, strict=True)
        ]

    def render(
        self,
        image: np.ndarray,
        translated: Sequence[TranslatedRegion],
        target: str | None = None,
    ) -> np.ndarray:
        """Erase each translated region and draw its translation (target picks CJK fonts)."""
        from camtranslate.overlay import OverlayItem

        language = target or self.config.target_lang
        items = [
            OverlayItem(t.region.polygon, t.translation, language=language)
            for t in translated
            if t.translation and t.translation != t.region.text
        ]
        return self.renderer.render(image, items)

    def process(
        self, image: np.ndarray, source: str | None = None, target: str | None = None
    ) -> FrameResult:
        """OCR, translate and draw one frame, timing each stage."""
        _check_frame(image)
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        regions = self.recognize(image)
        t1 = time.perf_counter()
        translated = self.translate_regions(regions, source, target)
        t2 = time.perf_counter()
        out = self.render(image, translated, target)
        t3 = time.perf_counter()
        timings["ocr"] = (t1 - t0) * 1000
        timings["translate"] = (t2 - t1) * 1000
        timings["overlay"] = (t3 - t2) * 1000
        return FrameResult(
            image=out,
            regions=tuple(translated),
            source_lang=source or self.config.source_lang,
            target_lang=target or self.config.target_lang,
            timings_ms=timings,
        )


def _check_frame(image: np.ndarray) -> None:
    from camtranslate.errors import ImageDecodeError

    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise ImageDecodeError("frame must be a BGR image array of shape (H, W, 3)")
    if image.dtype != np.uint8:
        raise ImageDecodeError(f"frame must be uint8, got {image.dtype}")
    if image.shape[0] < 1 or image.shape[1] < 1:
        raise ImageDecodeError("frame is empty")
