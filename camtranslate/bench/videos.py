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


def open_writer(path: Path, fps: float, size: tuple[int, int]) -> cv2.VideoWriter:
    """A video writer for `path` (MJPG for .avi, else mp4v); an error when OpenCV cannot."""
    fourcc = "MJPG" if path.suffix.lower() == ".avi" else "mp4v"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    if not writer.isOpened():
        raise CamtranslateError(f"OpenCV cannot write {fourcc} video to {path}")
    return writer


def with_grain(frame: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """The frame with a camera sensor's grain (Gaussian, `noise` grey levels; 0: as it is)."""
    if noise <= 0:
        return frame
    grain = rng.normal(0, noise, frame.shape)
    return np.clip(frame.astype(np.float32) + grain, 0, 255).astype(np.uint8)


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
    writer = open_writer(path, fps, size)
    rng = np.random.default_rng(seed + 1)
    try:
        for m in transforms:
            frame = cv2.warpAffine(
                image, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
            )
            writer.write(with_grain(frame, rng, noise))
    finally:
        writer.release()
    return transforms


SCENES = ("hands", "textchange")
"""Scenes beyond camera motion: a steady sign with hands moving in front of it (what a webcam
on a desk sees), and a sign whose text changes every few seconds (change-to-translation
latency)."""

CHANGING_TEXTS = ("OPEN TODAY", "EXIT ONLY", "FRESH BREAD", "NO PARKING")


def draw_hand(frame: np.ndarray, center: tuple[float, float], size: float, angle: float) -> None:
    """Paint a skin-coloured hand with an arm reaching in from the bottom edge, in place.

    Palm, four fingers and a thumb as rounded strokes, shaded top to bottom with a little
    texture, soft-edged: enough like a hand that OCR's detector sees a blob, not text.
    """
    h, w = frame.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    cx, cy = center
    rot = math.radians(angle)

    def at(dx: float, dy: float) -> tuple[int, int]:
        x = cx + dx * math.cos(rot) - dy * math.sin(rot)
        y = cy + dx * math.sin(rot) + dy * math.cos(rot)
        return round(x), round(y)

    palm_w, palm_h = 0.42 * size, 0.5 * size
    cv2.ellipse(mask, at(0, 0), (round(palm_w), round(palm_h)), angle, 0, 360, 255, -1)
    finger = max(3, round(0.16 * size))
    for i, (dx, length) in enumerate(((-0.3, 0.75), (-0.1, 0.85), (0.1, 0.8), (0.3, 0.65))):
        spread = (i - 1.5) * 0.08
        x0, y0 = dx * size, -0.35 * size
        x1, y1 = x0 + spread * size, y0 - length * size
        cv2.line(mask, at(x0, y0), at(x1, y1), 255, finger, cv2.LINE_AA)
    cv2.line(mask, at(0.35 * size, 0.1 * size), at(0.8 * size, -0.3 * size), 255, finger)
    wrist = at(0, 0.45 * size)
    cv2.line(mask, wrist, (wrist[0] + round(0.3 * size), h + round(size)), 255, round(0.7 * size))
    soft = cv2.GaussianBlur(mask, (0, 0), max(1.0, 0.03 * size)).astype(np.float32) / 255.0
    ys = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    skin = np.empty((h, w, 3), np.float32)
    for c, (top, bottom) in enumerate(((150, 105), (180, 135), (235, 190))):  # B, G, R
        skin[:, :, c] = top + (bottom - top) * ys
    texture = cv2.GaussianBlur(
        np.random.default_rng(round(cx * 7 + cy)).normal(0, 6, (h, w)).astype(np.float32),
        (0, 0),
        2.0,
    )
    skin += texture[:, :, None]
    alpha = soft[:, :, None]
    frame[:] = np.clip(frame * (1 - alpha) + skin * alpha, 0, 255).astype(np.uint8)


def write_scene_video(
    image: np.ndarray,
    path: str | Path,
    scene: str,
    seconds: float = 12.0,
    fps: float = 15.0,
    size: tuple[int, int] = (1280, 720),
    noise: float = 2.0,
    seed: int = 0,
    every_s: float = 4.0,
    texts: tuple[str, ...] = CHANGING_TEXTS,
) -> dict:
    """Write a ``SCENES`` clip of a steady camera on ``image``; returns its description.

    ``hands``: a hand moves over the scene on a smooth path, crossing the text now and then.
    ``textchange``: a white board on the wall shows ``texts[i]``, changing every ``every_s``
    seconds (the clip holds each text once, so it loops through them). The description has
    ``texts``, ``frames_per_text`` and ``frames`` for measuring change→translation latency.
    """
    if scene not in SCENES:
        raise CamtranslateError(f"unknown scene {scene!r}; choose one of {', '.join(SCENES)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    per_text = max(1, round(every_s * fps))
    frames = per_text * len(texts) if scene == "textchange" else max(2, round(seconds * fps))
    (m,) = motion_transforms((image.shape[1], image.shape[0]), "still", 1, size, seed)
    base = cv2.warpAffine(image, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    w, h = size
    board = (round(0.27 * w), round(0.25 * h), round(0.53 * w), round(0.38 * h))
    writer = open_writer(path, fps, size)
    rng = np.random.default_rng(seed + 1)
    try:
        for i in range(frames):
            frame = base.copy()
            t = i / fps
            if scene == "hands":
                cx = w * (0.55 + 0.3 * math.sin(2 * math.pi * t / 6.0))
                cy = h * (0.72 + 0.18 * math.sin(2 * math.pi * t / 4.0 + 1.0))
                draw_hand(frame, (cx, cy), 0.32 * h, 12 * math.sin(2 * math.pi * t / 3.0))
            else:
                x0, y0, x1, y1 = board
                cv2.rectangle(frame, (x0, y0), (x1, y1), (235, 238, 240), -1)
                cv2.rectangle(frame, (x0, y0), (x1, y1), (60, 60, 60), max(2, h // 240))
                text = texts[i // per_text]
                font, thick = cv2.FONT_HERSHEY_DUPLEX, max(2, h // 200)
                fscale = 1.0
                (tw, th), _ = cv2.getTextSize(text, font, fscale, thick)
                fscale = min(0.8 * (x1 - x0) / tw, 0.45 * (y1 - y0) / th)
                (tw, th), _ = cv2.getTextSize(text, font, fscale, thick)
                org = (x0 + (x1 - x0 - tw) // 2, y0 + (y1 - y0 + th) // 2)
                cv2.putText(frame, text, org, font, fscale, (30, 30, 30), thick, cv2.LINE_AA)
            writer.write(with_grain(frame, rng, noise))
    finally:
        writer.release()
    info: dict = {"scene": scene, "fps": fps, "frames": frames, "size": list(size)}
    if scene == "textchange":
        info.update(texts=list(texts), frames_per_text=per_text, board=list(board))
    return info
