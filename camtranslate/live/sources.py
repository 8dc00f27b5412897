"""Frame sources: webcams and video files behind one capture code path.

A video file is how tests and demos stand in for a webcam, so both go through
``cv2.VideoCapture`` and the same read loop; the file source only adds pacing (at the file's fps)
and looping. ``read()`` never raises for a failed read: it returns None and the session counts
consecutive failures to decide that a camera was unplugged.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from camtranslate.errors import SourceError


@dataclass(frozen=True)
class Frame:
    """One captured picture: BGR uint8, its running index and its capture time (monotonic s)."""

    image: np.ndarray
    index: int
    timestamp: float


@runtime_checkable
class FrameSource(Protocol):
    """What the live session needs from a camera or a file."""

    name: str

    @property
    def fps(self) -> float: ...

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames."""
        ...

    @property
    def exhausted(self) -> bool:
        """True once a finite source has delivered its last frame (not a failure)."""
        ...

    def open(self) -> None:
        """Open (or re-open after a loss); raises SourceError with a one-line message."""
        ...

    def read(self) -> Frame | None:
        """The next frame, or None when the device did not deliver one."""
        ...

    def close(self) -> None: ...


@contextlib.contextmanager
def _quiet_stderr():
    """OpenCV's FFMPEG/V4L2 backends print to fd 2 when probing; keep probing silent."""
    try:
        fd = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(fd, 2)
    finally:
        os.close(fd)


class _CaptureSource:
    """The shared cv2.VideoCapture code path of cameras and files."""

    name: str = "capture"

    def __init__(self) -> None:
        self._cap = None
        self._index = 0
        self._fps = 30.0
        self._size = (0, 0)
        self._exhausted = False

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    def _target(self) -> int | str:
        raise NotImplementedError

    def _configure(self, cap) -> None:
        """Hook: set resolution etc. before the first read."""

    def _open_capture(self):
        import cv2

        target = self._target()
        with _quiet_stderr():
            cap = cv2.VideoCapture(target)
        if not cap.isOpened():
            cap.release()
            return None
        self._configure(cap)
        return cap

    def _grab(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        try:
            ok, image = self._cap.read()
        except Exception:  # a backend that throws on an unplugged device: same as no frame
            return None
        if not ok or image is None or image.size == 0:
            return None
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        return image

    def _frame(self, image: np.ndarray) -> Frame:
        frame = Frame(image=image, index=self._index, timestamp=time.monotonic())
        self._index += 1
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CameraSource(_CaptureSource):
    """A webcam by OpenCV index; ``resolution`` is a request (the driver may pick another)."""

    def __init__(self, index: int = 0, resolution: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.camera_index = int(index)
        self.resolution = resolution
        self.name = f"camera {index}"
        self._pending: np.ndarray | None = None  # the probe frame open() read

    def _target(self) -> int:
        return self.camera_index

    def _configure(self, cap) -> None:
        import cv2

        if self.resolution:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.resolution[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.resolution[1])

    def open(self) -> None:
        import cv2

        self.close()
        cap = self._open_capture()
        if cap is None:
            raise SourceError(
                f"cannot open {self.name}: no such camera, or it is in use by another program"
            )
        self._cap = cap
        image = self._grab()  # some drivers open fine and then deliver nothing
        if image is None:
            self.close()
            raise SourceError(f"{self.name} opened but delivers no frames")
        self._pending = image
        fps = cap.get(cv2.CAP_PROP_FPS)
        self._fps = float(fps) if fps and 1.0 <= fps <= 240.0 else 30.0
        self._size = (int(image.shape[1]), int(image.shape[0]))

    def read(self) -> Frame | None:
        pending = self._pending
        if pending is not None:
            self._pending = None
            return self._frame(pending)
        image = self._grab()
        return None if image is None else self._frame(image)


class VideoFileSource(_CaptureSource):
    """A video file played like a camera: paced at its fps (``realtime``) and looped (``loop``).

    Looping re-opens the file rather than seeking: seeking is unreliable across codecs, and
    re-opening makes a file that vanished mid-run behave like an unplugged camera.
    """

    def __init__(self, path: str | Path, loop: bool = True, realtime: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.loop = loop
        self.realtime = realtime
        self.name = self.path.name
        self._next_due = 0.0

    def _target(self) -> str:
        return str(self.path)

    def open(self) -> None:
        import cv2

        self.close()
        problem = not_a_regular_file(self.path)
        if problem == "no such file":
            raise SourceError(f"video file not found: {self.path}")
        if problem:
            raise SourceError(f"video {self.path}: {problem}")
        cap = self._open_capture()
        if cap is None:
            raise SourceError(f"cannot read video file {self.path}: not a video OpenCV can decode")
        fps = cap.get(cv2.CAP_PROP_FPS)
        self._fps = float(fps) if fps and 1.0 <= fps <= 240.0 else 25.0
        self._size = (
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
        self._cap = cap
        self._exhausted = False
        self._next_due = time.monotonic()

    def _pace(self) -> None:
        if not self.realtime:
            return
        now = time.monotonic()
        if self._next_due > now:
            time.sleep(self._next_due - now)
            self._next_due += 1.0 / self._fps
        else:  # running late (slow decode or a busy machine): do not try to catch up in a burst
            self._next_due = now + 1.0 / self._fps

    def read(self) -> Frame | None:
        if self._exhausted:
            return None
        image = self._grab()
        if image is None and self.loop and self._cap is not None and self._index > 0:
            # end of file: start again (a file that vanished fails here like a lost camera)
            self.close()
            cap = self._open_capture() if self.path.is_file() else None
            if cap is None:
                return None
            self._cap = cap
            image = self._grab()
        if image is None:
            if not self.loop and self._cap is not None:
                self._exhausted = True
            return None
        self._pace()
        return self._frame(image)


@dataclass(frozen=True)
class CameraInfo:
    index: int
    name: str
    size: tuple[int, int]


def list_cameras(max_index: int = 5) -> list[CameraInfo]:
    """Cameras OpenCV can open, probed quietly (only indices that have a /dev/videoN on Linux)."""
    import cv2

    found: list[CameraInfo] = []
    for index in range(max_index + 1):
        dev = Path(f"/dev/video{index}")
        if os.name == "posix" and Path("/dev").is_dir() and not dev.exists():
            continue
        with _quiet_stderr():
            cap = cv2.VideoCapture(index)
            try:
                if not cap.isOpened():
                    continue
                ok, image = cap.read()
                if not ok or image is None:
                    continue
                found.append(
                    CameraInfo(index, f"camera {index}", (int(image.shape[1]), int(image.shape[0])))
                )
            finally:
                cap.release()
    return found


def not_a_regular_file(path: Path) -> str | None:
    """Why `path` cannot be a video file (missing, a folder, a FIFO, a device...), or None.

    Said precisely: a FIFO used to be reported as "not found", and opening one would block."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISDIR, "is a folder, not a video file"),
        (stat.S_ISFIFO, "is a named pipe (FIFO), not a video file: save the stream to a file"),
        (stat.S_ISSOCK, "is a socket, not a video file"),
        (stat.S_ISCHR, "is a device, not a video file (cameras are opened by number)"),
        (stat.S_ISBLK, "is a block device, not a video file"),
    )
    return next((why for test, why in kinds if test(mode)), "is not a regular file")
