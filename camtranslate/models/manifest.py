"""manifest.json: what a model folder contains, what it serves, and the checksums of its files.

Verification is cheap at start-up: each file is hashed once and the result remembered in a small
JSON file in the user cache dir, keyed by (absolute path, size, mtime_ns, inode, ctime_ns). A file
that was replaced or edited changes one of those and is hashed again — mtime can be set back by
anyone (`touch -d`), ctime cannot — and an unchanged one costs one stat(). `models info` hashes
for real every time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from camtranslate.errors import ModelError, ModelIntegrityError

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
FAMILIES = ("marian", "nllb", "m2m100")
REINSTALL_HINT = "reinstall it with `camtranslate models install`"
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelManifest:
    """The contents of manifest.json. Lists are stored as tuples so the manifest stays hashable."""

    id: str
    family: str
    source_langs: tuple[str, ...]
    target_langs: tuple[str, ...]
    format: str = "ctranslate2"
    quantization: str = "int8"
    tokenizer: dict[str, str] = field(default_factory=dict)
    """{"source": file, "target": file}; both may name the same SentencePiece file."""
    lang_codes: dict[str, str] = field(default_factory=dict)
    """ISO 639-1 -> model-specific code ("pt" -> "por_Latn" for NLLB, "__pt__" for M2M100)."""
    source: str = field(default="", repr=False)
    """Provenance: where the weights came from and how they were converted."""
    license: str = field(default="", repr=False)
    version: str = "1"
    files: dict[str, str] = field(default_factory=dict, repr=False)
    """relative path -> sha256 of every file in the folder except manifest.json."""
    card: str = ""
    """Relative path of the human-readable model card (MODEL_CARD.md), if any."""

    def __post_init__(self) -> None:  # callers may pass lists; keep the frozen form immutable
        for name in ("source_langs", "target_langs"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    def __hash__(self) -> int:  # dict fields are not hashable; the id + version identify it
        return hash((self.id, self.version))

    # -- queries -----------------------------------------------------------------------------
    @property
    def multilingual(self) -> bool:
        return self.family in ("nllb", "m2m100")

    def serves(self, src: str, tgt: str) -> bool:
        return src != tgt and src in self.source_langs and tgt in self.target_langs

    def pairs(self) -> list[tuple[str, str]]:
        return [(s, t) for s in self.source_langs for t in self.target_langs if s != t]

    # -- (de)serialisation ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["source_langs"] = list(self.source_langs)
        data["target_langs"] = list(self.target_langs)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "manifest") -> ModelManifest:
        """Build from parsed JSON, with a one-line ModelError for any missing/ill-typed field."""
        if not isinstance(data, dict):
            raise ModelError(f"{where}: expected a JSON object, got {type(data).__name__}")
        for key in ("id", "family", "source_langs", "target_langs"):
            if key not in data:
                raise ModelError(f"{where}: missing required field {key!r}")
        family = data["family"]
        if family not in FAMILIES:
            raise ModelError(f"{where}: unknown family {family!r} (expected one of {FAMILIES})")
        langs = {}
        for key in ("source_langs", "target_langs"):
            value = data[key]
            if (
                not isinstance(value, list | tuple)
                or not value
                or not all(isinstance(x, str) and x for x in value)
            ):
                raise ModelError(f"{where}: {key!r} must be a non-empty list of language codes")
            langs[key] = tuple(value)
        dicts = {}
        for key in ("tokenizer", "lang_codes", "files"):
            value = data.get(key, {})
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ModelError(f"{where}: {key!r} must be an object of strings")
            dicts[key] = dict(value)
        fmt = str(data.get("format", "ctranslate2"))
        if fmt != "ctranslate2":
            raise ModelError(f"{where}: unsupported format {fmt!r} (only 'ctranslate2')")
        return cls(
            id=str(data["id"]),
            family=family,
            source_langs=langs["source_langs"],
            target_langs=langs["target_langs"],
            format=fmt,
            quantization=str(data.get("quantization", "int8")),
            tokenizer=dicts["tokenizer"],
            lang_codes=dicts["lang_codes"],
            source=str(data.get("source", "")),
            license=str(data.get("license", "")),
            version=str(data.get("version", "1")),
            files=dicts["files"],
            card=str(data.get("card", "")),
        )

    @classmethod
    def load(cls, model_dir: Path | str) -> ModelManifest:
        """Read <model_dir>/manifest.json; a missing or malformed file raises ModelError."""
        path = Path(model_dir) / MANIFEST_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ModelError(f"{path}: no manifest.json in this model folder") from None
        except OSError as exc:
            raise ModelError(f"{path}: cannot read manifest ({exc.strerror or exc})") from None
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(f"{path}: manifest is not valid JSON ({exc})") from None
        return cls.from_dict(data, where=str(path))

    def save(self, model_dir: Path | str) -> Path:
        """Write manifest.json atomically (temp file + rename)."""
        path = Path(model_dir) / MANIFEST_NAME
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, path)
        return path

    def with_files(self, model_dir: Path | str) -> ModelManifest:
        """A copy whose `files` are the current checksums of model_dir (for packaging)."""
        from dataclasses import replace

        return replace(self, files=compute_files(model_dir))

    def verify(self, model_dir: Path | str) -> None:
        """Raise ModelIntegrityError naming the first missing or altered file."""
        verify(self, model_dir)


# -- hashing --------------------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def compute_files(model_dir: Path | str) -> dict[str, str]:
    """sha256 of every regular file under model_dir except manifest.json, keyed by posix relpath."""
    root = Path(model_dir)
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST_NAME or rel.endswith(".tmp"):
            continue
        out[rel] = sha256_file(path)
    return out


class _HashMemo:
    """sha256 remembered per (path, size, mtime_ns) in <user cache>/model-hashes.json."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, list[Any]] | None = None
        self._path: Path | None = None

    def _file(self) -> Path:
        from camtranslate import paths

        return paths.user_cache_dir() / "model-hashes.json"

    def _load(self) -> dict[str, list[Any]]:
        path = self._file()
        if self._data is None or self._path != path:  # CAMTRANSLATE_HOME may change (tests)
            self._path = path
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._data = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def digest(self, path: Path) -> str:
        st = path.stat()
        key = str(path.resolve())
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        with self._lock:
            data = self._load()
            entry = data.get(key)
            if isinstance(entry, list) and len(entry) == 5 and entry[:4] == stamp:
                return str(entry[4])
        digest = sha256_file(path)
        with self._lock:
            data = self._load()
            data[key] = [*stamp, digest]
            self._save(data)
        return digest

    def _save(self, data: dict[str, list[Any]]) -> None:
        path = self._file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:  # read-only cache dir: verification still works, just slower
            log.debug("cannot save model hash memo %s: %s", path, exc)


_MEMO = _HashMemo()


def verify(manifest: ModelManifest, model_dir: Path | str, *, use_memo: bool = True) -> None:
    """Check every file listed in the manifest exists and matches its sha256.

    With use_memo (default) a file whose size and mtime are unchanged since it was last hashed
    is not read again, so start-up pays one stat() per file after the first run.
    """
    root = Path(model_dir)
    if not manifest.files:
        raise ModelIntegrityError(
            f"model {manifest.id!r} at {root}: manifest lists no files to verify; {REINSTALL_HINT}"
        )
    for rel in sorted(manifest.files):
        if not _confined(root, rel):
            raise ModelIntegrityError(
                f"model {manifest.id!r}: manifest names {rel!r}, outside its folder {root}; "
                f"{REINSTALL_HINT}"
            )
    unlisted = sorted(set(loaded_files(manifest, root)) - set(manifest.files))
    if unlisted:
        raise ModelIntegrityError(
            f"model {manifest.id!r}: manifest has no checksum for {', '.join(unlisted)} "
            f"(files the model loads must all be checked); {REINSTALL_HINT}"
        )
    for rel, expected in sorted(manifest.files.items()):
        path = root / rel
        if not path.is_file():
            raise ModelIntegrityError(
                f"model {manifest.id!r}: file {rel!r} is missing from {root}; {REINSTALL_HINT}"
            )
        try:
            actual = _MEMO.digest(path) if use_memo else sha256_file(path)
        except OSError as exc:
            raise ModelIntegrityError(
                f"model {manifest.id!r}: cannot read {rel!r} ({exc.strerror or exc}); "
                f"{REINSTALL_HINT}"
            ) from None
        if actual != expected.lower():
            raise ModelIntegrityError(
                f"model {manifest.id!r}: file {rel!r} does not match its checksum "
                f"(corrupted or modified); {REINSTALL_HINT}"
            )


CT2_FILES = ("model.bin",)
"""What CTranslate2 always loads from a model folder."""
CT2_OPTIONAL_FILES = (
    "config.json",
    "shared_vocabulary.json",
    "shared_vocabulary.txt",
    "source_vocabulary.json",
    "source_vocabulary.txt",
    "target_vocabulary.json",
    "target_vocabulary.txt",
    "vocabulary.json",
    "vocabulary.txt",
)
"""What CTranslate2 loads when present: each present one must be checksummed too."""


def loaded_files(manifest: ModelManifest, model_dir: Path | str) -> list[str]:
    """Relative paths of every file CTranslate2 and the tokenizer read from this model."""
    root = Path(model_dir)
    names = set(CT2_FILES) | {f for f in manifest.tokenizer.values() if f}
    names |= {f for f in CT2_OPTIONAL_FILES if (root / f).is_file()}
    return sorted(names)


def _confined(root: Path, rel: str) -> bool:
    """A manifest path is relative, has no `..` and, links resolved, stays inside the folder."""
    pure = Path(rel)
    if pure.is_absolute() or ".." in pure.parts or not rel.strip():
        return False
    try:
        (root / pure).resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True
