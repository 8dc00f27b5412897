"""Sign text and language honesty, measured (issue 9): what the product draws on sign-like input.

  python benchmarks/bench_signs.py                 # every section, embedded models + probes
  python benchmarks/bench_signs.py invented variants   # some sections
  python benchmarks/bench_signs.py --no-probes     # embedded models only

Sections (each prints a Markdown table):
- invented: translations with a bracket/quote note, digits the source lacked or lost digits, on
  the 351 distinct legible ICDAR 2015 words (real sign photos) + hand-written sign phrases:
  old handling (no symbol split, no caps variants), raw model output now, after the guard; and
  how often the source is kept.
- confidence: mean token log-probability on Tatoeba (good translations) vs nonsense (random
  letter strings, sentences cut mid-word, OCR-like character noise): per threshold, how many
  good translations would be dropped and how much nonsense would be kept as is.
- variants: short sign text. A hand-written sign phrasebook (benchmarks/data/signs-*.tsv, exact
  match with an accepted translation) and Tatoeba sentences of at most 3 words written as CAPS,
  all lower and as written (chrF, case-blind): raw model, caps fix only, the product now.
- langid: auto-detect accuracy per language (Tatoeba .short sources, ALL-CAPS sign words) and
  wrong-pair routing (text sent through a model of another language), old vs new settings.
- frames: what auto-detect (→pt) does with whole frames as the product reads them: the texts
  of `camtranslate image PHOTOS -o DIR --json` (`--frames DIR`, default build/icdar-frames,
  made from the ICDAR photos when missing): translated, kept, "language unclear", or named as
  a language without a model (with the texts so named).

Model sets: the embedded `models/` and, when ../shared/graft is there, the grafted probes (given
a manifest in a temp folder, as the final models will have): thresholds must hold for both.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
TATOEBA = SHARED / "eval" / "tatoeba"
ICDAR = SHARED / "eval" / "icdar2015_dev" / "gt.json"
GRAFT = SHARED / "graft"

SIGNS = {
    "en": [
        "Men's Wear",
        "STARBUCKS",
        "Farn",
        "Tel. 555-0123",
        "Gate B12",
        "NO PARKING 8AM-6PM",
        "Room 101",
        "SALE 50% OFF",
        "iPhone 15 Pro",
        "#BLACK LIVES MATTER",
        "HOTELS",
        "FOOD",
        "DIRECTORY",
        "EXIT",
        "Coca-Cola",
        "ing station",
        "Level 3",
        "Joint pain",
        "WiFi",
        "CAUTION WET FLOOR",
        "Toilets",
        "Mind the gap",
        "EMERGENCY EXIT",
        "Open 24 hours",
        "Platform 3",
        "LOREM IPSUM",
        "Welcome to",
        "Lost and found",
        "FIRE EXIT",
        "B2 Car Park",
    ],
    "pt": [
        "PROIBIDO FUMAR",
        "FARMÁCIA",
        "SAÍDA",
        "Saída de emergência",
        "Aberto 24 horas",
        "Bem-vindo",
        "Puxe",
        "Empurre",
        "RUA AUGUSTA",
        "Padaria",
        "Cuidado piso molhado",
        "Linha 3",
        "Farmácia Popular",
        "LIQUIDAÇÃO 50%",
        "ção de",
        "Plataforma 2",
        "#VIDAS NEGRAS",
        "Sala 101",
        "Telefone 555-0123",
        "Elevador",
        "PROMOÇÃO",
        "Portão B12",
    ],
}
CAPS_WORDS = {
    "en": "HOTELS FOOD DIRECTORY EXIT ENTRANCE TOILETS PHARMACY PARKING SALE OPEN CLOSED PUSH "
    "PULL INFORMATION TICKETS BAKERY WELCOME ELEVATOR STAIRS SHOES COFFEE BOOKS|NO SMOKING|"
    "EMERGENCY EXIT|STAFF ONLY|KEEP OUT|WET FLOOR|LOST AND FOUND|FIRE EXIT",
    "pt": "FARMÁCIA SAÍDA ABERTO FECHADO PUXE EMPURRE PADARIA BANHEIRO LIQUIDAÇÃO ESTACIONAMENTO "
    "CUIDADO PERIGO PROMOÇÃO ELEVADOR ESCADA SUPERMERCADO LIVRARIA PAPELARIA SAPATARIA|"
    "PROIBIDO FUMAR|SAÍDA DE EMERGÊNCIA|BEM-VINDO|RUA AUGUSTA",
    "de": "AUSGANG EINGANG NOTAUSGANG GEÖFFNET GESCHLOSSEN APOTHEKE BÄCKEREI ZIEHEN DRÜCKEN|"
    "RAUCHEN VERBOTEN",
    "fr": "SORTIE ENTRÉE FERMÉ OUVERT PHARMACIE BOULANGERIE TIREZ POUSSEZ|DÉFENSE DE FUMER|"
    "SORTIE DE SECOURS",
    "ms": "KELUAR MASUK TANDAS TUTUP BUKA KEDAI FARMASI TOLAK TARIK|DILARANG MEROKOK|"
    "SELAMAT DATANG",
}
SHORT_SETS = {"en": "en-pt", "pt": "pt-en", "de": "de-en", "fr": "fr-en", "es": "es-en"}
SHORT_SETS["it"] = "it-en"


def caps_words(lang: str) -> list[str]:
    first, *phrases = CAPS_WORDS[lang].split("|")
    return first.split() + phrases


def tsv(name: str) -> tuple[list[str], list[str]]:
    rows = [ln.split("\t") for ln in (TATOEBA / f"{name}.tsv").read_text("utf-8").splitlines()]
    return [r[0] for r in rows if r[0]], [r[1] for r in rows if r[0]]


def icdar_words() -> list[str]:
    data = json.loads(ICDAR.read_text("utf-8"))
    words = [b["text"] for im in data for b in im["boxes"] if b["text"] != "###"]
    return list(dict.fromkeys(words))


# -- model sets ---------------------------------------------------------------------------------
def prepare_probes(root: Path) -> Path | None:
    """Copies of ../shared/graft's probe models with a manifest (what the final ones will be)."""
    from camtranslate.models.manifest import ModelManifest

    for pair in ("en-pt", "pt-en"):
        src = GRAFT / f"probe-{pair}-ct2-int8"
        if not src.is_dir():
            return None
        dst = root / pair
        shutil.copytree(src, dst)
        for f in dst.iterdir():
            f.chmod(0o644)
        config = json.loads((dst / "config.json").read_text())
        config["add_source_eos"] = False  # camtranslate appends </s> itself
        (dst / "config.json").write_text(json.dumps(config, indent=2))
        s, t = pair.split("-")
        spm = "sentencepiece.spm"
        ModelManifest(
            id=f"graft-probe-{pair}",
            family="marian",
            source_langs=(s,),
            target_langs=(t,),
            tokenizer={"source": spm, "target": spm},
        ).with_files(dst).save(dst)
    return root


def model_sets(use_probes: bool, tmp: Path) -> dict[str, Path]:
    sets = {"embedded": REPO / "models"}
    if use_probes:
        probes = prepare_probes(tmp)
        if probes is not None:
            sets["graft probe"] = probes
    return sets


def translator(root: Path, pair: str, **options: object):
    from camtranslate.models.registry import ModelRegistry
    from camtranslate.translate.ct2 import CT2Translator, DecodeOptions

    s, t = pair.split("-")
    model = ModelRegistry([root]).find(s, t)
    assert model is not None, f"no {pair} model in {root}"
    return CT2Translator(model, device="cpu", threads=1, options=DecodeOptions(**options))


# -- sections -----------------------------------------------------------------------------------
def invented_section(sets: dict[str, Path]) -> None:
    from camtranslate.translate.guard import GuardedTranslator, invented

    print("\n### Invented text on sign inputs\n")
    print(
        "| models | pair | inputs | invented, old handling | invented, raw model now | "
        "invented after the guard | source kept (reason) |"
    )
    print("|---|---|---|---|---|---|---|")
    inputs = {"en-pt": icdar_words() + SIGNS["en"], "pt-en": SIGNS["pt"]}
    for name, root in sets.items():
        for pair, texts in inputs.items():
            old = translator(root, pair, keep_affixes=False, caps_variant_words=0)
            now = translator(root, pair)
            n_old = sum(
                invented(s, t) for s, t in zip(texts, old.translate_batch(texts), strict=True)
            )
            raw = now.translate_scored(texts)
            n_raw = sum(invented(s, r.text) for s, r in zip(texts, raw, strict=True))
            verdicts = GuardedTranslator(now).verdicts(texts)
            n_after = sum(invented(s, v.text) for s, v in zip(texts, verdicts, strict=True))
            kept = [v.reason.split(" (")[0] for v in verdicts if v.kept]
            why = ", ".join(f"{r} {kept.count(r)}" for r in sorted(set(kept))) or "-"
            print(
                f"| {name} | {pair} | {len(texts)} | {n_old} | {n_raw} | {n_after} | "
                f"{len(kept)} ({why}) |"
            )


def nonsense(sources: Sequence[str], n: int, seed: int = 7) -> dict[str, list[str]]:
    """Three kinds of input a sign reader must not turn into confident-looking text."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    rand = []
    for _ in range(n):
        words = [
            "".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
            for _ in range(rng.randint(1, 3))
        ]
        text = " ".join(words)
        rand.append(text.upper() if rng.random() < 0.5 else text)
    cut = []
    for s in rng.sample(list(sources), n):
        if len(s) < 12:
            continue
        a = rng.randint(1, len(s) // 3)
        b = rng.randint(2 * len(s) // 3, len(s) - 1)
        cut.append(s[a:b].strip())
    confusions = {"o": "0", "l": "1", "e": "c", "m": "rn", "a": "o", "i": "l", "n": "h"}
    noisy = []
    for s in rng.sample(list(sources), n):
        noisy.append(
            "".join(
                confusions.get(c, c) if rng.random() < 0.25 else c for c in s if rng.random() > 0.05
            )
        )
    return {"random letters": rand, "cut mid-word": cut, "OCR noise 25%": noisy}


def confidence_section(sets: dict[str, Path], thresholds: Sequence[float]) -> None:
    import sacrebleu

    from camtranslate.translate.guard import check

    print("\n### Confidence floor: mean token log-probability\n")
    header = " | ".join(f"< {t}" for t in thresholds)
    print(f"| models | pair | input | n | {header} |")
    print("|---|---|---|---|" + "---|" * len(thresholds))
    for name, root in sets.items():
        for pair in ("en-pt", "pt-en"):
            tr = translator(root, pair)
            src, ref = tsv(pair)
            s_src, s_ref = tsv(f"{pair}.short")
            good = tr.translate_scored(src + s_src)
            refs = ref + s_ref
            chrf = [
                sacrebleu.sentence_chrf(g.text, [r]).score for g, r in zip(good, refs, strict=True)
            ]
            scores = [g.score or 0.0 for g in good]
            cells = []
            for t in thresholds:
                dropped = [c for s, c in zip(scores, chrf, strict=True) if s < t]
                mean = sum(dropped) / len(dropped) if dropped else 0.0
                cells.append(f"{100 * len(dropped) / len(scores):.1f}% (chrF {mean:.0f})")
            total = sum(chrf) / len(chrf)
            print(
                f"| {name} | {pair} | Tatoeba full+short: dropped (their mean chrF; all "
                f"{total:.0f}) | {len(scores)} | " + " | ".join(cells) + " |"
            )
            for kind, texts in nonsense(src, 200).items():
                out = tr.translate_scored(texts)
                cells = []
                for t in thresholds:
                    low = sum((o.score or 0.0) < t for o in out)
                    changed = sum(
                        check(x, o.text, o.score, min_score=t).text != x
                        for x, o in zip(texts, out, strict=True)
                    )
                    cells.append(f"{100 * low / len(out):.0f}% kept, {changed} drawn")
                print(
                    f"| {name} | {pair} | {kind}: kept by the floor, drawn changed after the "
                    f"guard | {len(texts)} | " + " | ".join(cells) + " |"
                )


PHRASEBOOK = REPO / "benchmarks" / "data"


def phrasebook(pair: str) -> list[tuple[str, set[str]]]:
    """(sign, accepted translations) from the hand-written benchmarks/data/signs-PAIR.tsv."""
    rows = []
    for line in (PHRASEBOOK / f"signs-{pair}.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            source, accepted = line.split("\t")
            rows.append((source, {blind(a) for a in accepted.split(" | ")}))
    return rows


def blind(text: str) -> str:
    """Case- and punctuation-blind form: signs are compared as a reader reads them."""
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


def variants_section(sets: dict[str, Path]) -> None:
    """Short sign text: the sign phrasebook (exact match, any accepted translation, after the
    guard) and Tatoeba sentences of at most 3 words written as signs are (chrF, case-blind)."""
    import sacrebleu

    from camtranslate.translate.guard import GuardedTranslator

    settings = {
        "raw model": {"fix_all_caps": False},
        "caps → sentence case only": {"caps_variant_words": 0},
        "now: + lower-cased and full-stop variants, no glued article": {},
    }
    print("\n### Short sign text (bench_signs.py variants)\n")
    print("Phrasebook: % translated as an accepted translation (after the guard). Tatoeba ≤ 3")
    print("words, final punctuation off, chrF case-blind: CAPS / all lower / as written.\n")
    print("| models | pair | handling | phrasebook | Tatoeba CAPS | lower | as written |")
    print("|---|---|---|---|---|---|---|")
    for name, root in sets.items():
        for pair in ("en-pt", "pt-en"):
            book = phrasebook(pair)
            src, ref = tsv(f"{pair}.short")
            short = [
                (s.rstrip(".!?"), r) for s, r in zip(src, ref, strict=True) if len(s.split()) <= 3
            ]
            forms = {
                "CAPS": [s.upper() for s, _ in short],
                "lower": [s.lower() for s, _ in short],
                "as written": [s for s, _ in short],
            }
            refs = [[blind(r) for _, r in short]]
            for label, options in settings.items():
                tr = GuardedTranslator(translator(root, pair, **options))
                got = [v.text for v in tr.verdicts([s for s, _ in book])]
                hits = sum(blind(g) in ok for g, (_, ok) in zip(got, book, strict=True))
                cells = [f"{100 * hits / len(book):.1f} % of {len(book)}"]
                for texts in forms.values():
                    hyps = [blind(v.text) for v in tr.verdicts(texts)]
                    cells.append(f"{sacrebleu.corpus_chrf(hyps, refs).score:.1f}")
                print(f"| {name} | {pair} | {label} | " + " | ".join(cells) + " |")


def langid_section() -> None:
    from camtranslate.models.registry import ModelRegistry
    from camtranslate.translate import langdetect
    from camtranslate.translate.langdetect import LanguageDetector
    from camtranslate.translate.service import PREFER_BOOST, TranslationService

    service = TranslationService(ModelRegistry([REPO / "models"]))
    served = {lang for pair in service.registry.pairs() for lang in pair}
    old_latin = tuple(c for c in langdetect.COMMON_LATIN if c != "ms")
    settings: dict[str, tuple[LanguageDetector, float]] = {
        "old: ×3 prior on all text, weak foreign → translatable (0.5), no ms": (
            LanguageDetector(served, extra=old_latin, weak_foreign=0.5, prior_letters=0),
            3.0,
        ),
        f"new: ×{PREFER_BOOST:g} prior on ≤ {langdetect.PRIOR_LETTERS} letters, no override, +ms": (
            LanguageDetector(served),
            PREFER_BOOST,
        ),
    }
    inputs: dict[str, tuple[str, list[str]]] = {}
    for lang, name in SHORT_SETS.items():
        inputs[f"{lang} .short"] = (lang, tsv(f"{name}.short")[0])
    for lang in CAPS_WORDS:
        inputs[f"{lang} CAPS signs"] = (lang, caps_words(lang))

    print("\n### Auto-detect with en→pt and pt→en installed (one text at a time, no frame)\n")
    print("Cell: detected right % / texts routed through a model of another language.\n")
    names = " | ".join(f"{k} ({len(v[1])})" for k, v in inputs.items())
    print(f"| settings | target | {names} | wrong-pair total |")
    print("|---|---|" + "---|" * (len(inputs) + 1))
    for label, (det, boost) in settings.items():
        for target in ("pt", "en"):
            prefer = [s for s, t in service.language_pairs() if t == target]
            cells, wrong_total = [], 0
            for lang, texts in inputs.values():
                got = [det.detect_one(x, prefer, boost).lang for x in texts]
                right = sum(g == lang for g in got)
                wrong = sum(
                    g not in (lang, target) and service.route(g, target) is not None for g in got
                )
                wrong_total += wrong
                cells.append(f"{100 * right / len(texts):.0f} / {wrong}")
            print(f"| {label} | →{target} | " + " | ".join(cells) + f" | {wrong_total} |")
    misses = {
        lang: [w for w in caps_words(lang) if LanguageDetector(served).detect_one(
            w, [lang], PREFER_BOOST).lang != lang]
        for lang in ("en", "pt")
    }  # fmt: skip
    print(f"\nCAPS sign words still missed with their language preferred: {misses}")
    unserved_names(service, LanguageDetector(served), inputs)


def unserved_names(service, det, inputs: dict[str, tuple[str, list[str]]]) -> None:
    """How often "xx: no model" names the right language, against how often it names one for
    OCR junk, at each confidence floor below which the product says "language unclear"."""
    from camtranslate.translate.service import PREFER_BOOST, SURE_LANGUAGE

    prefer = [s for s, t in service.language_pairs() if t == "pt"]
    pt_en = tsv("pt-en")[0] + tsv("en-pt")[0]
    junk = {k: v for k, v in nonsense(pt_en, 300).items() if k != "cut mid-word"}
    sets = {k: v for k, v in inputs.items() if v[0] not in ("en", "pt")}
    floors = sorted({0.0, 0.3, SURE_LANGUAGE, 0.5, 0.6})
    print('\n### Text with no model (→pt): named as a language, or "language unclear"\n')
    print(f"Product floor: {SURE_LANGUAGE:g}. Cell: named right % / named wrong % (rest unclear).")
    print("Junk columns: % named as a language with no model (the misleading report).\n")
    cols = [f"{k} ({len(v[1])})" for k, v in sets.items()]
    cols += [f"{k} ({len(v)})" for k, v in junk.items()]
    print("| floor | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    detected = {k: [det.detect_one(x, prefer, PREFER_BOOST) for x in v[1]] for k, v in sets.items()}
    junk_det = {k: [det.detect_one(x, prefer, PREFER_BOOST) for x in v] for k, v in junk.items()}
    for floor in floors:
        cells = []
        for k, (lang, _texts) in sets.items():
            dets = detected[k]
            named = [
                d for d in dets if service.route(d.lang, "pt") is None and d.confidence >= floor
            ]
            right = sum(d.lang == lang for d in named)
            wrong = len(named) - right
            cells.append(f"{100 * right / len(dets):.0f} / {100 * wrong / len(dets):.0f}")
        for dets in junk_det.values():
            named = [
                d
                for d in dets
                if d.lang != "unknown"
                and service.route(d.lang, "pt") is None
                and d.confidence >= floor
            ]
            cells.append(f"{100 * len(named) / len(dets):.0f}")
        print(f"| {floor:g} | " + " | ".join(cells) + " |")


def frames_section(folder: Path) -> None:
    import subprocess
    from collections import Counter

    from camtranslate.models.registry import ModelRegistry
    from camtranslate.translate.langdetect import UNKNOWN
    from camtranslate.translate.service import PREFER_BOOST, SURE_LANGUAGE, TranslationService

    if not any(folder.glob("*.json")):
        photos = ICDAR.parent / "images"
        print(f"reading {photos} into {folder} (camtranslate image --json) ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "camtranslate", "image", str(photos), "-o", str(folder),
             "--json"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    service = TranslationService(ModelRegistry([REPO / "models"]))
    reachable = [s for s, t in service.language_pairs() if t == "pt"]
    kinds: Counter[str] = Counter()
    named: list[str] = []
    frames = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.json"))]
    for frame in frames:
        texts = [r["text"] for r in frame["regions"]]
        if not texts:
            continue
        dets = service.detector.detect_frame_scored(
            texts, prefer=reachable, boost=PREFER_BOOST, keep=["pt"]
        )
        for text, d in zip(texts, dets, strict=True):
            if d.lang in ("pt", UNKNOWN):
                kind = "kept"
            elif service.route(d.lang, "pt") is not None:
                kind = "translated"
            elif d.confidence < SURE_LANGUAGE:
                kind = "unclear"
            else:
                kind = "named"
                named.append(f"{text!r} {d.lang} {d.confidence:.2f}")
            kinds[kind] += 1
    print(f"\n### Whole frames, auto → pt ({len(frames)} photos, {sum(kinds.values())} texts)\n")
    print("| translated (a model's language) | kept (pt, no letters) | unclear | named, no model |")
    print("|---|---|---|---|")
    print(f"| {kinds['translated']} | {kinds['kept']} | {kinds['unclear']} | {kinds['named']} |")
    print(f"\nNamed as a language without a model: {'; '.join(named)}")


SECTIONS: dict[str, Callable[[argparse.Namespace, dict[str, Path]], None]] = {
    "invented": lambda a, s: invented_section(s),
    "confidence": lambda a, s: confidence_section(s, a.thresholds),
    "variants": lambda a, s: variants_section(s),
    "langid": lambda a, s: langid_section(),
    "frames": lambda a, s: frames_section(a.frames),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sections", nargs="*", choices=[*SECTIONS, []], default=list(SECTIONS))
    parser.add_argument("--no-probes", action="store_true", help="embedded models only")
    parser.add_argument(
        "--frames", type=Path, default=REPO / "build" / "icdar-frames",
        help="camtranslate image --json outputs (the frames section)",
    )  # fmt: skip
    parser.add_argument(
        "--thresholds", type=float, nargs="+", default=[-0.3, -0.4, -0.5, -0.6, -0.8, -1.0]
    )
    args = parser.parse_args()
    if not TATOEBA.is_dir():
        sys.exit(f"needs {TATOEBA} (the shared evaluation data)")
    with tempfile.TemporaryDirectory() as tmp:
        sets = model_sets(not args.no_probes, Path(tmp))
        print(f"model sets: {', '.join(f'{k} ({v})' for k, v in sets.items())}")
        for section in args.sections or list(SECTIONS):
            SECTIONS[section](args, sets)


if __name__ == "__main__":
    main()
