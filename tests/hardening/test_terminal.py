"""Issue 13, "Terminal safety": text from outside never drives the user's terminal.

`printf '\\e]0;PWNED\\a' | camtranslate text` used to retitle the terminal: the text has no
letters worth translating and passed through raw. On a terminal (a real pty here) every control
character is shown escaped; into a pipe the bytes stay exact.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from camtranslate.termsafe import escape_controls, for_stream

REPO = Path(__file__).resolve().parents[2]
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J 1234 \x9b31m"
NO_LETTERS = "\x1b]0;1234\x07 \x1b[2J 56 \x9b\x07"
"""Passes through untranslated (no letters): the pipe must get exactly these bytes back."""
BARE_CONTROLS = "\x1b]0;1234\x07 56 \x9b\x07"
"""Not even the "J" of a CSI sequence: no model ever sees it, on any machine."""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "CAMTRANSLATE_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO)}
    env.pop("CAMTRANSLATE_DEBUG", None)
    return env


def _run_on_a_pty(args: list[str], stdin: bytes, env: dict[str, str]) -> tuple[int, bytes]:
    """Run with stdout and stderr on a pseudo-terminal (isatty() is true), stdin from a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    assert proc.stdin is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 600)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the pty
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return proc.wait(timeout=60), seen


def test_text_escapes_control_characters_on_a_terminal(tmp_path: Path) -> None:
    rc, seen = _run_on_a_pty(
        [sys.executable, "-m", "camtranslate", "text", "--from", "auto", "--to", "pt"],
        (HOSTILE + "\n" + BARE_CONTROLS + "\n").encode(),
        _env(tmp_path),
    )
    assert rc == 0, seen[-2000:]
    assert b"\x1b" not in seen and b"\x07" not in seen and "\x9b".encode() not in seen
    # a line with no letter at all passes through untranslated whatever the model: shown escaped
    assert escape_controls(BARE_CONTROLS).encode() in seen


def test_text_keeps_bytes_exact_into_a_pipe(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "camtranslate", "text", "--from", "auto", "--to", "pt"],
        input=(NO_LETTERS + "\n").encode(),
        capture_output=True,
        env=_env(tmp_path),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == (NO_LETTERS + "\n").encode()


def test_file_names_in_messages_are_escaped_on_a_terminal(tmp_path: Path) -> None:
    hostile = tmp_path / "\x1b]0;PWNED\x07.jpg"
    hostile.write_bytes(b"not an image")
    rc, seen = _run_on_a_pty(
        [sys.executable, "-m", "camtranslate", "image", str(hostile), "-o", str(tmp_path / "o")],
        b"",
        _env(tmp_path),
    )
    assert rc == 1
    assert b"\x1b" not in seen and b"\x07" not in seen
    assert b"\\x1b]0;PWNED\\x07.jpg: not an image" in seen


def test_escape_controls_keeps_text_and_shows_controls() -> None:
    assert escape_controls("Olá\tmundo\n") == "Olá\tmundo\n"
    assert escape_controls("a\x1bb\x00c\x7fd\x85e\rf") == "a\\x1bb\\x00c\\x7fd\\x85e\\x0df"
    assert escape_controls("出口 € ✓") == "出口 € ✓"


def test_for_stream_escapes_only_for_terminals(tmp_path: Path) -> None:
    with open(tmp_path / "f.txt", "w") as handle:
        assert for_stream("\x1b[2J", handle) == "\x1b[2J"
    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        assert for_stream("\x1b[2J", tty) == "\\x1b[2J"
    os.close(master)
