"""Typed access to the window's persisted settings.

Stored as an INI file in the user config dir (``paths.user_config_dir()``), not the platform
registry, so that ``CAMTRANSLATE_HOME`` (portable installs, tests) redirects it like every other
user file and two windows in a test share it exactly as two launches of the app would.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from camtranslate.config import AUTO, DEFAULT_OCR_ENGINE
from camtranslate.paths import user_config_dir

SETTINGS_FILE = "gui.ini"


def settings_path() -> Path:
    return user_config_dir() / SETTINGS_FILE


class Settings:
    """The handful of things the window remembers between runs."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _str(self, key: str, default: str) -> str:
        value = self._qs.value(key, default)
        return str(value) if value not in (None, "") else default

    def _set(self, key: str, value: object) -> None:
        self._qs.setValue(key, value)

    @property
    def source_lang(self) -> str:
        return self._str("languages/source", AUTO)

    @source_lang.setter
    def source_lang(self, value: str) -> None:
        self._set("languages/source", value)

    @property
    def target_lang(self) -> str:
        return self._str("languages/target", "pt")

    @target_lang.setter
    def target_lang(self, value: str) -> None:
        self._set("languages/target", value)

    @property
    def ocr_engine(self) -> str:
        return self._str("ocr/engine", DEFAULT_OCR_ENGINE)

    @ocr_engine.setter
    def ocr_engine(self, value: str) -> None:
        self._set("ocr/engine", value)

    @property
    def camera_index(self) -> int:
        try:
            return int(self._qs.value("camera/index", 0))
        except (TypeError, ValueError):
            return 0

    @camera_index.setter
    def camera_index(self, value: int) -> None:
        self._set("camera/index", int(value))

    @property
    def camera_resolution(self) -> str:
        return self._str("camera/resolution", "1280x720")

    @camera_resolution.setter
    def camera_resolution(self, value: str) -> None:
        self._set("camera/resolution", value)

    @property
    def last_folder(self) -> str:
        return self._str("files/last_folder", str(Path.home()))

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._set("files/last_folder", value)

    @property
    def geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    def sync(self) -> None:
        """Write to disk now (Qt otherwise writes lazily, at exit or on a timer)."""
        self._qs.sync()
