"""`camtranslate glossary list | add | remove | path`: the user's terms (translate/glossary.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _path(args: argparse.Namespace) -> Path:
    from camtranslate.paths import glossary_path

    return args.file or glossary_path()


def _out(text: str) -> None:
    from camtranslate.termsafe import for_stream

    print(for_stream(text, sys.stdout))


def _cmd_list(args: argparse.Namespace) -> int:
    from camtranslate.translate.glossary import Glossary

    path = _path(args)
    glossary = Glossary.load(path)
    for problem in glossary.problems:
        print(f"camtranslate: warning: {problem}", file=sys.stderr)
    if args.json:
        rows = [
            {"source": t.source, "translation": t.translation, "target": t.target}
            for t in glossary.terms
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not glossary.terms:
        _out(f'no glossary terms in {path} (add one: camtranslate glossary add "Burger King")')
        return 0
    for t in glossary.terms:
        shown = t.translation or "(kept as written)"
        _out(f"{t.source}\t→ {shown}" + (f"\t[→{t.target} only]" if t.target else ""))
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from camtranslate.translate.glossary import Term, add_term

    term = Term(" ".join(args.term.split()), " ".join((args.as_ or "").split()), args.to or "")
    try:
        replaced = add_term(_path(args), term)
    except ValueError as exc:
        print(f"camtranslate: error: {args.term!r}: {exc}", file=sys.stderr)
        return 2
    what = f"drawn as {term.translation!r}" if term.translation else "kept as written"
    scope = f" when translating into {term.target}" if term.target else ""
    _out(f"{'updated' if replaced else 'added'}: {term.source!r} {what}{scope}")
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    from camtranslate.translate.glossary import remove_term

    removed = remove_term(_path(args), args.term, args.to)
    if not removed:
        print(f"camtranslate: error: {args.term!r} is not in the glossary", file=sys.stderr)
        return 1
    _out(f"removed {args.term!r} ({removed} entr{'y' if removed == 1 else 'ies'})")
    return 0


def _cmd_path(args: argparse.Namespace) -> int:
    print(_path(args))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `glossary` and its actions to the top-level parser."""
    p = subparsers.add_parser(
        "glossary", help="names to keep as written, terms to translate your way"
    )
    p.add_argument("--file", type=Path, help="another glossary file (default: the user's)")
    sub = p.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)
    p_list = sub.add_parser("list", help="the terms")
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(func=_cmd_list)
    p_add = sub.add_parser(
        "add", help='keep a name as written ("Burger King"), or --as a translation'
    )
    p_add.add_argument("term")
    p_add.add_argument("--as", dest="as_", metavar="TRANSLATION", help="draw this instead")
    p_add.add_argument("--to", metavar="LANG", help="only when translating into LANG (e.g. pt)")
    p_add.set_defaults(func=_cmd_add)
    p_rm = sub.add_parser("remove", help="forget a term")
    p_rm.add_argument("term")
    p_rm.add_argument("--to", metavar="LANG", help="only its entry for LANG")
    p_rm.set_defaults(func=_cmd_remove)
    p_path = sub.add_parser("path", help="where the glossary file is (edit it by hand too)")
    p_path.set_defaults(func=_cmd_path)
