"""The engine options every engine-driving subcommand shares (image, text, bench live).

Its own module so that a subcommand module (the ``bench live`` harness) can use them without
importing ``camtranslate.cli``, which imports the subcommands (no import circle; the contract
"Nothing below the CLI imports camtranslate.cli" in pyproject.toml).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from camtranslate.config import DEFAULT_OCR_ENGINE, PipelineConfig


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
        "--threads",
        type=thread_count,
        default=0,
        help=f"translation threads, 0 to {max_threads()} (0: CTranslate2's default)",
    )
    parser.add_argument("--no-cache", action="store_true", help="do not use the phrase cache")
    parser.add_argument(
        "--models-dir",
        action="append",
        type=Path,
        default=[],
        help="an extra folder of models to search first (repeatable)",
    )


def max_threads() -> int:
    """More translation threads than this only adds contention (and CTranslate2 crashes when
    it cannot create them all: `--threads 100000` was a segfault)."""
    return max(16, 4 * (os.cpu_count() or 1))


def thread_count(value: str) -> int:
    """argparse type for --threads: an integer from 0 to max_threads(), else a clear error."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    limit = max_threads()
    if not 0 <= n <= limit:
        raise argparse.ArgumentTypeError(
            f"{n} is out of range: use 0 (CTranslate2's default) to {limit} "
            f"(4 per CPU, {os.cpu_count() or 1} CPUs here)"
        )
    return n


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
