"""Synthetic parallel data: a word-for-word toy language pair, enough for a tiny student to run."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

LEXICON = {
    "the": "o", "red": "vermelho", "blue": "azul", "big": "grande", "small": "pequeno",
    "car": "carro", "house": "casa", "dog": "cão", "cat": "gato", "door": "porta",
    "open": "aberto", "closed": "fechado", "exit": "saída", "here": "aqui", "now": "agora",
    "today": "hoje", "please": "por favor", "staff": "funcionários", "only": "apenas",
    "no": "não", "entry": "entrada", "water": "água", "station": "estação", "train": "trem",
}  # fmt: skip


def toy_pairs(n: int, seed: int = 0) -> list[tuple[str, str]]:
    r = random.Random(seed)
    words = list(LEXICON)
    out = []
    for _ in range(n):
        src = [r.choice(words) for _ in range(r.randint(1, 7))]
        out.append((" ".join(src).capitalize(), " ".join(LEXICON[w] for w in src).capitalize()))
    return out


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
