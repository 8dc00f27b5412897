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
    from camtranslate.models.registry import ModelRegistry
    from camtranslate.ocr.base import OcrEngine
    from camtranslate.overlay import OverlayRenderer
    from camtranslate.translate.cache import PhraseCache
    from camtranslate.translate.service import TranslationOutcome, TranslationService

Progress = Callable[[str, float], None]
"""Called with (what is happening, fraction done in 0..1)."""


class Pipeline:
    """OCR, translation and overlay behind one object; models loaded once, reused per frame."""

    def __init__(self, config: PipelineConfig | None = None) -> None:
        self.config = config or PipelineConfig()
        self._ocr: OcrEngine | None = None
        self._service: TranslationService | None = None
        self._registry: ModelRegistry | None = None
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

                languages = ocr_languages(self.config)
                self._ocr = create_ocr_engine(
                    self.config.ocr_engine,
                    languages,
                    max_detect_side=self.config.max_detect_side,
                    min_confidence=self.config.min_confidence,
                    allow_downloads=self.config.allow_downloads,
                )
            return self._ocr

    @property
    def registry(self) -> ModelRegistry:
        """The installed models: the config's extra folders, then the user's, then the
        embedded ones (the one folder list, built by ModelRegistry)."""
        with self._build_lock:
            if self._registry is None:
                from camtranslate.models.registry import ModelRegistry

                self._registry = ModelRegistry(extra=self.config.models_dirs)
            return self._registry

    @property
    def translation(self) -> TranslationService:
        with self._build_lock:
            if self._service is None:
                from camtranslate.translate.glossary import GlossaryFile
                from camtranslate.translate.service import TranslationService

                self._service = TranslationService(
                    self.registry,
                    self.cache,
                    device=self.config.device,
                    compute_type=self.config.compute_type,
                    threads=self.config.threads,
                    glossary=GlossaryFile(self.config.glossary_file()),
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

    # -- the rules the window and the live view ask about -----------------------------------
    def needs_rebuild(self, config: PipelineConfig) -> bool:
        """Whether serving ``config`` takes a new Pipeline. Languages alone do not (they are
        passed per call), unless the OCR engine must read another language set."""
        if ocr_languages(config) != ocr_languages(self.config):
            return True
        keep = {"source_lang": self.config.source_lang, "target_lang": self.config.target_lang}
        return config.with_(**keep) != self.config

    def language_pairs(self) -> list[tuple[str, str]]:
        """Every (source, target) the installed models reach, pivots through English included
        (a folder scan: no model is loaded)."""
        return self.translation.language_pairs()

    def warmup_pair(self, source: str, target: str) -> bool:
        """Load the models of source→target and run them once, so the first frame does not pay
        for it. "auto" loads the language detector and every model into the target. Returns
        False when there is nothing to load (source == target). Raises ModelNotFoundError when
        no model reaches the pair, so a missing model is told before the first frame."""
        if source == target:
            return False
        self.translation.warmup(source, target)
        return True

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
        self.warmup_pair(self.config.source_lang, self.config.target_lang)
        report("Preparing fonts", 0.85)
        blank = np.full((64, 256, 3), 255, np.uint8)
        from camtranslate.overlay import OverlayItem

        item = OverlayItem(((4, 4), (250, 4), (250, 60), (4, 60)), "Olá", language="pt")
        self.renderer.render(blank, [item])
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

            regions = group_lines(regions, image)  # lines on one surface, read on this frame
        return regions

    def translate_texts(
        self, texts: Sequence[str], source: str | None = None, target: str | None = None
    ) -> list[TranslationOutcome]:
        """Translate texts in one batch behind the phrase cache (its LRU, then SQLite): one
        outcome per text, in order, with its detected language, cache hit and, when it was
        left as it is, why. The live view calls this with the texts it has no translation of."""
        if not texts:
            return []
        src = source or self.config.source_lang
        tgt = target or self.config.target_lang
        with self._infer_lock:
            return self.translation.translate(list(texts), src, tgt)

    def translate_regions(
        self,
        regions: Sequence[TextRegion],
        source: str | None = None,
        target: str | None = None,
    ) -> list[TranslatedRegion]:
        """Translate all regions of a frame in one batch (cache first)."""
        outcomes = self.translate_texts([r.text for r in regions], source, target)
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
        highlight: int | None = None,
    ) -> np.ndarray:
        """Erase each translated region and draw its translation (target picks CJK fonts);
        ``highlight``: the index of a region to outline. What is drawn: overlay.items_for."""
        from camtranslate.overlay import items_for

        items = items_for(translated, target or self.config.target_lang, highlight)
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


def ocr_languages(config: PipelineConfig) -> tuple[str, ...]:
    """What the OCR engine is built to read for a config: the source language, or "auto"
    (every script the engine reads). A change here rebuilds the engine (needs_rebuild)."""
    return (config.source_lang,)


def _check_frame(image: np.ndarray) -> None:
    from camtranslate.errors import ImageDecodeError

    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise ImageDecodeError("frame must be a BGR image array of shape (H, W, 3)")
    if image.dtype != np.uint8:
        raise ImageDecodeError(f"frame must be uint8, got {image.dtype}")
    if image.shape[0] < 1 or image.shape[1] < 1:
        raise ImageDecodeError("frame is empty")
