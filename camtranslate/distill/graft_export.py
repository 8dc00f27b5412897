"""Marian-named weights → CTranslate2 model folder (int8 or float16) with our manifest.

Goes through CTranslate2's own `MarianConverter`, so the result is exactly what CTranslate2
expects. Three details are ours: the position table is Marian's (`Wpos`; the converter's
fallback table differs), the vocabularies come from the SentencePiece files (written as the YAML
vocab the converter reads), and `config.json` is set for the way camtranslate feeds the model
(it appends `</s>` itself; layer-norm epsilon 1e-9 as trained).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from camtranslate.distill.marian_torch import LN_EPS, marian_positions
from camtranslate.errors import ModelError
from camtranslate.models.manifest import ModelManifest

POSITIONS = 512
"""Rows of the exported position table: inputs are cut to 200 pieces, outputs to 256."""
QUANTIZATIONS = ("int8", "int8_float32", "float16", "float32")


def _vocab_yaml(spm_path: Path, out: Path) -> Path:
    """The converter's YAML vocab ("piece": id per line) from a SentencePiece model."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    with out.open("w", encoding="utf-8") as fh:
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i).replace("\\", "\\\\").replace('"', '\\"')
            fh.write(f'"{piece}": {i}\n')
    return out


def _config_tensor(config: dict[str, Any]) -> np.ndarray:
    import yaml

    cfg = dict(config)
    cfg["transformer-decoder-autoreg"] = "self-attention"
    text = yaml.safe_dump(cfg, sort_keys=True).encode("utf-8") + b"\0"
    return np.frombuffer(text, dtype=np.int8).copy()


def export_ct2(
    weights: dict[str, np.ndarray],
    config: dict[str, Any],
    source_vocab: Path,
    target_vocab: Path,
    out_dir: Path | str,
    *,
    model_id: str,
    source_lang: str,
    target_lang: str,
    quantization: str = "int8",
    provenance: str = "",
    license: str = "",
    version: str = "1",
    force: bool = False,
) -> ModelManifest:
    """Write a CTranslate2 model folder with manifest.json; returns the manifest."""
    from ctranslate2.converters.marian import MarianConverter

    if quantization not in QUANTIZATIONS:
        raise ModelError(f"quantization {quantization!r}: use one of {', '.join(QUANTIZATIONS)}")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise ModelError(f"{out_dir} exists and is not empty (use --force to replace it)")
    dim = next(v.shape[1] for k, v in weights.items() if k.endswith("Wemb"))
    if any("_rnn_" in k for k in weights):
        raise ModelError("the weights still hold SSRU decoder cells: graft them first")
    with tempfile.TemporaryDirectory(prefix="camtranslate-export-") as tmp:
        tmp_dir = Path(tmp)
        arrays = dict(weights)
        arrays["Wpos"] = marian_positions(POSITIONS, dim)
        arrays["special:model.yml"] = _config_tensor(config)
        npz = tmp_dir / "model.npz"
        np.savez(npz, **arrays)
        vocabs = [_vocab_yaml(source_vocab, tmp_dir / "source.yml")]
        if target_vocab != source_vocab:
            vocabs.append(_vocab_yaml(target_vocab, tmp_dir / "target.yml"))
        build = tmp_dir / "ct2"
        try:
            MarianConverter(str(npz), [str(v) for v in vocabs]).convert(
                str(build), quantization=quantization, force=True
            )
        except (ValueError, KeyError, RuntimeError) as exc:
            raise ModelError(f"CTranslate2 cannot convert the grafted model ({exc})") from None
        cfg_path = build / "config.json"
        ct2_config = json.loads(cfg_path.read_text(encoding="utf-8"))
        ct2_config["add_source_eos"] = False  # camtranslate appends </s> itself
        ct2_config["layer_norm_epsilon"] = LN_EPS
        cfg_path.write_text(json.dumps(ct2_config, indent=2) + "\n", encoding="utf-8")
        if source_vocab == target_vocab:
            tokenizer = {"source": "sentencepiece.spm", "target": "sentencepiece.spm"}
            shutil.copyfile(source_vocab, build / "sentencepiece.spm")
        else:
            tokenizer = {"source": "source.spm", "target": "target.spm"}
            shutil.copyfile(source_vocab, build / "source.spm")
            shutil.copyfile(target_vocab, build / "target.spm")
        manifest = ModelManifest(
            id=model_id,
            family="marian",
            source_langs=(source_lang,),
            target_langs=(target_lang,),
            quantization=quantization,
            tokenizer=tokenizer,
            source=provenance,
            license=license,
            version=version,
        ).with_files(build)
        manifest.save(build)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(build, out_dir)
    return manifest
