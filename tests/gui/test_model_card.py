"""Model info for users: the embedded models' cards hold no developer text, the details do."""

from __future__ import annotations

import pytest

from camtranslate.gui.model_card import card_for, licence_summary, no_model_card
from camtranslate.models.registry import ModelRegistry

DEVELOPER_WORDS = ("../", "shared/", "Interim", "Unclear", "teacher", "SSRU", "graft", "Bergamot")


@pytest.fixture(scope="module")
def embedded():
    models = ModelRegistry().list()
    assert {m.manifest.id for m in models} >= {"camtranslate-en-pt", "camtranslate-pt-en"}
    return models


def test_embedded_cards_speak_to_users(embedded) -> None:
    for model in embedded:
        card = card_for(model)
        for word in DEVELOPER_WORDS:
            assert word not in card.text, (word, card.text)
            assert word not in card.title and word not in card.label
        assert "Licence: MPL-2.0." in card.text  # the manifest's conclusion, not its reasoning
        assert "built in" in card.text and " MB" in card.text
        assert str(model.path.resolve()) in card.details and model.manifest.id in card.details
    en_pt = next(m for m in embedded if m.manifest.id == "camtranslate-en-pt")
    card = card_for(en_pt)
    assert card.title == "English → Portuguese"
    assert card.label == "en→pt · built in"
    size = float(card.text.split(" MB")[0].rsplit(", ", 1)[1])
    assert 15 < size < 25  # 19.5 MB on disk


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("MIT", "MIT"),
        ("cc-by-4.0", "CC-BY-4.0"),
        ("Unclear", "not stated by its publisher: ask them before sharing it"),
        ("", "not stated by its publisher: ask them before sharing it"),
        ("Its metadata says MIT. Treat these weights as MPL-2.0.", "MPL-2.0"),
        ("Apache-2.0 (see LICENSE)", "Apache-2.0"),
        ("a custom research licence", "see Show Details"),
    ],
)
def test_licence_summary(written: str, shown: str) -> None:
    assert licence_summary(written) == shown


def test_no_model_card_tells_how_to_get_one() -> None:
    card = no_model_card("No model for en→ja")
    assert "camtranslate models install" in card.text and card.details == ""
