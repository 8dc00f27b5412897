"""Synthetic parallel data: a word-for-word toy language pair, enough for a tiny student to run."""

from __future__ import annotations

from pathlib import Path

import pytest
from distill_toy import toy_pairs


@pytest.fixture(scope="session")
def toy_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 pairs as a gzip TSV (source, teacher output, origin), like ../shared/corpus."""
    import gzip

    path = tmp_path_factory.mktemp("corpus") / "toy.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for s, t in toy_pairs(600):
            fh.write(f"{s}\t{t}\ttoy\n")
    return path


@pytest.fixture(scope="session")
def toy_test(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("eval") / "toy-test.tsv"
    path.write_text("".join(f"{s}\t{t}\n" for s, t in toy_pairs(30, seed=99)), encoding="utf-8")
    return path
