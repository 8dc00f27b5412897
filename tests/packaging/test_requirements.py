"""packaging/requirements.py: the build reads its dependency list and version from the sources."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import camtranslate

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "requirements.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_version_matches_the_package() -> None:
    proc = _run("version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == camtranslate.__version__


def test_app_requirements_have_the_engines_and_no_torch() -> None:
    proc = _run("gui")
    assert proc.returncode == 0, proc.stderr
    names = {re.split(r"[<>=!~\[; ]", line)[0].lower() for line in proc.stdout.splitlines()}
    assert {"ctranslate2", "onnxruntime", "rapidocr", "pyside6-essentials"} <= names
    assert not names & {"torch", "transformers", "easyocr"}


def test_unknown_extra_is_an_error() -> None:
    proc = _run("no-such-extra")
    assert proc.returncode != 0
    assert "no extra" in proc.stderr
