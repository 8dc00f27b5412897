"""Quality (sacrebleu chrF + BLEU) and speed of a CTranslate2 model, optionally vs a teacher.

The student is run through camtranslate's own CT2Translator with the product's decoding settings,
so the numbers are what the app delivers, not what a tuned research decode would.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from camtranslate.distill.data import read_tsv
from camtranslate.distill.teacher import Teacher


@dataclass(frozen=True)
class Score:
    system: str
    test_set: str
    n: int
    chrf: float
    bleu: float
    batched_phrases_per_s: float | None  # whole set in one translate_batch call
    single_phrases_per_s: float  # one phrase per call, the live-camera worst case

    def to_dict(self) -> dict:
        return asdict(self)


def load_ct2(model_dir: Path | str, threads: int = 1, device: str = "cpu"):
    """A CT2Translator over model_dir (its manifest decides the pair)."""
    from camtranslate.models.manifest import ModelManifest
    from camtranslate.models.registry import InstalledModel
    from camtranslate.translate.ct2 import CT2Translator

    model_dir = Path(model_dir)
    manifest = ModelManifest.load(model_dir)
    return CT2Translator(
        InstalledModel(model_dir, manifest, "extra"),
        device=device,
        compute_type="int8",
        threads=threads,
    )


def corpus_scores(hyps: Sequence[str], refs: Sequence[str]) -> tuple[float, float]:
    import sacrebleu

    chrf = sacrebleu.corpus_chrf(list(hyps), [list(refs)]).score
    bleu = sacrebleu.corpus_bleu(list(hyps), [list(refs)]).score
    return round(chrf, 2), round(bleu, 2)


def score_translator(
    name: str,
    translate_batch,
    test_tsv: Path | str,
    *,
    batched: bool = True,
    single_sample: int = 200,
) -> tuple[Score, list[str]]:
    """chrF/BLEU over the whole set + speed; translate_batch(list[str]) -> list[str]."""
    pairs = read_tsv(test_tsv)
    srcs = [p.source for p in pairs]
    refs = [p.target for p in pairs]
    batched_rate = None
    if batched:
        translate_batch(srcs[:8])  # warm up
        t0 = time.perf_counter()
        hyps = []
        for i in range(0, len(srcs), 64):
            hyps += translate_batch(srcs[i : i + 64])
        batched_rate = round(len(srcs) / (time.perf_counter() - t0), 1)
    else:
        hyps = None
    sample = srcs[:single_sample]
    t0 = time.perf_counter()
    singles = [translate_batch([s])[0] for s in sample]
    single_rate = round(len(sample) / (time.perf_counter() - t0), 1)
    if hyps is None:
        hyps = singles + [translate_batch([s])[0] for s in srcs[single_sample:]]
    chrf, bleu = corpus_scores(hyps, refs)
    return (
        Score(name, Path(test_tsv).name, len(pairs), chrf, bleu, batched_rate, single_rate),
        hyps,
    )


def evaluate(
    model_dir: Path | str,
    test_sets: Sequence[Path | str],
    *,
    threads: int = 1,
    teacher: Teacher | None = None,
    out_dir: Path | None = None,
) -> list[Score]:
    """Score the student (and the teacher, same process, same threads) on each test set."""
    import ctranslate2

    ctranslate2.set_random_seed(1)
    student = load_ct2(model_dir, threads=threads)
    scores: list[Score] = []
    for test in test_sets:
        s, hyps = score_translator(f"student:{student.model_id}", student.translate_batch, test)
        scores.append(s)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"student.{Path(test).name}.hyp").write_text("\n".join(hyps) + "\n", "utf-8")
        if teacher is not None:
            t, thyps = score_translator(teacher.name, teacher.translate, test, batched=False)
            scores.append(t)
            if out_dir is not None:
                (out_dir / f"teacher.{Path(test).name}.hyp").write_text(
                    "\n".join(thyps) + "\n", "utf-8"
                )
    return scores


def format_table(scores: Sequence[Score]) -> str:
    lines = [
        "| system | test set | n | chrF | BLEU | phrases/s batched | phrases/s one by one |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        batched = "—" if s.batched_phrases_per_s is None else f"{s.batched_phrases_per_s:.0f}"
        lines.append(
            f"| {s.system} | {s.test_set} | {s.n} | {s.chrf:.1f} | {s.bleu:.1f} | {batched} | "
            f"{s.single_phrases_per_s:.0f} |"
        )
    return "\n".join(lines)
