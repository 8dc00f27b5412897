"""Sign-like toy sentences for the tiny Marian checkpoints the model tests build themselves."""

from __future__ import annotations

import random

WORDS = [
    "the",
    "a",
    "red",
    "blue",
    "big",
    "small",
    "car",
    "house",
    "dog",
    "cat",
    "runs",
    "sleeps",
    "here",
    "there",
    "now",
    "today",
    "open",
    "closed",
    "exit",
    "door",
    "please",
    "do",
    "not",
    "enter",
    "staff",
    "only",
    "push",
    "pull",
]


def tiny_texts(n: int = 400, seed: int = 0) -> list[str]:
    r = random.Random(seed)
    return [" ".join(r.choice(WORDS) for _ in range(r.randint(2, 8))) for _ in range(n)]
