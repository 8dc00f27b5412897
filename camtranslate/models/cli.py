"""`camtranslate models list | install | convert | remove | info`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from camtranslate.models.convert import QUANTIZATIONS


def _manager():
    from camtranslate.models.manager import ModelManager

    return ModelManager()


def _out(text: str) -> None:
    """print() for text from manifests (user-supplied): control characters escaped on a tty."""
    from camtranslate.termsafe import for_stream

    print(for_stream(text, sys.stdout))


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _cmd_list(args: argparse.Namespace) -> int:
    mgr = _manager()
    entries = mgr.list()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "family": e.model.manifest.family,
                        "source_langs": list(e.model.manifest.source_langs),
                        "target_langs": list(e.model.manifest.target_langs),
                        "size_bytes": e.size_bytes,
                        "origin": e.model.origin,
                        "path": str(e.model.path),
                    }
                    for e in entries
                ],
                indent=1,
            )
        )
        return 0
    if not entries:
        _out(
            "no translation models installed "
            "(try: camtranslate models install Helsinki-NLP/opus-mt-en-de)"
        )
    else:
        rows = [("ID", "LANGS", "SIZE", "ORIGIN")] + [
            (e.id, e.langs(), _human(e.size_bytes), e.model.origin) for e in entries
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for r in rows:
            _out("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    for problem in mgr.problems():
        _out(f"warning: {problem}")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    info = _manager().info(args.id)
    if args.json:
        _out(json.dumps(info, indent=1, ensure_ascii=False))
        return 0
    for key, value in info.items():
        if key == "lang_codes" and len(value) > 8:
            value = f"{len(value)} codes ({', '.join(list(value)[:8])}, ...)"
        elif isinstance(value, list | tuple):
            value = ", ".join(value) if len(value) <= 20 else f"{len(value)} languages"
        elif key == "size_bytes":
            value = _human(int(value))
        _out(f"{key:>13}: {value}")
    return 0 if info["integrity"] == "ok" else 1


def _cmd_install(args: argparse.Namespace) -> int:
    from camtranslate.models.manager import parse_langs

    mgr = _manager()
    langs = parse_langs(args.langs)
    if args.from_dir:
        model = mgr.install_from_dir(
            args.from_dir,
            model_id=args.id,
            langs=langs,
            quantization=args.quantization,
            force=args.force,
        )
    else:
        if not args.id:
            from camtranslate.errors import ModelError

            raise ModelError("models install: give a Hugging Face id or --from-dir PATH")
        model = mgr.install(
            args.id,
            revision=args.revision,
            langs=langs,
            quantization=args.quantization,
            force=args.force,
            progress=not args.quiet,
        )
    m = model.manifest
    _out(f"installed {m.id} ({m.family}, {len(m.pairs())} pairs) at {model.path}")
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    from camtranslate.models.manager import ModelManager, parse_langs

    manifest = ModelManager.convert(
        args.src,
        args.out,
        quantization=args.quantization,
        model_id=args.id,
        langs=parse_langs(args.langs),
        force=args.force,
    )
    print(f"converted {manifest.id} ({manifest.family}, {manifest.quantization}) → {args.out}")
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    path = _manager().remove(args.id)
    _out(f"removed {args.id} ({path})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `models` and its sub-subcommands to the top-level parser."""
    p = subparsers.add_parser("models", help="list, install, convert and remove translation models")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    p_list = sub.add_parser("list", help="embedded and user-installed models")
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(func=_cmd_list)

    p_info = sub.add_parser("info", help="manifest, size and integrity of one model")
    p_info.add_argument("id")
    p_info.add_argument("--json", action="store_true")
    p_info.set_defaults(func=_cmd_info)

    p_inst = sub.add_parser(
        "install",
        help="download a Hugging Face model (opus-mt, NLLB, M2M100 or CTranslate2) and convert it",
    )
    p_inst.add_argument("id", nargs="?", help="e.g. Helsinki-NLP/opus-mt-en-de")
    p_inst.add_argument(
        "--from-dir", type=Path, metavar="PATH", help="install a local folder instead"
    )
    p_inst.add_argument("--revision", help="hub branch, tag or commit")
    p_inst.add_argument("--langs", metavar="SRC-TGT", help="language pair, if the id does not tell")
    p_inst.add_argument("--quantization", default="int8", choices=QUANTIZATIONS)
    p_inst.add_argument("--force", action="store_true", help="replace an installed model")
    p_inst.add_argument("--quiet", action="store_true", help="no progress bar")
    p_inst.set_defaults(func=_cmd_install)

    p_conv = sub.add_parser("convert", help="convert a local HF checkpoint to CTranslate2")
    p_conv.add_argument("src", type=Path, metavar="SRC_DIR")
    p_conv.add_argument("out", type=Path, metavar="OUT_DIR")
    p_conv.add_argument("--quantization", default="int8", choices=QUANTIZATIONS)
    p_conv.add_argument("--id", help="model id for the manifest (default: SRC_DIR's name)")
    p_conv.add_argument("--langs", metavar="SRC-TGT")
    p_conv.add_argument("--force", action="store_true", help="replace OUT_DIR")
    p_conv.set_defaults(func=_cmd_convert)

    p_rm = sub.add_parser("remove", help="delete a user-installed model")
    p_rm.add_argument("id")
    p_rm.set_defaults(func=_cmd_remove)
