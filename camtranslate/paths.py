"""Where things live: embedded resources and models, and the user's cache/data/config dirs.

Environment overrides (for tests, packaging and portable installs):
  CAMTRANSLATE_HOME       root for user data, cache and config (one folder, portable mode)
  CAMTRANSLATE_MODELS     the embedded models folder (default: <repo>/models or the bundle's)
  CAMTRANSLATE_RESOURCES  the resources folder (default: <repo>/resources or the bundle's)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "camtranslate"


def _bundle_root() -> Path:
    """The folder that holds models/ and resources/: the repo checkout or a frozen app's bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def embedded_models_dir() -> Path:
    env = os.environ.get("CAMTRANSLATE_MODELS")
    return Path(env) if env else _bundle_root() / "models"


def resources_dir() -> Path:
    env = os.environ.get("CAMTRANSLATE_RESOURCES")
    return Path(env) if env else _bundle_root() / "resources"


def licence_files() -> list[Path]:
    """LICENSE and, in a packaged app, THIRD_PARTY_LICENSES.txt (what the About dialog links)."""
    root = _bundle_root()
    return [p for p in (root / "LICENSE", root / "THIRD_PARTY_LICENSES.txt") if p.is_file()]


def _user_dir(kind: str) -> Path:
    home = os.environ.get("CAMTRANSLATE_HOME")
    if home:
        path = Path(home) / kind
    elif kind == "cache":
        path = Path(platformdirs.user_cache_dir(APP_NAME))
    elif kind == "config":
        path = Path(platformdirs.user_config_dir(APP_NAME))
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME))
    return path


def user_data_dir() -> Path:
    return _user_dir("data")


def user_cache_dir() -> Path:
    return _user_dir("cache")


def user_config_dir() -> Path:
    return _user_dir("config")


def user_models_dir() -> Path:
    """Models installed by the model manager."""
    return user_data_dir() / "models"


def phrase_cache_path() -> Path:
    """The persistent phrase cache, shared by the GUI and the CLI."""
    return user_cache_dir() / "phrase-cache.sqlite3"


def glossary_path() -> Path:
    """The user's glossary (translate/glossary.py): names to keep, terms to translate their way."""
    return user_config_dir() / "glossary.tsv"


def sample_image_path() -> Path:
    """The bundled sample the README's run command and the self-test translate."""
    return resources_dir() / "samples" / "sign.jpg"
