"""Training on CPU: a tiny student runs end to end, resumes from its checkpoint, and exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from camtranslate.distill.train import TrainConfig, lr_at, train

pytest.importorskip("torch")


def _cfg(corpus: Path, out: Path, spm: Path, exclude: Path, steps: int) -> TrainConfig:
    return TrainConfig(
        corpus=corpus,
        out_dir=out,
        spm=spm,
        preset="tiny",
        budget_minutes=10,
        max_steps=steps,
        tokens_per_batch=256,
        lr=3e-3,
        threads=1,
        device="cpu",
        bucket_edges=(8, 16, 32),
        n_dev=20,
        log_every=2,
        exclude=[exclude],
    )


@pytest.mark.slow
def test_tiny_student_trains_resumes_and_exports(
    toy_corpus: Path, toy_test: Path, tmp_path: Path
) -> None:
    from camtranslate.distill.data import read_tsv, train_sentencepiece
    from camtranslate.distill.evaluate import load_ct2
    from camtranslate.distill.export import export_student
    from camtranslate.models.manifest import ModelManifest

    pairs = read_tsv(toy_corpus)
    spm = train_sentencepiece(
        [p.source for p in pairs] + [p.target for p in pairs], tmp_path / "sp", 150
    )
    out = tmp_path / "run"
    lines: list[str] = []
    first = train(_cfg(toy_corpus, out, spm, toy_test, 6), progress=lines.append)
    assert first.steps == 6
    assert any("eval keys excluded" in line for line in lines)
    assert (out / "checkpoint" / "trainer.pt").is_file()
    losses = [e["loss"] for e in first.log if "loss" in e]
    assert losses and all(loss > 0 for loss in losses)

    lines.clear()
    second = train(_cfg(toy_corpus, out, spm, toy_test, 12), progress=lines.append)
    assert any("resuming from step 6" in line for line in lines)
    assert second.steps == 12
    assert second.tokens > first.tokens
    assert [e["step"] for e in second.log if "loss" in e][:3] == [2, 4, 6]  # log carried over
    # more training on the toy pair lowers the held-out loss
    assert second.dev_loss < first.dev_loss

    model_dir = tmp_path / "ct2"
    manifest = export_student(
        second.hf_dir, model_dir, model_id="toy-en-pt", source_lang="en", target_lang="pt"
    )
    assert manifest.tokenizer == {"source": "source.spm", "target": "source.spm"}
    ModelManifest.load(model_dir).verify(model_dir)
    out_texts = load_ct2(model_dir).translate_batch(["The red car", "Open the door"])
    assert len(out_texts) == 2 and all(isinstance(t, str) for t in out_texts)


def test_schedule_warms_up_peaks_and_decays() -> None:
    cfg = TrainConfig(corpus=Path("x"), out_dir=Path("y"), spm=Path("z"), lr=1e-3, warmup_frac=0.1)
    assert lr_at(0.0, cfg) < lr_at(0.05, cfg) < lr_at(0.1, cfg) == pytest.approx(1e-3)
    assert lr_at(0.5, cfg) < lr_at(0.1, cfg)
    assert lr_at(1.0, cfg) == pytest.approx(cfg.final_lr_frac * 1e-3)
