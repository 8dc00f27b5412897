"""Facts the build script needs, read from the checkout's single sources of truth.

  python packaging/requirements.py gui   -> the runtime requirements (pyproject
                                            `dependencies` + the named extras), one per line
  python packaging/requirements.py version -> camtranslate.__version__

Read as text (tomllib, a regex) rather than by importing camtranslate, so it works in a bare
build venv before any dependency is installed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

REPO = Path(__file__).resolve().parent.parent


def requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise SystemExit(f"pyproject.toml has no extra {extra!r}")
        reqs += optional[extra]
    return reqs


def version() -> str:
    text = (REPO / "camtranslate" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not match:
        raise SystemExit("camtranslate/__init__.py has no __version__")
    return match.group(1)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args == ["version"]:
        print(version())
    else:
        print("\n".join(requirements(args)))
