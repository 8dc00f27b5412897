"""Camera-like videos made from a still photo: the stand-in for a webcam in tests and benchmarks.

Each frame is the photo seen through a known affine transform (pan, zoom, hand shake or a still
view with sensor noise), so tests can compare what the tracker estimates with the ground truth.
Written with ``cv2.VideoWriter`` as mp4v (read back by the same FFMPEG backend the capture
path uses); MJPG/AVI is the fallback.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from camtranslate.errors import CamtranslateError

MOTIONS = ("still", "pan", "zoom", "shake")


def motion_transforms(
    image_size: tuple[int, int],
    motion: str,
    frames: int,
    size: tuple[int, int] = (640, 360),
    seed: int = 0,
    center: tuple[float, float] | None = None,
) -> list[np.ndarray]:
    """2x3 affine maps (photo pixels → frame pixels), one per frame.

    The view shows about 70% of the photo's width (a camera pointed at part of a scene) and
    moves smoothly: a pan goes left-right-left over the clip, a zoom goes in by 1.5x and back, a
    shake jitters by a few pixels and a fraction of a degree like a hand-held phone.
    ``center`` is the photo point (fractions of width, height) the view is aimed at; the default
    (0.4, 0.5), or the middle for a pan, frames the text of the bundled sign.jpg.
    """
    if motion not in MOTIONS:
        raise CamtranslateError(f"unknown motion {motion!r}; choose one of {', '.join(MOTIONS)}")
    iw, ih = image_size
    w, h = size
    base = min(w / (0.7 * iw), h / (0.7 * ih))
    rng = np.random.default_rng(seed)
    out: list[np.ndarray] = []
    fx, fy = center or ((0.5, 0.5) if motion == "pan" else (0.4, 0.5))
    for i in range(frames):
        phase = i / max(frames - 1, 1)
        scale, angle = base, 0.0
        cx, cy = fx * iw, fy * ih  # the photo point at the frame centre
        if motion == "pan":
            cx += 0.14 * iw * math.sin(2 * math.pi * phase)
            cy += 0.04 * ih * math.sin(4 * math.pi * phase)
        elif motion == "zoom":
            scale = base * (1.0 + 0.5 * math.sin(math.pi * phase))
        elif motion == "shake":
            cx += rng.normal(0, 4.0) / base
            cy += rng.normal(0, 4.0) / base
            angle = float(rng.normal(0, 0.6))
        m = cv2.getRotationMatrix2D((cx, cy), angle, scale)
        m[0, 2] += w / 2 - cx
        m[1, 2] += h / 2 - cy
        out.append(m)
    return out


def write_motion_video(
    image: np.ndarray,
    path: str | Path,
    motion: str = "pan",
    seconds: float = 3.0,
    fps: float = 15.0,
    size: tuple[int, int] = (640, 360),
    noise: float = 0.0,
    seed: int = 0,
    center: tuple[float, float] | None = None,
) -> list[np.ndarray]:
    """Write the clip and return its per-frame transforms; ``noise`` adds sensor-like grain (σ)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = max(2, round(seconds * fps))
    transforms = motion_transforms(
        (image.shape[1], image.shape[0]), motion, frames, size, seed, center
    )
    fourcc = "MJPG" if path.suffix.lower() == ".avi" else "mp4v"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    if not writer.isOpened():
        raise CamtranslateError(f"OpenCV cannot write {fourcc} video to {path}")
    rng = np.random.default_rng(seed + 1)
    try:
        for m in transforms:
            frame = cv2.warpAffine(
                image, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
            )
            if noise > 0:
                grain = rng.normal(0, noise, frame.shape)
                frame = np.clip(frame.astype(np.float32) + grain, 0, 255).astype(np.uint8)
            writer.write(frame)
    finally:
        writer.release()
    return transforms
