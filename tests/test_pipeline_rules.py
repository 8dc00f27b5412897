"""The rules the window and the live view ask the Pipeline about, on the real embedded models:
which pairs exist, which pair warm-up loads, when a new engine is needed, one translate call
returning outcomes, one model-folder list."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from camtranslate.config import PipelineConfig
from camtranslate.errors import ModelNotFoundError
from camtranslate.paths import embedded_models_dir
from camtranslate.pipeline import Pipeline, ocr_languages


def test_languages_alone_need_no_new_engine_but_the_ocr_set_does() -> None:
    p = Pipeline(PipelineConfig(source_lang="en", target_lang="pt"))
    assert not p.needs_rebuild(p.config.with_(target_lang="en"))
    assert p.needs_rebuild(p.config.with_(source_lang="pt"))  # OCR reads another language
    assert p.needs_rebuild(p.config.with_(source_lang="auto"))
    assert p.needs_rebuild(p.config.with_(ocr_engine="easy"))
    assert p.needs_rebuild(p.config.with_(erase="inpaint"))
    assert not p.needs_rebuild(p.config)
    assert ocr_languages(PipelineConfig(source_lang="auto")) == ("auto",)


def test_language_pairs_are_the_installed_models() -> None:
    pairs = Pipeline().language_pairs()
    assert ("en", "pt") in pairs and ("pt", "en") in pairs
    assert all(s != t for s, t in pairs)


def test_warmup_pair_loads_auto_and_tells_a_missing_model() -> None:
    p = Pipeline(PipelineConfig(use_cache=False))
    assert p.warmup_pair("pt", "pt") is False  # nothing to translate
    assert p.warmup_pair("auto", "pt") is True
    assert p.translation.stats()["model_calls"] >= 1  # the en→pt model ran once
    with pytest.raises(ModelNotFoundError, match="ja"):
        p.warmup_pair("en", "ja")
    with pytest.raises(ModelNotFoundError):
        p.warmup_pair("auto", "ja")


def test_translate_texts_returns_outcomes_behind_the_phrase_cache(tmp_path: Path) -> None:
    p = Pipeline(PipelineConfig(source_lang="en", target_lang="pt", cache_path=tmp_path / "c.db"))
    try:
        assert p.translate_texts([]) == []
        texts = ["PUSH TO OPEN", "24/7", "Exit"]
        first = p.translate_texts(texts)
        assert [o.text for o in first] == texts
        assert first[0].translation and first[0].translation != "PUSH TO OPEN"
        assert first[0].source_lang == "en" and not first[0].cached
        assert first[1].translation == "24/7" and first[1].passthrough
        again = p.translate_texts(texts)
        assert [o.translation for o in again] == [o.translation for o in first]
        assert again[0].cached  # the phrase cache answered: no second cache layer needed
        auto = p.translate_texts(["Hello, how are you?"], "auto", "pt")
        assert auto[0].source_lang == "en" and auto[0].translation != "Hello, how are you?"
    finally:
        p.close()


def test_extra_model_folders_come_first_in_the_one_registry(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    shutil.copytree(embedded_models_dir() / "en-pt", extra / "en-pt")
    p = Pipeline(PipelineConfig(models_dirs=(extra,), use_cache=False))
    listed = p.registry.list()
    assert listed[0].origin == "extra" and listed[0].path == extra / "en-pt"
    assert {m.origin for m in listed} >= {"extra", "embedded"}
    assert p.translation.registry is p.registry  # routing and the model picker: one list
    assert p.registry.find("en", "pt").path == extra / "en-pt"


def test_render_outlines_the_highlighted_region(pipeline, sample_image) -> None:
    regions = pipeline.translate_regions(pipeline.recognize(sample_image))
    assert regions
    plain = pipeline.render(sample_image, regions)
    lit = pipeline.render(sample_image, regions, highlight=0)
    assert not np.array_equal(plain, lit)
    assert not np.array_equal(plain, sample_image)
