"""The Marian reader on hand-written files (every layout rule) and on the real Bergamot teacher."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from marian_files import FLOAT16, FLOAT32, INTGEMM8, config_block, intgemm8_block, write_marian_bin

from camtranslate.errors import ModelError
from camtranslate.models.marian_reader import (
    MarianFormatError,
    find_bergamot_files,
    read_marian,
    read_shortlist,
)

CONFIG = "type: transformer\ndim-emb: 4\nenc-depth: 1\ndec-depth: 1\n"


def _tensors(rng: np.random.Generator):
    emb = rng.standard_normal((6, 4)).astype(np.float32)
    w = rng.standard_normal((4, 3)).astype(np.float32)
    half = rng.standard_normal((1, 3)).astype(np.float16)
    return emb, w, half


def test_reads_float32_float16_and_transposed_intgemm8(tmp_path):
    emb, w, half = _tensors(np.random.default_rng(0))
    m_emb, m_w = 127 / np.abs(emb).max(), 127 / np.abs(w).max()
    path = write_marian_bin(
        tmp_path / "model.bin",
        [
            ("Wemb", INTGEMM8, emb.shape, intgemm8_block(emb, m_emb, transposed=False)),
            ("Wemb_QuantMultA", FLOAT32, (1, 1), struct.pack("<f", 3.0)),
            ("encoder_l1_self_Wq", INTGEMM8, w.shape, intgemm8_block(w, m_w)),
            ("encoder_l1_self_bq", FLOAT16, half.shape, half.tobytes()),
            ("special:model.yml", 0x0101, (len(CONFIG) + 1,), config_block(CONFIG)),
        ],
    )
    model = read_marian(path)
    assert model.config["dim-emb"] == 4 and model.dim == 4
    assert set(model.weights) == {"Wemb", "encoder_l1_self_Wq", "encoder_l1_self_bq"}
    np.testing.assert_allclose(model.weights["Wemb"], emb, atol=0.51 / m_emb)
    np.testing.assert_allclose(model.weights["encoder_l1_self_Wq"], w, atol=0.51 / m_w)
    assert model.weights["encoder_l1_self_Wq"].shape == (4, 3)
    np.testing.assert_array_equal(model.weights["encoder_l1_self_bq"], half.astype(np.float32))
    assert all(v.dtype == np.float32 for v in model.weights.values())


def test_unsupported_type_is_named(tmp_path):
    path = write_marian_bin(
        tmp_path / "model.bin",
        [
            ("Wemb", 0x1801, (2, 2), b"\0" * 64),
            ("special:model.yml", 0x0101, (len(CONFIG) + 1,), config_block(CONFIG)),
        ],
    )
    with pytest.raises(MarianFormatError, match="packed8avx2"):
        read_marian(path)


@pytest.mark.parametrize("cut", [5, 40, 200])
def test_truncated_file_is_a_clear_error(tmp_path, cut):
    emb = np.ones((6, 4), np.float32)
    full = write_marian_bin(
        tmp_path / "full.bin",
        [
            ("Wemb", FLOAT32, emb.shape, emb.tobytes()),
            ("special:model.yml", 0x0101, (len(CONFIG) + 1,), config_block(CONFIG)),
        ],
    )
    data = full.read_bytes()
    broken = tmp_path / "model.bin"
    broken.write_bytes(data[: len(data) - cut])
    with pytest.raises(MarianFormatError):
        read_marian(broken)


def test_npz_model_and_errors(tmp_path):
    emb = np.arange(24, dtype=np.float32).reshape(6, 4)
    cfg = np.frombuffer(config_block(CONFIG), dtype=np.int8)
    np.savez(tmp_path / "model.npz", Wemb=emb, **{"special:model.yml": cfg})
    model = read_marian(tmp_path / "model.npz")
    np.testing.assert_array_equal(model.weights["Wemb"], emb)
    np.savez(tmp_path / "noconfig.npz", Wemb=emb)
    with pytest.raises(MarianFormatError, match="config"):
        read_marian(tmp_path / "noconfig.npz")
    with pytest.raises(MarianFormatError, match="no such"):
        read_marian(tmp_path / "missing.bin")


def test_bergamot_folder_layouts(tmp_path):
    (tmp_path / "model.deen.intgemm.alphas.bin").write_bytes(b"x")
    (tmp_path / "srcvocab.deen.spm").write_bytes(b"x")
    (tmp_path / "trgvocab.deen.spm").write_bytes(b"x")
    (tmp_path / "lex.50.50.deen.s2t.bin").write_bytes(b"x")
    files = find_bergamot_files(tmp_path)
    assert files.model.name.startswith("model.")
    assert not files.joint_vocab and files.shortlist is not None
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match="no Marian model"):
        find_bergamot_files(empty)


def test_real_teacher_reads(bergamot_en_pt):
    files = find_bergamot_files(bergamot_en_pt)
    assert files.joint_vocab
    model = read_marian(files.model)
    assert model.config["transformer-decoder-autoreg"] == "rnn"
    assert model.weights["Wemb"].shape == (32000, 256)
    assert model.weights["decoder_l1_rnn_W"].shape == (256, 256)
    assert not any(k.endswith("QuantMultA") for k in model.weights)
    shortlist = read_shortlist(files.shortlist)
    allowed = shortlist.candidates([5, 6, 0])
    assert allowed[0] == 0 and len(allowed) >= shortlist.first
    assert np.all(np.diff(allowed) > 0)


def test_not_a_shortlist(tmp_path):
    (tmp_path / "lex.bin").write_bytes(b"\0" * 64)
    with pytest.raises(MarianFormatError, match="magic"):
        read_shortlist(tmp_path / "lex.bin")
