"""`camtranslate gui ...` from the command line: help without a window, options before `gui`."""

from __future__ import annotations

from pathlib import Path

import pytest

from camtranslate.cli import main
from camtranslate.gui import app


def test_gui_help_prints_help_and_opens_no_window(monkeypatch, capsys) -> None:
    def no_window(*_a, **_k):
        raise AssertionError("--help must not create the application")

    monkeypatch.setattr(app, "_make_app", no_window)
    for flag in ("--help", "-h"):
        assert main(["gui", flag]) == 0
        out = capsys.readouterr().out
        assert (
            "usage: camtranslate gui" in out and "FILE_OR_FOLDER" in out and "--screenshot" in out
        )


@pytest.mark.parametrize(
    "argv",
    [["gui", "clip.mp4"], ["-v", "gui", "clip.mp4"], ["-v", "-v", "gui", "clip.mp4", "b.jpg"]],
)
def test_files_after_gui_reach_the_window_also_after_top_level_options(
    monkeypatch, argv: list[str]
) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(app, "run_gui", lambda a: seen.append(list(a)) or 0)
    assert main(argv) == 0
    assert seen and seen[0][1:] == argv[argv.index("gui") + 1 :]


def test_gui_options_are_parsed_by_the_window() -> None:
    args = app._parse(["camtranslate", "a.jpg", "--screenshot", "out.png", str(Path("dir"))])
    assert args.paths == ["a.jpg", "dir"] and args.screenshot == "out.png" and not args.help
