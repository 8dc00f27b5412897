"""Text for a terminal: control characters made visible, so no input can drive the terminal.

Text that passes through untranslated (already in the target language, unknown, no letters), a
file name or a phrase-cache row is attacker-chosen. Printed raw, `ESC ] 0 ; ... BEL` retitles the
window, `ESC [ 2 J` clears it and longer sequences can rewrite what was shown before. When the
stream is a terminal, C0 controls (except TAB and LF), DEL and C1 controls are written as
``\\x1b``-style escapes; when it is a pipe or a file the bytes pass through exactly (a script
gets the text as the model produced it).
"""

from __future__ import annotations

import re
from typing import TextIO

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    r"""Every control character except TAB and LF as a visible escape: ESC → ``\x1b``."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def is_terminal(stream: TextIO) -> bool:
    """True when `stream` is an interactive terminal (a closed or odd stream counts as not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def for_stream(text: str, stream: TextIO) -> str:
    """`text` escaped when `stream` is a terminal, unchanged when it is a pipe or a file."""
    return escape_controls(text) if is_terminal(stream) else text
