"""Install, convert, list and remove translation models (user models live in paths.user_models_dir).

Install = download (hub.py, the only network access) → convert to CTranslate2 int8 (convert.py)
→ manifest.json with checksums → atomic rename into place. Embedded models (the repo's models/)
are read-only here: `remove` refuses them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from camtranslate import paths
from camtranslate.errors import ModelError, ModelNotFoundError
from camtranslate.models.convert import convert_model, sanitize_id
from camtranslate.models.manifest import ModelManifest
from camtranslate.models.registry import InstalledModel, ModelRegistry


@dataclass(frozen=True)
class ModelEntry:
    """An installed model plus what `models list` shows about it."""

    model: InstalledModel
    size_bytes: int

    @property
    def id(self) -> str:
        return self.model.manifest.id

    def langs(self) -> str:
        m = self.model.manifest
        if m.multilingual:
            return f"{len(m.source_langs)} languages (any→any)"
        return f"{','.join(m.source_langs)}→{','.join(m.target_langs)}"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def parse_langs(value: str | None) -> tuple[str, str] | None:
    """'en-de' → ('en', 'de'); None passes through."""
    if not value:
        return None
    parts = value.replace("→", "-").replace(":", "-").split("-")
    if len(parts) != 2 or not all(p.isalpha() and 2 <= len(p) <= 3 for p in parts):
        raise ModelError(f"invalid --langs {value!r}: expected SRC-TGT, e.g. en-de")
    return parts[0].lower(), parts[1].lower()


class ModelManager:
    """Operations behind `camtranslate models ...`; directories injectable for tests."""

    def __init__(self, user_dir: Path | None = None, embedded_dir: Path | None = None) -> None:
        self.user_dir = Path(user_dir) if user_dir else paths.user_models_dir()
        self.embedded_dir = Path(embedded_dir) if embedded_dir else paths.embedded_models_dir()

    # -- queries ---------------------------------------------------------------------------------
    def registry(self) -> ModelRegistry:
        return ModelRegistry([self.user_dir, self.embedded_dir])

    def models(self) -> list[InstalledModel]:
        """Installed models, origin labelled by which of this manager's dirs holds them."""
        out = []
        for m in self.registry().list():
            if _inside(m.path, self.user_dir):
                m = replace(m, origin="user")
            elif _inside(m.path, self.embedded_dir):
                m = replace(m, origin="embedded")
            out.append(m)
        return out

    def list(self) -> list[ModelEntry]:
        return [ModelEntry(m, folder_size(m.path)) for m in self.models()]

    def problems(self) -> list[str]:
        return self.registry().problems

    def get(self, model_id: str) -> InstalledModel:
        """By manifest id or folder name."""
        for m in self.models():
            if model_id in (m.manifest.id, m.path.name):
                return m
        raise ModelNotFoundError(
            f"no installed model {model_id!r} (see `camtranslate models list`)"
        )

    def info(self, model_id: str) -> dict:
        m = self.get(model_id)
        data = m.manifest.to_dict()
        files = data.pop("files")
        try:
            m.verify()
            integrity = "ok"
        except ModelError as exc:
            integrity = str(exc)
        return {
            **data,
            "path": str(m.path),
            "origin": m.origin,
            "size_bytes": folder_size(m.path),
            "file_count": len(files),
            "integrity": integrity,
        }

    # -- changes ---------------------------------------------------------------------------------
    def _target(self, model_id: str, force: bool) -> Path:
        target = self.user_dir / sanitize_id(model_id)
        if target.exists() and not force:
            raise ModelError(
                f"model {model_id!r} is already installed at {target} (use --force to replace)"
            )
        return target

    def install_from_dir(
        self,
        src_dir: Path | str,
        *,
        model_id: str | None = None,
        langs: tuple[str, str] | None = None,
        quantization: str = "int8",
        force: bool = False,
        source: str = "",
    ) -> InstalledModel:
        """Convert (or copy, if CT2 already) a local folder into the user models dir."""
        src_dir = Path(src_dir).expanduser()
        if not src_dir.is_dir():
            raise ModelError(f"--from-dir: folder not found: {src_dir}")
        model_id = model_id or src_dir.resolve().name
        target = self._target(model_id, force)
        manifest = convert_model(
            src_dir,
            target,
            model_id=model_id,
            quantization=quantization,
            langs=langs,
            source=source or f"local folder {src_dir.resolve()}",
            overwrite=force,
        )
        return InstalledModel(target, manifest, "user")

    def install(
        self,
        hf_id: str,
        *,
        revision: str | None = None,
        langs: tuple[str, str] | None = None,
        quantization: str = "int8",
        force: bool = False,
        endpoint: str | None = None,
        cache_dir: Path | None = None,
        progress: bool = True,
    ) -> InstalledModel:
        """Download hf_id from the Hugging Face Hub (or its local cache) and install it."""
        from camtranslate.models.hub import download

        self._target(hf_id, force)  # fail before a long download
        local = download(
            hf_id, revision=revision, endpoint=endpoint, cache_dir=cache_dir, progress=progress
        )
        where = f"https://huggingface.co/{hf_id}" + (f" @ {revision}" if revision else "")
        return self.install_from_dir(
            local,
            model_id=hf_id,
            langs=langs,
            quantization=quantization,
            force=force,
            source=f"{where} (downloaded with huggingface_hub)",
        )

    def remove(self, model_id: str) -> Path:
        """Delete a user-installed model; embedded ones are part of the app and are refused."""
        m = self.get(model_id)
        if m.origin != "user" or not _inside(m.path, self.user_dir):
            raise ModelError(
                f"model {m.manifest.id!r} is {m.origin} ({m.path}); only user-installed models "
                "can be removed"
            )
        trash = m.path.with_name(f".{m.path.name}.removing")
        if trash.exists():
            shutil.rmtree(trash)
        m.path.rename(trash)  # atomic disappearance for concurrent registries
        shutil.rmtree(trash, ignore_errors=True)
        return m.path

    @staticmethod
    def convert(
        src_dir: Path | str,
        out_dir: Path | str,
        *,
        quantization: str = "int8",
        model_id: str | None = None,
        langs: tuple[str, str] | None = None,
        force: bool = False,
    ) -> ModelManifest:
        return convert_model(
            src_dir,
            out_dir,
            model_id=model_id,
            quantization=quantization,
            langs=langs,
            overwrite=force,
        )


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False
