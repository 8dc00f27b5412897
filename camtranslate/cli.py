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
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from camtranslate import __version__
from camtranslate.cli_options import add_engine_options, config_from_args
from camtranslate.errors import CamtranslateError

log = logging.getLogger("camtranslate")

TEXT_BATCH = 64
"""Lines translated per model call by `camtranslate text` when stdin is not a terminal."""


# -- image -------------------------------------------------------------------------------------
def _cmd_image(args: argparse.Namespace) -> int:
    from camtranslate.imaging import load_image, save_image, write_file_atomic
    from camtranslate.pipeline import Pipeline

    out_dir: Path = args.output
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _error(f"{out_dir}: cannot create output folder ({exc.strerror})")
        return 2
    files, failures = _expand_inputs(args.inputs)
    if not files:
        if not failures:
            _error("no image files given")
        return 2
    outputs = _OutputNamer(out_dir, files, overwrite=args.overwrite, json=args.json)
    pipeline = Pipeline(config_from_args(args))
    try:
        for path in files:
            # The per-file boundary: whatever goes wrong with one photo is one line on stderr
            # and the batch goes on (only errors that would fail every file alike stop it).
            try:
                t0 = time.perf_counter()
                image = load_image(path)
                decode_ms = (time.perf_counter() - t0) * 1000
                result = pipeline.process(image)
                png, json_path, note = outputs.next(path)
                save_image(png, result.image)
                if json_path is not None:
                    doc = result.to_json(str(path))
                    doc["timings_ms"]["decode"] = round(decode_ms, 2)
                    data = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
                    write_file_atomic(json_path, data.encode("utf-8"))
                _say(
                    f"{path} -> {png}{note} ({_plural(len(result.regions), 'region')}, "
                    f"ocr {result.timings_ms['ocr']:.0f} ms, "
                    f"translate {result.timings_ms['translate']:.0f} ms, "
                    f"overlay {result.timings_ms['overlay']:.0f} ms)"
                )
            except CamtranslateError as exc:
                failures += 1
                _error(f"{path}: {exc}" if str(path) not in str(exc) else str(exc))
                if isinstance(exc, _fatal_errors()):
                    break
            except Exception as exc:  # a library bug on one odd photo must not end the batch
                failures += 1
                _error(f"{path}: {type(exc).__name__}: {exc}".split("\n")[0])
                if _debug():
                    raise
    finally:
        pipeline.close()
    return 1 if failures else 0


def _expand_inputs(inputs: Sequence[Path]) -> tuple[list[Path], int]:
    """(files to translate, inputs that failed): a folder without images is one error line.

    Files reached twice (the same photo named twice, or through a folder link) are kept once.
    """
    from camtranslate.imaging import iter_image_files

    seen: set[tuple[int, int]] = set()
    files: list[Path] = []
    failures = 0
    for item in inputs:
        found = list(iter_image_files([item], seen=seen))
        if item.is_dir():
            if not found and not _has_images(item):
                failures += 1
                _error(f"{item}: is a folder with no image files in it")
            files.extend(found)
            continue
        ident = _identity(item)
        if ident is not None and ident in seen:
            continue
        if ident is not None:
            seen.add(ident)
        files.append(item)
    return files, failures


def _has_images(folder: Path) -> bool:
    """Whether a folder holds images at all (those already met through another input count)."""
    from camtranslate.imaging import iter_image_files

    return next(iter(iter_image_files([folder])), None) is not None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class _OutputNamer:
    """Output names that never overwrite an input, nor (without --overwrite) an existing file.

    `sign.jpg` → `sign.translated.png` (+ `sign.json`); when one of those exists, is an input of
    this batch or was written earlier in the batch, the next free stem is used: `sign-2...`,
    `sign-3...`, and the message says which file was kept.
    """

    def __init__(self, out_dir: Path, inputs: Sequence[Path], *, overwrite: bool, json: bool):
        self.out_dir = out_dir
        self.overwrite = overwrite
        self.json = json
        self.used: set[str] = set()
        self.inputs = {_identity(p) for p in inputs} - {None}
        self.input_paths = {os.path.abspath(p) for p in inputs}

    def _is_input(self, path: Path) -> bool:
        return _identity(path) in self.inputs or os.path.abspath(path) in self.input_paths

    def next(self, source: Path) -> tuple[Path, Path | None, str]:
        """(png path, json path or None, note for the message) for one input."""
        kept: list[str] = []
        n = 1
        while True:
            stem = source.stem if n == 1 else f"{source.stem}-{n}"
            n += 1
            if stem in self.used:
                continue
            png = self.out_dir / f"{stem}.translated.png"
            js = self.out_dir / f"{stem}.json" if self.json else None
            wanted = [p for p in (png, js) if p is not None]
            inputs = [p for p in wanted if self._is_input(p)]
            existing = [p for p in wanted if p.exists() and p not in inputs]
            kept += [f"{p} is an input" for p in inputs]
            if not self.overwrite:
                kept += [f"{p} exists (--overwrite replaces it)" for p in existing]
            if inputs or (existing and not self.overwrite):
                continue
            self.used.add(stem)
            note = f" (not overwritten: {'; '.join(kept)})" if kept else ""
            return png, js, note


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _fatal_errors() -> tuple[type[Exception], ...]:
    """Errors that will fail every file alike: stop the batch instead of repeating them."""
    from camtranslate.errors import ModelError

    return (ModelError,)


# -- text --------------------------------------------------------------------------------------
MAX_LINE_CHARS = 100_000
"""Longer stdin lines are cut here (and told on stderr): time and memory stay bounded."""
PIECE_CHARS = 400
"""Long lines are translated in pieces of at most this many characters, cut at sentence ends
(then spaces): one piece fits the model's input window, so nothing is invented to fill it."""


def _cmd_text(args: argparse.Namespace) -> int:
    from camtranslate.pipeline import Pipeline
    from camtranslate.termsafe import for_stream

    pipeline = Pipeline(config_from_args(args))
    service = pipeline.translation
    stdin: TextIO = sys.stdin
    getattr(stdin, "reconfigure", lambda **_: None)(errors="replace")  # bad bytes: U+FFFD
    batches = _line_batches(_bounded_lines(stdin), 1 if stdin.isatty() else TEXT_BATCH)
    told = False
    try:
        for lines in batches:
            pieces = [split_long_text(line) for line in lines]
            if not told and any(len(p) > 1 for p in pieces):
                told = True
                _say(
                    f"camtranslate: note: lines over {PIECE_CHARS} characters are translated "
                    "in pieces cut at sentence ends"
                )
            flat = [piece for group in pieces for piece in group]
            translated: list[str] = []
            for i in range(0, len(flat), TEXT_BATCH):
                outcomes = service.translate(flat[i : i + TEXT_BATCH], args.source, args.target)
                translated.extend(o.translation.replace("\n", " ") for o in outcomes)
            k = 0
            for group in pieces:
                line = " ".join(t for t in translated[k : k + len(group)] if t)
                k += len(group)
                sys.stdout.write(for_stream(line, sys.stdout) + "\n")
            sys.stdout.flush()
    finally:
        pipeline.close()
    return 0


def _bounded_lines(stream: TextIO, limit: int = MAX_LINE_CHARS) -> Iterator[str]:
    """Lines without their end, each at most `limit` characters (memory stays bounded too).

    The rest of a longer line is read and dropped in `limit`-sized chunks, and stderr says so.
    """
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            total = len(line)
            while True:
                rest = stream.readline(limit)
                total += len(rest.rstrip("\r\n"))
                if not rest or rest.endswith("\n"):
                    break
            _say(
                f"camtranslate: note: line {number} has {total:,} characters; only the first "
                f"{limit:,} are translated"
            )
            line = line[:limit]
        yield line.rstrip("\r\n")


_SENTENCE_END = re.compile(r"(?<=[.!?;:。！？；])\s+")


def split_long_text(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """`text` in pieces of at most `limit` characters: whole sentences packed together, a longer
    sentence cut at spaces, a longer word cut hard. Short text is returned as it is."""
    if len(text) <= limit:
        return [text]
    units: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", limit // 2, limit + 1)
            cut = cut if cut > 0 else limit
            units.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if sentence:
            units.append(sentence)
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1]) + 1 + len(unit) <= limit:
            pieces[-1] = f"{pieces[-1]} {unit}"
        else:
            pieces.append(unit)
    return pieces


def _line_batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
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
    p_image.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing outputs in OUTDIR (default: keep them and write <stem>-2...); "
        "an input is never overwritten",
    )
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
    from camtranslate.bench.live import register as register_bench_live
    from camtranslate.distill.cli import register as register_distill
    from camtranslate.models.cli import register as register_models
    from camtranslate.translate.glossary_cli import register as register_glossary

    register_models(sub)
    register_glossary(sub)
    register_distill(sub)
    p_bench = sub.add_parser("bench", help="measure the live loop and the engine")
    bench_sub = p_bench.add_subparsers(dest="bench_command", metavar="BENCH", required=True)
    register_bench_live(bench_sub)


def _debug() -> bool:
    return bool(os.environ.get("CAMTRANSLATE_DEBUG"))


def _error(message: str) -> None:
    _say(f"camtranslate: error: {message}")


def _say(message: str) -> None:
    """One line on stderr; control characters in file names escaped on a terminal."""
    from camtranslate.termsafe import for_stream

    print(for_stream(message, sys.stderr), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # The window parses its own options (Qt's, --screenshot ...): everything after `gui` goes
    # to it, also after top-level options (`camtranslate -v gui VIDEO`).
    first = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if first is not None and argv[first] == "gui":
        argv, gui_args = argv[: first + 1], argv[first + 1 :]
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
