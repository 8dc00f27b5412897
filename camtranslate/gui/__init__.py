"""The PySide6 desktop window: a thin Qt layer over the Qt-free core (Pipeline, LiveSession).

Only this package imports Qt. ``run_gui(argv)`` is the entry point (``camtranslate gui``).
"""

from __future__ import annotations

__all__ = ["run_gui"]


def run_gui(argv=None) -> int:  # lazy: `import camtranslate.gui` must not pull in Qt
    from camtranslate.gui.app import run_gui as _run

    return _run(argv)
