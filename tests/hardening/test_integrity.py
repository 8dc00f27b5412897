"""Issue 13, "Integrity": a model is what its manifest says, checked for real when asked, and a
broken user model does not take a language pair away when a good one is installed."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import pytest

from camtranslate.errors import ModelIntegrityError
from camtranslate.models.manager import ModelManager
from camtranslate.models.manifest import ModelManifest, verify
from camtranslate.models.registry import ModelRegistry
from camtranslate.translate.service import TranslationService

REPO = Path(__file__).resolve().parents[2]
EN_PT = REPO / "models" / "en-pt"


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "user" / "en-pt-copy"
    shutil.copytree(EN_PT, folder)
    return folder


def _flip_byte_keep_mtime(path: Path, offset: int = 1000) -> None:
    st = path.stat()
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # the old mtime, as a forger would
    assert path.stat().st_mtime_ns == st.st_mtime_ns and path.stat().st_size == st.st_size


def test_info_verifies_for_real_and_the_memo_sees_ctime(model_copy: Path) -> None:
    mgr = ModelManager(user_dir=model_copy.parent, embedded_dir=model_copy.parent / "none")
    model_id = ModelManifest.load(model_copy).id
    assert mgr.info(model_id)["integrity"] == "ok"
    verify(ModelManifest.load(model_copy), model_copy)  # memo now holds every file
    _flip_byte_keep_mtime(model_copy / "model.bin")
    assert "does not match its checksum" in mgr.info(model_id)["integrity"]
    with pytest.raises(ModelIntegrityError, match=r"model\.bin"):  # memoised path too (ctime)
        verify(ModelManifest.load(model_copy), model_copy)


def _rewrite_manifest(folder: Path, **changes: object) -> None:
    data = json.loads((folder / "manifest.json").read_text())
    data.update(changes)
    (folder / "manifest.json").write_text(json.dumps(data))


@pytest.mark.parametrize("outside", ["../../etc/passwd", "/etc/passwd", "sub/../../x"])
def test_manifest_paths_stay_inside_the_model_folder(model_copy: Path, outside: str) -> None:
    files = json.loads((model_copy / "manifest.json").read_text())["files"]
    _rewrite_manifest(model_copy, files={**files, outside: "0" * 64})
    with pytest.raises(ModelIntegrityError, match="outside its folder"):
        verify(ModelManifest.load(model_copy), model_copy)


def test_a_link_out_of_the_folder_is_refused(model_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.txt").write_text("x")
    (model_copy / "notes.txt").symlink_to(tmp_path / "elsewhere.txt")
    files = json.loads((model_copy / "manifest.json").read_text())["files"]
    _rewrite_manifest(model_copy, files={**files, "notes.txt": "0" * 64})
    with pytest.raises(ModelIntegrityError, match="outside its folder"):
        verify(ModelManifest.load(model_copy), model_copy)


@pytest.mark.parametrize("left_out", ["model.bin", "sentencepiece.spm", "shared_vocabulary.json"])
def test_every_loaded_file_must_be_checksummed(model_copy: Path, left_out: str) -> None:
    files = json.loads((model_copy / "manifest.json").read_text())["files"]
    files.pop(left_out)
    _rewrite_manifest(model_copy, files=files)
    with open(model_copy / left_out, "r+b") as handle:  # now corrupt the unlisted file
        handle.seek(100)
        handle.write(b"\xff\xff\xff\xff")
    with pytest.raises(ModelIntegrityError, match=f"no checksum for {left_out}"):
        verify(ModelManifest.load(model_copy), model_copy)


def test_a_broken_user_model_falls_back_to_the_embedded_one(
    model_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedded_id = ModelManifest.load(EN_PT).id
    _rewrite_manifest(model_copy, id="my-en-pt")
    from camtranslate.models.convert import write_manifest

    write_manifest(model_copy, ModelManifest.load(model_copy))  # valid, then corrupted
    _flip_byte_keep_mtime(model_copy / "model.bin")
    registry = ModelRegistry([model_copy.parent, REPO / "models"])
    assert registry.find("en", "pt").id == "my-en-pt"  # the user model is preferred...
    service = TranslationService(registry)
    with caplog.at_level(logging.WARNING):
        outcome = service.translate(["Good morning"], "en", "pt")[0]
    assert outcome.route == (embedded_id,)  # ...but the good embedded one serves
    assert outcome.translation.strip()
    notice = service.notices[0]
    assert "my-en-pt failed verification" in notice
    assert f"using embedded model {embedded_id}" in notice
    assert notice in caplog.text
