"""CTranslate2 backend on the real embedded en→pt model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from translate_helpers import REPO, clone_model

from camtranslate.errors import ModelError, ModelIntegrityError
from camtranslate.models.registry import ModelRegistry
from camtranslate.translate.ct2 import (
    CT2Translator,
    DecodeOptions,
    is_all_caps,
    keep_source_case,
    resolve_compute_type,
    resolve_device,
    sentence_case,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Exit", "saída"),
        ("Emergency exit", "emergência"),
        ("No smoking", "fumar"),
        ("Open 24 hours", "aberto 24 horas"),
        ("Thank you very much.", "obrigad"),
    ],
)
def test_real_phrases_are_portuguese(en_pt: CT2Translator, text: str, expected: str) -> None:
    assert expected in en_pt.translate(text).lower()


def test_all_caps_signs_are_translated_and_kept_upper(en_pt: CT2Translator) -> None:
    out = en_pt.translate_batch(["EMERGENCY EXIT", "NO SMOKING"])
    assert out[0] == "SAÍDA DE EMERGÊNCIA"
    assert "FUMAR" in out[1] and out[1].isupper()
    raw = en_pt.with_options(DecodeOptions(fix_all_caps=False)).translate("EMERGENCY EXIT")
    assert raw != out[0]  # the model alone garbles caps: the fix is doing real work


def test_batch_equals_one_by_one(en_pt: CT2Translator) -> None:
    texts = ["Exit", "Push to open", "Closed on Sundays", "Keep the door closed.", "Wet floor"]
    greedy = en_pt.with_options(DecodeOptions(beam_size=1))
    assert greedy.translate_batch(texts) == [greedy.translate(t) for t in texts]
    assert en_pt.translate_batch(texts) == [en_pt.translate(t) for t in texts]


def test_one_model_call_per_batch(en_pt: CT2Translator) -> None:
    before = en_pt.model_calls
    en_pt.translate_batch(["Exit", "", "  ", "Entrance", "Toilets"])
    assert en_pt.model_calls == before + 1


def test_empty_and_whitespace_skip_the_model(en_pt: CT2Translator) -> None:
    before = en_pt.model_calls
    assert en_pt.translate_batch(["", "   ", "\n\t"]) == ["", "", ""]
    assert en_pt.translate_batch([]) == []
    assert en_pt.model_calls == before


def test_very_long_input_is_split_and_bounded(en_pt: CT2Translator) -> None:
    sentence = "The train to the airport leaves from platform two every ten minutes. "
    long_text = sentence * 60  # ~900 pieces, far beyond max_input_tokens
    segments = en_pt._segments(long_text.strip())
    assert len(segments) > 1
    assert all(len(toks) <= en_pt.options.max_input_tokens for toks, _ in segments)
    assert all(text is None for _, text in segments)  # pieces, not the whole text
    out = en_pt.translate(long_text)
    assert "aeroporto" in out.lower()
    assert len(out) < 4 * len(long_text)
    # one giant "word" without sentence ends or spaces must not crash either
    assert isinstance(en_pt.translate("x" * 5000), str)


def test_caps_helpers() -> None:
    assert is_all_caps("NO ENTRY") and is_all_caps("EXIT 3")
    assert not is_all_caps("Exit") and not is_all_caps("A") and not is_all_caps("24/7")
    assert sentence_case("NO ENTRY. STAFF ONLY") == "No entry. Staff only"


def test_device_and_compute_type_resolution() -> None:
    import ctranslate2

    expected = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    assert resolve_device("auto") == expected
    with pytest.raises(ModelError, match="device"):
        resolve_device("tpu")
    supported = ctranslate2.get_supported_compute_types("cpu")
    assert resolve_compute_type("cpu", "int8") in supported
    assert resolve_compute_type("cpu", "float16") in supported  # no fp16 on CPU: falls back


def test_tampered_model_refuses_to_load(tmp_path: Path) -> None:
    model_dir = clone_model(tmp_path / "en-pt")
    with open(model_dir / "model.bin", "r+b") as fh:
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0x01]))
    model = ModelRegistry([tmp_path]).find("en", "pt")
    with pytest.raises(ModelIntegrityError, match=r"model\.bin"):
        CT2Translator(model, device="cpu")


def test_wrong_pair_is_refused(en_pt: CT2Translator) -> None:
    with pytest.raises(ModelError, match="does not translate"):
        en_pt.for_pair("pt", "en")


def test_translation_path_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from camtranslate.models.registry import ModelRegistry\n"
        "from camtranslate.translate.service import TranslationService\n"
        "s = TranslationService(ModelRegistry())\n"
        "print(s.translate(['Exit'], 'auto', 'pt')[0].translation)\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Saída" in out.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HOTELS", "HOTÉIS"),  # was "HOTÉIS EM": a preposition glued on
        ("Hotels", "Hotéis"),
        ("hotels", "hotéis"),
        ("FOOD", "COMIDA"),  # was kept as unsure: no single spelling convinced the model
        ("PULL", "PUXE"),
    ],
)
def test_short_signs_are_read_as_signs(en_pt: CT2Translator, text: str, expected: str) -> None:
    assert en_pt.translate(text) == expected


def test_sign_variants_only_for_short_text() -> None:
    from camtranslate.translate.ct2 import sign_variants

    assert sign_variants("HOTELS", True, 3) == ["Hotels", "hotels", "Hotels."]
    assert sign_variants("Toilets", False, 3) == ["Toilets", "toilets", "Toilets."]
    assert sign_variants("iPhone case", False, 3) == ["iPhone case", "iPhone case."]
    assert sign_variants("Exit!", False, 3) == ["Exit!", "exit!"]
    long = "Please keep this door closed at all times"
    assert sign_variants(long, False, 3) == [long]


def test_pick_variant_prefers_no_added_function_word_then_the_surest() -> None:
    from camtranslate.translate.ct2 import Scored, pick_variant

    cands = [Scored("Hotéis em", -0.08), Scored("Hotéis", -0.2), Scored("Hotéis.", -0.02)]
    chosen = pick_variant("Hotels", cands, "en", "pt")
    assert chosen.text == "Hotéis." and chosen.score == -0.02
    cands = [Scored("A comida.", -0.03), Scored("Comida", -0.3), Scored("comida", -0.2)]
    chosen = pick_variant("Food", cands, "en", "pt")
    assert chosen.text == "comida" and chosen.score == -0.03  # the best reading's confidence
    # a function word the source has is fine; unknown languages are never penalised
    the_end = [Scored("O fim", -0.1), Scored("Fim", -0.3)]
    assert pick_variant("The End", the_end, "en", "pt").text == "O fim"
    ende = [Scored("das Ende", -0.1), Scored("x", -0.3)]
    assert pick_variant("Ende", ende, "de", "xx").text == "das Ende"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Proibido fumar. Proibido comer.", ["Proibido fumar.", "Proibido comer."]),
        ('Ele disse: "Olá!" "Tudo bem?"', ['Ele disse: "Olá!"', '"Tudo bem?"']),
        ("Abre às 8.40. Fecha às 18h.", ["Abre às 8.40.", "Fecha às 18h."]),
        ("Wait... 2 more minutes", ["Wait...", "2 more minutes"]),
        ("e.g. this one", ["e.g. this one"]),  # a lower-case word after the dot: no break
        ("abri-lo.Por favor", ["abri-lo.Por favor"]),  # no space: one sentence
        ("出口。入口！", ["出口。", "入口！"]),
        ("  ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_a_lost_sentence_is_translated_again(pt_en: CT2Translator) -> None:
    text = (
        "Na entrada do museu, os visitantes deixam as mochilas no guarda-volumes e mostram o "
        "bilhete ao funcionário. Seus filhos entram de graça até os doze anos."
    )
    encode = pt_en._engine.sp_source.encode
    one_pass = pt_en._run([encode(text, out_type=str)])[0][0]
    assert "twelve" not in one_pass  # the student stops after the first sentence
    before = pt_en.model_calls
    out = pt_en.translate(text)
    assert pt_en.model_calls == before + 2  # one more call, for this text's sentences
    assert "museum" in out and "twelve" in out
    assert len(split_sentences(out)) == 2
    # nothing lost: still one call
    before = pt_en.model_calls
    assert len(split_sentences(pt_en.translate("Proibido fumar. Proibido comer."))) == 2
    assert pt_en.model_calls == before + 1


@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [
        ("Coca-Cola", "Coca-cola", "Coca-Cola"),
        ("Hotel Bristol", "Hotel bristol", "Hotel Bristol"),
        ("NASA rocket", "foguete da nasa", "foguete da NASA"),
        ("iPhone", "Iphone", "iPhone"),
        # a capital at a sentence's start says nothing: pt "A" is not English "a"
        ("A casa tem um jardim", "The house has a garden", "The house has a garden"),
        ("Is this A or B?", "Isto é a ou b?", "Isto é a ou b?"),
        ("Welcome to McDonald's", "Bem-vindo ao McDONALD'S", "Bem-vindo ao McDONALD'S"),
    ],
)
def test_keep_source_case(source: str, translation: str, expected: str) -> None:
    assert keep_source_case(source, translation) == expected


def test_title_case_sign_names_keep_their_capitals(en_pt: CT2Translator) -> None:
    assert en_pt.translate("Coca-Cola") == "Coca-Cola"  # was "Coca-cola": read sentence-cased
    assert "Bristol" in en_pt.translate("Hotel Bristol")


_SIGNISH = st.text(alphabet=st.sampled_from(list("aBcÉõXyZ .!?…。！？\"'(«1- ")), max_size=40)


@given(_SIGNISH)
def test_split_sentences_keeps_every_character(text: str) -> None:
    pieces = split_sentences(text)
    assert "".join(pieces).replace(" ", "") == "".join(text.split())
    assert all(p and p == p.strip() for p in pieces)


@given(_SIGNISH, _SIGNISH)
def test_keep_source_case_changes_case_only(source: str, translation: str) -> None:
    out = keep_source_case(source, translation)
    assert out.lower() == translation.lower() and len(out) == len(translation)
