"""The user's glossary: names to keep as written and terms to translate their way.

A store front reads "BURGER KING" and the model draws "BURGER REI"; "MANGO" the shop becomes
"MANGA" the fruit. No model can know which "Mango" the camera sees, but the user does, once:
`camtranslate glossary add "Burger King"` keeps it as written from then on, and
`camtranslate glossary add SALE --as LIQUIDAÇÃO --to pt` says how a term reads in a language.

The glossary is a plain UTF-8 TSV file the user may also edit by hand (`source<TAB>translation
<TAB>target`; "#" comments; an empty translation keeps the term as written; an empty target
applies to every language). Terms match case-blind on whole words, longest first; a term written
in ALL CAPS on the sign gets its translation in caps. Matched spans are copied through instead of
translated (translate/segments.py), so the phrase cache never holds glossary output and an edit
takes effect at once (`GlossaryFile` re-reads the file when it changes).

Nothing the user wrote is lost: adding or removing a term rewrites only that term's lines,
keeps comments and lines it cannot read, replaces the file atomically, and refuses to touch a
file that is not UTF-8 text.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from camtranslate.errors import CamtranslateError

log = logging.getLogger(__name__)

HEADER = (
    "# camtranslate glossary: source<TAB>translation<TAB>target language\n"
    "# An empty translation keeps the source as written; an empty target means every language.\n"
)
MAX_BYTES = 1 << 20
"""A glossary larger than this is not read (it would be a wrong file, not a word list)."""


class GlossaryError(CamtranslateError):
    """The glossary file cannot be read or written; the message says what to do."""


@dataclass(frozen=True)
class Term:
    source: str
    translation: str = ""
    """"" keeps the source as written on the sign."""
    target: str = ""
    """ISO 639-1 code this translation is for; "" for every target language."""

    def applies_to(self, target: str) -> bool:
        return not self.target or self.target == target

    def line(self) -> str:
        return f"{self.source}\t{self.translation}\t{self.target}\n"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    """What to draw instead of the matched text."""


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _clean(field: str) -> str:
    return " ".join(field.split())


def parse_line(line: str) -> Term | None:
    """The term on one line, None for comments and blank lines; ValueError when malformed."""
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) > 3:
        raise ValueError("more than three tab-separated fields")
    source = _clean(fields[0])
    translation = _clean(fields[1]) if len(fields) > 1 else ""
    target = _clean(fields[2]).lower() if len(fields) > 2 else ""
    if sum(c.isalnum() for c in source) < 2:
        raise ValueError("the term needs at least two letters or digits")
    if target and not re.fullmatch(r"[a-z]{2,3}", target):
        raise ValueError(f"target {target!r} is not a language code such as pt or en")
    return Term(source, translation, target)


def _caps(text: str) -> bool:
    return any(c.isalpha() for c in text) and text.upper() == text


def _cased(translation: str, seen: str) -> str:
    """The user's translation in the case of the text on the sign: ALL CAPS on a caps sign; a
    translation the user typed in caps follows the sign's case ("Big Sale" → "Big Liquidação");
    any other spelling ("McDonald's") is kept as the user wrote it."""
    if _caps(seen):
        return translation.upper()
    if _caps(translation):
        if seen == seen.lower():
            return translation.lower()
        return translation[:1] + translation[1:].lower()
    return translation


class Glossary:
    """Terms compiled into one case-blind whole-word pattern per target language."""

    def __init__(self, terms: tuple[Term, ...] = (), problems: tuple[str, ...] = ()) -> None:
        self.terms = terms
        self.problems = problems
        """One line per line of the file that was skipped, for the user to fix."""
        self._patterns: dict[str, tuple[re.Pattern[str] | None, dict[str, Term]]] = {}

    @classmethod
    def parse(cls, text: str, name: str = "glossary") -> Glossary:
        terms: list[Term] = []
        problems: list[str] = []
        for number, line in enumerate(text.splitlines(), 1):
            try:
                term = parse_line(line)
            except ValueError as exc:
                problems.append(f"{name} line {number}: {exc}; skipped")
                continue
            if term is not None:
                terms.append(term)
        return cls(tuple(terms), tuple(problems))

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """The glossary in `path` (empty when there is none); unreadable lines are skipped and
        listed in `problems`; a file that is not UTF-8 text raises GlossaryError."""
        return cls.parse(read_text(path), str(path)) if path.exists() else cls()

    def _compiled(self, target: str) -> tuple[re.Pattern[str] | None, dict[str, Term]]:
        cached = self._patterns.get(target)
        if cached is None:
            by_key: dict[str, Term] = {}
            for term in self.terms:  # a target-specific entry beats an every-language one
                if term.applies_to(target):
                    key = _key(term.source)
                    if key not in by_key or (term.target and not by_key[key].target):
                        by_key[key] = term
            words = sorted(by_key, key=len, reverse=True)
            pattern = None
            if words:
                body = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
                pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
            cached = self._patterns[target] = (pattern, by_key)
        return cached

    def current(self) -> Glossary:
        return self

    def spans(self, text: str, target: str) -> list[Span]:
        """Where glossary terms occur in `text`, and what to draw there."""
        pattern, by_key = self._compiled(target)
        if pattern is None:
            return []
        out = []
        for m in pattern.finditer(text):
            term = by_key[_key(m.group())]
            shown = _cased(term.translation, m.group()) if term.translation else m.group()
            out.append(Span(m.start(), m.end(), shown))
        return out


class GlossaryFile:
    """A glossary file, re-read when it changes (one stat() per `current()` call, i.e. per
    translated frame or photo), so an edit made while the window is open applies at once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._glossary = Glossary()

    def current(self) -> Glossary:
        with self._lock:
            self._reload()
            return self._glossary

    def _reload(self) -> None:
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            self._stamp, self._glossary = None, Glossary()
            return
        except OSError as exc:
            log.warning("glossary %s: %s", self.path, exc)
            return
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._glossary = Glossary.load(self.path)
        except GlossaryError as exc:
            log.warning("%s", exc)
            self._glossary = Glossary()
        for problem in self._glossary.problems:
            log.warning("%s", problem)

    def spans(self, text: str, target: str) -> list[Span]:
        return self.current().spans(text, target)


# -- editing the file ---------------------------------------------------------------------------
def read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise GlossaryError(f"{path}: larger than {MAX_BYTES >> 20} MiB, not a glossary")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GlossaryError(
            f"{path}: not UTF-8 text; move it away or fix it, camtranslate will not overwrite it"
        ) from None
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read the glossary ({exc.strerror or exc})") from None


def _write_atomic(path: Path, text: str) -> None:
    """Replace the file whole (imaging.write_file_atomic: temp file, fsync, rename; a failed
    save is one CamtranslateError line and leaves the old file as it was)."""
    from camtranslate.imaging import write_file_atomic  # Pillow only when the user edits

    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(path, text.encode("utf-8"))


def _without(lines: list[str], source: str, target: str | None) -> tuple[list[str], int]:
    """`lines` minus the terms for `source` (and `target`, unless None: every target)."""
    kept, removed = [], 0
    for line in lines:
        try:
            term = parse_line(line)
        except ValueError:
            term = None  # a line the user must fix: kept as it is
        if (
            term is not None
            and _key(term.source) == _key(source)
            and (target is None or term.target == target)
        ):
            removed += 1
            continue
        kept.append(line if line.endswith("\n") else line + "\n")
    return kept, removed


def add_term(path: Path, term: Term) -> bool:
    """Add `term` (replacing the entry for the same source and target); True if it replaced."""
    parse_line(term.line())  # raises ValueError for a term the file could not hold
    text = read_text(path) if path.exists() else HEADER
    lines, removed = _without(text.splitlines(keepends=True), term.source, term.target)
    _write_atomic(path, "".join(lines) + term.line())
    return removed > 0


def remove_term(path: Path, source: str, target: str | None = None) -> int:
    """Remove the entries for `source` (only for `target` when given); how many were removed."""
    if not path.exists():
        return 0
    lines, removed = _without(read_text(path).splitlines(keepends=True), source, target)
    if removed:
        _write_atomic(path, "".join(lines))
    return removed
