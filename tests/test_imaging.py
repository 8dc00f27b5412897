"""camtranslate.imaging: colour modes, formats, atomic saving, folder expansion, fuzzing."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import uuid
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from camtranslate.errors import CamtranslateError, ImageDecodeError
from camtranslate.imaging import (
    IMAGE_SUFFIXES,
    encode_image,
    is_image_path,
    iter_image_files,
    load_image,
    save_image,
)
from camtranslate.paths import sample_image_path


def _encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def _check(image: np.ndarray, shape: tuple[int, int]) -> None:
    assert image.dtype == np.uint8
    assert image.shape == (*shape, 3)
    assert image.flags["C_CONTIGUOUS"]


def test_sample_photo_decodes_like_opencv() -> None:
    ours = load_image(sample_image_path())
    _check(ours, (720, 1280))
    reference = cv2.imread(str(sample_image_path()), cv2.IMREAD_COLOR)
    # Same JPEG, two libjpeg builds: tiny IDCT differences at most.
    assert np.abs(ours.astype(int) - reference.astype(int)).mean() < 1.5


def test_bytes_and_path_give_the_same_pixels() -> None:
    path = sample_image_path()
    assert np.array_equal(load_image(path), load_image(path.read_bytes()))
    assert np.array_equal(load_image(str(path)), load_image(bytearray(path.read_bytes())))


def test_rgba_is_composited_on_white() -> None:
    image = Image.new("RGBA", (4, 2), (255, 0, 0, 128))
    out = load_image(_encode(image, "PNG"))
    _check(out, (2, 4))
    b, g, r = out[0, 0].astype(int)
    assert r == 255 and abs(g - 127) <= 1 and abs(b - 127) <= 1


def test_la_and_palette_transparency() -> None:
    la = Image.new("LA", (3, 3), (0, 0))  # black, fully transparent
    assert (load_image(_encode(la, "PNG")) == 255).all()
    pal = Image.new("P", (3, 3), 1)
    pal.putpalette([0, 0, 255, 255, 0, 0] + [0] * 762)
    pal.info["transparency"] = 1
    assert (load_image(_encode(pal, "PNG", transparency=1)) == 255).all()
    opaque = Image.new("P", (3, 3), 0)
    opaque.putpalette([0, 0, 255] + [0] * 765)
    assert (load_image(_encode(opaque, "PNG"))[0, 0] == (255, 0, 0)).all()  # blue in BGR


def test_one_bit_and_grey() -> None:
    one = Image.new("1", (5, 4), 1)
    assert (load_image(_encode(one, "PNG")) == 255).all()
    grey = Image.new("L", (5, 4), 77)
    assert (load_image(_encode(grey, "PNG")) == 77).all()


def test_32bit_integer_and_float_tiff() -> None:
    ints = Image.fromarray(np.array([[0, 70000, 140000]], dtype=np.int32))
    row = load_image(_encode(ints, "TIFF"))[0, :, 0]
    assert row[0] == 0 and row[2] == 255 and 120 < row[1] < 135
    floats = Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32))
    row = load_image(_encode(floats, "TIFF"))[0, :, 0]
    assert list(row) == [0, 128, 255]


def test_hdr_through_opencv_fallback() -> None:
    hdr = np.full((6, 9, 3), 0.5, np.float32)
    ok, buf = cv2.imencode(".hdr", hdr)
    assert ok
    _check(load_image(buf.tobytes()), (6, 9))


def test_eps_is_not_handed_to_ghostscript() -> None:
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    with pytest.raises(ImageDecodeError, match="not an image"):
        load_image(eps, name="x.eps")


def test_messages_use_the_given_name() -> None:
    with pytest.raises(ImageDecodeError, match=r"^clipboard: file is empty$"):
        load_image(b"", name="clipboard")
    with pytest.raises(ImageDecodeError, match=r"^<image data>: not an image"):
        load_image(b"\x00\x01\x02garbage")


# --- property tests -------------------------------------------------------------------------

SIGNATURES = [
    b"",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"BM",
    b"II*\x00",
    b"#?RADIANCE\n",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(SIGNATURES), body=st.binary(max_size=2048))
def test_random_bytes_only_raise_image_decode_error(prefix: bytes, body: bytes) -> None:
    try:
        image = load_image(prefix + body)
    except ImageDecodeError as exc:
        assert "\n" not in str(exc)
    else:
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_mutated_real_photo_only_raises_image_decode_error(data: st.DataObject) -> None:
    """Flip bytes of a real JPEG/PNG: deep decoder paths, not just header rejection."""
    original = _small_photo(data.draw(st.sampled_from(["JPEG", "PNG", "GIF", "WEBP"])))
    blob = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(blob) - 1))
        blob[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(blob)))
    try:
        image = load_image(bytes(blob[:cut]))
    except ImageDecodeError:
        return
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


_PHOTO_CACHE: dict[str, bytes] = {}


def _small_photo(fmt: str) -> bytes:
    if fmt not in _PHOTO_CACHE:
        photo = Image.open(sample_image_path()).convert("RGB").resize((96, 54))
        if fmt == "GIF":
            photo = photo.convert("P")
        _PHOTO_CACHE[fmt] = _encode(photo, fmt)
    return _PHOTO_CACHE[fmt]


MODES_BY_FORMAT = {
    "PNG": ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"],
    "JPEG": ["L", "RGB", "CMYK"],
    "GIF": ["L", "P", "RGB"],
    "BMP": ["1", "L", "P", "RGB"],
    "WEBP": ["RGB", "RGBA"],
    "TIFF": ["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F"],
}
FORMAT_MODE = [(f, m) for f, modes in MODES_BY_FORMAT.items() for m in modes]


@settings(max_examples=150, deadline=None)
@given(
    format_mode=st.sampled_from(FORMAT_MODE),
    width=st.integers(1, 80),
    height=st.integers(1, 80),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_valid_images_round_trip(
    format_mode: tuple[str, str], width: int, height: int, seed: int
) -> None:
    fmt, mode = format_mode
    rng = np.random.default_rng(seed)
    rgb = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")
    if mode in ("I;16", "I", "F"):
        dtype = {"I;16": np.uint16, "I": np.int32, "F": np.float32}[mode]
        array = rng.integers(0, 65536, (height, width)).astype(dtype)
        image = Image.fromarray(array)  # uint16 → I;16, int32 → I, float32 → F
    elif mode == "RGBA":
        alpha = Image.fromarray(rng.integers(0, 256, (height, width), dtype=np.uint8), "L")
        image = rgb.copy()
        image.putalpha(alpha)
    else:
        image = rgb.convert(mode)
    decoded = load_image(_encode(image, fmt))
    _check(decoded, (height, width))
    if fmt in ("PNG", "BMP", "TIFF") and mode == "RGB":  # lossless: exact pixels
        assert np.array_equal(decoded, np.asarray(rgb)[:, :, ::-1])


# --- saving ---------------------------------------------------------------------------------


def _noise(height: int = 64, width: int = 96, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def test_save_png_round_trip_and_permissions(tmp_path: Path) -> None:
    image = _noise()
    target = save_image(tmp_path / "out.png", image)
    assert np.array_equal(load_image(target), image)
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]
    umask = os.umask(0o022)
    os.umask(umask)
    if os.name == "posix":
        assert (target.stat().st_mode & 0o777) == (0o666 & ~umask)


def test_save_jpeg_quality_and_suffixes(tmp_path: Path) -> None:
    image = load_image(sample_image_path())
    low = save_image(tmp_path / "low.JPG", image, quality=20)
    high = save_image(tmp_path / "high.jpeg", image, quality=95)
    assert low.stat().st_size < high.stat().st_size
    assert np.abs(load_image(high).astype(int) - image.astype(int)).mean() < 4
    with pytest.raises(CamtranslateError, match=r"cannot save as '\.gifx'"):
        save_image(tmp_path / "bad.gifx", image)
    with pytest.raises(CamtranslateError, match="uint8"):
        encode_image(image.astype(np.float32), ".png")


def test_save_into_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CamtranslateError, match="folder does not exist"):
        save_image(tmp_path / "nope" / "out.png", _noise())


def test_save_over_a_directory(tmp_path: Path) -> None:
    (tmp_path / "out.png").mkdir()
    with pytest.raises(CamtranslateError, match="is a directory"):
        save_image(tmp_path / "out.png", _noise())


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_failed_save_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    old = _noise(seed=1)
    target = save_image(tmp_path / "out.png", old)
    before = target.read_bytes()
    real = getattr(os, failing)
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if failing == "write" and calls["n"] == 1:  # a partial write first, like a real disk
            fd, data = args
            return real(fd, bytes(data[:100]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, flaky)
    with pytest.raises(CamtranslateError) as info:
        save_image(target, _noise(seed=2))
    monkeypatch.undo()
    assert str(info.value) == f"{target}: cannot save (disk full)"
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


@contextlib.contextmanager
def _tiny_tmpfs(path: Path, size: str = "64k"):
    path.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            check=True,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True, timeout=30)


def test_disk_full_on_a_real_full_filesystem(tmp_path: Path) -> None:
    with _tiny_tmpfs(tmp_path / f"full-{uuid.uuid4().hex[:6]}") as disk:
        old = _noise(16, 16, seed=3)
        target = save_image(disk / "result.png", old)
        before = target.read_bytes()
        big = _noise(200, 200, seed=4)  # ~120 KB of incompressible PNG on a 64 KiB disk
        with pytest.raises(CamtranslateError, match=r"result\.png: cannot save \(disk full\)"):
            save_image(target, big)
        assert target.read_bytes() == before
        assert np.array_equal(load_image(target), old)
        assert sorted(p.name for p in disk.iterdir()) == ["result.png"]


# --- paths and folders ----------------------------------------------------------------------


def test_is_image_path() -> None:
    assert is_image_path("a/B.JPG") and is_image_path(Path("x.webp"))
    assert not is_image_path("notes.txt") and not is_image_path("jpg")
    assert not is_image_path("._resource_fork.jpg")
    assert {".jpg", ".png", ".gif", ".webp", ".tif"} <= IMAGE_SUFFIXES


def test_iter_image_files_expands_folders(tmp_path: Path) -> None:
    for rel in ["b.png", "a.JPG", "notes.txt", ".hidden.jpg", "sub/c.gif", ".git/d.png"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    explicit = tmp_path / "missing.jpg"
    found = list(iter_image_files([tmp_path, explicit]))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.JPG",
        "b.png",
        "sub/c.gif",
        "missing.jpg",
    ]
    flat = list(iter_image_files([tmp_path], recursive=False))
    assert [p.name for p in flat] == ["a.JPG", "b.png"]
