"""Fakes for the live session's state-machine tests: no models, no video files, milliseconds.

``FakePipeline`` implements the ``LivePipeline`` protocol (live/session.py): ``warmup``,
``recognize`` and ``translate_texts`` returning real ``TranslationOutcome`` objects. What it
reads is scripted (``texts``), each call can be made to fail (``fail_warmup``, ``fail_ocr``,
``fail_translate``) and an OCR pass can be held in flight (``hold_ocr()`` / ``release_ocr()``)
so a test controls exactly when it ends. ``FakeSource`` implements ``FrameSource`` with one
textured picture, and can refuse to open or stop delivering on demand.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from camtranslate.errors import SourceError
from camtranslate.live.sources import Frame
from camtranslate.translate.service import TranslationOutcome
from camtranslate.types import TextRegion

WIDTH, HEIGHT = 320, 240


def _box(i: int) -> tuple[tuple[float, float], ...]:
    """The i-th text line's polygon: stacked boxes well inside the frame."""
    y = 30.0 + 50.0 * i
    return ((40.0, y), (280.0, y), (280.0, y + 30.0), (40.0, y + 30.0))


class FakePipeline:
    """A scripted ``LivePipeline``: reads ``texts`` (one line each), translates to
    ``"<target>:<text>"`` unless ``translations`` says otherwise."""

    def __init__(
        self,
        texts: Sequence[str] = ("EXIT",),
        *,
        translations: dict[str, str] | None = None,
        warmup_s: float = 0.0,
        ocr_s: float = 0.0,
        source_lang: str = "en",
    ) -> None:
        self.texts = list(texts)
        self.translations = dict(translations or {})
        self.warmup_s = warmup_s
        self.ocr_s = ocr_s
        self.source_lang = source_lang
        """The language reported under "auto"."""
        self.fail_warmup = 0
        """How many of the next warm-ups raise."""
        self.fail_ocr = False
        self.fail_translate = False
        self.warmups = 0
        self.recognized = 0
        self.translated: list[tuple[tuple[str, ...], str | None, str | None]] = []
        self.lock = threading.Lock()
        self._ocr_gate = threading.Event()
        self._ocr_gate.set()
        self.ocr_entered = threading.Event()
        """Set when an OCR pass starts (with ``hold_ocr``: the pass now waits in flight)."""

    # -- controls ------------------------------------------------------------------------
    def hold_ocr(self) -> None:
        """The next OCR passes wait inside ``recognize`` until ``release_ocr()``."""
        self.ocr_entered.clear()
        self._ocr_gate.clear()

    def release_ocr(self) -> None:
        self._ocr_gate.set()

    def calls_to(self, target: str) -> list[tuple[str, ...]]:
        with self.lock:
            return [texts for texts, _, tgt in self.translated if tgt == target]

    # -- LivePipeline ---------------------------------------------------------------------
    def warmup(self, progress: Callable[[str, float], None] | None = None) -> None:
        with self.lock:
            self.warmups += 1
            fail = self.fail_warmup > 0
            self.fail_warmup -= int(fail)
        if progress is not None:
            progress("fake models", 0.5)
        time.sleep(self.warmup_s)
        if fail:
            raise RuntimeError("fake models are missing")

    def recognize(self, image: np.ndarray) -> list[TextRegion]:
        self.ocr_entered.set()
        self._ocr_gate.wait()
        time.sleep(self.ocr_s)
        with self.lock:
            self.recognized += 1
            if self.fail_ocr:
                raise RuntimeError("fake OCR broke")
            texts = list(self.texts)
        return [TextRegion(_box(i), text, 0.95) for i, text in enumerate(texts)]

    def translate_texts(
        self, texts: Sequence[str], source: str | None = None, target: str | None = None
    ) -> list[TranslationOutcome]:
        with self.lock:
            self.translated.append((tuple(texts), source, target))
            if self.fail_translate:
                raise RuntimeError("fake translator broke")
            table = dict(self.translations)
        src = self.source_lang if source in (None, "auto") else source
        tgt = target or "pt"
        return [
            TranslationOutcome(
                text=t,
                translation=table.get(t, f"{tgt}:{t}"),
                source_lang=src,
                route=(f"fake-{src}-{tgt}",),
            )
            for t in texts
        ]


class FakeSource:
    """A ``FrameSource`` showing one textured picture at ``fps`` (a still camera)."""

    name = "fake camera"

    def __init__(self, fps: float = 100.0, *, fail_opens: int = 0) -> None:
        self._fps = fps
        self.fail_opens = fail_opens
        """How many of the next open() calls raise SourceError."""
        self.dead = False
        """While True, read() delivers nothing (an unplugged camera)."""
        self.opens = 0
        self.closed = 0
        rng = np.random.default_rng(7)  # texture, so that the tracker has corners to follow
        self.image = rng.integers(0, 255, (HEIGHT, WIDTH, 3), dtype=np.uint8)
        self._index = 0
        self._next_at = 0.0

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def size(self) -> tuple[int, int]:
        return WIDTH, HEIGHT

    @property
    def exhausted(self) -> bool:
        return False

    def open(self) -> None:
        self.opens += 1
        if self.fail_opens > 0:
            self.fail_opens -= 1
            raise SourceError("fake camera is busy")

    def read(self) -> Frame | None:
        wait = self._next_at - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._next_at = time.monotonic() + 1.0 / self._fps
        if self.dead:
            return None
        self._index += 1
        return Frame(self.image, self._index, time.monotonic())

    def close(self) -> None:
        self.closed += 1
