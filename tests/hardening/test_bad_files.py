"""Every file in the hostile corpus gets a correct image or one clear line — never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from camtranslate.errors import ImageDecodeError
from camtranslate.imaging import iter_image_files, load_image

REPO = Path(__file__).resolve().parents[2]

ERRORS = {
    "empty.jpg": "file is empty",
    "truncated.jpg": "truncated or corrupt JPEG",
    "truncated.png": "truncated or corrupt PNG",
    "text.jpg": "not an image (looks like text)",
    "bomb.png": "image too large (30000x30000 = 900 Mpx > 50 Mpx limit)",
    "bomb.hdr": "image too large (30000x30000 = 900 Mpx > 50 Mpx limit)",
    "folder.jpg": "is a directory",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_file_gives_one_clear_line(corpus: dict[str, Path], name: str) -> None:
    path = corpus[name]
    with pytest.raises(ImageDecodeError) as info:
        load_image(path)
    message = str(info.value)
    assert message == f"{path}: {ERRORS[name]}"
    assert "\n" not in message


def test_bomb_is_tiny_and_rejected_before_decoding(corpus: dict[str, Path]) -> None:
    # The header declares 2.7 GB of pixels; rejecting it must not allocate them.
    assert corpus["bomb.png"].stat().st_size < 4096
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImageDecodeError):
        load_image(corpus["bomb.png"], max_pixels=10**12)  # above Pillow's own hard limit
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert (after - before) < 200_000  # KiB: nowhere near the 2.7 GB a decode would need


def test_pixel_limit_is_configurable(corpus: dict[str, Path]) -> None:
    with pytest.raises(ImageDecodeError, match=r"1280x720 = 0\.922 Mpx > 0\.5 Mpx limit"):
        load_image(corpus["good.jpg"], max_pixels=500_000)


def test_byte_limit(corpus: dict[str, Path]) -> None:
    with pytest.raises(ImageDecodeError, match="file too large"):
        load_image(corpus["good.jpg"], max_bytes=1024)
    with pytest.raises(ImageDecodeError, match="file too large"):
        load_image(corpus["good.jpg"].read_bytes(), max_bytes=1024)


@pytest.mark.parametrize("name", ["animated.gif", "animated.png", "animated.webp"])
def test_animation_returns_first_frame(corpus: dict[str, Path], name: str) -> None:
    image = load_image(corpus[name])
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    # First frame is red: BGR (0, 0, 255) everywhere.
    assert np.abs(image.astype(int) - (0, 0, 255)).max() <= 2


def test_16bit_png_with_alpha(corpus: dict[str, Path]) -> None:
    image = load_image(corpus["rgba16.png"])
    assert image.shape == (32, 64, 3) and image.dtype == np.uint8
    assert (image[:, :32] == (0, 0, 255)).all()  # opaque red stays red
    assert (image[:, 32:] == (255, 255, 255)).all()  # transparent blue → white background


def test_16bit_grey_is_scaled_not_clipped(corpus: dict[str, Path]) -> None:
    image = load_image(corpus["gray16.png"])
    row = image[0, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255
    assert (np.diff(row) >= 0).all()
    assert 100 < row[128] < 156  # mid-grey, not saturated as a plain clip to 255 would give


def test_cmyk_jpeg(corpus: dict[str, Path]) -> None:
    image = load_image(corpus["cmyk.jpg"]).astype(int)
    left, right = image[16, 8], image[16, 56]
    assert left[2] > 200 and left[0] < 60 and left[1] < 60  # red
    assert right[0] > 200 and right[1] < 60 and right[2] < 60  # blue


def test_exif_orientation_is_applied(corpus: dict[str, Path], badfiles) -> None:
    upright = load_image(corpus["exif6.jpg"])
    stored = badfiles.sample_bgr()  # the same pixels without the tag: 1280x720 landscape
    assert stored.shape[:2] == (720, 1280)
    assert upright.shape[:2] == (1280, 720)
    expected = np.rot90(stored, k=-1)  # orientation 6 = rotate 90° clockwise for display
    assert np.abs(upright.astype(int) - expected.astype(int)).mean() < 6
    wrong_way = np.rot90(stored, k=1)
    assert np.abs(upright.astype(int) - wrong_way.astype(int)).mean() > 20


def test_non_ascii_path(corpus: dict[str, Path], badfiles) -> None:
    path = corpus[badfiles.NON_ASCII_NAME]
    assert path.name == "placa_saída_出口.jpg"
    image = load_image(path)
    assert np.array_equal(image, load_image(corpus["good.jpg"]))
    assert [p.name for p in iter_image_files([path.parent]) if p.name == path.name]


def test_non_ascii_path_in_error_message(tmp_path: Path) -> None:
    path = tmp_path / "vazio_出口.jpg"
    path.write_bytes(b"")
    with pytest.raises(ImageDecodeError, match=r"vazio_出口\.jpg: file is empty"):
        load_image(path)


def test_file_disappears_while_queued(tmp_path: Path, badfiles) -> None:
    (tmp_path / "a.jpg").write_bytes(badfiles.sample_bytes())
    (tmp_path / "b.jpg").write_bytes(badfiles.sample_bytes())
    queue = list(iter_image_files([tmp_path]))
    assert [p.name for p in queue] == ["a.jpg", "b.jpg"]
    (tmp_path / "a.jpg").unlink()
    with pytest.raises(ImageDecodeError, match=r"a\.jpg: no such file"):
        load_image(queue[0])
    assert load_image(queue[1]).shape == (720, 1280, 3)


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    result: list[BaseException | None] = []

    def attempt() -> None:
        try:
            load_image(fifo)
            result.append(None)
        except BaseException as exc:
            result.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the thread can end
        with open(fifo, "wb"):
            pass
        pytest.fail("load_image blocked on a FIFO")
    assert isinstance(result[0], ImageDecodeError)
    assert "not a regular file" in str(result[0])


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_permission_denied(tmp_path: Path, badfiles) -> None:
    """Real permissions: as root (containers) the check runs as 'nobody' in a subprocess."""
    path = tmp_path / "secret.jpg"
    path.write_bytes(badfiles.sample_bytes())
    path.chmod(0)
    if os.geteuid() != 0:
        with pytest.raises(ImageDecodeError, match=r"secret\.jpg: permission denied"):
            load_image(path)
        return
    tmp_path.chmod(0o755)
    code = (
        "import os, sys\n"
        "from camtranslate.imaging import load_image\n"  # import as root, then drop privileges
        "os.setgid(65534); os.setuid(65534)\n"
        "try:\n    load_image(sys.argv[1])\nexcept Exception as e:\n    print(e)\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    except OSError as exc:
        pytest.skip(f"cannot run as nobody: {exc}")
    assert out.stdout.strip() == f"{path}: permission denied", out.stderr
