"""`camtranslate distill run` (train → export → evaluate → card) on a toy pair, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")


@pytest.mark.slow
def test_distill_run_builds_a_verified_model_with_card(
    toy_corpus: Path, toy_test: Path, tmp_path: Path, capsys
) -> None:
    from camtranslate.cli import main
    from camtranslate.models.manifest import ModelManifest

    out = tmp_path / "work"
    model_dir = tmp_path / "model"
    argv = [
        "distill", "run", "--pair", "en-pt", "--corpus", str(toy_corpus), "--out", str(out),
        "--model-dir", str(model_dir), "--id", "toy-en-pt", "--preset", "tiny",
        "--vocab-size", "150", "--max-steps", "4", "--tokens-per-batch", "256", "--device", "cpu",
        "--threads", "1", "--log-every", "2", "--n-dev", "20", "--test", str(toy_test),
        "--exclude", str(toy_test),
    ]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "| student:toy-en-pt | toy-test.tsv | 30 |" in printed
    manifest = ModelManifest.load(model_dir)
    assert manifest.id == "toy-en-pt" and manifest.pairs() == [("en", "pt")]
    assert manifest.card == "MODEL_CARD.md" and "MODEL_CARD.md" in manifest.files
    manifest.verify(model_dir)
    card = (model_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "distill run" in card and "chrF" in card
    assert json.loads((out / "train_log.json").read_text())[-1]["final"] is True

    # evaluate on its own, as JSON
    assert main(["distill", "evaluate", "--model-dir", str(model_dir), "--pair", "en-pt",
                 "--test", str(toy_test), "--json"]) == 0  # fmt: skip
    scores = json.loads(capsys.readouterr().out)
    assert scores[0]["n"] == 30 and 0 <= scores[0]["chrf"] <= 100


def test_distill_errors_are_one_line(tmp_path: Path, capsys) -> None:
    from camtranslate.cli import main

    assert main(["distill", "train", "--corpus", str(tmp_path / "nope.tsv"), "--out",
                 str(tmp_path / "w"), "--preset", "tiny"]) == 1  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not found" in err
