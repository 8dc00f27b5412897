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
    "ComposedFrame": "session",
    "ShownRegion": "session",
    "LiveStats": "session",
    "LiveEvent": "session",
    "SourceOpened": "session",
    "SourceFailed": "session",
    "SourceLost": "session",
    "SourceRecovered": "session",
    "SourceEnded": "session",
    "ModelsLoading": "session",
    "ModelsReady": "session",
    "SessionError": "session",
    "SessionState": "session",
    "write_motion_video": "videos",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"camtranslate.live.{module}"), name)
