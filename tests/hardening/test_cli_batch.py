"""`camtranslate image` over a batch mixing good and hostile files, as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

BAD = {
    "empty.jpg": "file is empty",
    "truncated.jpg": "truncated or corrupt JPEG",
    "truncated.png": "truncated or corrupt PNG",
    "text.jpg": "not an image (looks like text)",
    "bomb.png": "image too large (30000x30000 = 900 Mpx > 50 Mpx limit)",
}
GOOD = ["good.jpg", "placa_saída_出口.jpg", "exif6.jpg", "animated.gif", "rgba16.png", "cmyk.jpg"]


def _camtranslate(*args: str, home: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "CAMTRANSLATE_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("CAMTRANSLATE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "camtranslate", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def batch(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("batch-out")
    missing = corpus["good.jpg"].parent / "vanished.jpg"
    inputs = [str(corpus[name]) for name in [*GOOD[:1], *BAD, *GOOD[1:]]] + [str(missing)]
    proc = _camtranslate(
        "image", *inputs, "-o", str(out), "--from", "en", "--to", "pt", "--json",
        home=tmp_path_factory.mktemp("home"),
    )  # fmt: skip
    return proc, out, corpus, missing


def test_batch_exit_status_and_no_traceback(batch) -> None:
    proc, _, _, _ = batch
    assert proc.returncode != 0, "a batch with bad files must not report success"
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]


def test_each_bad_file_gets_exactly_one_line(batch) -> None:
    proc, _, corpus, missing = batch
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    expected = {str(corpus[name]): why for name, why in BAD.items()}
    expected[str(missing)] = "no such file"
    for path, why in expected.items():
        lines = [line for line in errors if path in line]
        assert len(lines) == 1, (path, errors)
        assert lines[0].endswith(f"{path}: {why}"), lines[0]
    assert len(errors) == len(expected), errors


def test_good_files_are_all_translated(batch) -> None:
    proc, out, corpus, _ = batch
    from camtranslate.imaging import load_image

    for name in GOOD:
        result = out / f"{Path(name).stem}.translated.png"
        assert result.is_file(), (name, proc.stderr[-3000:])
        image = load_image(result)
        source = load_image(corpus[name])
        assert image.shape == source.shape  # EXIF-rotated photo comes out upright
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_photo_is_really_translated(batch) -> None:
    """The sign's English is recognised, translated, and painted over where it was."""
    import json

    import numpy as np

    from camtranslate.imaging import load_image

    _, out, corpus, _ = batch
    doc = json.loads((out / "good.json").read_text(encoding="utf-8"))
    translated = [r for r in doc["regions"] if r["translation"] and r["translation"] != r["text"]]
    assert translated, doc["regions"]
    before = load_image(corpus["good.jpg"]).astype(int)
    after = load_image(out / "good.translated.png").astype(int)
    for region in translated:
        xs, ys = zip(*region["polygon"], strict=True)
        x0, x1, y0, y1 = int(min(xs)), int(max(xs)) + 1, int(min(ys)), int(max(ys)) + 1
        box_diff = np.abs(after[y0:y1, x0:x1] - before[y0:y1, x0:x1]).mean()
        assert box_diff > 8, (region, box_diff)
    outside = np.abs(after[650:, :] - before[650:, :]).mean()  # floor, no text: untouched
    assert outside < 1.0


def test_output_on_a_full_disk(corpus: dict[str, Path], tmp_path: Path) -> None:
    """Saving to a full filesystem: one line per file, no temp files, exit status 1."""
    disk = tmp_path / f"full-{uuid.uuid4().hex[:6]}"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
        capture_output=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        proc = _camtranslate(
            "image", str(corpus["good.jpg"]), "-o", str(disk), "--from", "en", "--to", "pt",
            home=tmp_path / "home",
        )  # fmt: skip
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr
        errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
        assert len(errors) == 1 and "cannot save (disk full)" in errors[0], proc.stderr
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True, timeout=30)


def test_output_folder_is_a_file(corpus: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    proc = _camtranslate(
        "image", str(corpus["good.jpg"]), "-o", str(blocker), home=tmp_path / "home"
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
