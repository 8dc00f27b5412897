"""Phrase cache: an in-memory LRU in front of a small SQLite file, and a caching Translator.

A camera pointed at a sign reads the same few phrases every frame; the cache turns those into
dictionary lookups (microseconds) instead of model calls (milliseconds), and the SQLite file makes
that survive restarts. The cache is an optimisation, so it must never take the app down:

- only a *damaged* file (SQLite says "file is not a database" or "malformed") is moved aside, to
  a name no other process can take (`<name>.corrupt-<time>-<pid>[-n]`), and a fresh one made;
- anything else — a file locked by another process (GUI and CLI running together), a full disk,
  a read-only folder or file system, an I/O error — means memory-only for this session and the
  file is kept as it is: it is healthy, and it is the user's;
- a row whose translation is not text (NULL, a BLOB) is a miss and is deleted;
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
        self._pruner: threading.Thread | None = None
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
        identity = _identity(path)  # which file we found damaged, if it is (see _set_aside)
        db = None
        try:
            db = sqlite3.connect(
                str(path), timeout=_BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
            )
            if identity is None:  # a new file gives freed pages back (pruning shrinks it)
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            if identity is None:
                db.execute(_CREATED_INDEX)
            db.execute("SELECT translation FROM phrases LIMIT 1").fetchall()  # probe the b-tree
            self._prune(db)
            return db
        except sqlite3.Error as exc:
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            if not is_corruption(exc):
                self._warn(f"phrase cache: {path} {_unusable(exc)}; memory only, file kept")
                return None
            if not retry:
                self._warn(f"phrase cache: {path} unusable ({exc}); memory only")
                return None
            return self._set_aside_and_reopen(path, exc, identity)

    def _prune(self, db: sqlite3.Connection) -> None:
        """Keep the newest max_rows rows, giving the freed pages back to the file system.

        A small excess is removed here and now. A large one (a file that grew to a million
        rows) is removed by a background thread in short transactions, oldest first, so
        start-up costs one count and another process (GUI and CLI together) only ever waits
        for one short batch: never long enough to be pushed into memory-only mode. Another
        process pruning at the same moment is fine too: skip, a later start finishes it.
        """
        try:
            (count,) = db.execute("SELECT count(*) FROM phrases").fetchone()
            excess = count - self.max_rows
            if excess <= 0:
                return
            if excess > _SYNC_PRUNE_ROWS and self.path is not None:
                self._pruner = threading.Thread(
                    target=self._prune_in_background,
                    args=(self.path,),
                    name="phrase-cache-prune",
                    daemon=True,  # every batch is committed: exiting half-way is safe
                )
                self._pruner.start()
                return
            _delete_oldest(db, self.max_rows, excess)
            db.executescript("PRAGMA incremental_vacuum;")  # no-op in pre-auto_vacuum files
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            log.debug("phrase cache: prune skipped, the file is busy (%s)", exc)

    def _prune_in_background(self, path: Path) -> None:
        db = None
        try:
            db = sqlite3.connect(str(path), timeout=_BUSY_TIMEOUT_S, isolation_level=None)
            db.execute(_CREATED_INDEX)  # once per file: makes each batch O(batch), not O(rows)
            while _delete_oldest(db, self.max_rows, _PRUNE_BATCH) > 0:
                pass
            (mode,) = db.execute("PRAGMA auto_vacuum").fetchone()
            if mode == 0:  # a file from before auto_vacuum: convert it once, so it shrinks now
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # and on every later prune
                db.execute("VACUUM")
            db.executescript("PRAGMA incremental_vacuum;")
        except sqlite3.Error as exc:  # busy, full disk...: the next start tries again
            log.debug("phrase cache: background prune stopped: %s", exc)
        finally:
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()

    def wait_for_prune(self, timeout: float | None = None) -> bool:
        """Wait for a background prune (benchmarks, tests); True when none is running."""
        if self._pruner is not None:
            self._pruner.join(timeout)
            return not self._pruner.is_alive()
        return True

    def _set_aside_and_reopen(
        self, path: Path, exc: Exception, identity: tuple[int, int] | None
    ) -> sqlite3.Connection | None:
        """Move the damaged file to a name of its own, then start a fresh cache.

        Two processes may find the same damaged file at once: the second one sees that the
        file at `path` is no longer the one it found damaged (another inode) and just opens the
        fresh one; names carry the pid and a counter, and a link never replaces an existing
        name, so neither process's copy is ever overwritten.
        """
        try:
            with _exclusive(path):  # check and move as one step: no two processes move it
                if identity is not None and _identity(path) != identity:
                    return self._open(path, retry=False)  # someone else already set it aside
                aside = _move_aside(path)
        except OSError as move_exc:
            self._warn(
                f"phrase cache: {path} is damaged and cannot be moved ({move_exc}); memory only"
            )
            return None
        for suffix in ("-wal", "-shm"):  # stale journals would be replayed into the new file
            side = path.with_name(path.name + suffix)
            with contextlib.suppress(OSError):
                os.replace(side, aside.with_name(aside.name + suffix))
        self._warn(
            f"phrase cache: {path} was damaged ({exc}); moved to {aside.name}, starting fresh"
        )
        return self._open(path, retry=False)

    def _db_failed(self, exc: sqlite3.Error) -> None:
        """A runtime SQLite error: keep serving from memory, never raise into the pipeline.

        The file is kept: a full disk or a read-only remount is not the file's fault, and a
        file damaged meanwhile is set aside by the next start."""
        if _is_busy(exc):
            log.debug("phrase cache busy, skipping: %s", exc)
            return
        self._warn(f"phrase cache: {_unusable(exc)}; continuing in memory only, file kept")
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
                        bad = []
                        for norm, translation in rows:
                            if not isinstance(translation, str):
                                bad.append(norm)  # NULL / BLOB / number: a miss, and removed
                                continue
                            self._remember((model_id, src, tgt, norm), translation)
                            for text in wanted[norm]:
                                found[text] = translation
                        if bad:
                            self._drop_rows(model_id, src, tgt, bad)
                except sqlite3.Error as exc:
                    self._db_failed(exc)
        return found

    def _drop_rows(self, model_id: str, src: str, tgt: str, texts: list[object]) -> None:
        """Delete rows that cannot be a translation (written by something else than us)."""
        assert self._db is not None
        self._warn(f"phrase cache: {len(texts)} damaged row(s) dropped")
        self._db.executemany(
            "DELETE FROM phrases WHERE model_id=? AND src=? AND tgt=? AND text IS ?",
            [(model_id, src, tgt, t) for t in texts],
        )

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


_BUSY_TIMEOUT_S = 2.0
"""How long a connection waits for another process's write (one prune batch takes far less)."""
_SYNC_PRUNE_ROWS = 20_000
"""Up to this many surplus rows are pruned at open; more go to a background thread."""
_PRUNE_BATCH = 5_000
"""Rows deleted per transaction by the background prune."""
_CREATED_INDEX = "CREATE INDEX IF NOT EXISTS phrases_created ON phrases (created)"


def _delete_oldest(db: sqlite3.Connection, keep: int, batch: int) -> int:
    """Delete up to `batch` oldest rows beyond the newest `keep`; returns how many went.

    The surplus is counted inside the DELETE (one write transaction), so two processes pruning
    the same file at once never delete more than the surplus between them."""
    cursor = db.execute(
        "DELETE FROM phrases WHERE (model_id, src, tgt, text) IN (SELECT model_id, src, tgt, "
        "text FROM phrases ORDER BY created LIMIT (SELECT min(?, max(count(*) - ?, 0)) FROM "
        "phrases))",
        (batch, keep),
    )
    return cursor.rowcount


_CORRUPT_CODES = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)


def is_corruption(exc: BaseException) -> bool:
    """True only for a damaged file ("file is not a database", "malformed"), never for a full
    disk, a read-only file system, an I/O error or a lock: those files are fine to keep."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in _CORRUPT_CODES
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _is_busy(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    return "locked" in str(exc) or "busy" in str(exc)


def _unusable(exc: BaseException) -> str:
    """What is wrong, in the user's words."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary in (5, 6) or _is_busy(exc):
        return "is locked by another process"
    if primary == 13 or "full" in text:  # SQLITE_FULL
        return "cannot be written: the disk is full"
    if primary == 8 or "readonly" in text or "read-only" in text:  # SQLITE_READONLY
        return "cannot be written: read-only"
    if primary == 10 or "I/O" in text:  # SQLITE_IOERR
        return f"cannot be read or written (I/O error: {text})"
    return f"is unusable ({text})"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


@contextlib.contextmanager
def _exclusive(path: Path):
    """Hold an advisory lock on `<name>.lock` beside `path` (POSIX; a no-op where there is
    none), so that the damage check and the move are one step across processes."""
    try:
        import fcntl
    except ImportError:  # Windows: the pid in the set-aside name still keeps copies apart
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _move_aside(path: Path) -> Path:
    """Rename `path` to `<name>.corrupt-<time>-<pid>[-n]` without ever replacing a file.

    A hard link fails when the name exists (unlike rename), so a name is taken atomically; file
    systems without hard links fall back to a rename after an existence check.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        aside = path.with_name(
            f"{path.name}.corrupt-{stamp}-{os.getpid()}" + (f"-{n}" if n else "")
        )
        try:
            os.link(path, aside)
        except FileExistsError:
            continue
        except OSError:  # no hard links here (FAT, some network file systems)
            if aside.exists():
                continue
            os.rename(path, aside)
            return aside
        os.unlink(path)
        return aside
    raise OSError(f"no free name to move {path.name} aside")


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
