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


@pytest.fixture()
def small_disk(tmp_path: Path):
    """Factory: mount a real tmpfs of a given size (skip where mounting is not allowed).

    A real file system is the only honest way to get ENOSPC and EROFS out of SQLite and the
    kernel; injected errors would test our mock, not the product.
    """
    import contextlib
    import subprocess
    import uuid

    mounted: list[Path] = []

    def mount(size: str = "256k") -> Path:
        path = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
        path.mkdir()
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {proc.stderr.strip()[:120]}")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        with contextlib.suppress(Exception):
            subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


def _fill_disk(folder: Path) -> None:
    """Write until the file system says ENOSPC (leaves the filler in place)."""
    import errno
    import os

    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


def _remount_read_only(folder: Path) -> None:
    import subprocess

    proc = subprocess.run(
        ["mount", "-o", "remount,ro", str(folder)], capture_output=True, text=True, timeout=30
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {proc.stderr.strip()[:120]}")


@pytest.fixture()
def fill_disk():
    """fill_disk(folder): write until that file system is full."""
    return _fill_disk


@pytest.fixture()
def remount_read_only():
    """remount_read_only(folder): make a small_disk() mount read-only (or skip)."""
    return _remount_read_only
