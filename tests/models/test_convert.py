"""HF checkpoint → CTranslate2: a tiny Marian built here, and the real reference student."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tiny_marian import tiny_texts

from camtranslate.errors import ModelError, ModelIntegrityError
from camtranslate.models.convert import (
    convert_model,
    detect_family,
    is_ct2_model,
    langs_from_id,
    model_info,
    sanitize_id,
)
from camtranslate.models.manifest import ModelManifest

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / ".." / "shared" / "models" / "en-pt-reference"


@pytest.fixture(scope="module")
def tiny_hf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from camtranslate.distill.student import tiny_checkpoint

    return tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "opus-mt-en-de", tiny_texts())


@pytest.fixture(scope="module")
def tiny_ct2(tiny_hf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ct2") / "tiny-en-de"
    convert_model(tiny_hf, out, model_id="Helsinki-NLP/opus-mt-en-de")
    return out


def _translator(model_dir: Path):
    from camtranslate.models.registry import InstalledModel
    from camtranslate.translate.ct2 import CT2Translator

    return CT2Translator(
        InstalledModel(model_dir, ModelManifest.load(model_dir), "extra"), device="cpu", threads=1
    )


def test_tiny_marian_converts_loads_and_translates(tiny_ct2: Path) -> None:
    manifest = ModelManifest.load(tiny_ct2)
    assert manifest.family == "marian"
    assert (manifest.source_langs, manifest.target_langs) == (("en",), ("de",))
    assert manifest.quantization == "int8"
    # one joint spm, shipped once, named as both tokenizers
    assert manifest.tokenizer == {"source": "source.spm", "target": "source.spm"}
    assert not (tiny_ct2 / "target.spm").exists()
    assert set(manifest.files) >= {"model.bin", "config.json", "source.spm"}
    manifest.verify(tiny_ct2)
    out = _translator(tiny_ct2).translate_batch(["the red car", "", "open the door please"])
    assert len(out) == 3 and out[1] == ""
    assert all(isinstance(t, str) and t for t in (out[0], out[2]))


def test_tampered_file_fails_verification(tiny_ct2: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_ct2, copy)
    with (copy / "source.spm").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(ModelIntegrityError, match=r"source\.spm"):
        ModelManifest.load(copy).verify(copy)


def test_ct2_folder_is_taken_as_is(tiny_ct2: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(tiny_ct2, bare)
    (bare / "manifest.json").unlink()
    out = tmp_path / "out"
    m = convert_model(bare, out, model_id="someone/ct2-en-de")
    assert is_ct2_model(out)
    assert (out / "model.bin").read_bytes() == (tiny_ct2 / "model.bin").read_bytes()
    assert m.source_langs == ("en",) and m.target_langs == ("de",)
    m.verify(out)


def test_refuses_existing_output_and_non_models(tiny_hf: Path, tmp_path: Path) -> None:
    (tmp_path / "exists").mkdir()
    with pytest.raises(ModelError, match="already exists"):
        convert_model(tiny_hf, tmp_path / "exists")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.txt").write_text("hello")
    with pytest.raises(ModelError, match="neither"):
        convert_model(junk, tmp_path / "out")
    with pytest.raises(ModelError, match="not found"):
        convert_model(tmp_path / "missing", tmp_path / "out2")
    # nothing half-written is left behind
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_langs_and_family_parsing(tmp_path: Path) -> None:
    assert langs_from_id("Helsinki-NLP/opus-mt-en-de") == ("en", "de")
    assert langs_from_id("Helsinki-NLP/opus-mt-en-ROMANCE") is None
    assert langs_from_id("me/student-pt-en") == ("pt", "en")
    assert sanitize_id("Helsinki-NLP/opus-mt-en-de") == "Helsinki-NLP--opus-mt-en-de"
    # CT2 folders: languages come from the vocabulary's language tokens
    nllb = tmp_path / "nllb"
    nllb.mkdir()
    (nllb / "model.bin").write_bytes(b"")
    vocab = ["<s>", "</s>", "▁a", "eng_Latn", "por_Latn", "deu_Latn", "zho_Hans", "zho_Hant"]
    (nllb / "shared_vocabulary.json").write_text(json.dumps(vocab))
    info = model_info(nllb, "facebook/nllb-200-distilled-600M")
    assert info.family == "nllb"
    assert info.lang_codes == {
        "de": "deu_Latn",
        "en": "eng_Latn",
        "pt": "por_Latn",
        "zh": "zho_Hans",
    }
    m2m = tmp_path / "m2m"
    m2m.mkdir()
    (m2m / "model.bin").write_bytes(b"")
    (m2m / "shared_vocabulary.txt").write_text("<s>\n</s>\n▁a\n__en__\n__pt__\n__fr__\n")
    assert detect_family(m2m) == "m2m100"
    assert model_info(m2m).lang_codes == {"en": "__en__", "fr": "__fr__", "pt": "__pt__"}


def _hf_greedy(hf_dir: Path, texts: list[str], model=None) -> list[list[str]]:
    """Reference decode with transformers itself: what a faithful conversion must reproduce."""
    import sentencepiece as spm
    import torch
    from transformers import MarianMTModel

    sp = spm.SentencePieceProcessor(model_file=str(hf_dir / "source.spm"))
    model = model or MarianMTModel.from_pretrained(str(hf_dir), dtype=torch.float32).eval()
    out = []
    for t in texts:
        ids = torch.tensor([[*sp.encode(t), sp.piece_to_id("</s>")]])
        with torch.no_grad():
            gen = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                num_beams=1,
                max_new_tokens=20,
                bad_words_ids=[[model.config.pad_token_id]],  # CT2 drops <pad> from the vocab
            )
        pieces = [sp.id_to_piece(i) for i in gen[0].tolist()[1:] if i < sp.get_piece_size()]
        out.append([p for p in pieces if p != "</s>"])
    return out


def _ct2_greedy(ct2_dir: Path, texts: list[str]) -> list[list[str]]:
    import ctranslate2
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(ct2_dir / "source.spm"))
    tr = ctranslate2.Translator(str(ct2_dir), device="cpu", compute_type="float32", intra_threads=1)
    batch = [[*sp.encode(t, out_type=str), "</s>"] for t in texts]
    res = tr.translate_batch(batch, beam_size=1, max_decoding_length=20)
    return [[p for p in r.hypotheses[0] if p != "</s>"] for r in res]


def test_nonzero_decoder_start_embedding_is_folded(tiny_hf: Path, tmp_path: Path, monkeypatch):
    """transformers starts Marian decoding from the <pad> row; CT2 from zeros. Same output."""
    import torch
    from transformers import MarianMTModel

    from camtranslate.models import convert as convert_mod

    model = MarianMTModel.from_pretrained(str(tiny_hf), dtype=torch.float32).eval()
    torch.manual_seed(5)
    with torch.no_grad():  # peaked logits, so float rounding cannot flip an argmax
        for name, p in model.named_parameters():
            if p.dim() == 2 and "embed_positions" not in name:
                p.normal_(0, 0.3)
        model.model.shared.weight[model.config.decoder_start_token_id] = torch.randn(64)
    changed = tmp_path / "hf"
    model.save_pretrained(str(changed))
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copyfile(tiny_hf / name, changed / name)
    texts = tiny_texts(6, seed=11)
    expected = [t[:15] for t in _hf_greedy(changed, texts, model)]
    convert_model(changed, tmp_path / "folded", model_id="x-en-de", quantization="float32")
    assert [t[:15] for t in _ct2_greedy(tmp_path / "folded", texts)] == expected
    monkeypatch.setattr(convert_mod, "fold_marian_decoder_start", lambda spec, src: False)
    convert_model(changed, tmp_path / "plain", model_id="x-en-de", quantization="float32")
    assert [t[:15] for t in _ct2_greedy(tmp_path / "plain", texts)] != expected


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared is not present")
def test_reference_checkpoint_converts_faithfully(tmp_path: Path) -> None:
    """The real hf-fp16 student: converted to CT2 float32 it decodes exactly like transformers."""
    texts = ["Emergency exit", "The museum is closed on Mondays.", "Do not touch", "Good morning!"]
    out = tmp_path / "ref32"
    m = convert_model(
        REFERENCE / "hf-fp16", out, model_id="en-pt-reference", quantization="float32"
    )
    assert (m.source_langs, m.target_langs) == (("en",), ("pt",))
    m.verify(out)
    ours = [t[:15] for t in _ct2_greedy(out, texts)]
    assert ours == [t[:15] for t in _hf_greedy(REFERENCE / "hf-fp16", texts)]
