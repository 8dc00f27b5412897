"""Shared OCR test fixtures: real engines (loaded once), real photos, rendered text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from camtranslate.paths import sample_image_path

REPO = Path(__file__).resolve().parents[2]
ICDAR = REPO / ".." / "shared" / "eval" / "icdar2015_dev"
FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto")]


def words(regions) -> set[str]:
    """Upper-cased alphanumeric tokens of all recognised texts ("&GO" → "GO")."""
    return {w.upper() for r in regions for w in re.findall(r"\w+", r.text)}


def find_font(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    return None


def render_lines(lines: list[tuple[str, Path, int]], size=(900, 420)) -> np.ndarray:
    """Black text on white, one (text, font, ttc index) per line, as a BGR frame."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    y = 30
    for text, font_path, index in lines:
        font = ImageFont.truetype(str(font_path), 56, index=index)
        draw.text((40, y), text, font=font, fill="black")
        y += 95
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="session")
def sign_image() -> np.ndarray:
    img = cv2.imread(str(sample_image_path()))
    assert img is not None, "resources/samples/sign.jpg is missing"
    return img


@pytest.fixture(scope="session")
def rapid():
    from camtranslate.ocr import create_ocr_engine

    engine = create_ocr_engine("rapid", ("en", "pt", "zh", "ja"))
    engine.warmup()
    return engine


@pytest.fixture(scope="session")
def icdar_items() -> list[dict]:
    gt = ICDAR / "gt.json"
    if not gt.is_file():
        pytest.skip("../shared/eval/icdar2015_dev is not available")
    return json.loads(gt.read_text())
