"""What a LiveSession tells its owner: typed events, delivered to ``on_event`` from the
session's threads (the GUI re-emits them as objects through a Qt signal and dispatches on the
class; ``camtranslate bench live`` collects them).

Frozen dataclasses, all subclasses of ``LiveEvent`` with a one-line ``message``:
    SourceOpened(message, name, fps, size)   SourceFailed(message)   — could not open; final
    SourceLost(message)                      — stopped delivering; reconnect attempts follow
    SourceRecovered(message)                 SourceEnded(message)    — a non-looping file ended
    ModelsLoading(message, stage, fraction)  ModelsReady(message, seconds)
    SessionError(message, stage)             — stage: "models" (warm-up failed: no OCR until
        retry()), "ocr", "translation", "overlay", "tracking", "capture"; the loop keeps running.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveEvent:
    message: str


@dataclass(frozen=True)
class SourceOpened(LiveEvent):
    name: str = ""
    fps: float = 0.0
    size: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class SourceFailed(LiveEvent):
    """The source could not be opened at all; the session keeps no capture thread."""


@dataclass(frozen=True)
class SourceLost(LiveEvent):
    """The source stopped delivering frames; the session keeps trying to reconnect."""


@dataclass(frozen=True)
class SourceRecovered(LiveEvent):
    pass


@dataclass(frozen=True)
class SourceEnded(LiveEvent):
    """A finite (non-looping) file delivered its last frame."""


@dataclass(frozen=True)
class ModelsLoading(LiveEvent):
    stage: str = ""
    fraction: float = 0.0


@dataclass(frozen=True)
class ModelsReady(LiveEvent):
    seconds: float = 0.0


@dataclass(frozen=True)
class SessionError(LiveEvent):
    """OCR, translation, models or drawing failed; the live view keeps running."""

    stage: str = ""


__all__ = [
    "LiveEvent",
    "ModelsLoading",
    "ModelsReady",
    "SessionError",
    "SourceEnded",
    "SourceFailed",
    "SourceLost",
    "SourceOpened",
    "SourceRecovered",
]
