"""Command line: the same engine as the GUI, scriptable.

camtranslate                      open the window (same as `camtranslate gui`)
camtranslate image IN... -o OUT   translate photos (files or folders), PNG (+ JSON) out
camtranslate text --from en --to pt < lines.txt
camtranslate models list|install|convert|remove|info
camtranslate distill teach|train|export|evaluate|run
camtranslate bench live --video V --seconds N --json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from camtranslate import __version__
from camtranslate.config import DEFAULT_OCR_ENGINE, PipelineConfig
from camtranslate.errors import CamtranslateError

log = logging.getLogger("camtranslate")

TEXT_BATCH = 64
"""Lines translated per model call by `camtranslate text` when stdin is not a terminal."""


def add_engine_options(
    parser: argparse.ArgumentParser, *, with_ocr: bool, erase_default: str = "inpaint"
) -> None:
    """The options every engine-driving subcommand shares (image, text, bench live)."""
    parser.add_argument(
        "--from",
        dest="source",
        default="auto",
        help="language of the text (ISO 639-1 code or 'auto'; default: auto)",
    )
    parser.add_argument(
        "--to", dest="target", default="pt", help="language to translate into (default: pt)"
    )
    if with_ocr:
        parser.add_argument(
            "--engine", default=DEFAULT_OCR_ENGINE, help="OCR engine: rapid (default) or easy"
        )
        parser.add_argument(
            "--allow-downloads",
            action="store_true",
            help="let EasyOCR download weights for languages beyond English",
        )
        parser.add_argument(
            "--erase",
            choices=("fill", "inpaint"),
            default=erase_default,
            help=f"how the original text is removed (default: {erase_default})",
        )
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda")
    parser.add_argument("--compute-type", default="int8", help="CTranslate2 compute type")
    parser.add_argument(
        "--threads", type=int, default=0, help="translation threads (0: CTranslate2's default)"
    )
    parser.add_argument("--no-cache", action="store_true", help="do not use the phrase cache")
    parser.add_argument(
        "--models-dir",
        action="append",
        type=Path,
        default=[],
        help="an extra folder of models to search first (repeatable)",
    )


def config_from_args(args: argparse.Namespace) -> PipelineConfig:
    """The PipelineConfig that add_engine_options' arguments describe."""
    return PipelineConfig(
        ocr_engine=getattr(args, "engine", DEFAULT_OCR_ENGINE),
        source_lang=args.source,
        target_lang=args.target,
        device=args.device,
        compute_type=args.compute_type,
        threads=args.threads,
        use_cache=not args.no_cache,
        models_dirs=tuple(args.models_dir),
        erase=getattr(args, "erase", "fill"),
        allow_downloads=getattr(args, "allow_downloads", False),
    )


# -- image -------------------------------------------------------------------------------------
def _cmd_image(args: argparse.Namespace) -> int:
    from camtranslate.imaging import iter_image_files, load_image, save_image
    from camtranslate.pipeline import Pipeline

    out_dir: Path = args.output
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _error(f"{out_dir}: cannot create output folder ({exc.strerror})")
        return 2
    files = list(iter_image_files(args.inputs))
    if not files:
        _error("no image files given (or the folders hold none)")
        return 2
    pipeline = Pipeline(config_from_args(args))
    failures = 0
    used_stems: set[str] = set()
    for path in files:
        try:
            t0 = time.perf_counter()
            image = load_image(path)
            decode_ms = (time.perf_counter() - t0) * 1000
            result = pipeline.process(image)
            stem = _unique_stem(path, used_stems)
            png = out_dir / f"{stem}.translated.png"
            save_image(png, result.image)
            if args.json:
                doc = result.to_json(str(path))
                doc["timings_ms"]["decode"] = round(decode_ms, 2)
                _write_json(out_dir / f"{stem}.json", doc)
            print(
                f"{path} -> {png} ({_plural(len(result.regions), 'region')}, "
                f"ocr {result.timings_ms['ocr']:.0f} ms, "
                f"translate {result.timings_ms['translate']:.0f} ms, "
                f"overlay {result.timings_ms['overlay']:.0f} ms)",
                file=sys.stderr,
            )
        except CamtranslateError as exc:
            failures += 1
            _error(f"{path}: {exc}" if str(path) not in str(exc) else str(exc))
            if isinstance(exc, _fatal_errors()):
                break
        except (OSError, ValueError, RuntimeError, MemoryError) as exc:
            failures += 1
            _error(f"{path}: {type(exc).__name__}: {exc}")
            if _debug():
                raise
    pipeline.close()
    return 1 if failures else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _fatal_errors() -> tuple[type[Exception], ...]:
    """Errors that will fail every file alike: stop the batch instead of repeating them."""
    from camtranslate.errors import ModelError

    return (ModelError,)


def _unique_stem(path: Path, used: set[str]) -> str:
    stem, n = path.stem, 1
    while stem in used:
        n += 1
        stem = f"{path.stem}-{n}"
    used.add(stem)
    return stem


def _write_json(path: Path, doc: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# -- text --------------------------------------------------------------------------------------
def _cmd_text(args: argparse.Namespace) -> int:
    from camtranslate.pipeline import Pipeline

    pipeline = Pipeline(config_from_args(args))
    service = pipeline.translation
    stdin: TextIO = sys.stdin
    getattr(stdin, "reconfigure", lambda **_: None)(errors="replace")  # bad bytes: U+FFFD
    batches = _line_batches(stdin, 1 if stdin.isatty() else TEXT_BATCH)
    for lines in batches:
        outcomes = service.translate(lines, args.source, args.target)
        for o in outcomes:
            sys.stdout.write(o.translation.replace("\n", " ") + "\n")
        sys.stdout.flush()
    pipeline.close()
    return 0


def _line_batches(stream: TextIO, size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in stream:
        batch.append(line.rstrip("\r\n"))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- gui ---------------------------------------------------------------------------------------
def _cmd_gui(args: argparse.Namespace) -> int:
    try:
        from camtranslate.gui.app import run_gui
    except ImportError as exc:
        _error(
            f"the desktop window needs PySide6 ({exc}); install with: pip install "
            "'camtranslate[gui]'"
        )
        return 2
    return run_gui([sys.argv[0], *args.qt_args])


# -- wiring ------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="camtranslate",
        description="Offline instant camera translation: OCR + CTranslate2 + in-place overlay.",
    )
    parser.add_argument("--version", action="version", version=f"camtranslate {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="translate the bundled sample offscreen; exit 0 only if it worked",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p_image = sub.add_parser("image", help="translate image files (or folders of them)")
    p_image.add_argument("inputs", nargs="+", type=Path, metavar="IN")
    p_image.add_argument("-o", "--output", type=Path, required=True, metavar="OUTDIR")
    p_image.add_argument("--json", action="store_true", help="also write OUTDIR/<stem>.json")
    add_engine_options(p_image, with_ocr=True)
    p_image.set_defaults(func=_cmd_image)

    p_text = sub.add_parser("text", help="translate stdin line by line to stdout")
    add_engine_options(p_text, with_ocr=False)
    p_text.set_defaults(func=_cmd_text)

    p_gui = sub.add_parser("gui", help="open the desktop window (default)")
    p_gui.add_argument("qt_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p_gui.set_defaults(func=_cmd_gui)

    _register_optional(sub)
    return parser


def _register_optional(sub: argparse._SubParsersAction) -> None:
    """Subcommands owned by other modules; each exposes register(subparsers)."""
    from camtranslate.distill.cli import register as register_distill
    from camtranslate.live.bench import register as register_bench_live
    from camtranslate.models.cli import register as register_models

    register_models(sub)
    register_distill(sub)
    p_bench = sub.add_parser("bench", help="measure the live loop and the engine")
    bench_sub = p_bench.add_subparsers(dest="bench_command", metavar="BENCH", required=True)
    register_bench_live(bench_sub)


def _debug() -> bool:
    return bool(os.environ.get("CAMTRANSLATE_DEBUG"))


def _error(message: str) -> None:
    print(f"camtranslate: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["gui"]:  # the window parses its own options (Qt's and --screenshot ...)
        argv, gui_args = argv[:1], argv[1:]
    else:
        gui_args = []
    args = parser.parse_args(argv)
    if args.command == "gui":
        args.qt_args = gui_args
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.self_test:
        from camtranslate.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        args = parser.parse_args(["gui"])
    try:
        return int(args.func(args) or 0)
    except CamtranslateError as exc:
        _error(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
