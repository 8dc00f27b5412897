"""Teaching the glossary from the side list, on the real window and the real engine."""

from __future__ import annotations

from camtranslate.config import PipelineConfig
from camtranslate.paths import sample_image_path
from camtranslate.translate.glossary import Glossary, Term

STILL_TIMEOUT_MS = 240_000


def test_keep_as_written_and_translate_as_from_the_side_list(qtbot, settings_path, tmp_path):
    from camtranslate.gui.main_window import MainWindow
    from camtranslate.gui.settings import Settings

    glossary = tmp_path / "glossary.tsv"
    settings = Settings(settings_path)
    settings.source_lang, settings.target_lang = "en", "pt"
    window = MainWindow(settings, PipelineConfig(glossary_path=glossary))
    qtbot.addWidget(window)
    window.show()
    window.add_paths([sample_image_path()])
    qtbot.waitUntil(lambda: window.queue[0].state == "done", timeout=STILL_TIMEOUT_MS)
    rows = [r for r in window.region_list.rows() if r.translation != r.text]
    assert rows, "the sample has translated text"
    name, term = rows[0].text, rows[-1].text

    window.region_list.glossaryRequested.emit(name, None)  # "Always keep as written"
    assert Glossary.load(glossary).terms == (Term(" ".join(name.split())),)
    qtbot.waitUntil(lambda: window.queue[0].state == "done", timeout=STILL_TIMEOUT_MS)
    shown = {r.text: r.translation for r in window.region_list.rows()}
    assert shown[name] == name

    if term != name:
        window.region_list.glossaryRequested.emit(term, "TRADUÇÃO DO USUÁRIO")
        qtbot.waitUntil(lambda: window.queue[0].state == "done", timeout=STILL_TIMEOUT_MS)
        shown = {r.text: r.translation for r in window.region_list.rows()}
        assert shown[term].upper() == "TRADUÇÃO DO USUÁRIO"

    glossary.write_bytes(b"\xff\xfe not text")  # a damaged file: a message, nothing lost
    assert window.add_to_glossary("Mango", None) is False
    assert glossary.read_bytes() == b"\xff\xfe not text"
    assert "not UTF-8" in window.message_label.text()
    window.close()


def test_side_list_offers_the_glossary_actions(qtbot) -> None:
    from camtranslate.gui.widgets.region_list import RegionList, Row

    lst = RegionList()
    qtbot.addWidget(lst)
    lst.set_rows([Row(((0, 0), (1, 0), (1, 1), (0, 1)), "BURGER KING", "BURGER REI", "en")])
    lst.topLevelItem(0).setSelected(True)
    with qtbot.waitSignal(lst.glossaryRequested) as blocker:
        lst.keep_action.trigger()
    assert blocker.args == ["BURGER KING", None]
