"""Keep third-party libraries from phoning home: the product promises no network (SECURITY.md).

ONNX Runtime (≥ 1.2x on Linux) ships Microsoft's 1DS telemetry client. At *import* it writes
``$XDG_CACHE_HOME|~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db}``
(a device id, OS, executable path, CPU model, container type) and queues events for
``mobile.events.data.microsoft.com``. Its native code reads ``ORT_DISABLE_TELEMETRY`` when the
library loads; ``onnxruntime.disable_telemetry_events()`` only stops *events* once imported and
comes too late for the device-id file. So the variable must be set before the first
``import onnxruntime``: ``camtranslate/__init__.py`` calls :func:`disable_telemetry` first thing,
which covers every way the product starts (console script, ``python -m camtranslate``, the
PyInstaller app, the self-test, the GUI, the benchmarks and library use of ``camtranslate``).
"""

from __future__ import annotations

import os
import sys

TELEMETRY_ENV: dict[str, str] = {
    "ORT_DISABLE_TELEMETRY": "1",  # ONNX Runtime's native 1DS client (read at library load)
    "HF_HUB_DISABLE_TELEMETRY": "1",  # huggingface_hub (only `models install` goes online)
    "DO_NOT_TRACK": "1",  # the cross-tool convention some libraries honour
}
"""Set unconditionally: an inherited ``ORT_DISABLE_TELEMETRY=0`` must not re-enable it."""


def disable_telemetry() -> None:
    """Switch off library telemetry; cheap, idempotent, safe to call before any import."""
    os.environ.update(TELEMETRY_ENV)
    ort = sys.modules.get("onnxruntime")
    if ort is not None:  # imported by someone before camtranslate: stop its events at least
        stop = getattr(ort, "disable_telemetry_events", None)
        if callable(stop):
            stop()
