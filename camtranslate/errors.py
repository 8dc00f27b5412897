"""Errors the user can act on. Each carries a one-line message fit for a status bar or stderr."""

from __future__ import annotations


class CamtranslateError(Exception):
    """Base class: anything raised on purpose by camtranslate, with a human message."""


class ImageDecodeError(CamtranslateError):
    """A file or buffer is not an image we can safely decode (corrupt, too large, not an image)."""


class ModelError(CamtranslateError):
    """A translation or OCR model cannot be used."""


class ModelNotFoundError(ModelError):
    """No installed model serves the requested language pair."""


class ModelIntegrityError(ModelError):
    """A model directory is incomplete or its files do not match the manifest checksums."""


class OcrUnavailableError(ModelError):
    """An OCR engine (or the weights it needs) is not installed."""


class SourceError(CamtranslateError):
    """A live source (camera, video file) cannot be opened or stopped delivering frames."""
