"""Edge cases through the real engine: odd frames, odd text, broken models and broken caches."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camtranslate.config import PipelineConfig
from camtranslate.errors import CamtranslateError, ImageDecodeError, ModelIntegrityError
from camtranslate.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[2]
EMBEDDED = REPO / "models"
MODEL = EMBEDDED / "en-pt"


def _service(cache=None, dirs=(EMBEDDED,)):
    from camtranslate.models.registry import ModelRegistry
    from camtranslate.translate.service import TranslationService

    return TranslationService(ModelRegistry(list(dirs)), cache)


@pytest.fixture(scope="module")
def service():
    return _service()


# -- frames ----------------------------------------------------------------------------------


def test_blank_frame_gives_no_regions_and_an_unchanged_image(pipeline: Pipeline) -> None:
    blank = np.full((480, 640, 3), 255, np.uint8)
    result = pipeline.process(blank)
    assert result.regions == ()
    assert np.array_equal(result.image, blank)
    assert pipeline.translate_regions([]) == []


@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 3000, 3), (3000, 1, 3), (7, 5, 3)])
def test_degenerate_frame_sizes(pipeline: Pipeline, shape: tuple[int, int, int]) -> None:
    """Slivers and specks: a result of the same size, or (too small to read) one clean line."""
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    try:
        result = pipeline.process(image)
    except ImageDecodeError as exc:
        assert min(shape[:2]) < 2 and "\n" not in str(exc)
        return
    assert result.image.shape == shape


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((0, 5, 3), np.uint8),
        np.zeros((10, 10), np.uint8),
        np.zeros((4, 4, 3), np.float32),
    ],
)
def test_frames_of_the_wrong_kind_are_refused_cleanly(pipeline: Pipeline, bad) -> None:
    with pytest.raises(ImageDecodeError):
        pipeline.process(bad)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    height=st.integers(2, 120),
    width=st.integers(2, 160),
    kind=st.sampled_from(["noise", "flat", "stripes", "photo"]),
    seed=st.integers(0, 2**16),
)
def test_random_frames_through_the_whole_pipeline(
    pipeline: Pipeline, height: int, width: int, kind: str, seed: int
) -> None:
    """Whatever the pixels, process() returns a same-sized frame (OCR + translate + overlay)."""
    rng = np.random.default_rng(seed)
    if kind == "noise":
        image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    elif kind == "flat":
        image = np.full((height, width, 3), rng.integers(0, 256, 3), np.uint8)
    elif kind == "stripes":
        image = np.zeros((height, width, 3), np.uint8)
        image[:: max(1, int(rng.integers(1, 6)))] = 255
    else:
        from camtranslate.imaging import load_image
        from camtranslate.paths import sample_image_path

        photo = load_image(sample_image_path())
        y, x = int(rng.integers(0, 720 - height)), int(rng.integers(0, 1280 - width))
        image = np.ascontiguousarray(photo[y : y + height, x : x + width])
    result = pipeline.process(image)
    assert result.image.shape == image.shape and result.image.dtype == np.uint8
    assert all(isinstance(r.translation, str) for r in result.regions)


# -- text ------------------------------------------------------------------------------------

ODD_TEXTS = [
    "EXIT 🚪➡️",
    "🔥🔥🔥",
    "مخرج الطوارئ",  # Arabic: emergency exit
    "יציאת חירום",  # Hebrew
    "紧急出口",  # Chinese
    "非常口",  # Japanese
    "비상구",  # Korean
    "Emergency مخرج exit",  # mixed direction
    "\u200f\u200e\u202e EXIT \u202c",  # bidi control characters
    "e\u0301xit",  # combining accent
    "   ",
    "",
    "\x00\x07 control",
    "A" * 300,
]


@pytest.mark.parametrize("source", ["en", "auto"])
def test_odd_text_never_crashes_translation(service, source: str) -> None:
    outcomes = service.translate(ODD_TEXTS, source, "pt")
    assert len(outcomes) == len(ODD_TEXTS)
    for text, outcome in zip(ODD_TEXTS, outcomes, strict=True):
        assert outcome.text == text
        assert isinstance(outcome.translation, str)
        if not text.strip():
            assert outcome.translation.strip() == ""


def test_2000_character_region(service) -> None:
    sentence = "Please keep this door closed at all times except in case of fire. "
    long_text = (sentence * 40)[:2000]
    start = time.perf_counter()
    (outcome,) = service.translate([long_text], "en", "pt")
    elapsed = time.perf_counter() - start
    assert outcome.translation.strip()
    assert "porta" in outcome.translation.lower()
    assert elapsed < 120  # bounded decoding: a long region cannot hang the worker


def test_text_already_in_the_target_language_passes_through(service) -> None:
    texts = ["Saída de emergência", "Mantenha esta porta fechada"]
    outcomes = service.translate(texts, "auto", "pt")
    for text, outcome in zip(texts, outcomes, strict=True):
        assert outcome.source_lang == "pt"
        assert outcome.translation == text


def test_same_phrase_every_frame_hits_the_cache(tmp_path: Path) -> None:
    from camtranslate.translate.cache import PhraseCache

    cache = PhraseCache(tmp_path / "cache.sqlite3")
    service = _service(cache)
    first = service.translate(["Emergency exit"], "en", "pt")
    assert not first[0].cached
    for _ in range(30):
        again = service.translate(["Emergency exit", "Emergency exit"], "en", "pt")
        assert [o.cached for o in again] == [True, True]
        assert again[0].translation == first[0].translation
    cache.close()
    # ...and across a restart, from the SQLite file.
    reopened = _service(PhraseCache(tmp_path / "cache.sqlite3"))
    assert reopened.translate(["Emergency exit"], "en", "pt")[0].cached


# -- broken models ---------------------------------------------------------------------------


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "models" / "en-pt"
    shutil.copytree(MODEL, target)
    return target


def _translate_with(models_root: Path):
    return _service(dirs=(models_root,)).translate(["Emergency exit"], "en", "pt")


def test_model_with_a_missing_file_is_refused(tmp_path: Path) -> None:
    model = _copy_model(tmp_path)
    (model / "sentencepiece.spm").unlink()
    with pytest.raises(ModelIntegrityError) as info:
        _translate_with(model.parent)
    message = str(info.value)
    assert "sentencepiece.spm" in message and "reinstall" in message
    assert "\n" not in message


def test_model_with_a_wrong_checksum_is_refused(tmp_path: Path) -> None:
    model = _copy_model(tmp_path)
    with open(model / "model.bin", "r+b") as handle:  # one flipped byte deep in the weights
        handle.seek(1_000_000)
        byte = handle.read(1)
        handle.seek(1_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelIntegrityError) as info:
        _translate_with(model.parent)
    message = str(info.value)
    assert "model.bin" in message and "checksum" in message and "reinstall" in message


def test_model_with_a_truncated_manifest_is_refused(tmp_path: Path) -> None:
    model = _copy_model(tmp_path)
    manifest = model / "manifest.json"
    manifest.write_text(manifest.read_text()[:50])
    with pytest.raises(CamtranslateError):
        _translate_with(model.parent)


# -- broken caches ---------------------------------------------------------------------------


def test_locked_cache_falls_back_to_memory(tmp_path: Path) -> None:
    from camtranslate.translate.cache import PhraseCache

    path = tmp_path / "cache.sqlite3"
    PhraseCache(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        start = time.perf_counter()
        cache = PhraseCache(path)
        service = _service(cache)
        outcomes = service.translate(["Emergency exit"], "en", "pt")
        assert outcomes[0].translation
        assert service.translate(["Emergency exit"], "en", "pt")[0].cached  # memory layer
        assert time.perf_counter() - start < 60  # no unbounded wait on the lock
        assert any("locked" in w for w in cache.warnings), cache.warnings
        cache.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_cache_locked_while_running(tmp_path: Path) -> None:
    """Another process takes the lock after we opened the file: keep translating."""
    from camtranslate.translate.cache import PhraseCache

    path = tmp_path / "cache.sqlite3"
    cache = PhraseCache(path)
    service = _service(cache)
    service.translate(["Exit"], "en", "pt")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        outcomes = service.translate(["Do not enter", "Exit"], "en", "pt")
        assert outcomes[0].translation and outcomes[1].cached
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        cache.close()


def test_corrupt_cache_file_is_set_aside(tmp_path: Path) -> None:
    from camtranslate.translate.cache import PhraseCache

    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    cache = PhraseCache(path)
    service = _service(cache)
    assert service.translate(["Emergency exit"], "en", "pt")[0].translation
    assert cache.persistent
    assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
    cache.close()


def test_pipeline_with_a_corrupt_cache_still_translates_a_photo(tmp_path: Path) -> None:
    from camtranslate.imaging import load_image
    from camtranslate.paths import sample_image_path

    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database")
    p = Pipeline(PipelineConfig(source_lang="en", target_lang="pt", cache_path=path))
    try:
        result = p.process(load_image(sample_image_path()))
        assert any(r.translation and r.translation != r.region.text for r in result.regions)
    finally:
        p.close()
