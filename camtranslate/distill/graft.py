"""Graft a Bergamot teacher into a model CTranslate2 runs: SSRU → self-attention, then fine-tune.

The student keeps the teacher's embeddings, encoder, cross-attention, FFNs and layer norms; each
decoder SSRU cell becomes a causal self-attention block. Only what the surgery disturbed needs to
learn much, so a CPU gets close to the teacher in an hour instead of the days a fresh student
takes. Training signal (both from the teacher, never from references):
- sequence level: cross-entropy on the teacher's own translations (the corpus' second column);
- word level (`kd_weight`): KL divergence to the float teacher's next-token distribution on the
  same prefix, which carries what the teacher *almost* said.

Runs are budgeted in minutes of training, checkpoint every few minutes (atomically) and resume
where they stopped when rerun with the same work folder; a GPU is used when there is one.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from camtranslate.distill.bergamot import BergamotModel
from camtranslate.distill.data import Pair, clean_pairs, default_eval_files, eval_keys, read_tsv
from camtranslate.distill.graft_export import export_ct2
from camtranslate.distill.marian_torch import MarianArch, MarianTransformer, pad_batch
from camtranslate.errors import CamtranslateError
from camtranslate.models.manifest import ModelManifest

Progress = Callable[[str], None]
CHECKPOINT = "graft-checkpoint.pt"
CURVE = "curve.jsonl"
SNAPSHOTS = "snapshots"
HELDOUT = "heldout.tsv"
MAX_PIECES = 120
TRAIN_PARTS = ("decoder", "decoder+encoder")
INITS = ("ssru", "random")


class GraftError(CamtranslateError):
    """A graft run cannot start or continue (bad options, a checkpoint from another run)."""


@dataclass(frozen=True)
class GraftOptions:
    """One graft run. Everything that changes the result is here and in the checkpoint."""

    teacher_dir: Path
    corpus: Path
    work_dir: Path
    source_lang: str
    target_lang: str
    minutes: float = 60.0
    """Training budget in minutes, summed over resumed runs."""
    max_steps: int = 0
    """Stop after this many optimiser steps in all (0 = only the time budget)."""
    train: str = "decoder"
    """"decoder": every decoder weight (new self-attention, cross-attention, FFNs, norms);
    "decoder+encoder": the encoder too (about twice the cost per step)."""
    lr: float = 7e-4
    warmup_steps: int = 100
    schedule: str = "cosine"
    """"cosine" to min_lr_frac of lr at the end of the budget, or "constant"."""
    min_lr_frac: float = 0.1
    kd_weight: float = 0.5
    """Weight of word-level KD against the float teacher (0 = sequence-level only)."""
    max_tokens: int = 2500
    dev_size: int = 300
    holdout_origin: str = ""
    """Corpus origin tag to hold out as a test slice (e.g. us_speeches), never trained on."""
    holdout_size: int = 1000
    checkpoint_minutes: float = 5.0
    eval_every: int = 100
    init: str = "ssru"
    """"ssru": value = the SSRU's input matrix, output = identity (starts as a running average of
    the SSRU's candidate states); "random": small random value/output matrices."""
    seed: int = 1
    threads: int = 0
    device: str = "auto"
    keep_snapshots: bool = False
    """Also keep every checkpoint as work/snapshots/step-N.pt (for learning curves in chrF)."""
    warm_start: Path | None = None
    """Another run's checkpoint to start from (its weights only: optimiser, step count and
    schedule start afresh), e.g. a decoder-only graft continued with the encoder trained too."""

    def fingerprint(self) -> dict[str, str | float | int]:
        """The options a resumed run must share with the checkpoint."""
        keep = ("source_lang", "target_lang", "train", "init", "seed", "max_tokens")
        found: dict[str, str | float | int] = {k: v for k, v in asdict(self).items() if k in keep}
        if self.warm_start is not None:  # absent otherwise, so older checkpoints still resume
            found["warm_start"] = Path(self.warm_start).name
        return found


@dataclass
class GraftState:
    step: int = 0
    elapsed: float = 0.0
    epoch: int = 0
    batch_index: int = 0
    curve: list[dict] = field(default_factory=list)


def pick_device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise GraftError("--device cuda: no CUDA device is visible to PyTorch")
    return name


# -- surgery ------------------------------------------------------------------------------------
def graft_weights(
    teacher: dict[str, np.ndarray], arch: MarianArch, init: str = "ssru", seed: int = 1
) -> dict[str, np.ndarray]:
    """Teacher weights with each decoder SSRU replaced by a self-attention block."""
    if init not in INITS:
        raise GraftError(f"init {init!r}: use one of {', '.join(INITS)}")
    rng = np.random.default_rng(seed)
    d = arch.dim
    out = {k: v.copy() for k, v in teacher.items() if "_rnn_" not in k}
    for layer in range(1, arch.dec_depth + 1):
        rnn, att = f"decoder_l{layer}_rnn", f"decoder_l{layer}_self"
        out[att + "_Wq"] = (rng.standard_normal((d, d)) * 0.02).astype(np.float32)
        out[att + "_Wk"] = (rng.standard_normal((d, d)) * 0.02).astype(np.float32)
        if init == "ssru":
            out[att + "_Wv"] = teacher[rnn + "_W"].copy()
            out[att + "_Wo"] = np.eye(d, dtype=np.float32)
        else:
            out[att + "_Wv"] = (rng.standard_normal((d, d)) / math.sqrt(d)).astype(np.float32)
            out[att + "_Wo"] = (rng.standard_normal((d, d)) / math.sqrt(d)).astype(np.float32)
        for b in "qkvo":
            out[att + f"_b{b}"] = np.zeros((1, d), np.float32)
        out[att + "_Wo_ln_scale"] = teacher[rnn + "_ffn_ln_scale"].copy()
        out[att + "_Wo_ln_bias"] = teacher[rnn + "_ffn_ln_bias"].copy()
    return out


def student_arch(teacher_arch: MarianArch) -> MarianArch:
    from dataclasses import replace

    return replace(teacher_arch, decoder="self-attention")


def trainable_names(net: MarianTransformer, train: str) -> list[str]:
    if train not in TRAIN_PARTS:
        raise GraftError(f"train {train!r}: use one of {', '.join(TRAIN_PARTS)}")
    prefixes = ("decoder_l",) if train == "decoder" else ("decoder_l", "encoder_l")
    return [k for k in net.p if k.startswith(prefixes)]


# -- data ---------------------------------------------------------------------------------------
def split_corpus(
    pairs: list[Pair], opts: GraftOptions
) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """(train, dev, held-out test slice); evaluation sentences never reach any of them."""
    rng = random.Random(opts.seed)
    held: list[Pair] = []
    if opts.holdout_origin:
        tagged = [i for i, p in enumerate(pairs) if p.origin == opts.holdout_origin]
        rng.shuffle(tagged)
        chosen = set(tagged[: opts.holdout_size])
        held = [pairs[i] for i in sorted(chosen)]
        pairs = [p for i, p in enumerate(pairs) if i not in chosen]
    order = list(range(len(pairs)))
    rng.shuffle(order)
    dev = [pairs[i] for i in order[: opts.dev_size]]
    train = [pairs[i] for i in order[opts.dev_size :]]
    return train, dev, held


def encode_pairs(model: BergamotModel, pairs: list[Pair]) -> list[tuple[list[int], list[int]]]:
    out = []
    for p in pairs:
        out.append(
            (model.encode_source(p.source, MAX_PIECES), model.encode_target(p.target, MAX_PIECES))
        )
    return out


def make_batches(
    data: list[tuple[list[int], list[int]]], max_tokens: int, seed: int
) -> list[list[int]]:
    """Index batches of similar length under a padded-token budget, in a seeded random order."""
    order = sorted(range(len(data)), key=lambda i: (len(data[i][1]), len(data[i][0])))
    batches: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        w = max(width, len(data[i][0]), len(data[i][1]))
        if current and w * (len(current) + 1) > max_tokens:
            batches.append(current)
            current, w = [], max(len(data[i][0]), len(data[i][1]))
        current.append(i)
        width = w
    if current:
        batches.append(current)
    random.Random(seed).shuffle(batches)
    return batches


def tensors(batch: list[tuple[list[int], list[int]]], device: str):
    src, src_mask = pad_batch([s for s, _ in batch], device)
    tgt, tgt_mask = pad_batch([t for _, t in batch], device)
    prev = torch.zeros_like(tgt)
    prev[:, 1:] = tgt[:, :-1]
    return src, src_mask, prev, tgt, tgt_mask


# -- training -----------------------------------------------------------------------------------
class Grafter:
    """Teacher, student and optimiser of one run; `run()` trains until the budget is spent."""

    def __init__(self, opts: GraftOptions, progress: Progress = print) -> None:
        self.opts = opts
        self.progress = progress
        self.device = pick_device(opts.device)
        if opts.threads > 0:
            torch.set_num_threads(opts.threads)
        torch.manual_seed(opts.seed)
        self.teacher = BergamotModel(opts.teacher_dir, device=self.device, use_shortlist=False)
        arch = student_arch(self.teacher.net.arch)
        weights = graft_weights(self.teacher.marian.weights, arch, opts.init, opts.seed)
        self.student = MarianTransformer(weights, arch).to(self.device)
        self.names = trainable_names(self.student, opts.train)
        for name in self.names:
            self.student.p[name].requires_grad_(True)
        self.params = [self.student.p[n] for n in self.names]
        self.optimizer = torch.optim.AdamW(self.params, lr=opts.lr, weight_decay=0.0)
        self.state = GraftState()
        self.work = Path(opts.work_dir)
        self.work.mkdir(parents=True, exist_ok=True)

    # -- checkpoints ----------------------------------------------------------------------------
    @property
    def checkpoint_path(self) -> Path:
        return self.work / CHECKPOINT

    def save(self) -> None:
        blob = {
            "fingerprint": self.opts.fingerprint(),
            "state": asdict(self.state),
            "trainable": {n: self.student.p[n].detach().cpu() for n in self.names},
            "optimizer": self.optimizer.state_dict(),
        }
        tmp = self.checkpoint_path.with_name(f".{CHECKPOINT}.{os.getpid()}.tmp")
        torch.save(blob, tmp)
        if self.opts.keep_snapshots:
            snapshots = self.work / SNAPSHOTS
            snapshots.mkdir(exist_ok=True)
            shutil.copyfile(tmp, snapshots / f"step-{self.state.step:06d}.pt")
        os.replace(tmp, self.checkpoint_path)

    def _read_checkpoint(self, path: Path) -> dict:
        try:
            return torch.load(path, map_location=self.device, weights_only=True)
        except Exception as exc:  # a torn or foreign file: say so, never train over it silently
            raise GraftError(
                f"{path}: cannot read the checkpoint ({exc}); move it away to start over"
            ) from None

    def warm_start(self, path: Path) -> int:
        """Copy another run's trained weights (same pair) into the student; the tensor count."""
        blob = self._read_checkpoint(path)
        theirs = blob.get("fingerprint") or {}
        ours = self.opts.fingerprint()
        for key in ("source_lang", "target_lang", "init"):
            if theirs.get(key) != ours[key]:
                raise GraftError(
                    f"--warm-start {path}: a run with {key}={theirs.get(key)!r}, "
                    f"this one has {ours[key]!r}"
                )
        unknown = sorted(set(blob["trainable"]) - set(self.student.p))
        if unknown:
            raise GraftError(f"--warm-start {path}: unknown tensors {', '.join(unknown[:3])}")
        with torch.no_grad():
            for name, value in blob["trainable"].items():
                self.student.p[name].copy_(value.to(self.device))
        return len(blob["trainable"])

    def load(self, path: Path | None = None) -> bool:
        """Resume from the work folder's checkpoint (or `path`); False when there is none."""
        path = path or self.checkpoint_path
        if not path.is_file():
            return False
        blob = self._read_checkpoint(path)
        if blob.get("fingerprint") != self.opts.fingerprint():
            raise GraftError(
                f"{path} belongs to a run with other options "
                f"({blob.get('fingerprint')}); use another --work folder"
            )
        with torch.no_grad():
            for name, value in blob["trainable"].items():
                self.student.p[name].copy_(value.to(self.device))
        self.optimizer.load_state_dict(blob["optimizer"])
        self.state = GraftState(**blob["state"])
        return True

    # -- losses ---------------------------------------------------------------------------------
    def losses(self, batch, *, train: bool) -> tuple[torch.Tensor, float, int]:
        """(loss, teacher-token agreement, target tokens) of one batch."""
        src, src_mask, prev, tgt, tgt_mask = tensors(batch, self.device)
        with torch.no_grad():
            t_enc = self.teacher.net.encode(src, src_mask)
            t_logits = None
            if self.opts.kd_weight > 0:  # only real target positions: no 32k-wide padding rows
                t_hidden = self.teacher.net.decode(t_enc, src_mask, prev)[tgt_mask]
                t_logits = self.teacher.net.logits(t_hidden)
        with torch.set_grad_enabled(train):
            enc = t_enc if self.opts.train == "decoder" else self.student.encode(src, src_mask)
            hidden = self.student.decode(enc, src_mask, prev, tgt_mask)[tgt_mask]
            flat = self.student.logits(hidden)
            ce = F.cross_entropy(flat, tgt[tgt_mask])
            loss = ce
            if t_logits is not None:
                kd = F.kl_div(
                    F.log_softmax(flat, -1),
                    F.log_softmax(t_logits, -1),
                    log_target=True,
                    reduction="batchmean",
                )
                loss = (1 - self.opts.kd_weight) * ce + self.opts.kd_weight * kd
        agree = (flat.argmax(-1) == tgt[tgt_mask]).float().mean().item()
        return loss, agree, int(tgt_mask.sum())

    def lr_at(self, progress: float) -> float:
        o = self.opts
        warm = min(1.0, (self.state.step + 1) / max(1, o.warmup_steps))
        if o.schedule == "constant":
            return o.lr * warm
        floor = o.min_lr_frac
        cosine = floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
        return o.lr * warm * cosine

    def evaluate(self, dev) -> tuple[float, float]:
        """Mean loss and token agreement with the teacher on the dev batches."""
        total = agree = tokens = 0.0
        with torch.no_grad():
            for batch in dev:
                loss, a, n = self.losses(batch, train=False)
                total += loss.item() * n
                agree += a * n
                tokens += n
        return total / max(1.0, tokens), agree / max(1.0, tokens)

    def run(self) -> GraftState:
        opts = self.opts
        resumed = self.load()
        if not resumed and opts.warm_start is not None:
            count = self.warm_start(Path(opts.warm_start))
            self.progress(f"warm start: {count} trained tensors from {opts.warm_start}")
        pairs = read_tsv(opts.corpus)
        pairs = clean_pairs(pairs, exclude=eval_keys(default_eval_files()))
        train_pairs, dev_pairs, held = split_corpus(pairs, opts)
        if not train_pairs:
            raise GraftError(f"{opts.corpus}: no training pairs left after cleaning")
        if held:
            with (self.work / HELDOUT).open("w", encoding="utf-8") as fh:
                fh.writelines(f"{p.source}\t{p.target}\t{p.origin}\n" for p in held)
        self.progress(
            f"{'resuming at step ' + str(self.state.step) if resumed else 'starting'}: "
            f"{len(train_pairs)} training pairs, {len(dev_pairs)} dev, {len(held)} held out; "
            f"training {opts.train} ({len(self.names)} tensors) on {self.device}"
        )
        train_data = encode_pairs(self.teacher, train_pairs)
        dev_data = encode_pairs(self.teacher, dev_pairs)
        dev_batches = [[dev_data[i] for i in b] for b in make_batches(dev_data, opts.max_tokens, 0)]
        budget = opts.minutes * 60.0
        last_save = time.monotonic()
        started = time.monotonic() - self.state.elapsed
        if self.state.step == 0:
            self._log(dev_batches)
        while not self._finished(budget):
            plan = make_batches(train_data, opts.max_tokens, opts.seed + self.state.epoch)
            while self.state.batch_index < len(plan) and not self._finished(budget):
                batch = [train_data[i] for i in plan[self.state.batch_index]]
                for group in self.optimizer.param_groups:
                    group["lr"] = self.lr_at(self.state.elapsed / budget)
                self.student.train()
                loss, _, _ = self.losses(batch, train=True)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.params, 1.0)
                self.optimizer.step()
                self.state.step += 1
                self.state.batch_index += 1
                self.state.elapsed = time.monotonic() - started
                if self.state.step % opts.eval_every == 0:
                    self._log(dev_batches, train_loss=loss.item())
                if time.monotonic() - last_save > opts.checkpoint_minutes * 60:
                    self.save()
                    last_save = time.monotonic()
            if self.state.batch_index >= len(plan):
                self.state.epoch += 1
                self.state.batch_index = 0
        self._log(dev_batches)
        self.save()
        return self.state

    def _finished(self, budget: float) -> bool:
        steps = self.opts.max_steps
        return self.state.elapsed >= budget or (steps > 0 and self.state.step >= steps)

    def _log(self, dev_batches, train_loss: float | None = None) -> None:
        dev_loss, agree = self.evaluate(dev_batches)
        point = {
            "minutes": round(self.state.elapsed / 60, 2),
            "step": self.state.step,
            "epoch": self.state.epoch,
            "dev_loss": round(dev_loss, 4),
            "agreement": round(agree, 4),
            "lr": self.lr_at(self.state.elapsed / max(1.0, self.opts.minutes * 60)),
        }
        if train_loss is not None:
            point["train_loss"] = round(train_loss, 4)
        self.state.curve.append(point)
        with (self.work / CURVE).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(point) + "\n")
        self.progress(
            f"{point['minutes']:7.1f} min  step {point['step']:6d}  dev loss {dev_loss:.3f}  "
            f"agreement {agree:.3f}"
        )

    def student_weights(self) -> dict[str, np.ndarray]:
        return self.student.numpy_weights()

    def export(self, out_dir: Path | str, **manifest_fields) -> ModelManifest:
        """The current student as a CTranslate2 model folder (graft_export.export_ct2), with
        the teacher's config and vocabularies; manifest_fields: model_id, quantization, ..."""
        return export_ct2(
            self.student_weights(),
            self.teacher.marian.config,
            self.teacher.files.source_vocab,
            self.teacher.files.target_vocab,
            out_dir,
            source_lang=self.opts.source_lang,
            target_lang=self.opts.target_lang,
            **manifest_fields,
        )
