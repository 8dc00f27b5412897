"""Train a student on teacher outputs: PyTorch, GPU (bf16 autocast) when present, else CPU.

Built for budgets, not epochs: the learning-rate schedule runs on the fraction of the time (or
step) budget used, so a 10-minute CPU run and a 30-minute GPU run both warm up, peak and decay.
Checkpoints (weights + optimizer + data position + elapsed time) are written every few minutes
and at the end; running the same command again resumes where it stopped.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from camtranslate.distill.data import (
    Bucket,
    DataError,
    SpTokenizer,
    batch_plan,
    clean_pairs,
    default_eval_files,
    eval_keys,
    make_buckets,
    read_tsv,
    split_dev,
)
from camtranslate.distill.student import (
    PRESETS,
    StudentError,
    build_student,
    describe,
    load_student,
    save_checkpoint,
)

Progress = Callable[[str], None]


@dataclass
class TrainConfig:
    corpus: Path
    out_dir: Path
    spm: Path
    init_from: Path | None = None  # warm start from a Marian checkpoint
    preset: str = "base"
    decoder_layers: int | None = None  # shrink a warm-started decoder
    budget_minutes: float = 30.0
    max_steps: int | None = None
    tokens_per_batch: int = 4096  # padded source tokens per batch
    lr: float = 7e-4
    warmup_frac: float = 0.04
    final_lr_frac: float = 0.05
    weight_decay: float = 0.01
    label_smoothing: float = 0.1
    dropout: float | None = None
    device: str = "auto"
    threads: int = 0
    seed: int = 1
    max_len: int = 64
    bucket_edges: tuple[int, ...] = (8, 16, 24, 32, 48, 64)
    limit: int | None = None  # read at most this many corpus lines
    n_dev: int = 500
    checkpoint_minutes: float = 5.0
    log_every: int = 20
    exclude: list[Path] = field(default_factory=list)  # eval TSVs kept out of training

    def to_json(self) -> dict:
        d = asdict(self)
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in d.items()} | {
            "exclude": [str(p) for p in self.exclude]
        }


@dataclass
class TrainResult:
    hf_dir: Path
    steps: int
    elapsed_s: float
    tokens: int  # non-pad target tokens seen
    train_pairs: int
    dev_loss: float | None
    log: list[dict]
    model_info: dict


def _pick_device(name: str) -> str:
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise DataError("--device cuda asked for but no CUDA GPU is visible")
    return name


def lr_at(progress: float, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to final_lr_frac * lr, on progress in [0, 1]."""
    progress = min(max(progress, 0.0), 1.0)
    if progress < cfg.warmup_frac:
        return cfg.lr * max(progress / cfg.warmup_frac, 0.01)
    t = (progress - cfg.warmup_frac) / max(1e-9, 1.0 - cfg.warmup_frac)
    floor = cfg.final_lr_frac
    return cfg.lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * t)))


def prepare_data(cfg: TrainConfig, tok: SpTokenizer, progress: Progress):
    """Read, clean, split and bucket the corpus (deterministic, so a resume sees the same data)."""
    t0 = time.perf_counter()
    pairs = read_tsv(cfg.corpus, limit=cfg.limit)
    excl_files = list(cfg.exclude) or default_eval_files()
    keys = eval_keys(excl_files) if excl_files else set()
    cleaned = clean_pairs(pairs, exclude=keys, max_words=cfg.max_len)
    if len(cleaned) < 2:
        raise DataError(f"{cfg.corpus}: fewer than 2 usable pairs after filtering")
    n_dev = min(cfg.n_dev, max(1, len(cleaned) // 20))
    train, dev = split_dev(cleaned, n_dev, seed=cfg.seed)
    progress(
        f"data: {len(pairs)} read, {len(cleaned)} kept ({len(keys)} eval keys excluded from "
        f"{len(excl_files)} files), {len(train)} train / {len(dev)} dev"
    )

    def tok_pairs(ps):
        src = tok.encode([p.source for p in ps], cfg.max_len)
        tgt = tok.encode([p.target for p in ps], cfg.max_len)
        return make_buckets(src, tgt, tok.pad_id, cfg.bucket_edges)

    train_b = tok_pairs(train)
    dev_b = tok_pairs(dev)
    sizes = ", ".join(f"{b.src_len}:{len(b)}" for b in train_b)
    progress(f"buckets (len:pairs) {sizes}; prepared in {time.perf_counter() - t0:.1f}s")
    return train_b, dev_b, len(train)


def _loss(model, src, tgt, pad_id: int, smoothing: float):
    """Cross-entropy over non-pad target positions only: the vocab projection skips padding."""
    import torch
    import torch.nn.functional as F

    start = torch.full_like(tgt[:, :1], pad_id)
    dec_in = torch.cat([start, tgt[:, :-1]], dim=1)
    out = model.model(input_ids=src, attention_mask=(src != pad_id), decoder_input_ids=dec_in)
    hidden = out.last_hidden_state
    sel = tgt != pad_id
    h = hidden[sel]
    logits = model.lm_head(h)
    bias = getattr(model, "final_logits_bias", None)
    if bias is not None:
        logits = logits + bias.view(-1)
    labels = tgt[sel].long()
    return F.cross_entropy(logits.float(), labels, label_smoothing=smoothing), int(labels.numel())


def evaluate_loss(model, buckets: Sequence[Bucket], pad_id: int, device: str, amp) -> float:
    """Mean per-token cross-entropy (no smoothing) on the dev buckets."""
    import torch

    model.eval()
    total, n = 0.0, 0
    with torch.no_grad(), amp():
        for b in buckets:
            for i in range(0, len(b), 64):
                src = torch.from_numpy(b.src[i : i + 64]).long().to(device)
                tgt = torch.from_numpy(b.tgt[i : i + 64]).long().to(device)
                loss, k = _loss(model, src, tgt, pad_id, 0.0)
                total += float(loss) * k
                n += k
    model.train()
    return total / max(n, 1)


def _save_checkpoint(ckpt: Path, model, optimizer, state: dict, tok: SpTokenizer) -> None:
    """Write to a temp dir then swap, so a kill mid-save never leaves a broken checkpoint."""
    import torch

    tmp = ckpt.with_name(ckpt.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    save_checkpoint(model, tok, tmp / "hf")
    torch.save({"optimizer": optimizer.state_dict(), "state": state}, tmp / "trainer.pt")
    (tmp / "state.json").write_text(json.dumps(state, indent=1))
    old = ckpt.with_name(ckpt.name + ".old")
    if ckpt.exists():
        if old.exists():
            shutil.rmtree(old)
        ckpt.rename(old)
    tmp.rename(ckpt)
    if old.exists():
        shutil.rmtree(old)


def train(cfg: TrainConfig, progress: Progress = print) -> TrainResult:
    """Train (or resume) until the time or step budget is spent; returns the final HF checkpoint."""
    import torch

    device = _pick_device(cfg.device)
    if cfg.threads > 0:
        torch.set_num_threads(cfg.threads)
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    tok = SpTokenizer(cfg.spm)
    train_b, dev_b, n_train = prepare_data(cfg, tok, progress)

    ckpt = cfg.out_dir / "checkpoint"
    state: dict = {"step": 0, "epoch": 0, "batch": 0, "elapsed": 0.0, "tokens": 0, "log": []}
    if (ckpt / "trainer.pt").is_file():
        model = load_student(ckpt / "hf", dropout=cfg.dropout)
        saved = torch.load(ckpt / "trainer.pt", map_location="cpu", weights_only=True)
        state = saved["state"]
        progress(f"resuming from step {state['step']} ({state['elapsed'] / 60:.1f} min done)")
    elif cfg.init_from is not None:
        model = load_student(cfg.init_from, decoder_layers=cfg.decoder_layers, dropout=cfg.dropout)
        saved = None
        progress(f"warm start from {cfg.init_from}")
    else:
        if cfg.preset not in PRESETS:
            raise StudentError(f"unknown preset {cfg.preset!r}; choose from {sorted(PRESETS)}")
        model = build_student(PRESETS[cfg.preset], tok.vocab_size, tok.pad_id, tok.eos_id, cfg.seed)
        saved = None
    if model.config.vocab_size != tok.vocab_size:
        raise StudentError(
            f"model vocabulary ({model.config.vocab_size}) does not match the tokenizer "
            f"({tok.vocab_size}): warm start needs the checkpoint's own SentencePiece model"
        )
    model.to(device)
    model.train()
    info = describe(model)
    progress(f"student: {json.dumps(info)} on {device}")

    fused = device.startswith("cuda")
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=cfg.lr,
        betas=(0.9, 0.98),
        eps=1e-9,
        weight_decay=cfg.weight_decay,
        fused=fused,
    )
    if saved is not None:
        optimizer.load_state_dict(saved["optimizer"])
    (cfg.out_dir / "train_config.json").write_text(json.dumps(cfg.to_json(), indent=1))

    def amp():
        if device.startswith("cuda"):
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return torch.autocast("cpu", enabled=False)

    budget_s = cfg.budget_minutes * 60.0
    random.seed(cfg.seed + state["step"])
    torch.manual_seed(cfg.seed + state["step"])

    def frac() -> float:
        f = state["elapsed"] / budget_s if budget_s > 0 else 0.0
        if cfg.max_steps:
            f = max(f, state["step"] / cfg.max_steps)
        return f

    last_ckpt = time.perf_counter()
    window_loss, window_tok, window_t0 = 0.0, 0, time.perf_counter()
    seg_t0 = time.perf_counter()
    base_elapsed = state["elapsed"]
    done = frac() >= 1.0
    while not done:
        plan = batch_plan(train_b, cfg.tokens_per_batch, cfg.seed, state["epoch"])
        while state["batch"] < len(plan):
            b, rows = plan[state["batch"]]
            bucket = train_b[b]
            src = torch.from_numpy(bucket.src[rows]).long().to(device, non_blocking=True)
            tgt = torch.from_numpy(bucket.tgt[rows]).long().to(device, non_blocking=True)
            lr = lr_at(frac(), cfg)
            for g in optimizer.param_groups:
                g["lr"] = lr
            with amp():
                loss, ntok = _loss(model, src, tgt, tok.pad_id, cfg.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            state["step"] += 1
            state["batch"] += 1
            state["tokens"] += ntok
            window_loss += float(loss.detach()) * ntok
            window_tok += ntok
            state["elapsed"] = base_elapsed + (time.perf_counter() - seg_t0)
            if state["step"] % cfg.log_every == 0:
                dt = time.perf_counter() - window_t0
                entry = {
                    "step": state["step"],
                    "epoch": state["epoch"],
                    "elapsed_s": round(state["elapsed"], 1),
                    "loss": round(window_loss / max(window_tok, 1), 4),
                    "lr": round(lr, 7),
                    "tgt_tok_per_s": round(window_tok / max(dt, 1e-9), 1),
                }
                state["log"].append(entry)
                progress(json.dumps(entry))
                window_loss, window_tok, window_t0 = 0.0, 0, time.perf_counter()
            if frac() >= 1.0:
                done = True
                break
            if time.perf_counter() - last_ckpt > cfg.checkpoint_minutes * 60:
                dev_loss = evaluate_loss(model, dev_b, tok.pad_id, device, amp)
                state["log"].append({"step": state["step"], "dev_loss": round(dev_loss, 4)})
                progress(f"checkpoint at step {state['step']}: dev loss {dev_loss:.4f}")
                _save_checkpoint(ckpt, model, optimizer, state, tok)
                last_ckpt = time.perf_counter()
                # checkpoint time is not training time
                base_elapsed = state["elapsed"]
                seg_t0 = time.perf_counter()
        if not done:
            state["epoch"] += 1
            state["batch"] = 0

    dev_loss = evaluate_loss(model, dev_b, tok.pad_id, device, amp)
    state["log"].append({"step": state["step"], "dev_loss": round(dev_loss, 4), "final": True})
    progress(
        f"finished: step {state['step']}, {state['elapsed'] / 60:.1f} min, dev loss {dev_loss:.4f}"
    )
    _save_checkpoint(ckpt, model, optimizer, state, tok)
    final = cfg.out_dir / "hf"
    if final.exists():
        shutil.rmtree(final)
    shutil.copytree(ckpt / "hf", final)
    _set_generation_defaults(final)
    (cfg.out_dir / "train_log.json").write_text(json.dumps(state["log"], indent=1))
    return TrainResult(
        hf_dir=final,
        steps=state["step"],
        elapsed_s=state["elapsed"],
        tokens=state["tokens"],
        train_pairs=n_train,
        dev_loss=dev_loss,
        log=state["log"],
        model_info=info,
    )


def _set_generation_defaults(hf_dir: Path) -> None:
    """Marian generation settings the CT2 converter and transformers both read."""
    cfg_path = hf_dir / "generation_config.json"
    data = json.loads(cfg_path.read_text()) if cfg_path.is_file() else {}
    cfg = json.loads((hf_dir / "config.json").read_text())
    data.update(
        {
            "decoder_start_token_id": cfg.get("decoder_start_token_id"),
            "eos_token_id": cfg.get("eos_token_id"),
            "forced_eos_token_id": cfg.get("eos_token_id"),
            "pad_token_id": cfg.get("pad_token_id"),
        }
    )
    cfg_path.write_text(json.dumps(data, indent=1))
