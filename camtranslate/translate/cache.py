"""Phrase cache: an in-memory LRU in front of a small SQLite file, and a caching Translator.

A camera pointed at a sign reads the same few phrases every frame; the cache turns those into
dictionary lookups (microseconds) instead of model calls (milliseconds), and the SQLite file makes
that survive restarts. The cache is an optimisation, so it must never take the app down:

- a damaged or non-SQLite file is moved aside (`<name>.corrupt-<timestamp>`) and a fresh one made;
- a file locked by another process (GUI and CLI running together), or a folder we cannot write,
  means memory-only for this session — a locked file belongs to a live process, so it is left
  alone rather than moved;
- every problem is logged once as a warning.

Keys are (model_id, source, target, normalised text). Normalisation: Unicode NFC, whitespace runs
collapsed to one space, ends stripped. Case is kept: the translator upper-cases the output of
ALL-CAPS input ("EXIT" → "SAÍDA", "Exit" → "Saída"), so folding case would return the wrong form.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from camtranslate.translate.base import Translator

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
_SQL_CHUNK = 400  # stay well under SQLite's bound-parameter limit
_SCHEMA = """
CREATE TABLE IF NOT EXISTS phrases (
    model_id TEXT NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL, text TEXT NOT NULL,
    translation TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (model_id, src, tgt, text)
) WITHOUT ROWID
"""

Key = tuple[str, str, str, str]


def normalize_text(text: str) -> str:
    """The cache key form of a text: NFC, single spaces, stripped; case kept (see module doc)."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


class PhraseCache:
    """Thread-safe LRU (capacity entries) backed by SQLite at `path` (None: memory only)."""

    def __init__(
        self, path: Path | str | None, capacity: int = 4096, *, max_rows: int = 200_000
    ) -> None:
        self.capacity = max(1, int(capacity))
        self.max_rows = max(1, int(max_rows))
        """The file keeps at most this many phrases (oldest dropped at start-up): noisy OCR
        readings would otherwise accumulate forever (~100 bytes each)."""
        self.path = Path(path) if path is not None else None
        self._mem: OrderedDict[Key, str] = OrderedDict()
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self.warnings: list[str] = []
        """One line per problem met (file set aside, memory-only fallback)."""
        if self.path is not None:
            self._db = self._open(self.path)

    # -- opening and recovery -------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s", message)

    @property
    def persistent(self) -> bool:
        return self._db is not None

    def _open(self, path: Path, retry: bool = True) -> sqlite3.Connection | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._warn(f"phrase cache: cannot create {path.parent} ({exc.strerror}); memory only")
            return None
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            self._warn(f"phrase cache: {path} is not readable/writable; memory only")
            return None
        if not path.exists() and not os.access(path.parent, os.W_OK):
            self._warn(f"phrase cache: {path.parent} is not writable; memory only")
            return None
        db = None
        try:
            db = sqlite3.connect(
                str(path), timeout=0.5, check_same_thread=False, isolation_level=None
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            db.execute("SELECT translation FROM phrases LIMIT 1").fetchall()  # probe the b-tree
            self._prune(db)
            return db
        except sqlite3.OperationalError as exc:
            if db is not None:
                db.close()
            if "locked" in str(exc) or "busy" in str(exc):
                self._warn(f"phrase cache: {path} is locked by another process; memory only")
                return None
            if not retry:
                self._warn(f"phrase cache: {path} unusable ({exc}); memory only")
                return None
            return self._set_aside_and_reopen(path, exc)
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
            if db is not None:
                db.close()
            if not retry:
                self._warn(f"phrase cache: {path} unusable ({exc}); memory only")
                return None
            return self._set_aside_and_reopen(path, exc)

    def _prune(self, db: sqlite3.Connection) -> None:
        (count,) = db.execute("SELECT count(*) FROM phrases").fetchone()
        if count > self.max_rows:
            db.execute(
                "DELETE FROM phrases WHERE (model_id, src, tgt, text) IN (SELECT model_id, src, "
                "tgt, text FROM phrases ORDER BY created LIMIT ?)",
                (count - self.max_rows,),
            )

    def _set_aside_and_reopen(self, path: Path, exc: Exception) -> sqlite3.Connection | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        try:
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):  # stale journals would be replayed into the new file
                side = path.with_name(path.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
        except OSError as move_exc:
            self._warn(
                f"phrase cache: {path} is damaged and cannot be moved ({move_exc}); memory only"
            )
            return None
        self._warn(
            f"phrase cache: {path} was damaged ({exc}); moved to {aside.name}, starting fresh"
        )
        return self._open(path, retry=False)

    def _db_failed(self, exc: sqlite3.Error) -> None:
        """A runtime SQLite error: keep serving from memory, never raise into the pipeline."""
        if isinstance(exc, sqlite3.OperationalError) and (
            "locked" in str(exc) or "busy" in str(exc)
        ):
            log.debug("phrase cache busy, skipping: %s", exc)
            return
        self._warn(f"phrase cache: SQLite error ({exc}); continuing in memory only")
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    # -- API -----------------------------------------------------------------------------------
    def get_many(self, model_id: str, src: str, tgt: str, texts: Iterable[str]) -> dict[str, str]:
        """{text: translation} for every given text already cached (texts as given, not keys)."""
        found: dict[str, str] = {}
        wanted: dict[str, list[str]] = {}
        with self._lock:
            for text in texts:
                norm = normalize_text(text)
                if not norm:
                    continue
                key = (model_id, src, tgt, norm)
                hit = self._mem.get(key)
                if hit is not None:
                    self._mem.move_to_end(key)
                    found[text] = hit
                else:
                    wanted.setdefault(norm, []).append(text)
            if wanted and self._db is not None:
                norms = list(wanted)
                try:
                    for i in range(0, len(norms), _SQL_CHUNK):
                        chunk = norms[i : i + _SQL_CHUNK]
                        marks = ",".join("?" * len(chunk))
                        rows = self._db.execute(
                            "SELECT text, translation FROM phrases WHERE model_id=? AND src=? "
                            f"AND tgt=? AND text IN ({marks})",
                            (model_id, src, tgt, *chunk),
                        ).fetchall()
                        for norm, translation in rows:
                            self._remember((model_id, src, tgt, norm), translation)
                            for text in wanted[norm]:
                                found[text] = translation
                except sqlite3.Error as exc:
                    self._db_failed(exc)
        return found

    def put_many(self, model_id: str, src: str, tgt: str, pairs: Mapping[str, str]) -> None:
        rows = []
        with self._lock:
            for text, translation in pairs.items():
                norm = normalize_text(text)
                if not norm:
                    continue
                self._remember((model_id, src, tgt, norm), translation)
                rows.append((model_id, src, tgt, norm, translation, time.time()))
            if rows and self._db is not None:
                try:
                    self._db.execute("BEGIN")
                    self._db.executemany(
                        "INSERT OR REPLACE INTO phrases VALUES (?,?,?,?,?,?)", rows
                    )
                    self._db.execute("COMMIT")
                except sqlite3.Error as exc:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                    self._db_failed(exc)

    def _remember(self, key: Key, translation: str) -> None:
        self._mem[key] = translation
        self._mem.move_to_end(key)
        while len(self._mem) > self.capacity:
            self._mem.popitem(last=False)

    def clear_memory(self) -> None:
        """Drop the in-memory layer (benchmarks use it to time SQLite hits)."""
        with self._lock:
            self._mem.clear()

    def __len__(self) -> int:
        """Entries in memory (the SQLite file may hold more)."""
        return len(self._mem)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._db.close()
                self._db = None


class CachedTranslator:
    """Decorator: answer from the cache, run the inner translator ONCE on the unique misses."""

    def __init__(self, inner: Translator, cache: PhraseCache) -> None:
        self.inner = inner
        self.cache = cache
        self.source_lang = inner.source_lang
        self.target_lang = inner.target_lang
        self.model_id = inner.model_id
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def translate_with_flags(self, texts: Sequence[str]) -> list[tuple[str, bool]]:
        """[(translation, came_from_cache)] in input order."""
        found = self.cache.get_many(self.model_id, self.source_lang, self.target_lang, texts)
        todo: dict[str, str] = {}  # normalised text -> first original spelling
        for text in texts:
            norm = normalize_text(text)
            if norm and text not in found:
                todo.setdefault(norm, text)
        fresh: dict[str, str] = {}
        if todo:
            translated = self.inner.translate_batch(list(todo))
            if len(translated) != len(todo):
                raise RuntimeError(f"{self.model_id}: translator returned a wrong-sized batch")
            fresh = dict(zip(todo, translated, strict=True))
            self.cache.put_many(self.model_id, self.source_lang, self.target_lang, fresh)
        out: list[tuple[str, bool]] = []
        hits = misses = 0
        for text in texts:
            if text in found:
                out.append((found[text], True))
                hits += 1
            else:
                norm = normalize_text(text)
                out.append((fresh.get(norm, ""), False))
                misses += bool(norm)
        with self._lock:
            self.hits += hits
            self.misses += misses
        return out

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [t for t, _ in self.translate_with_flags(texts)]

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0
