"""`camtranslate --self-test`: prove an installation (or a frozen build) really translates.

A packaged app can start fine and still be broken: a model file left out of the bundle, a
shared library that only the build machine had, a Qt platform plugin missing. The self-test
runs the real engine on the bundled sample photo with the embedded default models (en→pt) and
exits 0 only when text was found AND a Portuguese translation came out; it also builds the Qt
main window offscreen when PySide6 is installed. It prints a short report (versions, timings)
that build logs and bug reports can quote.

It runs with a throw-away user folder (CAMTRANSLATE_HOME) so that neither the user's own
models nor their phrase cache can make a broken bundle look healthy, and so nothing is written
to their home.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO, TypeVar

from camtranslate import __version__

SOURCE_LANG = "en"
TARGET_LANG = "pt"
DETECTOR_LANGS = ("en", "pt", "es", "fr", "de", "it")
"""Languages the detector chooses among: close neighbours of Portuguese, so a wrong-language
output (e.g. the source passed through) is caught, without rare labels on short sign text."""
MIN_LETTERS_FOR_DETECTION = 12
"""Below this, a language guess on sign fragments is noise: the check is reported, not failed."""

_VERSIONED_MODULES = ("numpy", "cv2", "onnxruntime", "ctranslate2", "rapidocr", "PySide6")


@dataclass
class _Report:
    out: TextIO
    failures: list[str] = field(default_factory=list)

    def line(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        mark = "ok  " if ok else "FAIL"
        self.line(f"  [{mark}] {what}" + (f": {detail}" if detail else ""))
        if not ok:
            self.failures.append(what)
        return ok


def run_self_test(offscreen: bool = True, *, out: TextIO | None = None) -> int:
    """Translate the bundled sample en→pt (and build the window); 0 only when it all worked."""
    report = _Report(out or sys.stdout)
    report.line(f"camtranslate {__version__} self-test")
    _print_environment(report)
    try:
        with _isolated_user_dirs():
            _check_translation(report)
            _check_window(report, offscreen)
    except Exception as exc:  # the self-test must report, never crash with a traceback
        report.check(False, "self-test", f"{type(exc).__name__}: {exc}")
    if report.failures:
        report.line(f"self-test FAILED ({', '.join(report.failures)})")
        return 1
    report.line("self-test passed")
    return 0


# -- environment ---------------------------------------------------------------------------------
def _print_environment(report: _Report) -> None:
    frozen = "frozen app" if getattr(sys, "frozen", False) else "python package"
    report.line(
        f"  python {platform.python_version()} on {platform.system()} {platform.machine()} "
        f"({frozen})"
    )
    versions = []
    for name in _VERSIONED_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            versions.append(f"{name} -")
            continue
        version = getattr(module, "__version__", None)
        if version is None:  # e.g. rapidocr keeps it in a submodule
            version = getattr(_optional(f"{name}._version"), "__version__", "?")
        versions.append(f"{name} {version}")
    report.line("  " + ", ".join(versions))
    from camtranslate import paths

    report.line(f"  models: {paths.embedded_models_dir()}")
    report.line(f"  resources: {paths.resources_dir()}")


def _optional(name: str) -> object | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@contextlib.contextmanager
def _isolated_user_dirs() -> Iterator[None]:
    """Point the user folders at a temporary one for the duration, then restore the env."""
    previous = os.environ.get("CAMTRANSLATE_HOME")
    with tempfile.TemporaryDirectory(prefix="camtranslate-selftest-") as tmp:
        os.environ["CAMTRANSLATE_HOME"] = tmp
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("CAMTRANSLATE_HOME", None)
            else:
                os.environ["CAMTRANSLATE_HOME"] = previous


T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - t0) * 1000


# -- the engine ----------------------------------------------------------------------------------
def _check_translation(report: _Report) -> None:
    from camtranslate.config import PipelineConfig
    from camtranslate.imaging import load_image
    from camtranslate.paths import sample_image_path
    from camtranslate.pipeline import Pipeline

    sample = sample_image_path()
    if not report.check(sample.is_file(), "bundled sample", str(sample)):
        return
    image, load_ms = _timed(lambda: load_image(sample))
    report.line(f"  sample {sample.name}: {image.shape[1]}x{image.shape[0]} ({load_ms:.0f} ms)")

    # No phrase cache: every translation must come from the embedded model itself.
    config = PipelineConfig(source_lang=SOURCE_LANG, target_lang=TARGET_LANG, use_cache=False)
    pipeline = Pipeline(config)
    try:
        _, warmup_ms = _timed(pipeline.warmup)
        result, process_ms = _timed(lambda: pipeline.process(image))
    finally:
        pipeline.close()
    stages = ", ".join(f"{k} {v:.0f}" for k, v in result.timings_ms.items())
    report.line(f"  warmup {warmup_ms:.0f} ms; process {process_ms:.0f} ms ({stages} ms)")

    pairs = [(t.region.text, t.translation) for t in result.regions]
    for source, translation in pairs:
        report.line(f"    {source!r} -> {translation!r}")
    report.check(len(pairs) > 0, "text regions found", f"{len(pairs)} regions")
    if not pairs:
        return
    empty = sum(1 for _, t in pairs if not t.strip())
    report.check(empty == 0, "translations non-empty", f"{empty} of {len(pairs)} empty")
    changed = [t for s, t in pairs if t.strip() and _words(t) != _words(s)]
    report.check(bool(changed), "translation differs from source", f"{len(changed)} changed")
    report.check(
        result.image.shape == image.shape and bool((result.image != image).any()),
        "translated text drawn on the picture",
    )
    _check_language(report, changed)


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?\"'()").casefold() for w in text.split()]


def _check_language(report: _Report, translations: Sequence[str]) -> None:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        report.line("  [skip] output language: py3langid not installed")
        return
    text = " ".join(translations)
    letters = sum(ch.isalpha() for ch in text)
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(DETECTOR_LANGS))
    lang, prob = identifier.classify(text)
    detail = f"{lang} (p={prob:.2f}) on {letters} letters"
    if letters < MIN_LETTERS_FOR_DETECTION:
        report.line(f"  [skip] output language: {detail}, too short to judge")
        return
    report.check(lang == TARGET_LANG, f"output is {TARGET_LANG}", detail)


# -- the window ----------------------------------------------------------------------------------
def _check_window(report: _Report, offscreen: bool) -> None:
    """Build the main window: catches a bundle missing Qt plugins, icons or GUI modules.

    The window is built without its background warm-up (the engine check above already loaded
    the models) and closed at once; its settings go to the throw-away user folder.
    """
    try:
        importlib.import_module("PySide6.QtWidgets")
    except ImportError:
        report.line("  [skip] window: PySide6 not installed (CLI-only install)")
        return
    from camtranslate.gui.app import build_window_check
    from camtranslate.paths import resources_dir

    title, platform_name, build_ms = build_window_check(offscreen)
    report.check(True, "main window built", f"{title!r} on {platform_name}, {build_ms:.0f} ms")
    icons = resources_dir() / "icons"
    found = sorted(f.name for f in icons.glob("camtranslate*.*")) if icons.is_dir() else []
    report.check(bool(found), "app icon bundled", f"{icons}: {', '.join(found) or 'none'}")
