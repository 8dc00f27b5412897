"""Model discovery: embedded default, user models shadowing it, broken folders reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from camtranslate import paths
from camtranslate.models.manifest import MANIFEST_NAME, ModelManifest
from camtranslate.models.registry import ModelRegistry

REPO = Path(__file__).resolve().parents[2]
EN_PT = REPO / "models" / "en-pt"


def _clone(dst: Path, **changes: object) -> Path:
    """A real model folder (copy of en-pt) with an edited manifest."""
    from dataclasses import replace

    shutil.copytree(EN_PT, dst)
    m = replace(ModelManifest.load(dst), **changes)
    m.save(dst)
    return dst


def test_default_dirs_find_the_embedded_model() -> None:
    reg = ModelRegistry()
    model = reg.find("en", "pt")
    assert model is not None
    assert model.path.resolve() == EN_PT.resolve()
    assert model.origin == "embedded"
    assert ("en", "pt") in reg.pairs()


def test_user_model_is_preferred_over_embedded(tmp_path: Path) -> None:
    user = tmp_path / "user"
    _clone(user / "mine", id="my-en-pt")
    reg = ModelRegistry([user, paths.embedded_models_dir()])
    assert {m.id for m in reg.list()} >= {"my-en-pt", ModelManifest.load(EN_PT).id}
    assert reg.find("en", "pt").id == "my-en-pt"
    reg2 = ModelRegistry([paths.embedded_models_dir(), user])
    assert reg2.find("en", "pt").id != "my-en-pt"


def test_broken_manifest_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / MANIFEST_NAME).write_text("{oops")
    (tmp_path / "noid").mkdir()
    (tmp_path / "noid" / MANIFEST_NAME).write_text('{"family": "marian"}')
    (tmp_path / "not-a-model").mkdir()
    _clone(tmp_path / "good")
    reg = ModelRegistry([tmp_path])
    assert [m.path.name for m in reg.list()] == ["good"]
    assert len(reg.problems) == 2
    assert any("bad" in p and "JSON" in p for p in reg.problems)
    assert any("noid" in p and "'id'" in p for p in reg.problems)


def test_multilingual_serves_every_pair_but_bilingual_wins(tmp_path: Path) -> None:
    _clone(
        tmp_path / "multi",
        id="multi",
        family="m2m100",
        source_langs=("en", "pt", "de"),
        target_langs=("en", "pt", "de"),
        lang_codes={"en": "__en__", "pt": "__pt__", "de": "__de__"},
    )
    _clone(tmp_path / "single", id="single")
    reg = ModelRegistry([tmp_path])
    assert reg.find("de", "pt").id == "multi"
    assert reg.find("pt", "de").id == "multi"
    assert reg.find("en", "pt").id == "single"
    assert reg.find("de", "de") is None
    assert reg.find("fr", "pt") is None


def test_missing_dirs_are_fine(tmp_path: Path) -> None:
    reg = ModelRegistry([tmp_path / "nope"])
    assert reg.list() == [] and reg.problems == [] and reg.find("en", "pt") is None


@pytest.mark.parametrize("origin_dir", ["user", "extra"])
def test_origin(tmp_path: Path, origin_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMTRANSLATE_HOME", str(tmp_path / "home"))
    root = paths.user_models_dir() if origin_dir == "user" else tmp_path / "extra"
    _clone(root / "m")
    assert ModelRegistry([root]).list()[0].origin == origin_dir
    reg = ModelRegistry(extra=[tmp_path / "extra"]) if origin_dir == "extra" else ModelRegistry()
    assert reg.find("en", "pt").origin == origin_dir
