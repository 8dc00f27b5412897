"""MODEL_CARD.md for a distilled student, and the manifest checksums refreshed to include it.

The card is written from measured facts only (training log, evaluation scores, the command that
built it); anything not measured is left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from camtranslate.distill.evaluate import Score, format_table
from camtranslate.models.convert import write_manifest
from camtranslate.models.manifest import ModelManifest


@dataclass
class CardFacts:
    model_id: str
    source_lang: str
    target_lang: str
    architecture: dict
    teacher: str
    data: str
    training: str
    command: str
    licenses: str
    scores: Sequence[Score] = ()
    notes: Sequence[str] = field(default_factory=list)
    loss_points: Sequence[dict] = ()


def render_card(f: CardFacts, size_bytes: int) -> str:
    a = f.architecture
    arch = (
        f"{a.get('architecture', 'Marian transformer')}: d_model {a.get('d_model')}, "
        f"{a.get('encoder_layers')} encoder / {a.get('decoder_layers')} decoder layers, "
        f"{a.get('heads')} heads, FFN {a.get('ffn_dim')}, vocabulary {a.get('vocab_size')}, "
        f"{a.get('parameters', 0) / 1e6:.1f}M parameters"
    )
    parts = [
        f"# {f.model_id}: {f.source_lang}→{f.target_lang} student",
        "",
        f"CTranslate2 int8 model for camtranslate, {size_bytes / 1e6:.1f} MB on disk.",
        "",
        "## Architecture",
        arch + ".",
        "",
        "## Teacher",
        f.teacher,
        "",
        "## Data",
        f.data,
        "",
        "## Training",
        f.training,
    ]
    if f.loss_points:
        parts += ["", "| step | elapsed (min) | train loss | dev loss |", "|---|---|---|---|"]
        for p in f.loss_points:
            dev = p.get("dev_loss")
            parts.append(
                f"| {p.get('step')} | {p.get('elapsed_s', 0) / 60:.1f} | "
                f"{p.get('loss', '—')} | {dev if dev is not None else '—'} |"
            )
    if f.scores:
        parts += [
            "",
            "## Evaluation",
            "sacrebleu corpus chrF and BLEU; the student through camtranslate's CT2Translator "
            "(product decode settings), the teacher through its native model (no post-edit), "
            "same process, same threads.",
            "",
            format_table(f.scores),
        ]
    if f.notes:
        parts += ["", "## Honest notes", *[f"- {n}" for n in f.notes]]
    parts += [
        "",
        "## Licences",
        f.licenses,
        "",
        "## Rebuild",
        "```",
        f.command,
        "```",
        "",
    ]
    return "\n".join(parts)


def write_card(model_dir: Path | str, facts: CardFacts) -> ModelManifest:
    """Write MODEL_CARD.md into model_dir and re-save manifest.json with its checksum."""
    model_dir = Path(model_dir)
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file())
    (model_dir / "MODEL_CARD.md").write_text(render_card(facts, size), encoding="utf-8")
    manifest = ModelManifest.load(model_dir)
    return write_manifest(model_dir, manifest)
