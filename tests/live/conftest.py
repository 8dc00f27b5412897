"""Fixtures for the live loop: camera-like videos made from real photos, cached per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from camtranslate.bench.videos import write_motion_video

REPO = Path(__file__).resolve().parents[2]
SIGN = REPO / "resources" / "samples" / "sign.jpg"
SHARED_IMAGES = REPO / ".." / "shared" / "eval" / "icdar2015_dev" / "images"


@pytest.fixture(scope="session")
def sign_image() -> np.ndarray:
    image = cv2.imread(str(SIGN))
    assert image is not None, f"missing sample photo {SIGN}"
    return image


@pytest.fixture(scope="session")
def make_video(
    tmp_path_factory: pytest.TempPathFactory, sign_image: np.ndarray
) -> Callable[..., tuple[Path, list[np.ndarray]]]:
    """make_video(motion, seconds=2, fps=15, noise=0, image=None) -> (path, transforms)."""
    root = tmp_path_factory.mktemp("live-videos")
    cache: dict[tuple, tuple[Path, list[np.ndarray]]] = {}

    def make(
        motion: str,
        seconds: float = 2.0,
        fps: float = 15.0,
        noise: float = 0.0,
        image: np.ndarray | None = None,
        name: str = "sign",
    ) -> tuple[Path, list[np.ndarray]]:
        key = (motion, seconds, fps, noise, name)
        if key not in cache:
            path = root / f"{name}-{motion}-{seconds}-{fps}-{noise}.mp4"
            photo = sign_image if image is None else image
            transforms = write_motion_video(photo, path, motion, seconds, fps, noise=noise)
            cache[key] = (path, transforms)
        return cache[key]

    return make


@pytest.fixture(scope="session")
def shared_photo() -> np.ndarray:
    """A real scene photo from ../shared (skips cleanly when shared/ is absent)."""
    if not SHARED_IMAGES.is_dir():
        pytest.skip("../shared/eval/icdar2015_dev is not available")
    images = sorted(SHARED_IMAGES.glob("*.jpg"))
    if not images:
        pytest.skip("no photos in ../shared/eval/icdar2015_dev/images")
    image = cv2.imread(str(images[0]))
    assert image is not None
    return image
