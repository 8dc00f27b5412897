"""Generators for the hostile/odd image corpus used by the hardening tests.

Everything is built from the real sample photo (resources/samples/sign.jpg) or written byte by
byte, so no binary fixtures live in the repository. Run as a script to dump the corpus into a
folder, e.g. to drop it on the GUI by hand:  python tests/hardening/badfiles.py /tmp/badfiles
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "samples" / "sign.jpg"
NON_ASCII_NAME = "placa_saída_出口.jpg"
BOMB_SIZE = (30000, 30000)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk with its CRC, as the spec lays it out."""
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_bomb(width: int = BOMB_SIZE[0], height: int = BOMB_SIZE[1]) -> bytes:
    """A valid PNG header declaring width x height RGB, with a few compressed rows of data.

    Decoding would need width*height*3 bytes (2.7 GB for 30000x30000); the file is < 1 KiB,
    which is exactly what a decompression bomb looks like before the decoder runs.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" + b"\x00" * (width * 3), 9)  # one filtered zero row
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def hdr_bomb(width: int = BOMB_SIZE[0], height: int = BOMB_SIZE[1]) -> bytes:
    """A Radiance HDR header (an OpenCV-only format) declaring a huge image."""
    return f"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y {height} +X {width}\n".encode() + b"\0" * 64


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def sample_bgr() -> np.ndarray:
    image = cv2.imread(str(SAMPLE), cv2.IMREAD_COLOR)
    assert image is not None, SAMPLE
    return image


def truncated_jpeg() -> bytes:
    data = sample_bytes()
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    ok, buf = cv2.imencode(".png", sample_bgr())
    assert ok
    data = buf.tobytes()
    return data[: len(data) // 2]


def animated_gif() -> bytes:
    """Three frames: red, green, blue. The loader must return the red one."""
    frames = [Image.new("RGB", (64, 48), colour) for colour in ("red", "lime", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def animated_png() -> bytes:
    frames = [Image.new("RGBA", (40, 30), colour) for colour in ("red", "lime", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "lime", "blue")]
    out = io.BytesIO()
    frames[0].save(
        out, "WEBP", save_all=True, append_images=frames[1:], duration=100, lossless=True
    )
    return out.getvalue()


def rgba16_png() -> bytes:
    """16-bit BGRA PNG: left half opaque pure red, right half fully transparent."""
    image = np.zeros((32, 64, 4), np.uint16)
    image[:, :32] = (0, 0, 65535, 65535)
    image[:, 32:] = (65535, 0, 0, 0)  # blue but invisible: must composite to white
    ok, buf = cv2.imencode(".png", image)
    assert ok
    return buf.tobytes()


def gray16_png() -> bytes:
    """16-bit grey ramp 0..65535 over 256 columns."""
    ramp = np.linspace(0, 65535, 256).astype(np.uint16)
    ok, buf = cv2.imencode(".png", np.tile(ramp, (8, 1)))
    assert ok
    return buf.tobytes()


def cmyk_jpeg() -> bytes:
    """A CMYK JPEG (what print workflows export): left red, right blue."""
    rgb = Image.new("RGB", (64, 32), (255, 0, 0))
    rgb.paste((0, 0, 255), (32, 0, 64, 32))
    out = io.BytesIO()
    rgb.convert("CMYK").save(out, "JPEG", quality=95)
    return out.getvalue()


def exif_rotated_jpeg(orientation: int = 6) -> bytes:
    """The sample photo stored landscape with an EXIF orientation tag (6: rotate 90° CW)."""
    image = Image.open(SAMPLE)
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def write_corpus(folder: Path) -> dict[str, Path]:
    """Write every bad/odd file into `folder`; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    blobs: dict[str, bytes] = {
        "empty.jpg": b"",
        "truncated.jpg": truncated_jpeg(),
        "truncated.png": truncated_png(),
        "text.jpg": b"This is a shopping list, not a photo.\nmilk\neggs\n",
        "bomb.png": png_bomb(),
        "bomb.hdr": hdr_bomb(),
        "animated.gif": animated_gif(),
        "animated.png": animated_png(),
        "animated.webp": animated_webp(),
        "rgba16.png": rgba16_png(),
        "gray16.png": gray16_png(),
        "cmyk.jpg": cmyk_jpeg(),
        "exif6.jpg": exif_rotated_jpeg(6),
        "good.jpg": sample_bytes(),
        NON_ASCII_NAME: sample_bytes(),
    }
    paths: dict[str, Path] = {}
    for name, data in blobs.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    directory = folder / "folder.jpg"  # a directory with an image-looking name
    directory.mkdir(exist_ok=True)
    paths["folder.jpg"] = directory
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hardening/badfiles.py OUTDIR")
    for key, value in write_corpus(Path(sys.argv[1])).items():
        print(f"{key:28} {value}")
