"""A PyTorch Marian transformer that runs Bergamot teachers exactly and grafted students.

One module, two decoder kinds, Marian's own parameter names (so export is a rename-free dump):
- `decoder="ssru"`: the Bergamot "tiny"/"base" teacher. Each decoder layer starts with a Simpler
  Simple Recurrent Unit, `f = σ(x·Wf + bf)`, `c = f ⊙ c_prev + (1 − f) ⊙ (x·W)`, `relu(c)`, then
  residual + layer norm; CTranslate2 cannot run it.
- `decoder="self-attention"`: the graft. Each SSRU becomes a causal self-attention block
  (`decoder_lN_self_*`), which CTranslate2's Marian converter understands.

What has to match Marian exactly (each one changes the teacher's output when wrong): post-norm
("dan"), layer-norm epsilon 1e-9, embeddings × √d, the sinusoid table with
`log(10000)/(d/2 − 1)` and `[sin | cos]` halves, a zero embedding as the decoder's first input,
`</s>` appended to the source, all embeddings tied with the output layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from camtranslate.errors import ModelError
from camtranslate.models.marian_reader import MarianModel

LN_EPS = 1e-9
EOS_ID = 0


def marian_positions(length: int, dim: int, start: int = 0) -> np.ndarray:
    """Marian's sinusoid position table ([sin | cos] halves, log(10000)/(d/2 − 1) steps)."""
    half = dim // 2
    step = math.log(10000.0) / (half - 1)
    pos = np.arange(start, start + length, dtype=np.float64)[:, None]
    scaled = pos * np.exp(np.arange(half, dtype=np.float64) * -step)[None]
    return np.concatenate([np.sin(scaled), np.cos(scaled)], axis=-1).astype(np.float32)


@dataclass(frozen=True)
class MarianArch:
    """The parts of a Marian config this implementation honours; anything else is refused."""

    dim: int
    heads: int
    ffn_dim: int
    enc_depth: int
    dec_depth: int
    activation: str
    decoder: str
    tied_all: bool

    @classmethod
    def from_config(cls, config: dict[str, Any], where: str = "model") -> MarianArch:
        if config.get("type", "transformer") != "transformer":
            raise ModelError(f"{where}: model type {config.get('type')!r} is not a transformer")
        if str(config.get("transformer-postprocess", "dan")) != "dan" or config.get(
            "transformer-preprocess", ""
        ):
            raise ModelError(f"{where}: only post-norm ('dan') transformers are supported")
        autoreg = str(config.get("transformer-decoder-autoreg", "self-attention"))
        if autoreg == "rnn":
            if str(config.get("dec-cell", "ssru")) != "ssru":
                raise ModelError(f"{where}: decoder cell {config.get('dec-cell')!r} unsupported")
            decoder = "ssru"
        elif autoreg == "self-attention":
            decoder = "self-attention"
        else:
            raise ModelError(f"{where}: decoder kind {autoreg!r} unsupported")
        activation = str(config.get("transformer-ffn-activation", "relu"))
        if activation not in ("relu", "swish"):
            raise ModelError(f"{where}: FFN activation {activation!r} unsupported")
        if int(config.get("transformer-ffn-depth", 2)) != 2:
            raise ModelError(f"{where}: only 2-layer FFNs are supported")
        return cls(
            dim=int(config.get("dim-emb", 512)),
            heads=int(config.get("transformer-heads", 8)),
            ffn_dim=int(config.get("transformer-dim-ffn", 2048)),
            enc_depth=int(config.get("enc-depth", 6)),
            dec_depth=int(config.get("dec-depth", 6)),
            activation=activation,
            decoder=decoder,
            tied_all=bool(config.get("tied-embeddings-all", False)),
        )


class MarianTransformer(nn.Module):
    """Marian transformer with Marian-named parameters in `self.p` (float32, CPU or CUDA)."""

    def __init__(self, weights: dict[str, np.ndarray], arch: MarianArch) -> None:
        super().__init__()
        self.arch = arch
        self.p = nn.ParameterDict(
            {
                k: nn.Parameter(torch.from_numpy(np.array(v, np.float32)), requires_grad=False)
                for k, v in weights.items()
            }
        )
        self.register_buffer(
            "positions", torch.from_numpy(marian_positions(1024, arch.dim)), persistent=False
        )
        self._check()

    @classmethod
    def from_marian(cls, model: MarianModel) -> MarianTransformer:
        arch = MarianArch.from_config(model.config, str(model.path))
        return cls(model.weights, arch)

    def _check(self) -> None:
        need = [self.src_emb_name, self.tgt_emb_name, "decoder_ff_logit_out_b"]
        for layer in range(1, self.arch.enc_depth + 1):
            need += [f"encoder_l{layer}_self_Wq", f"encoder_l{layer}_ffn_W1"]
        block = "rnn_W" if self.arch.decoder == "ssru" else "self_Wq"
        for layer in range(1, self.arch.dec_depth + 1):
            need += [f"decoder_l{layer}_{block}", f"decoder_l{layer}_context_Wq"]
        missing = [n for n in need if n not in self.p]
        if missing:
            raise ModelError(f"the model lacks tensors {missing[:4]} for its configured layers")

    # -- names ---------------------------------------------------------------------------------
    @property
    def src_emb_name(self) -> str:
        return "Wemb" if "Wemb" in self.p else "encoder_Wemb"

    @property
    def tgt_emb_name(self) -> str:
        return "Wemb" if "Wemb" in self.p else "decoder_Wemb"

    # -- blocks --------------------------------------------------------------------------------
    def _ln(self, x: torch.Tensor, prefix: str) -> torch.Tensor:
        return F.layer_norm(
            x,
            (self.arch.dim,),
            self.p[prefix + "_ln_scale"].view(-1),
            self.p[prefix + "_ln_bias"].view(-1),
            eps=LN_EPS,
        )

    def _affine(self, x: torch.Tensor, name: str, bias: str) -> torch.Tensor:
        return x @ self.p[name] + self.p[bias].view(-1)

    def _attention(
        self, prefix: str, q_in: torch.Tensor, kv_in: torch.Tensor, mask: torch.Tensor | None
    ) -> torch.Tensor:
        b, tq, d = q_in.shape
        tk = kv_in.shape[1]
        h = self.arch.heads
        q = self._affine(q_in, prefix + "_Wq", prefix + "_bq").view(b, tq, h, d // h)
        k = self._affine(kv_in, prefix + "_Wk", prefix + "_bk").view(b, tk, h, d // h)
        v = self._affine(kv_in, prefix + "_Wv", prefix + "_bv").view(b, tk, h, d // h)
        out = F.scaled_dot_product_attention(
            q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=mask
        )
        return self._affine(out.transpose(1, 2).reshape(b, tq, d), prefix + "_Wo", prefix + "_bo")

    def _ffn(self, prefix: str, x: torch.Tensor) -> torch.Tensor:
        hidden = self._affine(x, prefix + "_W1", prefix + "_b1")
        hidden = torch.relu(hidden) if self.arch.activation == "relu" else F.silu(hidden)
        return self._affine(hidden, prefix + "_W2", prefix + "_b2")

    def _embed(self, name: str, ids: torch.Tensor) -> torch.Tensor:
        return F.embedding(ids, self.p[name]) * math.sqrt(self.arch.dim)

    # -- encoder -------------------------------------------------------------------------------
    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """src: [B, S] ids ending in </s>, padded; src_mask: [B, S] True on real tokens."""
        x = self._embed(self.src_emb_name, src) + self.positions[: src.shape[1]]
        mask = src_mask[:, None, None, :]
        for layer in range(1, self.arch.enc_depth + 1):
            p = f"encoder_l{layer}"
            x = self._ln(x + self._attention(p + "_self", x, x, mask), p + "_self_Wo")
            x = self._ln(x + self._ffn(p + "_ffn", x), p + "_ffn_ffn")
        return x

    # -- decoder -------------------------------------------------------------------------------
    def _decoder_inputs(self, prev: torch.Tensor, start: int) -> torch.Tensor:
        """Embeddings of the previous tokens; position `0` (the start) is a zero vector."""
        x = self._embed(self.tgt_emb_name, prev)
        if start == 0:
            x = torch.cat([torch.zeros_like(x[:, :1]), x[:, 1:]], dim=1)
        return x + self.positions[start : start + prev.shape[1]]

    def _ssru(self, prefix: str, x: torch.Tensor, state: torch.Tensor | None):
        """Run the SSRU over x [B, T, D] from `state` [B, D]; returns (outputs, last state)."""
        forget = torch.sigmoid(self._affine(x, prefix + "_Wf", prefix + "_bf"))
        update = (1 - forget) * (x @ self.p[prefix + "_W"])
        c = torch.zeros_like(x[:, 0]) if state is None else state
        outs = []
        for t in range(x.shape[1]):
            c = forget[:, t] * c + update[:, t]
            outs.append(c)
        return torch.relu(torch.stack(outs, dim=1)), c

    def decode(
        self,
        enc: torch.Tensor,
        src_mask: torch.Tensor,
        prev: torch.Tensor,
        prev_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Teacher-forced decoder hidden states [B, T, D] for inputs `prev` (position 0 = start).

        prev: [B, T] previous-token ids (the value at position 0 is ignored: zero embedding).
        """
        x = self._decoder_inputs(prev, 0)
        t = prev.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=prev.device).tril()[None, None]
        if prev_mask is not None:
            causal = causal & prev_mask[:, None, None, :]
        cross = src_mask[:, None, None, :]
        for layer in range(1, self.arch.dec_depth + 1):
            p = f"decoder_l{layer}"
            if self.arch.decoder == "ssru":
                h, _ = self._ssru(p + "_rnn", x, None)
                x = self._ln(x + h, p + "_rnn_ffn")
            else:
                x = self._ln(x + self._attention(p + "_self", x, x, causal), p + "_self_Wo")
            x = self._ln(x + self._attention(p + "_context", x, enc, cross), p + "_context_Wo")
            x = self._ln(x + self._ffn(p + "_ffn", x), p + "_ffn_ffn")
        return x

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        bias = self.p["decoder_ff_logit_out_b"].view(-1)
        if "decoder_ff_logit_out_W" in self.p:
            return hidden @ self.p["decoder_ff_logit_out_W"] + bias
        return hidden @ self.p[self.tgt_emb_name].T + bias

    def forward(self, src, src_mask, prev, prev_mask=None) -> torch.Tensor:
        enc = self.encode(src, src_mask)
        return self.logits(self.decode(enc, src_mask, prev, prev_mask))

    # -- greedy decoding -----------------------------------------------------------------------
    @torch.no_grad()
    def greedy(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor,
        max_len: int = 256,
        allowed: torch.Tensor | None = None,
    ) -> list[list[int]]:
        """Greedy decoding for a batch; returns token ids without </s>.

        allowed: optional [B, V] bool mask of the target ids each row may produce (a shortlist).
        """
        enc = self.encode(src, src_mask)
        b = src.shape[0]
        done = torch.zeros(b, dtype=torch.bool, device=src.device)
        out = torch.zeros(b, 0, dtype=torch.long, device=src.device)
        prev = torch.zeros(b, 1, dtype=torch.long, device=src.device)
        states: list[torch.Tensor | None] = [None] * self.arch.dec_depth
        cross = src_mask[:, None, None, :]
        for step in range(max_len):
            if self.arch.decoder == "ssru":
                x = self._decoder_inputs(prev[:, -1:], step)
                for i in range(self.arch.dec_depth):
                    p = f"decoder_l{i + 1}"
                    h, states[i] = self._ssru(p + "_rnn", x, states[i])
                    x = self._ln(x + h, p + "_rnn_ffn")
                    x = self._ln(
                        x + self._attention(p + "_context", x, enc, cross), p + "_context_Wo"
                    )
                    x = self._ln(x + self._ffn(p + "_ffn", x), p + "_ffn_ffn")
                hidden = x[:, -1]
            else:
                hidden = self.decode(enc, src_mask, prev)[:, -1]
            scores = self.logits(hidden)
            if allowed is not None:
                scores = scores.masked_fill(~allowed, float("-inf"))
            tok = scores.argmax(-1)
            tok = torch.where(done, torch.full_like(tok, EOS_ID), tok)
            out = torch.cat([out, tok[:, None]], dim=1)
            prev = torch.cat([prev, tok[:, None]], dim=1)
            done |= tok == EOS_ID
            if bool(done.all()):
                break
        result = []
        for row in out.tolist():
            result.append(row[: row.index(EOS_ID)] if EOS_ID in row else row)
        return result

    def numpy_weights(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in self.p.items()}


def pad_batch(
    seqs: list[list[int]], device: str | torch.device = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad id lists with 0 (</s>, masked out); returns (ids [B, L], mask [B, L])."""
    width = max(1, max(len(s) for s in seqs))
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    mask = torch.zeros(len(seqs), width, dtype=torch.bool)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, : len(s)] = True
    return ids.to(device), mask.to(device)
