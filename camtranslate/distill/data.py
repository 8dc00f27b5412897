"""Parallel data for distillation: read, clean, dedup, keep eval sentences out, tokenize, bucket.

Training on CPU or GPU is only fast with few distinct tensor shapes, so pairs are grouped into a
handful of fixed length buckets and every batch of a bucket is padded to that bucket's length.
"""

from __future__ import annotations

import gzip
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from camtranslate.errors import CamtranslateError

PAD_ID_DEFAULT = 32000
EOS_ID_DEFAULT = 0


class DataError(CamtranslateError):
    """A corpus or test file is missing, unreadable or empty after filtering."""


@dataclass(frozen=True)
class Pair:
    source: str
    target: str
    origin: str = ""


def _open_text(path: Path):
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open("r", encoding="utf-8", errors="replace")


def read_lines(path: str | Path) -> list[str]:
    """One segment a line (plain or .gz); blank lines dropped."""
    with _open_text(Path(path)) as fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


def read_tsv(path: str | Path, limit: int | None = None) -> list[Pair]:
    """source<TAB>target[<TAB>origin] lines; malformed lines are skipped."""
    pairs: list[Pair] = []
    with _open_text(Path(path)) as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
                continue
            pairs.append(
                Pair(parts[0].strip(), parts[1].strip(), parts[2] if len(parts) > 2 else "")
            )
            if limit is not None and len(pairs) >= limit:
                break
    return pairs


def write_tsv(path: str | Path, pairs: Iterable[Pair]) -> int:
    """Write pairs (gzip when the name ends in .gz); returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    with opener(path, "wt", encoding="utf-8") as fh:
        for p in pairs:
            src = p.source.replace("\t", " ").replace("\n", " ")
            tgt = p.target.replace("\t", " ").replace("\n", " ")
            fh.write(f"{src}\t{tgt}\t{p.origin}\n")
            n += 1
    return n


_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def dedup_key(text: str) -> str:
    """The corpus' own dedup key: NFC, casefolded, trimmed of edge punctuation and spaces."""
    text = unicodedata.normalize("NFC", text).casefold().strip()
    return _EDGE_PUNCT.sub("", " ".join(text.split()))


def eval_keys(paths: Iterable[str | Path]) -> set[str]:
    """Keys of every text (both columns) of the evaluation TSVs: these never go into training."""
    keys: set[str] = set()
    for path in paths:
        for pair in read_tsv(path):
            keys.add(dedup_key(pair.source))
            keys.add(dedup_key(pair.target))
    keys.discard("")
    return keys


def default_eval_files(shared: Path | None = None) -> list[Path]:
    """All Tatoeba TSVs under ../shared/eval (if present): the exclusion list for every run."""
    if shared is None:
        shared = Path(__file__).resolve().parents[2] / ".." / "shared"
    folder = shared / "eval" / "tatoeba"
    return sorted(folder.glob("*.tsv")) if folder.is_dir() else []


def clean_pairs(
    pairs: Iterable[Pair],
    *,
    exclude: set[str] | None = None,
    max_words: int = 60,
    max_ratio: float = 3.0,
    drop_copies: bool = True,
) -> list[Pair]:
    """Filter and dedup by source key: empty, too long, length-ratio outliers, teacher copies.

    A teacher that returns its input unchanged teaches the student to copy; such pairs are dropped
    unless the segment is short enough to be a name or a number (<= 2 words).
    """
    exclude = exclude or set()
    seen: set[str] = set()
    out: list[Pair] = []
    for p in pairs:
        src = " ".join(unicodedata.normalize("NFC", p.source).split())
        tgt = " ".join(unicodedata.normalize("NFC", p.target).split())
        if not src or not tgt:
            continue
        key = dedup_key(src)
        if not key or key in seen or key in exclude or dedup_key(tgt) in exclude:
            continue
        if len(src.split()) > max_words or len(tgt.split()) > max_words:
            continue
        ls, lt = len(src), len(tgt)
        if lt > max_ratio * ls + 5 or ls > max_ratio * lt + 5:
            continue
        if drop_copies and src == tgt and len(src.split()) > 2:
            continue
        seen.add(key)
        out.append(Pair(src, tgt, p.origin))
    return out


def split_dev(pairs: Sequence[Pair], n_dev: int, seed: int = 1) -> tuple[list[Pair], list[Pair]]:
    """Hold out n_dev pairs (random, seeded) for validation loss; returns (train, dev)."""
    idx = list(range(len(pairs)))
    random.Random(seed).shuffle(idx)
    dev_idx = set(idx[:n_dev])
    train = [p for i, p in enumerate(pairs) if i not in dev_idx]
    dev = [pairs[i] for i in sorted(dev_idx)]
    return train, dev


class SpTokenizer:
    """SentencePiece ids plus Marian conventions: `</s>` ends every sequence, `<pad>` = piece count.

    The Bergamot joint vocabulary has `</s>`=0 and no `<pad>`; Marian checkpoints append `<pad>` as
    the last id, which is also the decoder start token.
    """

    def __init__(self, model_file: str | Path):
        import sentencepiece as spm

        path = Path(model_file)
        if not path.is_file():
            raise DataError(f"SentencePiece model not found: {path}")
        self.path = path
        self.sp = spm.SentencePieceProcessor(model_file=str(path))
        self.eos_id = self.sp.piece_to_id("</s>")
        self.unk_id = self.sp.unk_id()
        self.pad_id = self.sp.get_piece_size()
        self.vocab_size = self.pad_id + 1

    def encode(self, texts: Sequence[str], max_len: int) -> list[list[int]]:
        """Token ids with `</s>` appended, truncated to max_len (eos kept)."""
        out = []
        for ids in self.sp.encode(list(texts)):
            ids = ids[: max_len - 1]
            out.append([*ids, self.eos_id])
        return out

    def decode(self, ids: Sequence[int]) -> str:
        keep = [i for i in ids if i not in (self.eos_id, self.pad_id)]
        return self.sp.decode(keep)


def train_sentencepiece(
    texts: Iterable[str], out_prefix: str | Path, vocab_size: int = 8000
) -> Path:
    """Train a joint SentencePiece model with `</s>`=0 and `<unk>`=1 (Bergamot/Marian layout).

    Used when no teacher vocabulary fits the language pair.
    """
    import sentencepiece as spm

    out_prefix = Path(out_prefix)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(texts)),
        model_prefix=str(out_prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return out_prefix.with_suffix(".model")


@dataclass
class Bucket:
    """Pairs whose source and target fit src_len/tgt_len, as padded int32 arrays."""

    src_len: int
    tgt_len: int
    src: np.ndarray  # (n, src_len)
    tgt: np.ndarray  # (n, tgt_len): target ids ending in </s>, then pad

    def __len__(self) -> int:
        return int(self.src.shape[0])


def make_buckets(
    src_ids: Sequence[Sequence[int]],
    tgt_ids: Sequence[Sequence[int]],
    pad_id: int,
    edges: Sequence[int] = (8, 16, 24, 32, 48, 64),
) -> list[Bucket]:
    """Group pairs by max(len(src), len(tgt)) into fixed lengths; longer pairs are dropped."""
    groups: dict[int, list[int]] = {e: [] for e in edges}
    for i, (s, t) in enumerate(zip(src_ids, tgt_ids, strict=True)):
        n = max(len(s), len(t))
        for e in edges:
            if n <= e:
                groups[e].append(i)
                break
    buckets = []
    for e, idx in groups.items():
        if not idx:
            continue
        src = np.full((len(idx), e), pad_id, dtype=np.int32)
        tgt = np.full((len(idx), e), pad_id, dtype=np.int32)
        for row, i in enumerate(idx):
            src[row, : len(src_ids[i])] = src_ids[i]
            tgt[row, : len(tgt_ids[i])] = tgt_ids[i]
        buckets.append(Bucket(e, e, src, tgt))
    return buckets


def batch_plan(
    buckets: Sequence[Bucket], tokens_per_batch: int, seed: int, epoch: int
) -> list[tuple[int, np.ndarray]]:
    """A shuffled list of (bucket index, row indices) covering every pair once for this epoch.

    Batch size per bucket = tokens_per_batch // length, so every batch of a bucket has the same
    shape (the last partial batch of a bucket is dropped; the next epoch's shuffle covers it).
    """
    rng = np.random.default_rng(seed * 1000 + epoch)
    plan: list[tuple[int, np.ndarray]] = []
    for b, bucket in enumerate(buckets):
        size = max(1, tokens_per_batch // bucket.src_len)
        order = rng.permutation(len(bucket))
        n_full = len(order) // size
        if n_full == 0:
            plan.append((b, order))
            continue
        for k in range(n_full):
            plan.append((b, order[k * size : (k + 1) * size]))
    perm = rng.permutation(len(plan))
    return [plan[i] for i in perm]


def iter_chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
