"""The user's glossary: parsing, matching, safe edits, live reload, and the engine using it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from translate_helpers import EN_PT

from camtranslate.cli import main
from camtranslate.models.registry import ModelRegistry
from camtranslate.translate.glossary import (
    HEADER,
    Glossary,
    GlossaryError,
    GlossaryFile,
    Term,
    add_term,
    remove_term,
)
from camtranslate.translate.service import GLOSSARY, TranslationService


def shown(glossary: Glossary, text: str, target: str = "pt") -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.text) for s in glossary.spans(text, target)]


def test_parse_skips_bad_lines_and_says_where() -> None:
    g = Glossary.parse(
        "# comment\n\nBurger King\t\t\nSALE\tLIQUIDAÇÃO\tpt\nx\nA\tB\tC\tD\nOK\tfine\tportuguese\n",
        "g.tsv",
    )
    assert g.terms == (Term("Burger King"), Term("SALE", "LIQUIDAÇÃO", "pt"))
    assert [p.split(":")[0] for p in g.problems] == ["g.tsv line 5", "g.tsv line 6", "g.tsv line 7"]


def test_terms_match_whole_words_case_blind_longest_first() -> None:
    g = Glossary((Term("Burger King"), Term("King"), Term("Mango")))
    assert shown(g, "BURGER KING Whopper") == [("BURGER KING", "BURGER KING")]
    assert shown(g, "The  king of mango") == [("king", "king"), ("mango", "mango")]
    assert shown(g, "Mangoes and Kingston") == []  # whole words only


def test_translations_follow_the_case_of_the_sign_and_the_target() -> None:
    g = Glossary((Term("sale", "LIQUIDAÇÃO", "pt"), Term("McD", "McDonald's")))
    assert shown(g, "SALE") == [("SALE", "LIQUIDAÇÃO")]
    assert shown(g, "Big Sale") == [("Sale", "Liquidação")]
    assert shown(g, "sale") == [("sale", "liquidação")]
    assert shown(g, "sale", target="en") == []
    assert shown(g, "mcd") == [("mcd", "McDonald's")]  # the user's own spelling is kept
    both = Glossary((Term("Sale", "Venda"), Term("Sale", "Liquidação", "pt")))
    assert shown(both, "Sale") == [("Sale", "Liquidação")]
    assert shown(both, "Sale", target="es") == [("Sale", "Venda")]


def test_add_and_remove_keep_everything_else_the_user_wrote(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    assert add_term(path, Term("Burger King")) is False
    assert path.read_text("utf-8") == HEADER + "Burger King\t\t\n"
    path.write_text(path.read_text("utf-8") + "# my shops\nnot\ta\tvalid\tline\n", "utf-8")
    assert add_term(path, Term("burger  king", "BK")) is True  # same term: replaced
    text = path.read_text("utf-8")
    assert "# my shops\n" in text and "not\ta\tvalid\tline\n" in text
    assert text.count("urger") == 1 and text.endswith("burger  king\tBK\t\n")
    assert remove_term(path, "BURGER KING") == 1
    assert remove_term(path, "BURGER KING") == 0
    assert "# my shops" in path.read_text("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.tsv"]  # no temp files left
    with pytest.raises(ValueError):
        add_term(path, Term("x"))


def test_a_file_that_is_not_text_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    junk = bytes(range(256)) * 4
    path.write_bytes(junk)
    with pytest.raises(GlossaryError, match="not UTF-8"):
        add_term(path, Term("Mango"))
    with pytest.raises(GlossaryError):
        Glossary.load(path)
    assert path.read_bytes() == junk
    live = GlossaryFile(path)
    assert live.current().terms == ()  # the engine goes on without it


def test_glossary_file_follows_edits(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    live = GlossaryFile(path)
    assert live.spans("Mango", "pt") == []
    add_term(path, Term("Mango"))
    assert [s.text for s in live.spans("Mango", "pt")] == ["Mango"]
    remove_term(path, "Mango")
    os.utime(path, ns=(1, 1))  # a same-size rewrite in the same clock tick is still noticed
    assert live.spans("Mango", "pt") == []


def test_the_engine_keeps_names_and_draws_the_users_terms(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    plain = TranslationService(ModelRegistry([EN_PT.parent]), threads=1)
    before = plain.translate(["BURGER KING", "MANGO", "SALE 50% OFF"], "en", "pt")
    assert [o.translation for o in before[:2]] != ["BURGER KING", "MANGO"]  # the model's guess
    for term in (Term("Burger King"), Term("Mango"), Term("sale", "LIQUIDAÇÃO", "pt")):
        add_term(path, term)
    svc = TranslationService(ModelRegistry([EN_PT.parent]), threads=1, glossary=GlossaryFile(path))
    out = svc.translate(["BURGER KING", "MANGO", "SALE 50% OFF", "Mango juice"], "en", "pt")
    assert [o.translation for o in out[:2]] == ["BURGER KING", "MANGO"]
    assert all(not o.route and not o.untranslated for o in out[:2])
    assert out[2].translation.startswith("LIQUIDAÇÃO 50%") and out[2].route[-1] == GLOSSARY
    assert out[3].translation.startswith("Mango ") and "suco" in out[3].translation.lower()


def test_cli_adds_lists_and_removes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.tsv"
    assert main(["glossary", "--file", str(path), "add", "Burger King"]) == 0
    assert (
        main(["glossary", "--file", str(path), "add", "Sale", "--as", "Promoção", "--to", "pt"])
        == 0
    )
    assert main(["glossary", "--file", str(path), "add", "?"]) == 2
    capsys.readouterr()
    assert main(["glossary", "--file", str(path), "list"]) == 0
    listed = capsys.readouterr().out
    assert "Burger King" in listed and "Promoção" in listed and "pt only" in listed
    assert main(["glossary", "--file", str(path), "remove", "sale"]) == 0
    assert main(["glossary", "--file", str(path), "remove", "sale"]) == 1
    assert Glossary.load(path).terms == (Term("Burger King"),)
