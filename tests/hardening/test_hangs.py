"""Issue 13, "Hangs and crashes": odd input ends in one line on stderr, never a hang or a crash,
and the rest of the batch goes on."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from camtranslate.cli import MAX_LINE_CHARS, PIECE_CHARS, main, split_long_text
from camtranslate.imaging import iter_image_files
from camtranslate.translate.cache import PhraseCache

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "samples" / "sign.jpg"


def _run(
    *args: str, stdin: str = "", timeout: int = 600, home: Path
) -> subprocess.CompletedProcess:
    env = {**os.environ, "CAMTRANSLATE_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("CAMTRANSLATE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "camtranslate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


# -- symlink loops -----------------------------------------------------------------------------
def _looping_tree(root: Path) -> Path:
    """photos/{a.jpg, sub/b.jpg} with every kind of loop and a second link to a photo."""
    photos = root / "photos"
    (photos / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE, photos / "a.jpg")
    shutil.copy(SAMPLE, photos / "sub" / "b.jpg")
    (photos / "self").symlink_to(".")
    (photos / "sub" / "up").symlink_to("..")
    (photos / "sub" / "root").symlink_to(photos)
    (photos / "x").mkdir()
    (photos / "y").mkdir()
    (photos / "x" / "to-y").symlink_to(photos / "y")
    (photos / "y" / "to-x").symlink_to(photos / "x")
    (photos / "same-as-a.jpg").symlink_to(photos / "a.jpg")
    return photos


def test_symlink_loops_end_and_yield_each_photo_once(tmp_path: Path) -> None:
    photos = _looping_tree(tmp_path)
    found: list[Path] = []
    worker = threading.Thread(target=lambda: found.extend(iter_image_files([photos])))
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "the folder walk did not end"
    assert sorted(os.path.realpath(p) for p in found) == sorted(
        [str(photos / "a.jpg"), str(photos / "sub" / "b.jpg")]
    )


def test_image_on_a_looping_folder_translates_each_photo_once(tmp_path: Path) -> None:
    photos = _looping_tree(tmp_path)
    out = tmp_path / "out"
    proc = _run("image", str(photos), "-o", str(out), "--from", "en", home=tmp_path / "h",
                timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == ["a.translated.png", "b.translated.png"]
    assert proc.stderr.count(" -> ") == 2


# -- extreme aspect ratios ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def strip_photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("strips")
    wide = np.full((40, 20000, 3), 255, np.uint8)
    for x in range(0, 19000, 2500):
        cv2.putText(wide, "EXIT", (x + 10, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    cv2.imwrite(str(folder / "1-wide.png"), wide)
    cv2.imwrite(str(folder / "2-tall.png"), np.full((20000, 40, 3), 255, np.uint8))
    cv2.imwrite(str(folder / "3-thread.png"), np.full((2, 20000, 3), 128, np.uint8))
    shutil.copy(SAMPLE, folder / "4-sign.jpg")
    return folder


def test_ocr_reads_extreme_shapes(pipeline, strip_photos: Path) -> None:
    from camtranslate.imaging import load_image

    wide = pipeline.recognize(load_image(strip_photos / "1-wide.png"))
    assert [r.text for r in wide] == ["EXIT"] * 8  # each word once: tiles do not duplicate it
    xs = sorted(min(p[0] for p in r.polygon) for r in wide)
    assert all(abs(x - (10 + 2500 * i)) < 40 for i, x in enumerate(xs)), xs
    assert pipeline.recognize(load_image(strip_photos / "2-tall.png")) == []
    assert pipeline.recognize(load_image(strip_photos / "3-thread.png")) == []


def test_batch_with_extreme_shapes_goes_on(strip_photos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _run("image", str(strip_photos), "-o", str(out), "--from", "en", home=tmp_path / "h")
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "4-sign.translated.png").is_file()
    assert (out / "1-wide.translated.png").is_file()


def test_an_unexpected_error_in_one_file_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    """The per-file boundary catches what no one foresaw (a library's own exception type)."""
    from camtranslate.pipeline import Pipeline

    class LibraryError(Exception):
        pass

    real = Pipeline.process
    calls = {"n": 0}

    def flaky(self, image, *args, **kwargs):  # the first photo hits a library bug
        calls["n"] += 1
        if calls["n"] == 1:
            raise LibraryError("resize_w or resize_h is less than or equal to 0\nmore detail")
        return real(self, image, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "process", flaky)
    shutil.copy(SAMPLE, tmp_path / "a.jpg")
    shutil.copy(SAMPLE, tmp_path / "b.jpg")
    rc = main(["image", str(tmp_path / "a.jpg"), str(tmp_path / "b.jpg"), "-o",
               str(tmp_path / "out"), "--from", "en"])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 1
    errors = [line for line in err.splitlines() if line.startswith("camtranslate: error")]
    assert errors == [
        f"camtranslate: error: {tmp_path / 'a.jpg'}: LibraryError: resize_w or resize_h is "
        "less than or equal to 0"
    ]
    assert (tmp_path / "out" / "b.translated.png").is_file()


# -- cache rows that are not text --------------------------------------------------------------
def test_null_and_blob_rows_are_misses_and_are_deleted(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as db:  # a file written by something else: no NOT NULL
        db.execute(
            "CREATE TABLE phrases (model_id TEXT, src TEXT, tgt TEXT, text TEXT, translation, "
            "created REAL, PRIMARY KEY (model_id, src, tgt, text)) WITHOUT ROWID"
        )
        db.executemany(
            "INSERT INTO phrases VALUES ('m','en','pt',?,?,1)",
            [("Exit", None), ("Push", b"\x00\xff"), ("Pull", 42), ("Open", "Aberto")],
        )
    db.close()
    cache = PhraseCache(path)
    got = cache.get_many("m", "en", "pt", ["Exit", "Push", "Pull", "Open"])
    assert got == {"Open": "Aberto"}
    cache.close()
    with sqlite3.connect(path) as db:
        left = db.execute("SELECT text FROM phrases").fetchall()
    db.close()
    assert left == [("Open",)]


def test_text_with_a_null_row_in_the_cache_translates(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cache_file = home / "cache" / "phrase-cache.sqlite3"
    lines = "Good morning\nThank you\n"
    first = _run("text", "--from", "en", "--to", "pt", stdin=lines, home=home)
    assert first.returncode == 0, first.stderr[-2000:]
    with contextlib.closing(sqlite3.connect(cache_file, isolation_level=None)) as db:
        rows = db.execute("SELECT * FROM phrases").fetchall()
        assert {r[3] for r in rows} >= {"Good morning", "Thank you"}
        bad = {"Good morning": None, "Thank you": b"\x01blob"}
        db.execute("DROP TABLE phrases")  # as written by something else: no NOT NULL
        db.execute(
            "CREATE TABLE phrases (model_id TEXT, src TEXT, tgt TEXT, text TEXT, translation, "
            "created REAL, PRIMARY KEY (model_id, src, tgt, text)) WITHOUT ROWID"
        )
        db.executemany(
            "INSERT INTO phrases VALUES (?,?,?,?,?,?)",
            [(*r[:4], bad.get(r[3], r[4]), r[5]) for r in rows],
        )
    proc = _run("text", "--from", "en", "--to", "pt", stdin=lines, home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == first.stdout and "Traceback" not in proc.stderr
    with contextlib.closing(sqlite3.connect(cache_file)) as db:
        kinds = {t for (t,) in db.execute("SELECT typeof(translation) FROM phrases")}
    assert kinds == {"text"}


# -- long lines --------------------------------------------------------------------------------
def test_split_long_text_keeps_sentences_and_bounds_pieces() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(100))
    pieces = split_long_text(text)
    assert all(len(p) <= PIECE_CHARS for p in pieces)
    assert " ".join(pieces) == text
    assert all(p.endswith(".") for p in pieces)  # cut at sentence ends
    word = "x" * 1000
    assert split_long_text(word) == ["x" * PIECE_CHARS] * 2 + ["x" * 200]
    assert split_long_text("short") == ["short"]


def test_a_huge_line_is_capped_bounded_and_told(tmp_path: Path) -> None:
    line = ("the house is big and we walk in the park every day. " * 40000)[:2_000_000]
    t0 = time.perf_counter()
    proc = _run("text", "--from", "en", "--to", "pt", stdin=line + "\nGood morning\n",
                home=tmp_path / "h", timeout=300)  # fmt: skip
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout.splitlines()
    assert len(out) == 2 and out[1].strip()
    assert len(out[0]) < 2 * MAX_LINE_CHARS  # no invented text beyond the capped input
    assert f"line 1 has {len(line):,} characters; only the first {MAX_LINE_CHARS:,}" in proc.stderr
    assert elapsed < 240


def test_bounded_lines_reads_a_long_line_in_chunks() -> None:
    from camtranslate.cli import _bounded_lines

    stream = io.StringIO("a" * 50 + "\nshort\n" + "b" * 30)
    assert list(_bounded_lines(stream, limit=20)) == ["a" * 20, "short", "b" * 20]


# -- --threads, FIFO, empty folders ------------------------------------------------------------
def test_absurd_thread_count_is_a_clear_error(tmp_path: Path) -> None:
    proc = _run("text", "--threads", "100000", stdin="hello\n", home=tmp_path / "h")
    assert proc.returncode == 2
    assert "--threads: 100000 is out of range: use 0 (CTranslate2's default) to" in proc.stderr
    assert proc.stdout == ""


def test_a_fifo_as_video_says_what_it_is(tmp_path: Path) -> None:
    fifo = tmp_path / "stream.mp4"
    os.mkfifo(fifo)
    proc = _run("bench", "live", "--video", str(fifo), "--seconds", "1", "--json",
                home=tmp_path / "h", timeout=120)  # fmt: skip
    assert proc.returncode == 1
    assert "is a named pipe (FIFO), not a video file" in proc.stdout + proc.stderr
    assert "not found" not in proc.stdout + proc.stderr


def test_folders_without_images_are_told_and_fail(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no photos")
    named_like_a_photo = tmp_path / "folder.jpg"
    named_like_a_photo.mkdir()
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SAMPLE, good / "sign.jpg")
    proc = _run("image", str(empty), str(named_like_a_photo), str(good), "-o",
                str(tmp_path / "out"), home=tmp_path / "h")  # fmt: skip
    assert proc.returncode == 1
    assert f"{empty}: is a folder with no image files in it" in proc.stderr
    assert f"{named_like_a_photo}: is a folder with no image files in it" in proc.stderr
    assert (tmp_path / "out" / "sign.translated.png").is_file()  # the rest still ran
    only_empty = _run("image", str(empty), "-o", str(tmp_path / "out2"), home=tmp_path / "h")
    assert only_empty.returncode == 2
    assert f"{empty}: is a folder with no image files in it" in only_empty.stderr
