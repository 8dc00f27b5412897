"""A word-for-word toy language pair: enough parallel data for a tiny student to run."""

from __future__ import annotations

import random

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
