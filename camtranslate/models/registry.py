"""Which translation models are installed, and which one serves a language pair.

A model is any sub-folder with a manifest.json in one of the searched dirs. Broken manifests are
collected in `problems` (one line each) rather than raised: one bad download must not stop the
app from starting with the models that are fine.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from camtranslate import paths
from camtranslate.errors import ModelError
from camtranslate.models.manifest import MANIFEST_NAME, ModelManifest

log = logging.getLogger(__name__)

ORIGIN_USER = "user"
ORIGIN_EMBEDDED = "embedded"
ORIGIN_EXTRA = "extra"


@dataclass(frozen=True)
class InstalledModel:
    path: Path
    manifest: ModelManifest
    origin: str
    """"user" (installed by the model manager), "embedded" (shipped in models/) or "extra"."""

    @property
    def id(self) -> str:
        return self.manifest.id

    def verify(self) -> None:
        """Raise ModelIntegrityError if a file is missing or altered (memoised hashing)."""
        self.manifest.verify(self.path)


def default_dirs() -> list[tuple[Path, str]]:
    return [(paths.user_models_dir(), ORIGIN_USER), (paths.embedded_models_dir(), ORIGIN_EMBEDDED)]


class ModelRegistry:
    """Scans model folders once; earlier dirs win (user models shadow embedded ones)."""

    def __init__(
        self, dirs: Sequence[Path | str] | None = None, *, extra: Sequence[Path | str] = ()
    ) -> None:
        if dirs is None:
            searched = [(Path(d), ORIGIN_EXTRA) for d in extra] + default_dirs()
        else:
            searched = [(Path(d), ORIGIN_EXTRA) for d in extra] + [
                (Path(d), _origin_of(Path(d))) for d in dirs
            ]
        self.dirs: list[Path] = [d for d, _ in searched]
        self.problems: list[str] = []
        """One line per model folder that could not be read (bad/missing fields, bad JSON)."""
        self._models: list[InstalledModel] = []
        seen: set[Path] = set()
        for root, origin in searched:
            for model in self._scan(root, origin):
                key = model.path.resolve()
                if key not in seen:
                    seen.add(key)
                    self._models.append(model)

    def _scan(self, root: Path, origin: str) -> list[InstalledModel]:
        if not root.is_dir():
            return []
        candidates = [root] if (root / MANIFEST_NAME).is_file() else []
        try:
            candidates += sorted(p for p in root.iterdir() if (p / MANIFEST_NAME).is_file())
        except OSError as exc:
            self.problems.append(f"{root}: cannot list model folder ({exc.strerror or exc})")
            return []
        found = []
        for folder in candidates:
            try:
                manifest = ModelManifest.load(folder)
            except ModelError as exc:
                self.problems.append(str(exc))
                log.warning("skipping model: %s", exc)
                continue
            found.append(InstalledModel(folder, manifest, origin))
        return found

    def list(self) -> list[InstalledModel]:
        return list(self._models)

    def get(self, model_id: str) -> InstalledModel | None:
        return next((m for m in self._models if m.manifest.id == model_id), None)

    def find(self, src: str, tgt: str) -> InstalledModel | None:
        """The model serving src→tgt directly, or None.

        Order: search-dir order (extra, user, embedded), and within a dir a bilingual model before
        a multilingual one (smaller, usually better for its one pair).
        """
        matches = self.find_all(src, tgt)
        return matches[0] if matches else None

    def find_all(self, src: str, tgt: str) -> builtins.list[InstalledModel]:
        """Every model serving src→tgt directly, best first (the order `find` uses): the rest
        are the fallbacks when the first one fails verification."""
        matches = [m for m in self._models if m.manifest.serves(src, tgt)]
        if not matches:
            return []
        rank = {d.resolve(): i for i, d in reversed(list(enumerate(self.dirs)))}

        def order(m: InstalledModel) -> tuple[int, int]:
            parent = m.path.parent.resolve()
            dir_rank = rank.get(parent, rank.get(m.path.resolve(), len(rank)))
            return (dir_rank, 1 if m.manifest.multilingual else 0)

        return sorted(matches, key=order)

    def pairs(self) -> builtins.list[tuple[str, str]]:
        """Direct pairs served by some installed model (no pivots), sorted."""
        return sorted({p for m in self._models for p in m.manifest.pairs()})

    def __len__(self) -> int:
        return len(self._models)


def _origin_of(path: Path) -> str:
    try:
        resolved = path.resolve()
        if resolved == paths.user_models_dir().resolve():
            return ORIGIN_USER
        if resolved == paths.embedded_models_dir().resolve():
            return ORIGIN_EMBEDDED
    except OSError:
        pass
    return ORIGIN_EXTRA
