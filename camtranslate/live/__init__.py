"""The live loop without Qt: sources, throttle, tracking, stabilizer and the LiveSession.

Imports are lazy so that ``camtranslate --help`` (which registers ``bench live``) stays instant.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "Frame": "sources",
    "FrameSource": "sources",
    "CameraSource": "sources",
    "VideoFileSource": "sources",
    "CameraInfo": "sources",
    "list_cameras": "sources",
    "LatestFrameSlot": "throttle",
    "ChangeDetector": "throttle",
    "MotionTracker": "tracking",
    "Stabilizer": "stabilizer",
    "LiveSession": "session",
    "ComposedFrame": "view",
    "ShownRegion": "view",
    "LiveStats": "view",
    "LiveEvent": "events",
    "SourceOpened": "events",
    "SourceFailed": "events",
    "SourceLost": "events",
    "SourceRecovered": "events",
    "SourceEnded": "events",
    "ModelsLoading": "events",
    "ModelsReady": "events",
    "SessionError": "events",
    "SessionState": "view",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"camtranslate.live.{module}"), name)
