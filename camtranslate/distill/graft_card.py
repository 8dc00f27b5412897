"""MODEL_CARD.md for a grafted model: measured scores, the learning curve, teacher and licence.

Everything on the card is measured in the same process right after export (CTranslate2, 1
thread): chrF/BLEU against human references (Tatoeba) for the graft and the native teacher, and
chrF against the teacher's own output on the held-out corpus slice (fidelity to the teacher).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from camtranslate.distill.evaluate import Score, format_table, load_ct2, score_translator
from camtranslate.models.convert import write_manifest
from camtranslate.models.manifest import ModelManifest

if TYPE_CHECKING:
    from camtranslate.distill.graft import Grafter


def score_graft(
    model_dir: Path,
    pair: tuple[str, str],
    tests: Sequence[Path],
    heldout: Path | None,
    *,
    threads: int = 1,
    with_teacher: bool = True,
) -> list[Score]:
    """Scores of the exported model (and the native teacher on the reference sets)."""
    import ctranslate2

    ctranslate2.set_random_seed(1)
    student = load_ct2(model_dir, threads=threads)
    teacher = None
    if with_teacher:
        from camtranslate.distill.teacher import FastTranslateTeacher, TeacherError

        try:
            teacher = FastTranslateTeacher(*pair)
        except TeacherError:
            teacher = None
    scores: list[Score] = []
    for test in tests:
        scores.append(
            score_translator(f"graft:{student.model_id}", student.translate_batch, test)[0]
        )
        if teacher is not None:
            scores.append(score_translator(teacher.name, teacher.translate, test, batched=False)[0])
    if heldout is not None:
        s, _ = score_translator(f"graft:{student.model_id}", student.translate_batch, heldout)
        scores.append(
            Score(
                s.system,
                f"{heldout.name} (vs teacher output)",
                s.n,
                s.chrf,
                s.bleu,
                s.batched_phrases_per_s,
                s.single_phrases_per_s,
            )
        )
    return scores


def curve_table(curve: Sequence[dict]) -> str:
    lines = [
        "| minutes | step | dev loss | token agreement with the teacher |",
        "|---|---|---|---|",
    ]
    for p in curve:
        lines.append(
            f"| {p['minutes']:.1f} | {p['step']} | {p['dev_loss']:.3f} | {p['agreement']:.3f} |"
        )
    return "\n".join(lines)


def render(
    manifest: ModelManifest,
    grafter: Grafter,
    scores: Sequence[Score],
    command: str,
    license: str,
    size_bytes: int,
) -> str:
    o = grafter.opts
    arch = grafter.student.arch
    params = sum(int(v.numel()) for v in grafter.student.p.values())
    src, tgt = o.source_lang, o.target_lang
    curve = grafter.state.curve
    shown = curve if len(curve) <= 16 else [*curve[:: max(1, len(curve) // 15)], curve[-1]]
    warm = (
        f"\n- Warm start: the weights of `{o.warm_start}` (another run's checkpoint); its own "
        "steps and minutes come before these."
        if o.warm_start is not None
        else ""
    )
    return f"""# {manifest.id}

{src}→{tgt} translation for camtranslate, **grafted** from a Bergamot teacher: CTranslate2
{manifest.quantization}, {size_bytes / 1e6:.1f} MB.

## What it is
- Architecture: Marian transformer, d_model {arch.dim}, {arch.enc_depth} encoder / {arch.dec_depth}
  decoder layers, {arch.heads} heads, FFN {arch.ffn_dim} ({arch.activation}), tied embeddings,
  {params / 1e6:.1f}M parameters; post-norm, Marian's sinusoid positions.
- Teacher: `{o.teacher_dir.name}` (Bergamot "tiny": transformer encoder + SSRU decoder).
- Graft: the teacher's embeddings, encoder, cross-attention, FFNs and layer norms are kept;
  each SSRU decoder cell became a causal self-attention block (init "{o.init}"), then
  {o.train} weights were fine-tuned on the teacher's outputs: cross-entropy on its
  translations plus word-level KD (weight {o.kd_weight}) against the float teacher's
  distributions; AdamW, lr {o.lr} ({o.schedule}, {o.warmup_steps} warm-up steps),
  ~{o.max_tokens} tokens a batch; {grafter.state.step} steps in {grafter.state.elapsed / 60:.0f}
  minutes on {grafter.device}.{warm}
- Data: `{o.corpus.name}` (the teacher's own translations; see ../shared/corpus/README.txt for
  sources and licences); every Tatoeba evaluation sentence excluded; held-out test slice:
{o.holdout_size} pairs of origin `{o.holdout_origin or "none"}`, never trained on.

## Scores (measured after export, CTranslate2 on 1 CPU thread)
chrF/BLEU against human references (Tatoeba), and against the teacher's own output on the
held-out slice (how faithfully it reproduces the teacher):

{format_table(scores)}

## Learning curve (dev set: 300 held-out corpus pairs)
{curve_table(shown)}

## Licence
{license}

## Limits
Like its teacher it was trained on sentence-case text: camtranslate sentence-cases ALL-CAPS signs
before translating and upper-cases the result. It inherits the teacher's habit of appending
notes such as "(em inglês)" to unknown words; camtranslate's translation guard removes them.

## Reproduce
```
{command}
```
"""


def write_graft_card(
    model_dir: Path | str,
    grafter: Grafter,
    *,
    tests: Sequence[Path],
    heldout: Path | None,
    command: str,
    license: str,
    threads: int = 1,
) -> ModelManifest:
    model_dir = Path(model_dir)
    pair = (grafter.opts.source_lang, grafter.opts.target_lang)
    scores = score_graft(model_dir, pair, tests, heldout, threads=threads)
    manifest = ModelManifest.load(model_dir)
    size = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file())
    text = render(manifest, grafter, scores, command, license, size)
    (model_dir / "MODEL_CARD.md").write_text(text, encoding="utf-8")
    return write_manifest(model_dir, manifest)
