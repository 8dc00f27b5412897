"""Fast checks of the packaging inputs: desktop entry, icons, PyInstaller spec, shell scripts.

The full PyInstaller build takes minutes, so it is packaging/build.sh (run before a release,
results in docs/packaging.md); these tests catch the cheap mistakes that would break it.
"""

from __future__ import annotations

import ast
import configparser
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / "linux" / "camtranslate.desktop"
ICONS = REPO / "resources" / "icons"
SPEC = PACKAGING / "camtranslate.spec"


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_desktop_entry_has_the_required_keys() -> None:
    entry = _desktop_entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "camtranslate"
    assert entry["Icon"] == "camtranslate"
    assert entry["Exec"].split()[:2] == ["camtranslate", "gui"]
    assert entry["Exec"].endswith("%F")  # the GUI opens the files it is given
    categories = entry["Categories"].split(";")
    assert {"Graphics", "Utility"} <= set(categories)
    assert entry["Categories"].endswith(";")
    mimetypes = entry["MimeType"].rstrip(";").split(";")
    assert {"image/png", "image/jpeg"} <= set(mimetypes)
    assert all(re.fullmatch(r"(image|video)/[a-z0-9.+-]+", m) for m in mimetypes)


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils absent")
def test_desktop_entry_passes_desktop_file_validate() -> None:
    proc = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert proc.returncode == 0 and not errors, proc.stdout + proc.stderr


@pytest.mark.parametrize("size", [48, 128, 256])
def test_icon_pngs_have_their_size(size: int) -> None:
    assert _png_size(ICONS / f"camtranslate-{size}.png") == (size, size)


def test_icon_svg_is_an_svg() -> None:
    text = (ICONS / "camtranslate.svg").read_text(encoding="utf-8")
    assert "<svg" in text and 'viewBox="0 0 256 256"' in text


def test_spec_references_existing_paths() -> None:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text)  # a spec is Python
    paths = re.findall(r'REPO((?:\s*/\s*"[^"]+")+)', text)
    assert paths, "the spec names no repo paths"
    for match in paths:
        rel = Path(*re.findall(r'"([^"]+)"', match))
        assert (REPO / rel).exists(), f"spec references missing {rel}"
    for name in ("torch", "transformers", "easyocr", "tkinter"):
        assert f'"{name}"' in text, f"spec does not exclude {name}"


def test_spec_bundles_an_embedded_model() -> None:
    manifests = list((REPO / "models").glob("*/manifest.json"))
    assert manifests, "models/ holds no embedded model for the app to bundle"


def test_hooks_are_valid_python() -> None:
    hooks = sorted((PACKAGING / "hooks").glob("hook-*.py"))
    assert {h.name for h in hooks} >= {"hook-rapidocr.py", "hook-ctranslate2.py"}
    for hook in hooks:
        ast.parse(hook.read_text(encoding="utf-8"), filename=str(hook))


@pytest.mark.parametrize("script", ["build.sh", "linux/install.sh"])
def test_shell_scripts_parse_and_are_executable(script: str) -> None:
    path = PACKAGING / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    subprocess.run(["bash", "-n", str(path)], check=True)
