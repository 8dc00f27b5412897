"""Issue 13, "Data loss": nothing the user owns is deleted, overwritten or set aside by mistake."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from camtranslate.cli import main
from camtranslate.errors import ModelError
from camtranslate.models.manager import ModelManager
from camtranslate.translate.cache import PhraseCache

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "samples" / "sign.jpg"
EMBEDDED_EN_PT = REPO / "models" / "en-pt"
M, S, T = "model-a", "en", "pt"


# -- models remove ---------------------------------------------------------------------------------
def test_remove_never_deletes_the_models_root(tmp_path: Path) -> None:
    """A model unzipped without its own folder puts manifest.json at the root of the models dir:
    removing it must not take the whole folder (every other model) with it."""
    user = tmp_path / "user-models"
    shutil.copytree(EMBEDDED_EN_PT, user / "other-model")
    for f in EMBEDDED_EN_PT.iterdir():  # the same model again, unzipped straight into the root
        shutil.copy(f, user / f.name)
    manifest = json.loads((user / "manifest.json").read_text())
    manifest["id"] = "unzipped-at-root"
    (user / "manifest.json").write_text(json.dumps(manifest))
    (user / "my-notes.txt").write_text("mine")
    before = sorted(p.relative_to(user) for p in user.rglob("*"))

    mgr = ModelManager(user_dir=user, embedded_dir=tmp_path / "none")
    assert mgr.get("unzipped-at-root").path == user
    with pytest.raises(ModelError, match=r"not in a folder of its own.*nothing was removed"):
        mgr.remove("unzipped-at-root")
    assert sorted(p.relative_to(user) for p in user.rglob("*")) == before
    # A model in its own folder is still removable, and only that folder goes.
    mgr.remove(json.loads((user / "other-model" / "manifest.json").read_text())["id"])
    assert not (user / "other-model").exists() and (user / "my-notes.txt").is_file()


# -- image never overwrites ------------------------------------------------------------------------
def _image(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = main(["image", *args, "--from", "en", "--to", "pt"])
    return rc, capsys.readouterr().err


def test_image_keeps_existing_outputs_and_inputs(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "sign.jpg")
    mine_png = folder / "sign.translated.png"
    mine_png.write_bytes(b"the user's own file")
    mine_json = folder / "sign.json"
    mine_json.write_text('{"mine": true}')
    # An input of the batch named exactly like the output `sign.jpg` would get next.
    shutil.copy(SAMPLE, folder / "sign-2.translated.png")

    rc, err = _image(str(folder / "sign.jpg"), str(folder / "sign-2.translated.png"), "-o",
                     str(folder), "--json", capsys=capsys)  # fmt: skip
    assert rc == 0, err
    assert mine_png.read_bytes() == b"the user's own file"
    assert mine_json.read_text() == '{"mine": true}'
    assert (folder / "sign-2.translated.png").read_bytes() == SAMPLE.read_bytes()  # input kept
    assert (folder / "sign-3.translated.png").is_file() and (folder / "sign-3.json").is_file()
    assert f"not overwritten: {mine_png} exists (--overwrite replaces it)" in err
    assert f"{folder / 'sign-2.translated.png'} is an input" in err


def test_overwrite_replaces_outputs_but_never_an_input(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old = out / "sign.translated.png"
    old.write_bytes(b"old output")
    rc, err = _image(str(SAMPLE), "-o", str(out), "--overwrite", capsys=capsys)
    assert rc == 0, err
    assert old.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # replaced by the new translation
    assert not (out / "sign-2.translated.png").exists()

    # `image d -o d --overwrite` with an input that has an output's name: the input survives.
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(SAMPLE, d / "sign.jpg")
    shutil.copy(SAMPLE, d / "sign.translated.png")  # a photo the user named like this
    rc, err = _image(str(d), "-o", str(d), "--overwrite", capsys=capsys)
    assert rc == 0, err
    assert (d / "sign.translated.png").read_bytes() == SAMPLE.read_bytes()
    assert f"not overwritten: {d / 'sign.translated.png'} is an input" in err


def test_json_on_a_full_disk_is_one_line_and_leaves_nothing(
    tmp_path: Path, capsys, small_disk, fill_disk
) -> None:
    ref = tmp_path / "ref"
    assert _image(str(SAMPLE), "-o", str(ref), capsys=capsys)[0] == 0
    png_pages = -(-(ref / "sign.translated.png").stat().st_size // 4096)
    disk = small_disk("4m")
    out = disk / "out"
    out.mkdir()
    # Room for the PNG (same photo, same output) but not one page more for the JSON.
    fill_disk(disk)
    filler = disk / "filler"
    with open(filler, "r+b") as handle:
        handle.truncate(filler.stat().st_size - png_pages * 4096)
    rc, err = _image(str(SAMPLE), "-o", str(out), "--json", capsys=capsys)
    assert rc == 1
    lines = [line for line in err.splitlines() if "error" in line]
    assert len(lines) == 1 and "cannot save (disk full)" in lines[0], err
    assert "Traceback" not in err and "OSError" not in err
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")], list(out.iterdir())


# -- the phrase cache keeps a healthy file ---------------------------------------------------
def _healthy_cache(path: Path) -> bytes:
    cache = PhraseCache(path)
    cache.put_many(M, S, T, {f"phrase {i}": f"frase {i}" for i in range(200)})
    cache.close()
    with contextlib.closing(sqlite3.connect(path)) as db:  # fold the WAL into the file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def test_full_disk_cache_goes_memory_only_and_keeps_the_file(
    small_disk, fill_disk
) -> None:
    disk = small_disk("1m")
    path = disk / "phrase-cache.sqlite3"
    before = _healthy_cache(path)
    inode = path.stat().st_ino
    fill_disk(disk)
    cache = PhraseCache(path)
    cache.put_many(M, S, T, {"new": "novo"})
    assert cache.get_many(M, S, T, ["new"]) == {"new": "novo"}  # still serves, from memory
    cache.close()
    assert path.stat().st_ino == inode and path.read_bytes() == before
    assert not list(disk.glob("*.corrupt-*")), list(disk.iterdir())
    assert not any("damaged" in w for w in cache.warnings), cache.warnings
    (disk / "filler").unlink()
    again = PhraseCache(path)
    assert again.persistent and again.get_many(M, S, T, ["phrase 7"]) == {"phrase 7": "frase 7"}
    again.close()


def test_read_only_cache_folder_goes_memory_only_and_keeps_the_file(
    small_disk, remount_read_only
) -> None:
    disk = small_disk("1m")
    path = disk / "phrase-cache.sqlite3"
    before = _healthy_cache(path)
    for side in disk.glob("phrase-cache.sqlite3-*"):
        side.unlink()
    remount_read_only(disk)
    cache = PhraseCache(path)
    assert not cache.persistent
    cache.put_many(M, S, T, {"new": "novo"})
    assert cache.get_many(M, S, T, ["new"]) == {"new": "novo"}
    cache.close()
    assert path.read_bytes() == before and not list(disk.glob("*.corrupt-*"))
    assert any("memory only" in w for w in cache.warnings), cache.warnings


def test_write_failing_mid_run_keeps_the_file(small_disk, fill_disk) -> None:
    disk = small_disk("1m")
    path = disk / "phrase-cache.sqlite3"
    _healthy_cache(path)
    cache = PhraseCache(path)
    assert cache.persistent
    fill_disk(disk)
    cache.put_many(M, S, T, {f"long {i}": "x" * 2000 for i in range(200)})  # needs new pages
    assert cache.get_many(M, S, T, ["long 3"]) == {"long 3": "x" * 2000}
    cache.close()
    assert path.exists() and not list(disk.glob("*.corrupt-*"))


def test_two_set_asides_in_the_same_second_keep_both_copies(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    for _ in range(20):  # retry until both land in the same wall-clock second
        for old in tmp_path.glob("c.sqlite3*"):
            old.unlink()
        second = int(time.time())
        path.write_bytes(b"first damaged copy " * 100)
        PhraseCache(path).close()
        path.unlink()
        path.write_bytes(b"second damaged copy " * 100)
        PhraseCache(path).close()
        if int(time.time()) == second:
            break
    asides = sorted(tmp_path.glob("c.sqlite3.corrupt-*"))
    contents = sorted(p.read_bytes()[:6] for p in asides if not p.name.endswith(("-wal", "-shm")))
    assert contents == [b"first ", b"second"], asides


def test_two_processes_find_the_same_damaged_file(tmp_path: Path) -> None:
    """Both start at once on one damaged file: its bytes survive in exactly one set-aside copy
    and both end up with a working cache (the second sees the file was already replaced)."""
    path = tmp_path / "c.sqlite3"
    damaged = b"not sqlite at all " * 200
    path.write_bytes(damaged)
    go = tmp_path / "go"
    code = (
        "import sys, time, pathlib\n"
        "from camtranslate.translate.cache import PhraseCache\n"
        f"go = pathlib.Path({str(go)!r})\n"
        "while not go.exists(): time.sleep(0.001)\n"
        f"c = PhraseCache({str(path)!r})\n"
        "c.put_many('m', 'en', 'pt', {sys.argv[1]: 'x'})\n"
        "print(c.persistent)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, name], env=env, stdout=subprocess.PIPE, text=True
        )
        for name in ("a", "b")
    ]
    time.sleep(1.5)  # both imported and waiting
    go.touch()
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    copies = [p for p in tmp_path.glob("c.sqlite3.corrupt-*") if p.read_bytes() == damaged]
    assert len(copies) == 1, list(tmp_path.iterdir())
    assert "True" in outs
    fresh = PhraseCache(path)
    assert fresh.persistent
    fresh.close()


# -- models install --from-dir ---------------------------------------------------------------
def test_install_cleans_leftovers_of_a_killed_install(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    leftover = user / ".my-model.k1ll3d_x.tmp"
    (leftover / "model").mkdir(parents=True)
    (leftover / "model" / "model.bin").write_bytes(b"\0" * 100_000)
    unrelated = user / ".other.abcdefgh.tmp"  # another model's build: not ours to touch
    unrelated.mkdir()
    mgr = ModelManager(user_dir=user, embedded_dir=tmp_path / "none")
    mgr.install_from_dir(EMBEDDED_EN_PT, model_id="my-model")
    assert not leftover.exists()
    assert unrelated.exists()
    assert (user / "my-model" / "model.bin").is_file()
    assert not [p for p in user.iterdir() if p.name.endswith(".tmp") and p != unrelated]


def test_install_refuses_a_sparse_giant_file(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(EMBEDDED_EN_PT, src)
    with open(src / "weights-extra.bin", "wb") as handle:
        handle.truncate(5 * 1024**3)  # 5 GiB long, nothing on disk
    user = tmp_path / "user"
    mgr = ModelManager(user_dir=user, embedded_dir=tmp_path / "none")
    t0 = time.perf_counter()
    with pytest.raises(ModelError, match=r"sparse file .*nothing was installed"):
        mgr.install_from_dir(src, model_id="sparse")
    assert time.perf_counter() - t0 < 10
    assert not (user / "sparse").exists()
    assert not [p for p in user.iterdir() if p.name.endswith(".tmp")] if user.exists() else True
