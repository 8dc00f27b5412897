"""Safe image decoding and atomic saving.

camtranslate opens files dropped from anywhere, so decoding is defensive: the pixel count is
checked from the header *before* any pixel data is decoded (decompression bombs), only an
allow-list of Pillow formats is used (EPS would run Ghostscript, a subprocess), every failure
becomes one `ImageDecodeError` line, and every colour mode ends up as BGR uint8 HxWx3 — the one
image type the rest of the pipeline accepts. Saving never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from camtranslate.errors import CamtranslateError, ImageDecodeError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "IMAGE_SUFFIXES",
    "SAVE_SUFFIXES",
    "encode_image",
    "is_image_path",
    "iter_image_files",
    "load_image",
    "save_image",
    "write_file_atomic",
]

DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

# Pillow formats we let Image.open try. Deliberately excluded: EPS (runs Ghostscript), WMF/EMF,
# FITS/HDF5/GRIB/BUFR (stubs or scientific containers), MPEG, PSD layers, fonts and the like.
_PIL_FORMATS = (
    "JPEG",
    "PNG",
    "GIF",
    "BMP",
    "DIB",
    "WEBP",
    "TIFF",
    "PPM",
    "ICO",
    "AVIF",
    "JPEG2000",
    "TGA",
    "PCX",
    "QOI",
    "SGI",
)

IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".apng",
        ".gif",
        ".bmp",
        ".dib",
        ".webp",
        ".tif",
        ".tiff",
        ".ppm",
        ".pgm",
        ".pbm",
        ".pnm",
        ".ico",
        ".avif",
        ".jp2",
        ".j2k",
        ".tga",
        ".pcx",
        ".qoi",
        ".sgi",
        ".rgb",
        ".hdr",
        ".pfm",
    }
)

# Suffix -> (cv2 extension, quality flag or None). Encoding goes through OpenCV: BGR in, no copy.
SAVE_SUFFIXES: dict[str, str] = {
    ".png": ".png",
    ".jpg": ".jpg",
    ".jpeg": ".jpg",
    ".webp": ".webp",
    ".bmp": ".bmp",
    ".tif": ".tiff",
    ".tiff": ".tiff",
}

# Formats only OpenCV reads (Radiance HDR, PFM). Recognised by signature so the text header can
# be size-checked before OpenCV allocates anything (its own cap is 2**30 pixels).
_CV2_SIGNATURES = (b"#?RADIANCE", b"#?RGBE", b"PF\n", b"Pf\n", b"PF\r\n", b"Pf\r\n")


def _source_name(source: str | os.PathLike[str] | bytes | bytearray | memoryview) -> str:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<image data>"
    return os.fspath(source)


def _mpx(pixels: int) -> str:
    """Megapixels for messages: '900 Mpx', '0.5 Mpx'."""
    value = pixels / 1_000_000
    return f"{value:.0f} Mpx" if value >= 10 else f"{value:.3g} Mpx"


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB"


def _too_large(name: str, width: int, height: int, max_pixels: int) -> ImageDecodeError:
    return ImageDecodeError(
        f"{name}: image too large ({width}x{height} = {_mpx(width * height)} > "
        f"{_mpx(max_pixels)} limit)"
    )


def _read_file(path: Path, name: str, max_bytes: int) -> bytes:
    """Read a regular file, turning every OS failure into a one-line message."""
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise ImageDecodeError(f"{name}: is a directory")
        if not stat.S_ISREG(st.st_mode):
            # FIFOs and devices could block forever or never end.
            raise ImageDecodeError(f"{name}: not a regular file")
        if st.st_size == 0:
            raise ImageDecodeError(f"{name}: file is empty")
        if st.st_size > max_bytes:
            raise ImageDecodeError(
                f"{name}: file too large ({_mib(st.st_size)} > {_mib(max_bytes)} limit)"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except ImageDecodeError:
        raise
    except FileNotFoundError:
        raise ImageDecodeError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ImageDecodeError(f"{name}: is a directory") from None
    except PermissionError:
        raise ImageDecodeError(f"{name}: permission denied") from None
    except NotADirectoryError:
        raise ImageDecodeError(f"{name}: no such file (a parent is not a folder)") from None
    except OSError as exc:
        raise ImageDecodeError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if not data:
        raise ImageDecodeError(f"{name}: file is empty")
    if len(data) > max_bytes:  # grew while we read it
        raise ImageDecodeError(f"{name}: file too large (> {_mib(max_bytes)} limit)")
    return data


def _probe_size(data: bytes) -> tuple[int, int] | None:
    """Header-only size of an image Pillow refused as a bomb (its error omits the dimensions).

    Uses the plugin factories directly: they parse the header and stop, so nothing is decoded.
    """
    prefix = data[:16]
    for fmt in _PIL_FORMATS:
        entry = Image.OPEN.get(fmt)
        if entry is None:
            continue
        factory, accept = entry
        try:
            if accept is not None and not accept(prefix):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                probe = factory(io.BytesIO(data), "")
            return probe.size
        except Exception:
            continue
    return None


def _looks_like_text(data: bytes) -> bool:
    head = data[:512]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A cut inside a multi-byte character at the end of the sample is still text.
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _decode_cv2(data: bytes, name: str, max_pixels: int) -> np.ndarray | None:
    """OpenCV-only formats, after checking the size written in their text header."""
    if not data.startswith(_CV2_SIGNATURES):
        return None
    header = data[:4096].decode("latin-1")
    if data.startswith(b"#?"):
        match = re.search(r"^[-+]Y\s+(\d+)\s+[-+]X\s+(\d+)", header, re.MULTILINE)
        dims = (int(match.group(2)), int(match.group(1))) if match else None
    else:
        match = re.search(r"^P[Ff]\r?\n\s*(\d+)\s+(\d+)", header)
        dims = (int(match.group(1)), int(match.group(2))) if match else None
    if dims is None:
        raise ImageDecodeError(f"{name}: truncated or corrupt image header")
    if dims[0] * dims[1] > max_pixels:
        raise _too_large(name, dims[0], dims[1], max_pixels)
    import cv2

    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        image = None
    if image is None:
        raise ImageDecodeError(f"{name}: truncated or corrupt image")
    return np.ascontiguousarray(image, dtype=np.uint8)


def _to_8bit_gray(image: Image.Image) -> Image.Image:
    """Scale 16/32-bit integer and float grey images to 8 bits (Pillow's convert clips)."""
    array = np.asarray(image)
    if image.mode == "F":
        finite = np.nan_to_num(array.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        peak = float(finite.max()) if finite.size else 0.0
        scale = 255.0 if peak <= 1.0 else 255.0 / peak
        out: np.ndarray = np.clip(finite * scale, 0, 255)
    else:
        wide: np.ndarray = array.astype(np.int64)
        peak = int(wide.max()) if wide.size else 0
        low = int(wide.min()) if wide.size else 0
        if image.mode.startswith("I;16") or (low >= 0 and peak <= 65535 and peak > 255):
            out = wide / 257.0
        elif low >= 0 and peak <= 255:
            out = wide
        else:
            span = max(peak - low, 1)
            out = (wide - low) * (255.0 / span)
    return Image.fromarray(np.round(out).astype(np.uint8))


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode -> 8-bit RGB; transparency is composited on white (how viewers show it)."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode == "P":
        has_alpha = "transparency" in image.info or (
            image.palette is not None and image.palette.mode == "RGBA"
        )
        image = image.convert("RGBA" if has_alpha else "RGB")
        mode = image.mode
    elif mode in ("L", "1") and "transparency" in image.info:
        image = image.convert("LA")
        mode = "LA"
    elif mode == "RGB" and "transparency" in image.info:
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode.startswith("I") or mode == "F":
        image = _to_8bit_gray(image)
        mode = "L"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La", "RGBX"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _format_label(fmt: str | None) -> str:
    return fmt if fmt else "image"


def _decode_pillow(data: bytes, name: str, max_pixels: int) -> np.ndarray | None:
    """Decode with Pillow; None when Pillow does not recognise the data at all."""
    with warnings.catch_warnings():
        # We apply our own (lower) pixel limit from the header, and corrupt-EXIF style warnings
        # only add noise to the one-line result: the caller gets an image or an error.
        warnings.simplefilter("ignore")
        try:
            image = Image.open(io.BytesIO(data), formats=_PIL_FORMATS)
        except Image.DecompressionBombError:
            # Pillow's own hard limit (2 x Image.MAX_IMAGE_PIXELS) also caps a larger max_pixels.
            hard = 2 * (Image.MAX_IMAGE_PIXELS or 0)
            limit = min(max_pixels, hard) if hard else max_pixels
            size = _probe_size(data)
            if size is not None:
                raise _too_large(name, size[0], size[1], limit) from None
            raise ImageDecodeError(f"{name}: image too large (over {_mpx(limit)} limit)") from None
        except UnidentifiedImageError:
            return None
        except Exception as exc:  # a plugin choking on a malformed header
            raise ImageDecodeError(f"{name}: corrupt image header ({type(exc).__name__})") from None

        fmt = _format_label(image.format)
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ImageDecodeError(f"{name}: corrupt {fmt} (size {width}x{height})")
        if width * height > max_pixels:
            raise _too_large(name, width, height, max_pixels)
        try:
            image.load()  # frame 0 of animations: Pillow opens on the first frame
        except Exception:
            raise ImageDecodeError(f"{name}: truncated or corrupt {fmt}") from None
        try:
            rotated: Image.Image | None = ImageOps.exif_transpose(image)
        except Exception:  # unreadable EXIF: the pixels are still fine, just unrotated
            rotated = image
        shown: Image.Image = rotated if rotated is not None else image
        try:
            rgb = _to_rgb(shown)
            array = np.asarray(rgb, dtype=np.uint8)
        except Exception as exc:
            raise ImageDecodeError(
                f"{name}: unsupported {fmt} colour mode {shown.mode} ({type(exc).__name__})"
            ) from None
    if array.ndim != 3 or array.shape[2] != 3:
        raise ImageDecodeError(f"{name}: unsupported {fmt} layout {array.shape}")
    return np.ascontiguousarray(array[:, :, ::-1])


def load_image(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
) -> np.ndarray:
    """Decode a file or an in-memory buffer to BGR uint8 HxWx3 (C-contiguous).

    Applies EXIF orientation, composites transparency on white, scales 16-bit to 8-bit,
    converts CMYK/palette/grey, and returns the first frame of animations. `name` overrides
    the label used in error messages (default: the path as given, or "<image data>").
    Raises ImageDecodeError (one line, "<name>: <what is wrong>") for anything else.
    """
    label = name if name is not None else _source_name(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if not data:
            raise ImageDecodeError(f"{label}: file is empty")
        if len(data) > max_bytes:
            raise ImageDecodeError(
                f"{label}: file too large ({_mib(len(data))} > {_mib(max_bytes)} limit)"
            )
    else:
        data = _read_file(Path(source), label, max_bytes)

    image = _decode_pillow(data, label, max_pixels)
    if image is None:
        image = _decode_cv2(data, label, max_pixels)
    if image is None:
        hint = "looks like text" if _looks_like_text(data) else "unrecognised format"
        raise ImageDecodeError(f"{label}: not an image ({hint})")
    return image


def is_image_path(path: str | os.PathLike[str]) -> bool:
    """True for a name with an image suffix (case-insensitive); hidden files don't count."""
    p = Path(path)
    return p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")


def iter_image_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    recursive: bool = True,
    seen: set[tuple[int, int]] | None = None,
) -> Iterator[Path]:
    """Expand dropped/command-line paths: folders become their image files, sorted by name.

    Paths named explicitly are yielded as they are (even missing or non-image ones), so the
    loader reports each with its own message instead of it silently vanishing from a batch.
    Hidden files and folders inside a dropped folder are skipped (.DS_Store, ._x.jpg, .git).
    Folder links are followed, but every real folder and file is visited once, by (device,
    inode): a link loop (`a/up -> ..`) neither hangs the walk nor yields a photo twice. Pass
    your own `seen` set to extend that across several calls.
    """
    seen = set() if seen is None else seen
    for item in paths:
        path = Path(item)
        if not path.is_dir():
            yield path
            continue
        yield from _walk_images(path, recursive, seen)


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _walk_images(folder: Path, recursive: bool, seen: set[tuple[int, int]]) -> Iterator[Path]:
    """Depth-first over real folders; `seen` holds the (dev, inode) of folders and files met."""
    pending = [folder]
    while pending:
        current = pending.pop()
        ident = _identity(current)
        if ident is None or ident in seen:
            continue  # vanished, or reached again through a link
        seen.add(ident)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue  # unreadable or vanished folder: nothing to offer
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if recursive:
                    subfolders.append(Path(entry.path))
            elif is_image_path(entry.name):
                file_id = _identity(entry.path)
                if file_id is not None:
                    if file_id in seen:
                        continue  # the same photo through a second link
                    seen.add(file_id)
                yield Path(entry.path)
        pending.extend(reversed(subfolders))  # pop() takes them back in name order


def encode_image(image: np.ndarray, suffix: str, *, quality: int = 92) -> bytes:
    """Encode a BGR (or grey / BGRA) uint8 array in the format named by `suffix`."""
    import cv2

    ext = SAVE_SUFFIXES.get(suffix.lower())
    if ext is None:
        allowed = ", ".join(sorted(SAVE_SUFFIXES))
        raise CamtranslateError(f"cannot save as '{suffix or '(no suffix)'}': use one of {allowed}")
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise CamtranslateError("cannot save: the image must be a uint8 numpy array")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise CamtranslateError(f"cannot save: unsupported image shape {image.shape}")
    if image.size == 0:
        raise CamtranslateError("cannot save: the image is empty")
    if ext == ".jpg" and image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    params: list[int] = []
    q = int(min(max(quality, 1), 100))
    if ext == ".jpg":
        params = [cv2.IMWRITE_JPEG_QUALITY, q]
    elif ext == ".webp":
        params = [cv2.IMWRITE_WEBP_QUALITY, q]
    ok, buffer = cv2.imencode(ext, np.ascontiguousarray(image), params)
    if not ok:
        raise CamtranslateError(f"cannot encode the image as {ext}")
    return buffer.tobytes()


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once at import: os.umask is process-global and not thread-safe

_SAVE_ERRORS = {
    errno.ENOSPC: "disk full",
    getattr(errno, "EDQUOT", -2): "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "folder does not exist",
    errno.ENOTDIR: "folder does not exist",
    errno.EISDIR: "is a directory",
}


def _save_error(path: Path, exc: OSError) -> CamtranslateError:
    reason = _SAVE_ERRORS.get(exc.errno or -1) or exc.strerror or str(exc)
    return CamtranslateError(f"{path}: cannot save ({reason})")


def save_image(path: str | os.PathLike[str], image: np.ndarray, *, quality: int = 92) -> Path:
    """Encode in memory, then write it with `write_file_atomic`.

    A crash, a full disk or a permission error never leaves a half-written image, and an
    existing file at `path` is either replaced whole or left untouched. Returns the path.
    """
    target = Path(path)
    data = encode_image(image, target.suffix, quality=quality)
    return write_file_atomic(target, data)


def write_file_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a temp file next to `path`, fsync, then rename over it (images, JSON reports).

    Every OS failure becomes one CamtranslateError line ("<path>: cannot save (disk full)") and
    the temp file is removed, so a full disk leaves neither a torn file nor a `.x.tmp` behind.
    """
    target = Path(path)
    if target.is_dir():
        raise CamtranslateError(f"{target}: cannot save (is a directory)")
    folder = target.parent if str(target.parent) else Path(".")
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=os.fspath(folder)
        )
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if hasattr(os, "fchmod"):  # mkstemp makes 0600; give the file normal permissions
                os.fchmod(fd, 0o666 & ~_UMASK)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise _save_error(target, exc) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _fsync_dir(folder)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX); best effort, unsupported on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(os.fspath(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
