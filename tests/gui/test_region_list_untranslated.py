"""The side list shows text left untranslated as such, with the reason, never as a translation."""

from __future__ import annotations

from camtranslate.gui.widgets import RegionList
from camtranslate.gui.widgets.region_list import Row

BOX = ((0, 0), (1, 0), (1, 1), (0, 1))


def test_untranslated_rows_say_so(qtbot):
    lst = RegionList()
    qtbot.addWidget(lst)
    kept = Row(BOX, "SORTIE", "SORTIE", "fr", untranslated_reason="fr: no model for fr→pt")
    lst.set_rows([Row(BOX, "EXIT", "SAÍDA", "en"), kept])
    assert lst.topLevelItem(0).text(1) == "SAÍDA"
    item = lst.topLevelItem(1)
    assert item.text(1) == "untranslated: fr: no model for fr→pt"
    assert item.font(1).italic()
    lst.setCurrentItem(item)
    assert lst.copy_selected("translation") == "SORTIE"  # copying gives the text as it is


def test_a_weak_language_guess_shows_with_a_question_mark(qtbot):
    """The Lang column must not state "ro" for OCR junk the service only guessed at."""
    from camtranslate.translate.service import TranslationService

    lst = RegionList()
    qtbot.addWidget(lst)
    unclear = TranslationService.no_model_reason("ro", "pt", confidence=0.21)
    sure = TranslationService.no_model_reason("fr", "pt", confidence=0.9)
    lst.set_rows(
        [
            Row(BOX, "Woastal WERPENY", "Woastal WERPENY", "ro", untranslated_reason=unclear),
            Row(BOX, "SORTIE", "SORTIE", "fr", untranslated_reason=sure),
            Row(BOX, "0B1", "0B1", "unknown"),
        ]
    )
    assert [lst.topLevelItem(i).text(2) for i in range(3)] == ["ro?", "fr", "?"]
    assert "ro? 21%" in lst.topLevelItem(0).text(1)
