"""Corpus handling: cleaning, dedup, evaluation exclusion, buckets and batch plans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from camtranslate.distill.data import (
    DataError,
    Pair,
    SpTokenizer,
    batch_plan,
    clean_pairs,
    dedup_key,
    eval_keys,
    make_buckets,
    read_tsv,
    train_sentencepiece,
    write_tsv,
)


def test_clean_dedups_filters_and_excludes_eval(tmp_path: Path) -> None:
    test = tmp_path / "test.tsv"
    test.write_text("Where is the station?\tOnde fica a estação?\n", encoding="utf-8")
    keys = eval_keys([test])
    pairs = [
        Pair("Open", "Aberto"),
        Pair("open.", "aberto"),  # duplicate by key (case, edge punctuation)
        Pair("where is the station", "onde fica a estação"),  # an eval sentence
        Pair("Hello there", ""),  # empty output
        Pair("A long sentence with many words in it", "Uma"),  # length ratio outlier
        Pair("This stays the same here", "This stays the same here"),  # teacher copy
        Pair("Rio", "Rio"),  # short copies (names) are fine
        Pair("  Two   spaces ", "Dois  espaços"),
    ]
    kept = clean_pairs(pairs, exclude=keys)
    assert [p.source for p in kept] == ["Open", "Rio", "Two spaces"]
    assert kept[-1].target == "Dois espaços"
    assert dedup_key("¡Hola!") == "hola"


def test_tsv_roundtrip_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv.gz"
    write_tsv(path, [Pair("a\tb", "c", "o1"), Pair("d", "e")])
    assert read_tsv(path) == [Pair("a b", "c", "o1"), Pair("d", "e", "")]
    with pytest.raises(DataError, match="not found"):
        read_tsv(tmp_path / "missing.tsv")


def test_buckets_have_fixed_shapes_and_plan_covers_every_full_batch(tmp_path: Path) -> None:
    from distill_toy import toy_pairs

    pairs = toy_pairs(300)
    spm = train_sentencepiece([s for s, _ in pairs] + [t for _, t in pairs], tmp_path / "sp", 120)
    tok = SpTokenizer(spm)
    assert tok.eos_id == 0 and tok.pad_id == tok.sp.get_piece_size()
    src = tok.encode([s for s, _ in pairs], 16)
    tgt = tok.encode([t for _, t in pairs], 16)
    assert all(ids[-1] == tok.eos_id and len(ids) <= 16 for ids in src)
    buckets = make_buckets(src, tgt, tok.pad_id, edges=(8, 16))
    assert sum(len(b) for b in buckets) == len(pairs)
    for b in buckets:
        assert b.src.shape == (len(b), b.src_len) and b.tgt.shape == (len(b), b.tgt_len)
    plan = batch_plan(buckets, tokens_per_batch=64, seed=1, epoch=0)
    sizes = {(b, len(rows)) for b, rows in plan}
    assert all(n == 64 // buckets[b].src_len for b, n in sizes)  # one shape per bucket
    for b, bucket in enumerate(buckets):
        rows = np.concatenate([r for i, r in plan if i == b])
        assert len(set(rows.tolist())) == len(rows)  # no pair twice in an epoch
        assert len(bucket) - len(rows) < 64 // bucket.src_len
    again = batch_plan(buckets, 64, seed=1, epoch=0)
    assert all(
        (a[0] == b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(plan, again, strict=True)
    )
    assert tok.decode(src[0]) == pairs[0][0]
