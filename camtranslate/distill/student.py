"""The student: a small Marian transformer (transformers' MarianMTModel) sized for CPU inference.

Deep encoder, shallow decoder: decoding runs once per output token, encoding once per sentence,
so moving layers from the decoder to the encoder buys speed at little quality cost.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from camtranslate.distill.data import SpTokenizer
from camtranslate.errors import CamtranslateError

if TYPE_CHECKING:
    import torch


class StudentError(CamtranslateError):
    """A student checkpoint cannot be built or loaded."""


@dataclass(frozen=True)
class StudentConfig:
    d_model: int = 384
    encoder_layers: int = 6
    decoder_layers: int = 2
    heads: int = 6
    ffn_dim: int = 1536
    dropout: float = 0.1
    max_positions: int = 256


PRESETS: dict[str, StudentConfig] = {
    "tiny": StudentConfig(d_model=64, encoder_layers=2, decoder_layers=1, heads=2, ffn_dim=128),
    "small": StudentConfig(d_model=256, encoder_layers=6, decoder_layers=2, heads=4, ffn_dim=1024),
    "base": StudentConfig(),
    "large": StudentConfig(d_model=512, encoder_layers=6, decoder_layers=2, heads=8, ffn_dim=2048),
}


def marian_config(cfg: StudentConfig, vocab_size: int, pad_id: int, eos_id: int):
    """A MarianConfig with one shared (tied) vocabulary; pad doubles as decoder start (Marian)."""
    from transformers import MarianConfig

    return MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=cfg.d_model,
        encoder_layers=cfg.encoder_layers,
        decoder_layers=cfg.decoder_layers,
        encoder_attention_heads=cfg.heads,
        decoder_attention_heads=cfg.heads,
        encoder_ffn_dim=cfg.ffn_dim,
        decoder_ffn_dim=cfg.ffn_dim,
        activation_function="relu",
        dropout=cfg.dropout,
        attention_dropout=0.0,
        activation_dropout=0.0,
        max_position_embeddings=cfg.max_positions,
        pad_token_id=pad_id,
        eos_token_id=eos_id,
        forced_eos_token_id=eos_id,
        decoder_start_token_id=pad_id,
        bos_token_id=None,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        is_encoder_decoder=True,
    )


def build_student(cfg: StudentConfig, vocab_size: int, pad_id: int, eos_id: int, seed: int = 1):
    """A freshly initialised MarianMTModel (fp32)."""
    import torch
    from transformers import MarianMTModel

    torch.manual_seed(seed)
    model = MarianMTModel(marian_config(cfg, vocab_size, pad_id, eos_id))
    return model.float()


def load_student(path: str | Path, decoder_layers: int | None = None, dropout: float | None = None):
    """Warm start from a Marian checkpoint (fp32 copy).

    decoder_layers smaller than the checkpoint's keeps the first layers: a cheaper decoder that
    still starts from trained weights.
    """
    from transformers import MarianMTModel

    path = Path(path)
    if not (path / "config.json").is_file():
        raise StudentError(f"not a Hugging Face checkpoint (no config.json): {path}")
    model = MarianMTModel.from_pretrained(str(path), dtype="float32")
    model = model.float()
    if dropout is not None:
        model.config.dropout = dropout
        for m in model.modules():
            if hasattr(m, "dropout") and isinstance(m.dropout, float):
                m.dropout = dropout
    if decoder_layers is not None and decoder_layers < model.config.decoder_layers:
        layers = model.model.decoder.layers
        model.model.decoder.layers = type(layers)(list(layers)[:decoder_layers])
        model.config.decoder_layers = decoder_layers
    return model


def save_checkpoint(model, tok: SpTokenizer, out_dir: Path | str) -> Path:
    """A complete Marian checkpoint: weights + MarianTokenizer files (one joint spm as both).

    This is what CTranslate2's converter and `MarianMTModel.from_pretrained` read.
    """
    out_dir = Path(out_dir)
    model.save_pretrained(str(out_dir))
    shutil.copyfile(tok.path, out_dir / "source.spm")
    shutil.copyfile(tok.path, out_dir / "target.spm")
    vocab = {tok.sp.id_to_piece(i): i for i in range(tok.sp.get_piece_size())}
    vocab["<pad>"] = tok.pad_id
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (out_dir / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "separate_vocabs": False,
                "eos_token": "</s>",
                "unk_token": "<unk>",
                "pad_token": "<pad>",
                "model_max_length": 512,
                "tokenizer_class": "MarianTokenizer",
            }
        ),
        encoding="utf-8",
    )
    return out_dir


def tiny_checkpoint(
    out_dir: Path | str, texts: Sequence[str], vocab_size: int = 200, seed: int = 1
) -> Path:
    """A random-weight, 2-layer Marian checkpoint with its own spm, built in seconds.

    For smoke-testing conversion, installation and the translate path without a real model.
    """
    from camtranslate.distill.data import train_sentencepiece

    out_dir = Path(out_dir)
    spm_file = train_sentencepiece(texts, out_dir.parent / f"{out_dir.name}-spm", vocab_size)
    tok = SpTokenizer(spm_file)
    model = build_student(PRESETS["tiny"], tok.vocab_size, tok.pad_id, tok.eos_id, seed)
    return save_checkpoint(model, tok, out_dir)


def count_parameters(model: torch.nn.Module) -> int:
    """Unique parameters (tied embeddings counted once)."""
    seen = set()
    total = 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        total += p.numel()
    return total


def describe(model) -> dict:
    c = model.config
    return {
        "architecture": "MarianMTModel (transformer encoder-decoder, tied embeddings)",
        "d_model": c.d_model,
        "encoder_layers": c.encoder_layers,
        "decoder_layers": c.decoder_layers,
        "heads": c.encoder_attention_heads,
        "ffn_dim": c.encoder_ffn_dim,
        "vocab_size": c.vocab_size,
        "parameters": count_parameters(model),
    }


__all__ = [
    "PRESETS",
    "StudentConfig",
    "StudentError",
    "asdict",
    "build_student",
    "count_parameters",
    "describe",
    "load_student",
    "marian_config",
    "save_checkpoint",
    "tiny_checkpoint",
]
