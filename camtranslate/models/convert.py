"""Hugging Face checkpoint → CTranslate2 model folder with tokenizer files and manifest.json.

Handles the three families the translator knows: Marian (Helsinki-NLP/opus-mt-*, our own
students), NLLB (facebook/nllb-*) and M2M100 (facebook/m2m100_*). A folder that already holds a
CTranslate2 model (model.bin) is taken as is. Conversion needs torch + transformers (the `models`
extra); reading the result never does.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from camtranslate.errors import ModelError
from camtranslate.models.manifest import MANIFEST_NAME, ModelManifest, compute_files

log = logging.getLogger(__name__)

QUANTIZATIONS = (
    "int8",
    "int8_float16",
    "int8_float32",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
_SPM_NAMES = (
    "source.spm",
    "target.spm",
    "sentencepiece.bpe.model",
    "spm.model",
    "sentencepiece.model",
)

# NLLB (FLORES-200) language codes → ISO 639-1, for the languages that have one. Where a
# language has several NLLB entries the most common script/variety is listed.
NLLB_TO_ISO = {
    "afr_Latn": "af", "amh_Ethi": "am", "arb_Arab": "ar", "asm_Beng": "as", "azj_Latn": "az",
    "bak_Cyrl": "ba", "bel_Cyrl": "be", "bul_Cyrl": "bg", "ben_Beng": "bn", "bod_Tibt": "bo",
    "bos_Latn": "bs", "cat_Latn": "ca", "ces_Latn": "cs", "cym_Latn": "cy", "dan_Latn": "da",
    "deu_Latn": "de", "ell_Grek": "el", "eng_Latn": "en", "epo_Latn": "eo", "spa_Latn": "es",
    "est_Latn": "et", "ekk_Latn": "et", "eus_Latn": "eu", "pes_Arab": "fa", "fin_Latn": "fi",
    "fao_Latn": "fo", "fra_Latn": "fr", "gle_Latn": "ga", "gla_Latn": "gd", "glg_Latn": "gl",
    "guj_Gujr": "gu", "hau_Latn": "ha", "heb_Hebr": "he", "hin_Deva": "hi", "hrv_Latn": "hr",
    "hat_Latn": "ht", "hun_Latn": "hu", "hye_Armn": "hy", "ind_Latn": "id", "ibo_Latn": "ig",
    "isl_Latn": "is", "ita_Latn": "it", "jpn_Jpan": "ja", "jav_Latn": "jv", "kat_Geor": "ka",
    "kaz_Cyrl": "kk", "khm_Khmr": "km", "kan_Knda": "kn", "kor_Hang": "ko", "kmr_Latn": "ku",
    "kir_Cyrl": "ky", "ltz_Latn": "lb", "lao_Laoo": "lo", "lit_Latn": "lt", "lvs_Latn": "lv",
    "plt_Latn": "mg", "mri_Latn": "mi", "mkd_Cyrl": "mk", "mal_Mlym": "ml", "khk_Cyrl": "mn",
    "mar_Deva": "mr", "zsm_Latn": "ms", "mlt_Latn": "mt", "mya_Mymr": "my", "npi_Deva": "ne",
    "nld_Latn": "nl", "nno_Latn": "nn", "nob_Latn": "no", "oci_Latn": "oc", "ory_Orya": "or",
    "pan_Guru": "pa", "pol_Latn": "pl", "pbt_Arab": "ps", "por_Latn": "pt", "ron_Latn": "ro",
    "rus_Cyrl": "ru", "san_Deva": "sa", "snd_Arab": "sd", "sin_Sinh": "si", "slk_Latn": "sk",
    "slv_Latn": "sl", "smo_Latn": "sm", "sna_Latn": "sn", "som_Latn": "so", "als_Latn": "sq",
    "srp_Cyrl": "sr", "sun_Latn": "su", "swe_Latn": "sv", "swh_Latn": "sw", "tam_Taml": "ta",
    "tel_Telu": "te", "tgk_Cyrl": "tg", "tha_Thai": "th", "tuk_Latn": "tk", "tgl_Latn": "tl",
    "tur_Latn": "tr", "tat_Cyrl": "tt", "uig_Arab": "ug", "ukr_Cyrl": "uk", "urd_Arab": "ur",
    "uzn_Latn": "uz", "vie_Latn": "vi", "xho_Latn": "xh", "ydd_Hebr": "yi", "yor_Latn": "yo",
    "zho_Hans": "zh", "zul_Latn": "zu",
}  # fmt: skip
_NLLB_CODE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
_M2M_CODE = re.compile(r"^__([a-z]{2,3})__$")
_LANG = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class ModelInfo:
    """What a checkpoint serves: family, languages and the tokens that select them."""

    family: str
    source_langs: tuple[str, ...]
    target_langs: tuple[str, ...]
    lang_codes: dict[str, str]


def is_ct2_model(folder: Path) -> bool:
    return (Path(folder) / "model.bin").is_file()


def is_hf_checkpoint(folder: Path) -> bool:
    folder = Path(folder)
    has_weights = (
        any((folder / n).is_file() for n in ("model.safetensors", "pytorch_model.bin"))
        or any(folder.glob("model-*.safetensors"))
        or any(folder.glob("pytorch_model-*.bin"))
    )
    return (folder / "config.json").is_file() and has_weights


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: not readable JSON ({exc})") from None
    return data if isinstance(data, dict) else {}


def _ct2_vocabulary(folder: Path) -> list[str]:
    """Tokens of a converted model: shared_vocabulary.json/.txt or target_vocabulary.*."""
    for stem in ("shared_vocabulary", "target_vocabulary"):
        j = folder / f"{stem}.json"
        if j.is_file():
            data = json.loads(j.read_text(encoding="utf-8"))
            return [str(t) for t in data]
        t = folder / f"{stem}.txt"
        if t.is_file():
            return t.read_text(encoding="utf-8").splitlines()
    return []


def _hf_vocabulary(folder: Path) -> list[str]:
    """Language tokens a HF tokenizer declares (tokenizer_config/special_tokens_map)."""
    tokens: list[str] = []
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        data = _read_json(folder / name)
        for key in ("additional_special_tokens", "extra_special_tokens"):
            value = data.get(key)
            if isinstance(value, list):
                tokens += [t if isinstance(t, str) else str(t.get("content", "")) for t in value]
        added = data.get("added_tokens_decoder")
        if isinstance(added, dict):
            tokens += [str(v.get("content", "")) for v in added.values() if isinstance(v, dict)]
    return tokens


def langs_from_id(model_id: str) -> tuple[str, str] | None:
    """'Helsinki-NLP/opus-mt-en-de' → ('en', 'de'); None for group/multi-target models."""
    name = model_id.rstrip("/").split("/")[-1]
    m = re.match(r"^opus-mt-([a-z]{2,3})-([a-z]{2,3})$", name)
    if m:
        return m.group(1), m.group(2)
    if name.startswith("opus-mt-"):  # group or multi-target (opus-mt-en-ROMANCE, tc-big): no
        return None
    found = [
        (m.group(1), m.group(2))
        for m in re.finditer(r"(?=(?:^|[-_])([a-z]{2})-([a-z]{2})(?:$|[-_]))", name)
        if m.group(1) != m.group(2)
    ]
    return found[-1] if found else None


def detect_family(folder: Path, model_id: str = "") -> str:
    """ "marian", "nllb" or "m2m100" from config.json, tokenizer or (CT2 folders) vocabulary."""
    folder = Path(folder)
    cfg = _read_json(folder / "config.json")
    tok = _read_json(folder / "tokenizer_config.json")
    model_type = str(cfg.get("model_type", "")).lower()
    tok_class = str(tok.get("tokenizer_class", "")).lower()
    lowered = model_id.lower()
    if "nllb" in tok_class or "nllb" in lowered:
        return "nllb"
    if model_type == "marian" or "marian" in tok_class or "opus-mt" in lowered:
        return "marian"
    if model_type == "m2m_100" or "m2m100" in tok_class or "m2m100" in lowered:
        return "m2m100"
    vocab = _ct2_vocabulary(folder) if is_ct2_model(folder) else []
    if any(_NLLB_CODE.match(t) for t in vocab[-300:]):
        return "nllb"
    if any(_M2M_CODE.match(t) for t in vocab[-200:]):
        return "m2m100"
    if (folder / "source.spm").is_file():
        return "marian"
    arch = cfg.get("architectures") or [cfg.get("model_type", "?")]
    raise ModelError(
        f"{folder}: unsupported model ({arch[0]}); camtranslate handles Marian (opus-mt), "
        "NLLB and M2M100 checkpoints"
    )


def model_info(folder: Path, model_id: str = "", langs: tuple[str, str] | None = None) -> ModelInfo:
    """Languages served by a checkpoint or CT2 folder; `langs` overrides for Marian models."""
    folder = Path(folder)
    family = detect_family(folder, model_id)
    if family == "marian":
        pair = langs
        name = model_id.rstrip("/").split("/")[-1]
        if pair is None and name.startswith("opus-mt-"):
            pair = langs_from_id(model_id)
        if pair is None:
            tok = _read_json(folder / "tokenizer_config.json")
            s, t = tok.get("source_lang"), tok.get("target_lang")
            if isinstance(s, str) and isinstance(t, str):
                pair = (s.split("_")[0].lower(), t.split("_")[0].lower())
        if pair is None:
            pair = langs_from_id(model_id)
        if pair is None or not (_LANG.match(pair[0]) and _LANG.match(pair[1])):
            raise ModelError(
                f"{model_id or folder}: cannot tell its language pair (multi-language Marian "
                "models are not supported); pass --langs SRC-TGT"
            )
        return ModelInfo("marian", (pair[0],), (pair[1],), {})
    tokens = _ct2_vocabulary(folder) if is_ct2_model(folder) else _hf_vocabulary(folder)
    codes: dict[str, str] = {}
    if family == "nllb":
        for t in tokens:
            iso = NLLB_TO_ISO.get(t)
            if iso and iso not in codes:
                codes[iso] = t
        if not codes:  # HF NLLB repos may list the codes in the tokenizer class only
            for code, iso in NLLB_TO_ISO.items():
                codes.setdefault(iso, code)
    else:
        for t in tokens:
            m = _M2M_CODE.match(t)
            if m:
                codes.setdefault(m.group(1), t)
        if not codes:
            raise ModelError(f"{folder}: M2M100 model without __xx__ language tokens")
    langs_sorted = tuple(sorted(codes))
    return ModelInfo(family, langs_sorted, langs_sorted, dict(sorted(codes.items())))


def tokenizer_files(folder: Path, family: str) -> dict[str, str]:
    """The SentencePiece files the translator loads: {"source": f, "target": f}."""
    folder = Path(folder)
    if family == "marian":
        src = folder / "source.spm"
        tgt = folder / "target.spm"
        if src.is_file():
            return {
                "source": "source.spm",
                "target": "target.spm" if tgt.is_file() else "source.spm",
            }
    for name in _SPM_NAMES:
        if (folder / name).is_file():
            return {"source": name, "target": name}
    raise ModelError(f"{folder}: no SentencePiece model (source.spm / sentencepiece.bpe.model)")


def _dedup_spm(folder: Path) -> None:
    """One joint vocabulary shipped once: drop target.spm when it equals source.spm."""
    src, tgt = folder / "source.spm", folder / "target.spm"
    if src.is_file() and tgt.is_file() and src.read_bytes() == tgt.read_bytes():
        tgt.unlink()


def _spm_to_copy(src_dir: Path) -> list[str]:
    return [n for n in _SPM_NAMES if (src_dir / n).is_file()]


def _pad_row(src_dir: Path, pad_id: int):
    """The decoder-start (<pad>) embedding row of a Marian checkpoint, or None."""
    import numpy as np

    files = sorted(src_dir.glob("*.safetensors"))
    keys = ("model.shared.weight", "model.decoder.embed_tokens.weight", "shared.weight")
    if files:
        from safetensors import safe_open

        for f in files:
            with safe_open(str(f), framework="np") as st:
                names = set(st.keys())
                for k in keys:
                    if k in names:
                        return np.asarray(st.get_slice(k)[pad_id], dtype=np.float32)
        return None
    bin_file = src_dir / "pytorch_model.bin"
    if bin_file.is_file():
        import torch

        state = torch.load(bin_file, map_location="cpu", weights_only=True)
        for k in keys:
            if k in state:
                return state[k][pad_id].float().numpy()
    return None


def fold_marian_decoder_start(spec, src_dir: Path) -> bool:
    """Make CTranslate2 start decoding exactly like transformers does.

    transformers' Marian starts the decoder from the <pad> token's embedding; CTranslate2 drops
    <pad> from the vocabulary and starts from a zero embedding. When that row is not zero (e.g.
    a checkpoint whose pad row was trained or warm-started), the first output token differs. The
    start step is the only one at position 0, so adding scale * pad_row to the decoder's
    position-0 encoding reproduces transformers exactly. Returns True when it changed the spec.
    """
    import numpy as np

    cfg = _read_json(src_dir / "config.json")
    if cfg.get("model_type") != "marian":
        return False
    pad_id = cfg.get("decoder_start_token_id", cfg.get("pad_token_id"))
    dec = getattr(spec, "decoder", None)
    if pad_id is None or dec is None or not getattr(dec, "start_from_zero_embedding", False):
        return False
    row = _pad_row(src_dir, int(pad_id))
    if row is None or not np.any(row):
        return False
    enc = dec.position_encodings.encodings
    enc = enc.detach().float().cpu().numpy() if hasattr(enc, "detach") else np.asarray(enc)
    enc = np.array(enc, dtype=np.float32, copy=True)
    scale = float(np.sqrt(cfg.get("d_model", row.shape[0]))) if cfg.get("scale_embedding") else 1.0
    enc[0] += scale * row
    dec.position_encodings.encodings = enc
    return True


def convert_checkpoint(src_dir: Path, out_dir: Path, quantization: str = "int8") -> None:
    """Run CTranslate2's TransformersConverter into out_dir (which must not exist)."""
    if quantization not in QUANTIZATIONS:
        raise ModelError(f"unknown quantization {quantization!r}; use one of {QUANTIZATIONS}")
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:  # transformers/torch missing
        raise ModelError(
            f"converting needs transformers and torch (pip install 'camtranslate[models]'): {exc}"
        ) from None

    class _Converter(TransformersConverter):
        def _load(self):
            spec = super()._load()
            if fold_marian_decoder_start(spec, src_dir):
                log.info("%s: folded the non-zero decoder start embedding into position 0", src_dir)
            return spec

    converter = _Converter(str(src_dir), copy_files=_spm_to_copy(src_dir) or None)
    try:
        converter.convert(str(out_dir), quantization=quantization, force=False)
    except (ValueError, OSError, RuntimeError, KeyError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"{src_dir}: CTranslate2 conversion failed ({msg})") from None


def _guess_license(src_dir: Path, model_id: str) -> str:
    """License from a model card's YAML header, or the family's known licence."""
    readme = src_dir / "README.md"
    if readme.is_file():
        head = readme.read_text(encoding="utf-8", errors="replace")[:3000]
        m = re.search(r"^license:\s*([^\n]+)$", head, re.MULTILINE)
        if m:
            return m.group(1).strip().strip("\"'")
    lowered = model_id.lower()
    if "opus-mt" in lowered:
        return "cc-by-4.0"
    if "nllb" in lowered:
        return "cc-by-nc-4.0"
    if "m2m100" in lowered:
        return "mit"
    return ""


def sanitize_id(model_id: str) -> str:
    """Folder name for a model id: 'Helsinki-NLP/opus-mt-en-de' → 'Helsinki-NLP--opus-mt-en-de'."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", model_id.strip().replace("/", "--")).strip("-.")
    if not safe:
        raise ModelError(f"invalid model id {model_id!r}")
    return safe


def convert_model(
    src_dir: Path | str,
    out_dir: Path | str,
    *,
    model_id: str | None = None,
    quantization: str = "int8",
    langs: tuple[str, str] | None = None,
    source: str = "",
    license: str = "",
    version: str = "1",
    extra_files: Sequence[Path] = (),
    overwrite: bool = False,
) -> ModelManifest:
    """Convert (or copy, for a CT2 folder) src_dir into out_dir with a verified manifest.json.

    Built in a temp dir beside out_dir and renamed into place, so a failed or interrupted
    conversion never leaves a half-written model the registry would pick up.
    """
    src_dir = Path(src_dir)
    out_dir = Path(out_dir)
    if not src_dir.is_dir():
        raise ModelError(f"model folder not found: {src_dir}")
    if out_dir.exists() and not overwrite:
        raise ModelError(f"{out_dir} already exists (remove it first or pass --force)")
    model_id = model_id or src_dir.name
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        build = tmp / "model"
        if is_ct2_model(src_dir):
            shutil.copytree(src_dir, build, ignore=shutil.ignore_patterns(MANIFEST_NAME, ".*"))
            ct2_cfg = _read_json(src_dir / "config.json")
            quant = str(ct2_cfg.get("quantization", "")) or quantization
            how = "CTranslate2 model taken as is"
        elif is_hf_checkpoint(src_dir):
            convert_checkpoint(src_dir, build, quantization)
            for name in ("README.md", "LICENSE", "LICENSE.txt"):
                if (src_dir / name).is_file():
                    shutil.copyfile(src_dir / name, build / f"ORIGINAL_{name}")
            quant = quantization
            how = f"converted with ctranslate2 TransformersConverter (quantization={quantization})"
        else:
            raise ModelError(
                f"{src_dir}: neither a CTranslate2 model (model.bin) nor a Hugging Face "
                "checkpoint (config.json + weights)"
            )
        for extra in extra_files:
            shutil.copyfile(extra, build / Path(extra).name)
        _dedup_spm(build)
        for f in build.rglob("*"):
            if f.is_file():
                f.chmod(0o644)
        prior = _prior_manifest(src_dir)
        if prior is not None and langs is None:  # a camtranslate model folder: trust its card
            info = ModelInfo(
                prior.family, prior.source_langs, prior.target_langs, dict(prior.lang_codes)
            )
        else:
            info = model_info(src_dir if not is_ct2_model(src_dir) else build, model_id, langs)
            if info.family != "marian" and is_ct2_model(build):  # lang tokens from the CT2 vocab
                info = model_info(build, model_id, langs)
        if prior is not None and all((build / f).is_file() for f in prior.tokenizer.values()):
            tokenizer = dict(prior.tokenizer)
        else:
            tokenizer = tokenizer_files(build, info.family)
        manifest = ModelManifest(
            id=model_id,
            family=info.family,
            source_langs=info.source_langs,
            target_langs=info.target_langs,
            quantization=quant,
            tokenizer=tokenizer,
            lang_codes=info.lang_codes,
            source=source or f"{src_dir}: {how}",
            license=license
            or (prior.license if prior else "")
            or _guess_license(src_dir, model_id),
            version=version,
            card="MODEL_CARD.md" if (build / "MODEL_CARD.md").is_file() else "",
        )
        manifest = replace(manifest, files=compute_files(build))
        manifest.save(build)
        manifest.verify(build)
        if out_dir.exists():
            old = tmp / "old"
            out_dir.rename(old)
        build.rename(out_dir)
        return manifest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _prior_manifest(src_dir: Path) -> ModelManifest | None:
    """The manifest of a folder that is already a camtranslate model (an export, a backup, a
    copy of an embedded model), or None: its languages and tokenizer need no guessing."""
    if not (src_dir / MANIFEST_NAME).is_file():
        return None
    try:
        return ModelManifest.load(src_dir)
    except ModelError:
        return None


def write_manifest(model_dir: Path | str, manifest: ModelManifest) -> ModelManifest:
    """Recompute checksums of model_dir into manifest and save it (after editing a card, say)."""
    model_dir = Path(model_dir)
    card = "MODEL_CARD.md" if (model_dir / "MODEL_CARD.md").is_file() else manifest.card
    manifest = replace(manifest, files=compute_files(model_dir), card=card)
    manifest.save(model_dir)
    return manifest
