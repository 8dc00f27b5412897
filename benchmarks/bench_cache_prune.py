"""The phrase cache at 1 M rows: start-up prune time, file size, and a second process meanwhile.

Why: the cache keeps at most `max_rows` phrases (200 k) and prunes the oldest at start-up. A file
that grew to 1 M rows (an old version, a long live session) must not make start-up slow, must
give the space back, and the prune's write lock must not push a second process (the GUI and
the CLI together) into memory-only mode.

  nice -n 10 python benchmarks/bench_cache_prune.py --rows 1000000 --json cache-prune.json

Prints one JSON line per file kind: made with auto_vacuum (this version) and without (older).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from camtranslate.translate.cache import _SCHEMA, PhraseCache


def build(path: Path, rows: int, *, incremental: bool) -> None:
    """`rows` phrases of realistic length, oldest first; WAL folded in."""
    db = sqlite3.connect(path, isolation_level=None)
    if incremental:
        db.execute("PRAGMA auto_vacuum=INCREMENTAL")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(_SCHEMA)
    db.execute("BEGIN")
    t0 = time.time() - rows
    db.executemany(
        "INSERT INTO phrases VALUES (?,?,?,?,?,?)",
        (
            ("en-pt", "en", "pt", f"reading {i} of a sign", f"leitura {i} da placa", t0 + i)
            for i in range(rows)
        ),
    )
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def size_mib(path: Path) -> float:
    total = sum(
        p.stat().st_size for p in path.parent.glob(path.name + "*") if ".corrupt" not in p.name
    )
    return total / 2**20


_SECOND = """
import time
from camtranslate.translate.cache import PhraseCache
t0 = time.perf_counter()
c = PhraseCache({path!r})
opened = time.perf_counter() - t0
c.put_many("en-pt", "en", "pt", {{"second process": "segundo processo"}})
print(c.persistent, round(opened, 3), c.warnings)
"""


def run(rows: int, incremental: bool, folder: Path) -> dict:
    path = folder / f"cache-{'inc' if incremental else 'none'}.sqlite3"
    t0 = time.perf_counter()
    build(path, rows, incremental=incremental)
    build_s = time.perf_counter() - t0
    before = size_mib(path)
    second = subprocess.Popen(  # starts while the first one prunes
        [sys.executable, "-c", _SECOND.format(path=str(path))],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.3)
    t0 = time.perf_counter()
    cache = PhraseCache(path)
    open_s = time.perf_counter() - t0
    hit = cache.get_many("en-pt", "en", "pt", [f"reading {rows - 1} of a sign"])
    cache.wait_for_prune()
    prune_s = time.perf_counter() - t0
    persistent = cache.persistent
    (left,) = cache._db.execute("SELECT count(*) FROM phrases").fetchone() if cache._db else (-1,)
    cache.close()
    out, _ = second.communicate(timeout=600)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = size_mib(path)
    t0 = time.perf_counter()
    PhraseCache(path).close()
    reopen_s = time.perf_counter() - t0
    return {
        "auto_vacuum": "incremental" if incremental else "none (file made before this change)",
        "rows": rows,
        "build_s": round(build_s, 1),
        "size_before_mib": round(before, 1),
        "startup_s": round(open_s, 3),
        "newest_row_served_during_prune": bool(hit),
        "background_prune_s": round(prune_s, 1),
        "rows_after": left,
        "first_persistent": persistent,
        "size_after_mib": round(after, 1),
        "startup_after_s": round(reopen_s, 3),
        "second_process": out.strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cache-prune-") as tmp:
        results = [run(args.rows, inc, Path(tmp)) for inc in (True, False)]
    for r in results:
        print(json.dumps(r))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    os.sync()
    return 0


if __name__ == "__main__":
    sys.exit(main())
