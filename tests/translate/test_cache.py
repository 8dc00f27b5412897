"""Phrase cache: LRU + SQLite persistence, recovery from bad files, and the caching decorator."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from translate_helpers import CountingTranslator

from camtranslate.translate.cache import CachedTranslator, PhraseCache, normalize_text
from camtranslate.translate.ct2 import CT2Translator

M, S, T = "model-a", "en", "pt"


def test_get_put_round_trip_and_key_isolation(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "c.sqlite3")
    cache.put_many(M, S, T, {"Exit": "Saída", "  Push   to open ": "Empurre para abrir"})
    got = cache.get_many(M, S, T, ["Exit", "Push to open", "Pull", "exit"])
    assert got == {"Exit": "Saída", "Push to open": "Empurre para abrir"}  # case is kept
    assert cache.get_many("model-b", S, T, ["Exit"]) == {}
    assert cache.get_many(M, S, "es", ["Exit"]) == {}


def test_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    first = PhraseCache(path)
    first.put_many(M, S, T, {"Exit": "Saída"})
    first.close()
    second = PhraseCache(path)
    assert second.persistent
    assert second.get_many(M, S, T, ["Exit"]) == {"Exit": "Saída"}


def test_lru_capacity_and_sqlite_fallback(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "c.sqlite3", capacity=2)
    cache.put_many(M, S, T, {"a1": "x1", "a2": "x2", "a3": "x3"})
    assert len(cache) == 2
    assert cache.get_many(M, S, T, ["a1"]) == {"a1": "x1"}  # evicted from memory, still on disk
    mem_only = PhraseCache(None, capacity=2)
    mem_only.put_many(M, S, T, {"a1": "x1", "a2": "x2", "a3": "x3"})
    assert mem_only.get_many(M, S, T, ["a1", "a3"]) == {"a3": "x3"}


def test_file_is_pruned_to_max_rows_oldest_first(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cache = PhraseCache(path)
    for i in range(30):
        cache.put_many(M, S, T, {f"t{i}": f"x{i}"})
    cache.close()
    small = PhraseCache(path, max_rows=10)
    small.clear_memory()
    got = small.get_many(M, S, T, [f"t{i}" for i in range(30)])
    assert sorted(got) == sorted(f"t{i}" for i in range(20, 30))


def test_garbage_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database at all\x00\xff" * 200)
    cache = PhraseCache(path)
    assert cache.persistent
    aside = list(tmp_path.glob("c.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert any("moved to" in w for w in cache.warnings)
    cache.put_many(M, S, T, {"Exit": "Saída"})
    cache.close()
    assert PhraseCache(path).get_many(M, S, T, ["Exit"]) == {"Exit": "Saída"}


def test_truncated_database_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cache = PhraseCache(path)
    cache.put_many(M, S, T, {f"text {i}": f"texto {i}" for i in range(2000)})
    cache.close()
    with sqlite3.connect(path) as db:  # fold the WAL in so the main file holds the data
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xde\xad" * 2000 + data[4100:])  # smash the b-tree pages
    recovered = PhraseCache(path)
    got = recovered.get_many(M, S, T, ["text 1", "text 1999"])  # must not raise
    recovered.put_many(M, S, T, {"Exit": "Saída"})
    assert recovered.get_many(M, S, T, ["Exit"]) == {"Exit": "Saída"}
    assert isinstance(got, dict)


def test_unwritable_location_runs_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = PhraseCache(blocker / "sub" / "c.sqlite3")  # parent is a file: cannot mkdir
    assert not cache.persistent and cache.warnings
    cache.put_many(M, S, T, {"Exit": "Saída"})
    assert cache.get_many(M, S, T, ["Exit"]) == {"Exit": "Saída"}


def test_locked_file_runs_in_memory_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    PhraseCache(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = PhraseCache(path)
        assert not cache.persistent
        assert any("locked" in w for w in cache.warnings)
        assert not list(tmp_path.glob("*.corrupt-*"))
    finally:
        holder.execute("COMMIT")
        holder.close()


def test_cached_translator_calls_the_model_once_for_misses(
    tmp_path: Path, counting: CountingTranslator
) -> None:
    cache = PhraseCache(tmp_path / "c.sqlite3")
    tr = CachedTranslator(counting, cache)
    texts = ["Exit", "Entrance", "Exit", " Exit ", ""]
    first = tr.translate_batch(texts)
    assert counting.batches == [["Exit", "Entrance"]]  # unique misses, one batch
    assert first[0] == first[2] == first[3] and first[4] == ""
    assert "saída" in first[0].lower()
    again = tr.translate_with_flags(["Entrance", "Exit", "Toilets"])
    assert counting.batches[1:] == [["Toilets"]]
    assert [hit for _, hit in again] == [True, True, False]
    assert [t for t, _ in again][:2] == [first[1], first[0]]
    assert tr.hits == 2 and tr.misses == 5  # duplicates inside one batch are misses

    # a new cache instance on the same file: no model call at all
    counting.batches.clear()
    tr2 = CachedTranslator(counting, PhraseCache(tmp_path / "c.sqlite3"))
    assert tr2.translate_batch(["Exit", "Toilets"]) == [first[0], again[2][0]]
    assert counting.batches == []


def test_cached_results_equal_uncached(tmp_path: Path, en_pt: CT2Translator) -> None:
    texts = ["Wet floor", "Staff only", "Push to open"]
    tr = CachedTranslator(en_pt, PhraseCache(tmp_path / "c.sqlite3"))
    assert tr.translate_batch(texts) == en_pt.translate_batch(texts) == tr.translate_batch(texts)


_spaces = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u3000"])


@given(
    st.lists(st.text(min_size=1, max_size=8).filter(lambda w: w.split() == [w]), max_size=5),
    st.lists(_spaces, min_size=6, max_size=6),
)
def test_normalisation_ignores_whitespace_and_composition(
    words: list[str], gaps: list[str]
) -> None:
    plain = " ".join(words)
    messy = gaps[0] + "".join(w + gaps[i % 5 + 1] for i, w in enumerate(words))
    assert normalize_text(messy) == normalize_text(plain)
    key = normalize_text(plain)
    assert normalize_text(key) == key  # idempotent
    assert key == key.strip() and "  " not in key


@given(st.text(max_size=30))
def test_normalisation_keeps_case_and_is_nfc(text: str) -> None:
    import unicodedata

    key = normalize_text(text)
    assert unicodedata.is_normalized("NFC", key)
    assert normalize_text(unicodedata.normalize("NFD", text)) == key
    if key and key.upper() != key:
        assert normalize_text(text.upper()) != key


def test_decomposed_accents_hit_the_same_entry(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "c.sqlite3")
    cache.put_many(M, "pt", "en", {"Sa\u00edda": "Exit"})
    assert cache.get_many(M, "pt", "en", ["Sai\u0301da"]) == {"Sai\u0301da": "Exit"}


def _fill(path: Path, rows: int) -> None:
    """`rows` phrases, oldest first, written straight into a file the cache made."""
    PhraseCache(path).close()
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO phrases VALUES (?,?,?,?,?,?)",
            ((M, S, T, f"reading {i}", f"leitura {i}", float(i)) for i in range(rows)),
        )
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_large_prune_runs_in_the_background_and_shrinks_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    _fill(path, 60_000)
    size_before = path.stat().st_size
    cache = PhraseCache(path, max_rows=5_000)
    other = PhraseCache(path, max_rows=5_000)  # a second process opening meanwhile
    assert cache.persistent and other.persistent, cache.warnings + other.warnings
    assert cache.get_many(M, S, T, ["reading 59999"]) == {"reading 59999": "leitura 59999"}
    assert cache.wait_for_prune(timeout=300) and other.wait_for_prune(timeout=300)
    cache.close()
    other.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        (count,) = db.execute("SELECT count(*) FROM phrases").fetchone()
        (oldest,) = db.execute("SELECT min(created) FROM phrases").fetchone()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert count == 5_000 and oldest == 55_000.0
    assert path.stat().st_size < size_before / 3  # incremental vacuum gave the pages back


def test_busy_prune_does_not_force_memory_only(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    _fill(path, 50)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing (e.g. its own prune)
    try:
        cache = PhraseCache(path, max_rows=10)
        assert cache.persistent, cache.warnings
        assert cache.get_many(M, S, T, ["reading 49"]) == {"reading 49": "leitura 49"}
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    cache.close()


def test_a_file_from_before_auto_vacuum_shrinks_after_a_large_prune(tmp_path: Path) -> None:
    from camtranslate.translate.cache import _SCHEMA

    path = tmp_path / "old.sqlite3"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(_SCHEMA)  # as the previous version made it: no auto_vacuum, no index
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO phrases VALUES (?,?,?,?,?,?)",
            ((M, S, T, f"reading {i}", f"leitura {i}", float(i)) for i in range(40_000)),
        )
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_before = path.stat().st_size
    cache = PhraseCache(path, max_rows=2_000)
    assert cache.wait_for_prune(timeout=300)
    cache.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert db.execute("PRAGMA auto_vacuum").fetchone() == (2,)
    assert path.stat().st_size < size_before / 3
