"""The headless CLI over the real engine: files in, PNG/JSON out, clear one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from camtranslate import __version__
from camtranslate.cli import main


def test_image_writes_png_and_json_of_the_documented_form(tmp_path, sample_image_path, capsys):
    out = tmp_path / "out"
    rc = main(["image", str(sample_image_path), "-o", str(out), "--json", "--from", "en"])
    assert rc == 0
    png = out / "sign.translated.png"
    doc = json.loads((out / "sign.json").read_text(encoding="utf-8"))
    image = cv2.imread(str(png))
    assert image is not None and image.shape[:2] == (doc["height"], doc["width"]) == (720, 1280)
    assert doc["image"] == str(sample_image_path)
    assert doc["source_lang"] == "en" and doc["target_lang"] == "pt"
    assert set(doc["timings_ms"]) >= {"ocr", "translate", "overlay"}
    assert doc["regions"], "no regions found in the sample"
    for region in doc["regions"]:
        assert set(region) >= {"polygon", "text", "translation", "confidence"}
        assert len(region["polygon"]) == 4 and all(len(p) == 2 for p in region["polygon"])
        assert 0.0 <= region["confidence"] <= 1.0
    assert any(r["translation"] != r["text"] for r in doc["regions"])
    assert "sign.translated.png" in capsys.readouterr().err


def test_one_bad_file_does_not_stop_the_batch(tmp_path, sample_image_path, capsys):
    bad = tmp_path / "notes.jpg"
    bad.write_text("this is not an image", encoding="utf-8")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    rc = main(["image", str(bad), str(sample_image_path), str(empty), "-o", str(out)])
    assert rc == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("camtranslate: error:")]
    assert len(lines) == 2 and "notes.jpg" in lines[0] and "empty.png" in lines[1]
    assert (out / "sign.translated.png").is_file()
    assert not (out / "notes.translated.png").exists()


def test_folder_input_and_missing_output_parent(tmp_path, sample_image_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(sample_image_path.read_bytes())
    (folder / "readme.txt").write_text("not a photo", encoding="utf-8")
    out = tmp_path / "deep" / "out"
    assert main(["image", str(folder), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.translated.png"]


def test_no_images_is_a_usage_error(tmp_path, capsys):
    assert main(["image", str(tmp_path), "-o", str(tmp_path / "o")]) == 2
    assert "no image files" in capsys.readouterr().err


def _run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "camtranslate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_text_translates_stdin_line_by_line():
    proc = _run_cli("text", "--from", "en", "--to", "pt", stdin="Exit\n\nThe store is open.\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[3] == ""
    assert "saída" in lines[0].lower()
    assert "loja" in lines[2].lower()


def test_version_flag():
    proc = _run_cli("--version")
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_missing_model_pair_is_one_clear_line():
    proc = _run_cli("text", "--from", "en", "--to", "ko", stdin="Exit\n")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "ko" in proc.stderr


@pytest.mark.parametrize("name", ["zero.jpg"])
def test_cli_survives_zero_byte_file_alone(tmp_path: Path, name: str, capsys):
    f = tmp_path / name
    f.write_bytes(b"")
    assert main(["image", str(f), "-o", str(tmp_path / "o")]) == 1
    assert "empty" in capsys.readouterr().err
