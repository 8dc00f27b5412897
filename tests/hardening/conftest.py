"""Fixtures for the hardening tests: the generated bad-file corpus (see badfiles.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _load_badfiles() -> ModuleType:
    """Import badfiles.py by path: works whether or not tests/ is a package."""
    name = "camtranslate_tests_badfiles"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("badfiles.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def badfiles() -> ModuleType:
    return _load_badfiles()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, badfiles: ModuleType) -> dict[str, Path]:
    """name -> path of every generated bad/odd file (written once per session)."""
    return badfiles.write_corpus(tmp_path_factory.mktemp("badfiles"))
