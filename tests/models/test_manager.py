"""Model manager and `camtranslate models ...`: install --from-dir, list, info, remove."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tiny_marian import tiny_texts

from camtranslate.errors import ModelError, ModelNotFoundError
from camtranslate.models.manager import ModelManager, parse_langs


@pytest.fixture(scope="module")
def tiny_hf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from camtranslate.distill.student import tiny_checkpoint

    return tiny_checkpoint(tmp_path_factory.mktemp("hf") / "student-en-fr", tiny_texts(300, seed=7))


@pytest.fixture()
def embedded(tmp_path: Path, tiny_hf: Path) -> Path:
    """An embedded-models dir holding one CT2 model (converted from the tiny checkpoint)."""
    from camtranslate.models.convert import convert_model

    root = tmp_path / "embedded"
    convert_model(tiny_hf, root / "fr-en", model_id="embedded-fr-en", langs=("fr", "en"))
    return root


@pytest.fixture()
def mgr(tmp_path: Path, embedded: Path) -> ModelManager:
    return ModelManager(user_dir=tmp_path / "user", embedded_dir=embedded)


def test_install_from_dir_list_info_remove(mgr: ModelManager, tiny_hf: Path) -> None:
    model = mgr.install_from_dir(tiny_hf, model_id="me/student-en-fr")
    assert model.path.parent == mgr.user_dir
    assert model.manifest.pairs() == [("en", "fr")]
    ids = {e.id: e for e in mgr.list()}
    assert set(ids) == {"me/student-en-fr", "embedded-fr-en"}
    assert ids["me/student-en-fr"].model.origin == "user"
    assert ids["embedded-fr-en"].model.origin == "embedded"
    assert ids["me/student-en-fr"].size_bytes > 10_000
    assert ids["me/student-en-fr"].langs() == "en→fr"
    info = mgr.info("me/student-en-fr")
    assert info["integrity"] == "ok" and info["origin"] == "user"
    assert mgr.registry().find("en", "fr").manifest.id == "me/student-en-fr"

    with pytest.raises(ModelError, match="already installed"):
        mgr.install_from_dir(tiny_hf, model_id="me/student-en-fr")
    mgr.install_from_dir(tiny_hf, model_id="me/student-en-fr", force=True)

    mgr.remove("me/student-en-fr")
    assert [e.id for e in mgr.list()] == ["embedded-fr-en"]
    with pytest.raises(ModelNotFoundError):
        mgr.remove("me/student-en-fr")


def test_embedded_models_cannot_be_removed(mgr: ModelManager, embedded: Path) -> None:
    with pytest.raises(ModelError, match="only user-installed"):
        mgr.remove("embedded-fr-en")
    assert (embedded / "fr-en" / "model.bin").is_file()


def test_info_reports_corruption(mgr: ModelManager, tiny_hf: Path) -> None:
    model = mgr.install_from_dir(tiny_hf, model_id="me/broken-en-fr")
    with (model.path / "model.bin").open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00\x01\x02\x03")
    assert "checksum" in mgr.info("me/broken-en-fr")["integrity"]


def test_install_needs_a_language_pair_it_can_tell(mgr: ModelManager, tiny_hf: Path, tmp_path):
    anon = tmp_path / "anonymous"
    shutil.copytree(tiny_hf, anon)
    with pytest.raises(ModelError, match="--langs"):
        mgr.install_from_dir(anon)
    model = mgr.install_from_dir(anon, langs=parse_langs("de-en"))
    assert model.manifest.pairs() == [("de", "en")]
    with pytest.raises(ModelError, match="SRC-TGT"):
        parse_langs("german")


def test_cli_models_commands(
    tiny_hf: Path, embedded: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    from camtranslate.cli import main

    monkeypatch.setenv("CAMTRANSLATE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CAMTRANSLATE_MODELS", str(embedded))
    assert main(["models", "install", "cli/student-en-fr", "--from-dir", str(tiny_hf)]) == 0
    capsys.readouterr()
    assert main(["models", "list", "--json"]) == 0
    listed = {m["id"]: m for m in json.loads(capsys.readouterr().out)}
    assert listed["cli/student-en-fr"]["origin"] == "user"
    assert listed["embedded-fr-en"]["origin"] == "embedded"
    assert main(["models", "list"]) == 0
    table = capsys.readouterr().out
    assert "cli/student-en-fr" in table and "en→fr" in table and "embedded" in table
    assert main(["models", "info", "cli/student-en-fr"]) == 0
    assert "integrity: ok" in capsys.readouterr().out
    out_dir = tmp_path / "converted"
    assert main(["models", "convert", str(tiny_hf), str(out_dir), "--langs", "en-fr"]) == 0
    assert (out_dir / "model.bin").is_file() and (out_dir / "manifest.json").is_file()
    assert main(["models", "remove", "embedded-fr-en"]) == 1
    assert "only user-installed" in capsys.readouterr().err
    assert main(["models", "remove", "cli/student-en-fr"]) == 0
    assert main(["models", "info", "nope"]) == 1
    assert "no installed model" in capsys.readouterr().err


def test_a_copy_of_a_camtranslate_model_reinstalls_offline(tmp_path: Path) -> None:
    """`models install NAME --from-dir <copy of models/en-pt>`: the re-install that a
    checksum failure asks for, with no network and no Hugging Face files to guess from."""
    from camtranslate.paths import embedded_models_dir
    from camtranslate.translate.ct2 import CT2Translator

    mgr = ModelManager(user_dir=tmp_path / "user", embedded_dir=tmp_path / "none")
    model = mgr.install_from_dir(embedded_models_dir() / "en-pt", model_id="my-en-pt")
    assert model.manifest.source_langs == ("en",) and model.manifest.target_langs == ("pt",)
    model.manifest.verify(model.path)
    out = CT2Translator(model, device="cpu", threads=1).translate_batch(["Exit"])
    assert "saída" in out[0].lower()
