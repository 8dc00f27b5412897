"""No invented text, sign text and the confidence floor, on the real embedded models.

Assertions are properties (no parenthesis or digit the source lacked, source digits kept,
symbols kept, unsure text left as is), not one model's wording: the embedded models get
replaced by better ones and these must still hold.
"""

from __future__ import annotations

import re

import pytest
from translate_helpers import REPO

from camtranslate.models.registry import ModelRegistry
from camtranslate.translate.cache import PhraseCache
from camtranslate.translate.ct2 import CT2Translator, split_affixes
from camtranslate.translate.guard import (
    DIGITS,
    INVENTED,
    KEPT,
    UNKNOWN_PIECE,
    GuardedTranslator,
    Verdict,
    check,
    decode,
    encode,
    invented,
)
from camtranslate.translate.service import TranslationService

SIGNS_EN = [
    "Men's Wear",
    "STARBUCKS",
    "Farn",
    "xqzt",
    "LOREM IPSUM",
    "Tel. 555-0123",
    "Gate B12",
    "NO PARKING 8AM-6PM",
    "Room 101",
    "SALE 50% OFF",
    "iPhone 15 Pro",
    "#BLACK LIVES MATTER",
    "HOTELS",
    "DIRECTORY",
    "EXIT",
    "Coca-Cola",
    "ing station",
    "Level 3",
    "concierge@L3",
]


# -- the rules, on their own ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [
        ("Men's Wear", "Men's Wear (em inglês)", Verdict("Men's Wear")),
        ("Farn", "Farn (o)", Verdict("Farn")),
        ("STARBUCKS", "STARBUCKS (DE A ESTRELA)", Verdict("STARBUCKS")),
        ("Open (24h)", "Aberto (24h)", Verdict("Aberto (24h)")),  # the source had brackets
        ("Open (24h)", "Aberto (24h) (em inglês)", Verdict("Aberto (24h)")),
        ("Exit (left)", "Saída à esquerda", Verdict("Saída à esquerda")),  # a pair may go
        ("B(st)", "B (em inglês))", Verdict("B(st)", INVENTED)),  # ICDAR img_495
        ("Gate [B]", "Portão [B] [C]", Verdict("Portão [B]")),
        ("#BLACK LIVES MATTER", '"AS VIDAS NEGRAS IMPORTAM', Verdict("AS VIDAS NEGRAS IMPORTAM")),
        ("Tel. 555-0123", "Tel. 55,R ⁇ 123", Verdict("Tel. 555-0123", UNKNOWN_PIECE)),
        ("Room 101", "Quarto 10", Verdict("Room 101", DIGITS)),
        ("Platform two", "Plataforma 2", Verdict("Platform two", DIGITS)),
        ("Keep out", "(a)", Verdict("Keep out", INVENTED)),
        ("SALE 50% OFF", "VENDA 50% DE DESCONTO", Verdict("VENDA 50% DE DESCONTO")),
    ],
)
def test_check_rules(source: str, translation: str, expected: Verdict) -> None:
    assert check(source, translation) == expected


def test_low_score_keeps_the_source() -> None:
    verdict = check("Ahbkf", "Matérias de nutrientes", score=-1.6, min_score=-0.6)
    assert verdict.text == "Ahbkf" and verdict.reason.startswith("unsure")
    assert not check("Exit", "Saída", score=-0.05, min_score=-0.6).kept


def test_encode_decode_roundtrip() -> None:
    kept = Verdict("Tel. 555", DIGITS)
    assert encode(kept).startswith(KEPT) and decode("Tel. 555", encode(kept)) == kept
    assert decode("Exit", encode(Verdict("Saída"))) == Verdict("Saída")


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("#BLACK LIVES MATTER", ("#", "BLACK LIVES MATTER", "")),
        ("- Exit -", ("- ", "Exit", " -")),
        ("(Toilets)", ("(", "Toilets", ")")),
        ("Where is it?", ("", "Where is it?", "")),
        ("$5 OFF", ("", "$5 OFF", "")),
        ("24/7", ("", "24/7", "")),
    ],
)
def test_split_affixes(text: str, parts: tuple[str, str, str]) -> None:
    assert split_affixes(text) == parts


# -- on the real models -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def guarded(en_pt: CT2Translator) -> GuardedTranslator:
    return GuardedTranslator(en_pt)


def test_real_signs_gain_no_invented_text(en_pt: CT2Translator, guarded: GuardedTranslator) -> None:
    raw = en_pt.translate_batch(SIGNS_EN)
    assert sum(invented(s, t) for s, t in zip(SIGNS_EN, raw, strict=True)) > 0  # guard is needed
    for source, verdict in zip(SIGNS_EN, guarded.verdicts(SIGNS_EN), strict=True):
        assert not invented(source, verdict.text), (source, verdict)
        assert "(" not in verdict.text or "(" in source
        assert re.findall(r"\d+", verdict.text) == re.findall(r"\d+", source) or verdict.kept


def test_hashtag_sign_keeps_its_hashtag_and_caps(guarded: GuardedTranslator) -> None:
    verdict = guarded.verdicts(["#BLACK LIVES MATTER"])[0]
    assert verdict.text.startswith("#") and verdict.text.isupper()
    assert '"' not in verdict.text


def test_source_digits_survive(guarded: GuardedTranslator) -> None:
    for source, verdict in zip(
        ["Open 24 hours", "Gate B12", "NO PARKING 8AM-6PM"],
        guarded.verdicts(["Open 24 hours", "Gate B12", "NO PARKING 8AM-6PM"]),
        strict=True,
    ):
        assert re.findall(r"\d+", verdict.text) == re.findall(r"\d+", source)
        assert not verdict.kept  # confident, clean translations are drawn


def test_unsure_text_is_kept_and_marked(en_pt: CT2Translator) -> None:
    scored = en_pt.translate_scored(["Exit", "#BLACK LIVES MATTER", "xqzt wjrr bnnk"])
    assert all(s.score is not None and s.score <= 0 for s in scored)
    floor = max(s.score for s in scored if s.score is not None) + 1e-6  # everything is "unsure"
    verdicts = GuardedTranslator(en_pt, min_score=floor).verdicts(["Exit"])
    assert verdicts[0] == Verdict("Exit", verdicts[0].reason) and verdicts[0].kept


def test_service_marks_untranslated_and_never_draws_notes(tmp_path) -> None:
    service = TranslationService(
        ModelRegistry([REPO / "models"]), PhraseCache(tmp_path / "c.sqlite"), threads=1
    )
    texts = ["Men's Wear", "Tel. 555-0123", "EXIT"]
    for _ in range(2):  # model, then cache: the same guarded answers
        out = service.translate(texts, "en", "pt")
        for o in out:
            assert "(" not in o.translation
            assert o.untranslated == (o.translation == o.text and bool(o.reason))
        assert out[1].translation == "Tel. 555-0123" or "555-0123" in out[1].translation
        assert not out[2].untranslated and out[2].translation.isupper()
    assert all(o.cached for o in out)


def test_guard_has_its_own_cache_namespace(tmp_path, en_pt: CT2Translator) -> None:
    """A phrase cached before the guard ("Men's Wear (em inglês)") is never served again."""
    cache = PhraseCache(tmp_path / "c.sqlite")
    cache.put_many(en_pt.model_id, "en", "pt", {"Men's Wear": "Men's Wear (em inglês)"})
    service = TranslationService(ModelRegistry([REPO / "models"]), cache, threads=1)
    out = service.translate(["Men's Wear"], "en", "pt")[0]
    assert "(" not in out.translation and not out.cached


def test_json_says_untranslated_and_why() -> None:
    import numpy as np

    from camtranslate.types import FrameResult, TextRegion, TranslatedRegion

    box = ((0.0, 0.0), (9.0, 0.0), (9.0, 9.0), (0.0, 9.0))
    kept = TranslatedRegion(TextRegion(box, "SORTIE", 0.9), "SORTIE", "fr", False, "fr: no model")
    done = TranslatedRegion(TextRegion(box, "EXIT", 0.9), "SAÍDA", "en")
    data = FrameResult(np.zeros((9, 9, 3), np.uint8), (kept, done), "auto", "pt").to_json("x")
    assert data["regions"][0]["untranslated"] is True
    assert data["regions"][0]["reason"] == "fr: no model"
    assert data["regions"][1]["untranslated"] is False and "reason" not in data["regions"][1]
