"""Manifest round trip and integrity checks on a real copy of the embedded en→pt model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from camtranslate.errors import ModelError, ModelIntegrityError
from camtranslate.models import manifest as manifest_mod
from camtranslate.models.manifest import MANIFEST_NAME, ModelManifest, compute_files

REPO = Path(__file__).resolve().parents[2]
EN_PT = REPO / "models" / "en-pt"


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "en-pt"
    shutil.copytree(EN_PT, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst


def test_embedded_manifest_is_complete_and_verifies() -> None:
    m = ModelManifest.load(EN_PT)
    assert m.family == "marian" and m.format == "ctranslate2"
    assert m.serves("en", "pt") and not m.serves("pt", "en")
    assert m.tokenizer["source"] == m.tokenizer["target"] == "sentencepiece.spm"
    assert set(m.files) == {p.name for p in EN_PT.iterdir() if p.name != MANIFEST_NAME}
    assert "MPL-2.0" in m.license
    assert m.card == "MODEL_CARD.md" and (EN_PT / m.card).is_file()
    m.verify(EN_PT)


def test_save_load_round_trip(tmp_path: Path) -> None:
    m = ModelManifest(
        id="x",
        family="nllb",
        source_langs=["en", "pt"],  # lists are accepted and frozen into tuples
        target_langs=("en", "pt"),
        tokenizer={"source": "s.spm", "target": "s.spm"},
        lang_codes={"en": "eng_Latn", "pt": "por_Latn"},
        files={"a": "0" * 64},
    )
    m.save(tmp_path)
    back = ModelManifest.load(tmp_path)
    assert back == m
    assert back.source_langs == ("en", "pt")
    assert back.pairs() == [("en", "pt"), ("pt", "en")]
    assert json.loads((tmp_path / MANIFEST_NAME).read_text())["source_langs"] == ["en", "pt"]


def test_compute_files_skips_manifest(model_copy: Path) -> None:
    files = compute_files(model_copy)
    assert MANIFEST_NAME not in files
    assert files == ModelManifest.load(model_copy).files


def test_flipped_byte_is_detected(model_copy: Path) -> None:
    target = model_copy / "model.bin"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError) as err:
        ModelManifest.load(model_copy).verify(model_copy)
    msg = str(err.value)
    assert "model.bin" in msg and "camtranslate models install" in msg and "\n" not in msg


def test_missing_file_is_detected(model_copy: Path) -> None:
    (model_copy / "shared_vocabulary.json").unlink()
    with pytest.raises(ModelIntegrityError, match=r"shared_vocabulary\.json.*missing"):
        ModelManifest.load(model_copy).verify(model_copy)


def test_hashes_are_memoised_and_invalidated_on_change(
    model_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    real = manifest_mod.sha256_file

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(manifest_mod, "sha256_file", counting)
    m = ModelManifest.load(model_copy)
    m.verify(model_copy)
    assert len(calls) == len(m.files)
    m.verify(model_copy)
    assert len(calls) == len(m.files), "unchanged files must not be hashed again"
    cfg = model_copy / "config.json"
    cfg.write_text(cfg.read_text().replace("false", "true", 1))
    with pytest.raises(ModelIntegrityError, match=r"config\.json"):
        m.verify(model_copy)
    assert calls[-1] == cfg


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"id": "x", "family": "marian", "source_langs": ["en"]}', "target_langs"),
        ('{"id": "x", "family": "gpt", "source_langs": ["en"], "target_langs": ["pt"]}', "family"),
        (
            '{"id": "x", "family": "marian", "source_langs": [], "target_langs": ["pt"]}',
            "non-empty",
        ),
    ],
)
def test_broken_manifest_gives_one_line_error(tmp_path: Path, content: str, match: str) -> None:
    (tmp_path / MANIFEST_NAME).write_text(content)
    with pytest.raises(ModelError, match=match) as err:
        ModelManifest.load(tmp_path)
    assert "\n" not in str(err.value)


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no manifest\.json"):
        ModelManifest.load(tmp_path)


def test_empty_file_list_does_not_verify(tmp_path: Path) -> None:
    m = ModelManifest(id="x", family="marian", source_langs=("en",), target_langs=("pt",))
    with pytest.raises(ModelIntegrityError, match="lists no files"):
        m.verify(tmp_path)
