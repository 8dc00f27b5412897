"""Routing on real models: passthrough, detection, direct and pivot routes, one call per leg."""

from __future__ import annotations

from pathlib import Path

import pytest
from translate_helpers import EN_PT, clone_model

from camtranslate.errors import ModelNotFoundError
from camtranslate.models.registry import ModelRegistry
from camtranslate.translate.cache import PhraseCache
from camtranslate.translate.service import TranslationService, normalize_lang


@pytest.fixture(scope="module")
def service() -> TranslationService:
    return TranslationService(ModelRegistry([EN_PT.parent]), threads=1)


def test_explicit_pair_translates(service: TranslationService) -> None:
    out = service.translate(["EMERGENCY EXIT", "Open 24 hours"], "en", "pt")
    assert out[0].translation == "SAÍDA DE EMERGÊNCIA"
    assert "24 horas" in out[1].translation
    assert all(o.source_lang == "en" and o.route and not o.cached for o in out)


def test_no_letters_and_same_language_pass_through(service: TranslationService) -> None:
    before = service.stats()["model_calls"]
    texts = ["24/7", "€ 3,50", "12:30", "", "Saída de emergência"]
    out = service.translate(texts, "pt", "pt")
    assert [o.translation for o in out] == texts
    assert all(o.passthrough for o in out)
    out = service.translate(["24/7", "-", "Exit"], "en", "pt")
    assert [o.translation for o in out[:2]] == ["24/7", "-"]
    assert out[0].passthrough and out[0].source_lang == "unknown"
    assert "saída" in out[2].translation.lower()
    assert service.stats()["model_calls"] == before + 1


def test_auto_detects_per_text(service: TranslationService) -> None:
    texts = [
        "Please keep the door closed at all times",
        "Exit",
        "Mantenha a porta sempre fechada",
        "Bitte halten Sie die Tür geschlossen",
        "€ 2,50",
    ]
    out = service.translate(texts, "auto", "pt")
    assert [o.source_lang for o in out[:4]] == ["en", "en", "pt", "de"]
    assert "porta" in out[0].translation
    assert "saída" in out[1].translation.lower()
    assert out[2].passthrough and out[2].translation == texts[2]  # already Portuguese
    assert out[3].passthrough  # no de→pt route installed: left as is under auto
    assert out[4].passthrough


def test_missing_model_error_lists_pairs_and_hint(service: TranslationService) -> None:
    with pytest.raises(ModelNotFoundError) as err:
        service.translate(["Hallo"], "de", "pt")
    msg = str(err.value)
    assert "de→pt" in msg and "en→pt" in msg and "camtranslate models install" in msg
    assert "\n" not in msg


def test_normalize_lang() -> None:
    assert normalize_lang("pt-BR") == "pt" and normalize_lang("PT_br") == "pt"
    assert normalize_lang(" en ") == "en" and normalize_lang("auto") == "auto"


@pytest.fixture(scope="module")
def pivot_registry(tmp_path_factory: pytest.TempPathFactory) -> ModelRegistry:
    """de→en and en→pt, no de→pt: two real CT2 models (the first is en→pt weights declared
    de→en, which is all routing needs: it is called, then its output feeds the second)."""
    root = tmp_path_factory.mktemp("pivot")
    clone_model(root / "de-en", id="fake-de-en", source_langs=("de",), target_langs=("en",))
    clone_model(root / "en-pt", id="en-pt")
    return ModelRegistry([root])


def test_pivot_through_english(pivot_registry: ModelRegistry, tmp_path: Path) -> None:
    # routing only: the first leg is en→pt weights fed German, which the confidence floor
    # would rightly refuse (see test_unsure_first_leg_stops_the_pivot)
    svc = TranslationService(
        pivot_registry, PhraseCache(tmp_path / "c.sqlite3"), threads=1, min_score=float("-inf")
    )
    assert ("de", "pt") in svc.language_pairs()
    assert ("pt", "de") not in svc.language_pairs()
    assert [m.id for m in svc.route("de", "pt")] == ["fake-de-en", "en-pt"]
    assert [m.id for m in svc.route("en", "pt")] == ["en-pt"]
    assert svc.route("pt", "de") is None

    texts = ["Ausgang", "Notausgang", "Ausgang"]
    out = svc.translate(texts, "de", "pt")
    assert all(o.route == ("fake-de-en", "en-pt") for o in out)
    assert all(o.translation for o in out) and out[0].translation == out[2].translation
    # the second leg really ran on the first leg's output
    first_leg = svc._translator(pivot_registry.get("fake-de-en"), "de", "en")
    second_leg = svc._translator(pivot_registry.get("en-pt"), "en", "pt")
    mids = first_leg.translate_batch(["Ausgang"])
    assert second_leg.translate_batch(mids) == [out[0].translation]
    engines_calls = svc.stats()["model_calls"]
    again = svc.translate(texts, "de", "pt")
    assert all(o.cached for o in again)
    assert svc.stats()["model_calls"] == engines_calls


def test_groups_make_one_call_per_model(pivot_registry: ModelRegistry) -> None:
    svc = TranslationService(pivot_registry, threads=1)
    svc.translate(["Exit", "Entrance", "Toilets", "Wet floor"], "en", "pt")
    assert svc.stats()["model_calls"] == 1
    svc.translate(["Ausgang", "Eingang"], "de", "pt")
    assert svc.stats()["model_calls"] == 3  # one per pivot leg


def test_warmup_loads_and_runs_without_caching(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "c.sqlite3")
    svc = TranslationService(ModelRegistry([EN_PT.parent]), cache, threads=1)
    svc.warmup("en", "pt")
    assert svc.stats()["model_calls"] == 1
    assert cache.get_many(svc.route("en", "pt")[0].id, "en", "pt", ["Hello"]) == {}
    svc.warmup("auto", "pt")
    with pytest.raises(ModelNotFoundError):
        svc.warmup("en", "ja")


def test_explicit_source_lets_text_in_another_script_pass_through(service):
    """--from en on a frame that also holds a Chinese shop name: the name is left alone."""
    out = service.translate(["出口", "Exit", "Москва"], "en", "pt")
    assert [o.translation for o in out][0::2] == ["出口", "Москва"]
    assert "saída" in out[1].translation.lower()


def test_auto_source_with_an_unreachable_target_is_an_error_not_silence(service) -> None:
    """--to de with only en↔pt installed: say so, instead of "translating" nothing."""
    with pytest.raises(ModelNotFoundError, match="de"):
        service.translate(["Hello", "Exit"], "auto", "de")
    assert [o.translation for o in service.translate(["24/7"], "auto", "de")] == ["24/7"]


def test_auto_reports_languages_without_a_model(service: TranslationService) -> None:
    """Language honesty: French, German, Malay are never run through the en→pt model."""
    texts = [
        "Sortie de secours, gardez la porte fermée",
        "Bitte halten Sie die Tür geschlossen",
        "DILARANG MEROKOK",
        "Please keep the door closed",
    ]
    before = service.stats()["model_calls"]
    out = service.translate(texts, "auto", "pt")
    for o in out[:3]:
        assert o.untranslated and o.translation == o.text and not o.route
        assert o.source_lang not in ("en", "pt")
        assert f"{o.source_lang}: no model for {o.source_lang}→pt" in o.reason
        assert "camtranslate models install" in o.reason
    assert not out[3].untranslated and "porta" in out[3].translation
    assert service.stats()["model_calls"] == before + 1  # only the English text


def test_ocr_junk_is_not_named_as_a_language_without_a_model(service) -> None:
    """Misreads seen in the real window ("Woastal WERPENY" → "ro: no model", "MONTALY SPLIUL"
    → "cs: no model") sent the user off to install a model for a language that was never
    there: a weak guess says the language is unclear and names it only with a question mark."""
    before = service.stats()["model_calls"]
    out = service.translate(["Woastal WERPENY", "MONTALY SPLIUL"], "auto", "pt")
    for o in out:
        assert o.untranslated and o.translation == o.text and not o.route
        assert o.reason.startswith(f"language unclear ({o.source_lang}? ")
        assert "models install" not in o.reason
    assert service.stats()["model_calls"] == before


def test_codes_beside_foreign_text_are_not_reported_as_that_language(service) -> None:
    """"0B1" or "P" has no language: it must not inherit the frame's French and be reported as
    "fr: no model for fr→pt", it simply stays as it is."""
    out = service.translate(["Sortie de secours, gardez la porte fermée", "0B1", "P"], "auto", "pt")
    assert out[0].untranslated and out[0].source_lang == "fr"
    for o in out[1:]:
        assert o.translation == o.text and not o.route and not o.untranslated and not o.reason


def test_a_weak_guess_does_not_become_the_frame_language(service: TranslationService) -> None:
    """Frames read from ICDAR photos: a shop name guessed as Czech made "SUSHI" Czech too, and a
    weak German guess made "EXIT" German ("language unclear"), because every guess voted for the
    frame's language. Only sure or long texts, or weak guesses of a language that has a model,
    vote now."""
    sushi = service.translate(["METOUSTH JS.", "SUSHI TER", "SUSHI"], "auto", "pt")
    assert all("cs" not in o.reason for o in sushi)
    exit_ = service.translate(["EXIT", "STSELLERS"], "auto", "pt")
    assert exit_[0].source_lang == "en" and exit_[0].translation == "SAÍDA"
    toast = service.translate(["TOASTBOX", "ad"], "auto", "pt")
    assert not toast[1].reason  # the fragment is not given the brand name's guess
    # a sure sentence still lends its language to the short bits beside it
    out = service.translate(["Sortie de secours, gardez la porte fermée", "Défense"], "auto", "pt")
    assert out[1].source_lang == "fr" and "fr: no model" in out[1].reason


def test_all_caps_sign_words_route_to_english(service: TranslationService) -> None:
    out = service.translate(["HOTELS"], "auto", "pt") + service.translate(["FOOD"], "auto", "pt")
    assert [o.source_lang for o in out] == ["en", "en"]


def test_unsure_first_leg_stops_the_pivot(pivot_registry: ModelRegistry) -> None:
    """A text the first leg keeps is not fed to the second one: it stays as is, marked."""
    svc = TranslationService(pivot_registry, threads=1, min_score=0.0)  # nothing is sure enough
    out = svc.translate(["Notausgang"], "de", "pt")[0]
    assert out.untranslated and out.reason.startswith("unsure")
    assert out.translation == "Notausgang"
    assert svc.stats()["model_calls"] == 1  # the second leg never ran


def test_a_bilingual_line_keeps_the_script_no_model_reads(service: TranslationService) -> None:
    """"出口 EXIT" came back as "- SAÍDA": the Chinese half was dropped and a dash invented."""
    out = service.translate(["出口 EXIT", "ENTRADA 入口", "欢迎光临"], "auto", "pt")
    assert out[0].translation == "出口 SAÍDA"
    assert out[0].source_lang == "en" and out[0].route and not out[0].untranslated
    assert out[1].translation == "ENTRADA 入口"
    assert out[2].translation == "欢迎光临" and out[2].untranslated  # nothing translated: say why
    assert "zh: no model for zh→pt" in out[2].reason


def test_addresses_pass_through_untouched_and_unreported(service: TranslationService) -> None:
    """"info@shop.com" became "info.shop.com"; "instagram.com/mango" was called Italian."""
    texts = ["info@shop.com", "instagram.com/mango", "https://x.com", "Visit www.shop.com today"]
    before = service.stats()["model_calls"]
    out = service.translate(texts, "auto", "pt")
    for o in out[:3]:
        assert o.translation == o.text and not o.route and not o.reason
    assert "www.shop.com" in out[3].translation and out[3].translation.startswith("Visit")
    assert "hoje" in out[3].translation.lower()
    assert service.stats()["model_calls"] == before + 1  # every piece of the frame in one batch
