"""Translation models: manifest (what a folder holds), registry (what is installed), manager."""

from __future__ import annotations

from camtranslate.models.manifest import ModelManifest, compute_files
from camtranslate.models.registry import InstalledModel, ModelRegistry

__all__ = ["InstalledModel", "ModelManifest", "ModelRegistry", "compute_files"]
