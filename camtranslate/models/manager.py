"""Install, convert, list and remove translation models (user models live in paths.user_models_dir).

Install = download (hub.py, the only network access) → convert to CTranslate2 int8 (convert.py)
→ manifest.json with checksums → atomic rename into place. Embedded models (the repo's models/)
are read-only here: `remove` refuses them.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from camtranslate import paths
from camtranslate.errors import ModelError, ModelNotFoundError
from camtranslate.models.convert import convert_model, sanitize_id
from camtranslate.models.manifest import ModelManifest, verify
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


MAX_MODEL_FILE_BYTES = 24 * 1024**3
"""No file of a model the manager can install comes near this (NLLB-3.3B in float32 is ~13 GiB):
anything larger is not a model, and copying it would fill the disk."""
SPARSE_MIN_BYTES = 64 * 1024**2
"""A file at least this large that occupies less than half of its length on disk is sparse: model
weights never are, and a plain copy would write out every hole (a 5 GB file of nothing)."""


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

    def problems(self) -> builtins.list[str]:
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
            verify(m.manifest, m.path, use_memo=False)  # `info` is asked to check: read it all
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
        check_source_files(src_dir)
        with self._install_lock(target.name):
            remove_leftovers(self.user_dir, target.name)
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

    @contextlib.contextmanager
    def _install_lock(self, name: str) -> Iterator[None]:
        """Serialise installs of one model name across processes (an flock held while we build):
        whatever `.NAME.*.tmp` exists while we hold it was left by a killed install."""
        self.user_dir.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not POSIX: no cross-process lock, leftovers are still cleaned
            yield
            return
        with open(self.user_dir / f".{name}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

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
        if m.path.is_symlink() or m.path.resolve().parent != self.user_dir.resolve():
            # The models root itself (a manifest.json unzipped straight into it) or a link:
            # deleting that would take every other model, or another folder, with it.
            raise ModelError(
                f"model {m.manifest.id!r} is not in a folder of its own inside {self.user_dir} "
                f"(its manifest is at {m.path / 'manifest.json'}); nothing was removed. Move "
                "its files into a sub-folder, or delete them yourself"
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


def _leftover_pattern(name: str) -> re.Pattern[str]:
    """`.NAME.<8 random chars>.tmp`: the build folder convert_model makes beside the target."""
    return re.compile(rf"^\.{re.escape(name)}\.[A-Za-z0-9_]{{8}}\.tmp$")


def remove_leftovers(user_dir: Path, name: str) -> list[Path]:
    """Delete build folders of installs of `name` that were killed mid-way (call under the
    install lock, so none of them can belong to a running install). Returns what went."""
    pattern = _leftover_pattern(name)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(user_dir))
    except OSError:
        return removed
    for entry in entries:
        if pattern.match(entry.name) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def check_source_files(src_dir: Path) -> None:
    """Refuse a folder with a file no model has: far too large, or sparse (mostly holes)."""
    for path in sorted(Path(src_dir).rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(src_dir).parts):
            continue  # hidden files are not copied
        try:
            st = path.stat()
        except OSError:
            continue
        if not path.is_file():
            continue
        rel = path.relative_to(src_dir)
        if st.st_size > MAX_MODEL_FILE_BYTES:
            raise ModelError(
                f"--from-dir: {rel} is {_gib(st.st_size)}, larger than any model file can be "
                f"({_gib(MAX_MODEL_FILE_BYTES)}); nothing was installed"
            )
        on_disk = getattr(st, "st_blocks", None)
        sparse = on_disk is not None and on_disk * 512 < st.st_size / 2
        if sparse and st.st_size >= SPARSE_MIN_BYTES:
            raise ModelError(
                f"--from-dir: {rel} is a sparse file ({_gib(st.st_size)} long, "
                f"{_gib((on_disk or 0) * 512)} on disk): not model weights; nothing was installed"
            )


def _gib(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False
