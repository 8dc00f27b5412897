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
