"""Real-model fixtures for the translation tests: the embedded en→pt student, loaded once."""

from __future__ import annotations

import pytest
from translate_helpers import REPO, CountingTranslator

from camtranslate.models.registry import InstalledModel, ModelRegistry
from camtranslate.translate.ct2 import CT2Translator


@pytest.fixture(scope="session")
def en_pt_model() -> InstalledModel:
    model = ModelRegistry([REPO / "models"]).find("en", "pt")
    assert model is not None, "the embedded en→pt model is missing from models/en-pt"
    return model


@pytest.fixture(scope="session")
def en_pt(en_pt_model: InstalledModel) -> CT2Translator:
    return CT2Translator(en_pt_model, device="cpu", threads=1)


@pytest.fixture()
def counting(en_pt: CT2Translator) -> CountingTranslator:
    return CountingTranslator(en_pt)


@pytest.fixture(scope="session")
def pt_en() -> CT2Translator:
    model = ModelRegistry([REPO / "models"]).find("pt", "en")
    assert model is not None, "the embedded pt→en model is missing from models/pt-en"
    return CT2Translator(model, device="cpu", threads=1)
