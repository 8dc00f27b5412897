"""Entry point of the desktop app: ``run_gui(argv)``; ``grab_screenshot`` for the docs image.

Hidden options (for the README screenshot and demos; Qt's own options pass through)::

    camtranslate gui [FILE_OR_FOLDER ...]          open these images (or a video) at start
    camtranslate gui IMAGE --screenshot OUT.png    translate IMAGE, save the window to OUT.png, quit
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

APP_NAME = "camtranslate"
ORG_NAME = "camtranslate"
ORG_DOMAIN = "camtranslate.org"
DESKTOP_FILE_NAME = "camtranslate"  # packaging/linux/camtranslate.desktop

log = logging.getLogger(__name__)


def _make_app(argv: Sequence[str]):
    from PySide6.QtWidgets import QApplication

    from camtranslate import __version__
    from camtranslate.gui.main_window import app_icon

    app = QApplication.instance() or QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("camtranslate")
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    app.setApplicationVersion(__version__)
    # Wayland: the compositor matches the window to camtranslate.desktop (icon in the dock,
    # windows grouped); must equal the installed desktop entry's file name.
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(app_icon())
    return app


def _no_display() -> str | None:
    """Qt aborts the process (no exception) when it finds no display: say why instead."""
    import os

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open a window on (DISPLAY/WAYLAND_DISPLAY unset); use the command line "
        "(camtranslate image ...), or run under Xvfb or with QT_QPA_PLATFORM=offscreen"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="camtranslate gui",
        add_help=False,  # -h/--help is answered by run_gui before Qt starts
        description=(
            "Open the desktop window; the models load in the background. Images, folders "
            "and a video given here are opened at start. Qt's own options (-platform, "
            "-style, ...) pass through."
        ),
    )
    parser.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    parser.add_argument(
        "--screenshot",
        metavar="OUT",
        help="translate the first IMAGE (the others are queued behind it), save a picture of "
        "the window to OUT and quit (docs)",
    )
    parser.add_argument("--size", default="1400x800", help="window size for --screenshot")
    parser.add_argument(
        "paths", nargs="*", metavar="FILE_OR_FOLDER", help="images, folders or one video"
    )
    return parser


def wants_help(argv: Sequence[str]) -> bool:
    """`camtranslate gui --help`: answered without creating the window (or needing a display)."""
    return any(a in ("-h", "--help") for a in argv)


def _parse(arguments: Sequence[str]) -> argparse.Namespace:
    """Our options, from what QApplication left over (it removes -platform, -style, ...)."""
    args, unknown = _parser().parse_known_intermixed_args(list(arguments[1:]))
    if unknown:
        log.warning("ignoring unknown options: %s", " ".join(unknown))
    return args


def run_gui(argv: Sequence[str] | None = None) -> int:
    """Open the window at once (models warm up behind a progress bar) and run the event loop."""
    argv = list(sys.argv if argv is None else argv) or ["camtranslate"]
    if wants_help(argv[1:]):
        _parser().print_help()
        return 0
    problem = _no_display()
    if problem:
        print(f"camtranslate: error: {problem}", file=sys.stderr)
        return 2
    app = _make_app(argv)
    args = _parse(app.arguments() if app.arguments() else argv)
    if args.screenshot:
        if not args.paths:
            print("--screenshot needs an image to translate", file=sys.stderr)
            return 2
        try:
            w, h = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            print(f"--size must look like 1400x860, got {args.size!r}", file=sys.stderr)
            return 2
        try:
            grab_screenshot(
                Path(args.paths[0]),
                Path(args.screenshot),
                size=(w, h),
                also=[Path(p) for p in args.paths[1:]],
            )
        except (OSError, TimeoutError) as exc:
            print(f"screenshot failed: {exc}", file=sys.stderr)
            return 1
        print(args.screenshot)
        return 0
    from camtranslate.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if args.paths:
        window.add_paths(args.paths)
    return int(app.exec())


def build_window_check(offscreen: bool = True) -> tuple[str, str, float]:
    """Build the main window and close it at once: (title, Qt platform, build ms).

    For ``camtranslate --self-test`` (selftest.py), which must not import Qt itself: a bundle
    missing Qt plugins, icons or GUI modules fails here. No background warm-up (the self-test's
    engine check already loaded the models).
    """
    import os

    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from camtranslate.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "camtranslate"])
    start = time.perf_counter()
    window = MainWindow(warmup=False)
    build_ms = (time.perf_counter() - start) * 1000.0
    try:
        return window.windowTitle(), app.platformName(), build_ms
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def grab_screenshot(
    image: Path,
    out: Path,
    *,
    size: tuple[int, int] = (1400, 800),
    select_row: int = 0,
    timeout_s: float = 300.0,
    source: str = "auto",
    target: str = "pt",
    zoom_margin: float = 3.5,
    also: Sequence[Path] = (),
) -> Path:
    """Translate ``image`` in the real window and save a picture of the window to ``out``.

    Used for docs/screenshot.png (run under Xvfb or offscreen). The first row of the text list is
    selected so the screenshot shows the highlight too. ``also``: more images queued behind it
    (the picture is taken when the first is translated: the queue's progress shows).
    """
    import tempfile

    from PySide6.QtCore import QCoreApplication

    app = _make_app(["camtranslate"])
    from camtranslate.gui.main_window import MainWindow
    from camtranslate.gui.settings import Settings

    # a throw-away settings file: the picture must not depend on (or change) the user's choices
    tmp = tempfile.TemporaryDirectory(prefix="camtranslate-shot-")
    settings = Settings(Path(tmp.name) / "gui.ini")
    settings.source_lang, settings.target_lang = source, target
    window = MainWindow(settings)
    window.resize(*size)
    window.show()
    window.add_paths([image, *also])
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        entry = window.queue[0] if window.queue else None
        if entry is not None and entry.state in ("done", "failed") and window.models_ready:
            break
        time.sleep(0.02)
    else:
        raise TimeoutError(f"{image} was not translated within {timeout_s:.0f} s")
    window.zoom_to_selection(
        margin=zoom_margin
    )  # all texts: small signs must be readable in the picture
    if window.region_list.topLevelItemCount() > select_row >= 0:
        window.region_list.setCurrentItem(window.region_list.topLevelItem(select_row))
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    out.parent.mkdir(parents=True, exist_ok=True)
    pixmap = window.grab()
    if not pixmap.save(str(out)):
        raise OSError(f"cannot write {out}")
    window.close()
    QCoreApplication.processEvents()
    tmp.cleanup()
    return out


if __name__ == "__main__":
    raise SystemExit(run_gui(sys.argv))
