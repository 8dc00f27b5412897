"""Read Marian model files (`.bin` and `.npz`) into named float32 arrays plus their config.

Bergamot / Firefox Translations ship their models as Marian binaries, often quantized for the
intgemm engine. We read them to run the teacher exactly in float (distill/marian_torch.py) and to
graft its weights into a model CTranslate2 can run (distill/graft.py). Facts about the format
(checked against the teacher's own output):

- binary layout, little-endian: `uint64 version`, `uint64 n`, n headers of four `uint64`
  (name length, type, shape length, data length), the NUL-terminated names, the shapes
  (`int32` each), a `uint64` pad length and the pad, then each tensor's data block;
- `float32` (0x0404) and `float16` (0x0402) blocks hold the values row-major;
- `intgemm8` (0x4101) blocks hold int8 values then one float32 quantization multiplier
  (value = int8 / multiplier); every weight matrix but the embedding `Wemb` is stored
  transposed (the header gives the logical [in, out] shape);
- `*_QuantMultA` tensors are activation scales for the int8 engine, not weights;
- the tensor `special:model.yml` is the Marian config (YAML).

A Bergamot model *directory* holds `model*.bin|npz`, one joint `vocab*.spm` (or separate
`srcvocab*.spm` / `trgvocab*.spm`) and optionally a `lex*.bin` shortlist; `find_bergamot_files`
picks them out.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from camtranslate.errors import ModelError

CONFIG_TENSOR = "special:model.yml"
TYPE_FLOAT32 = 0x0404
TYPE_FLOAT16 = 0x0402
TYPE_INTGEMM8 = 0x4101
_TYPE_NAMES = {
    0x0101: "int8",
    0x0102: "int16",
    0x0104: "int32",
    0x0108: "int64",
    0x0201: "uint8",
    0x0408: "float64",
    0x0802: "packed16",
    0x1801: "packed8avx2",
    0x2801: "packed8avx512",
    0x4102: "intgemm16",
    TYPE_FLOAT32: "float32",
    TYPE_FLOAT16: "float16",
    TYPE_INTGEMM8: "intgemm8",
}
SUPPORTED_TYPES = (TYPE_FLOAT32, TYPE_FLOAT16, TYPE_INTGEMM8)


class MarianFormatError(ModelError):
    """A Marian model file is truncated, malformed or uses a tensor type we cannot read."""


@dataclass(frozen=True)
class MarianModel:
    """Float weights by Marian name, the parsed config, and where they came from."""

    weights: dict[str, np.ndarray]
    config: dict[str, Any]
    config_text: str
    path: Path

    @property
    def dim(self) -> int:
        return int(self.config.get("dim-emb", 512))

    def get(self, name: str) -> np.ndarray:
        try:
            return self.weights[name]
        except KeyError:
            raise MarianFormatError(f"{self.path}: no tensor {name!r} in the model") from None


@dataclass(frozen=True)
class BergamotFiles:
    """The files of one Bergamot / Firefox Translations model directory."""

    model: Path
    source_vocab: Path
    target_vocab: Path
    shortlist: Path | None = None

    @property
    def joint_vocab(self) -> bool:
        return self.source_vocab == self.target_vocab


SHORTLIST_MAGIC = 0xF11A48D5013417F5


@dataclass(frozen=True)
class Shortlist:
    """Marian's binary lexical shortlist (`lex.*.s2t.bin`): for each source token the target
    tokens worth scoring, plus the `first` most frequent target ids. The Bergamot engine decodes
    over this subset only, so the float teacher must too to give the same output."""

    first: int
    offsets: np.ndarray
    targets: np.ndarray

    def candidates(self, source_ids: list[int]) -> np.ndarray:
        """Sorted unique target ids allowed when translating `source_ids`."""
        parts = [np.arange(self.first, dtype=np.int64)]
        limit = len(self.offsets) - 1
        for i in source_ids:
            if 0 <= i < limit:
                parts.append(self.targets[self.offsets[i] : self.offsets[i + 1]].astype(np.int64))
        return np.unique(np.concatenate(parts))


def read_shortlist(path: Path | str) -> Shortlist:
    """Load a Marian binary shortlist; MarianFormatError when it is not one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MarianFormatError(f"{path}: cannot read the shortlist ({exc})") from None
    if len(data) < 48:
        raise MarianFormatError(f"{path}: not a Marian binary shortlist (too short)")
    magic, _checksum, first, _best, n_offsets, n_targets = struct.unpack_from("<6Q", data, 0)
    if magic != SHORTLIST_MAGIC:
        raise MarianFormatError(f"{path}: not a Marian binary shortlist (bad magic)")
    if 48 + 8 * n_offsets + 4 * n_targets > len(data):
        raise MarianFormatError(f"{path}: the shortlist is truncated")
    offsets = np.frombuffer(data, dtype="<u8", count=n_offsets, offset=48)
    targets = np.frombuffer(data, dtype="<u4", count=n_targets, offset=48 + 8 * n_offsets)
    if n_offsets and int(offsets[-1]) > n_targets:
        raise MarianFormatError(f"{path}: the shortlist's offsets run past its data")
    return Shortlist(int(first), offsets.astype(np.int64), targets.astype(np.int64))


def type_name(code: int) -> str:
    return _TYPE_NAMES.get(code, f"unknown type 0x{code:04x}")


def _parse_yaml(text: str, where: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise MarianFormatError(f"{where}: the embedded model config is not YAML ({exc})") from None
    if not isinstance(data, dict):
        raise MarianFormatError(f"{where}: the embedded model config is not a mapping")
    return data


def _decode(
    name: str, code: int, shape: tuple[int, ...], raw: memoryview, where: str
) -> np.ndarray:
    n = int(np.prod(shape)) if shape else 1
    if code == TYPE_FLOAT32:
        if len(raw) < 4 * n:
            raise MarianFormatError(f"{where}: tensor {name!r} is truncated")
        return np.frombuffer(raw[: 4 * n], dtype="<f4").reshape(shape).copy()
    if code == TYPE_FLOAT16:
        if len(raw) < 2 * n:
            raise MarianFormatError(f"{where}: tensor {name!r} is truncated")
        return np.frombuffer(raw[: 2 * n], dtype="<f2").astype(np.float32).reshape(shape)
    if code == TYPE_INTGEMM8:
        if len(raw) < n + 4:
            raise MarianFormatError(f"{where}: tensor {name!r} is truncated")
        values = np.frombuffer(raw[:n], dtype=np.int8).astype(np.float32)
        multiplier = float(np.frombuffer(raw[n : n + 4], dtype="<f4")[0])
        if not np.isfinite(multiplier) or multiplier == 0.0:
            raise MarianFormatError(f"{where}: tensor {name!r} has a bad quantization multiplier")
        values /= multiplier
        if len(shape) == 2 and name != "Wemb" and not name.endswith("_Wemb"):
            return np.ascontiguousarray(values.reshape(shape[1], shape[0]).T)
        return values.reshape(shape)
    raise MarianFormatError(
        f"{where}: tensor {name!r} has type {type_name(code)}, which camtranslate cannot read "
        "(supported: float32, float16, intgemm8 with alphas)"
    )


def _read_binary(path: Path) -> tuple[dict[str, np.ndarray], str]:
    data = memoryview(path.read_bytes())
    where = str(path)
    off = 0

    def u64() -> int:
        nonlocal off
        if off + 8 > len(data):
            raise MarianFormatError(f"{where}: file is truncated (header)")
        (value,) = struct.unpack_from("<Q", data, off)
        off += 8
        return int(value)

    version = u64()
    if version != 1:
        raise MarianFormatError(f"{where}: not a Marian binary model (version {version})")
    count = u64()
    if count > 100_000:
        raise MarianFormatError(f"{where}: not a Marian binary model ({count} tensors)")
    headers = [(u64(), u64(), u64(), u64()) for _ in range(count)]
    names = []
    for name_len, _, _, _ in headers:
        names.append(bytes(data[off : off + name_len]).rstrip(b"\0").decode("utf-8", "replace"))
        off += name_len
    shapes = []
    for _, _, shape_len, _ in headers:
        if off + 4 * shape_len > len(data):
            raise MarianFormatError(f"{where}: file is truncated (shapes)")
        shapes.append(tuple(int(x) for x in struct.unpack_from(f"<{shape_len}i", data, off)))
        off += 4 * shape_len
    pad = u64()  # alignment padding (read first: u64() moves `off`)
    off += pad
    weights: dict[str, np.ndarray] = {}
    config = ""
    for (_, code, _, data_len), name, shape in zip(headers, names, shapes, strict=True):
        if off + data_len > len(data):
            raise MarianFormatError(f"{where}: file is truncated (tensor {name!r})")
        raw = data[off : off + data_len]
        off += data_len
        if name == CONFIG_TENSOR:
            config = bytes(raw).split(b"\0", 1)[0].decode("utf-8", "replace")
        elif not name.endswith("_QuantMultA"):  # the int8 engine's activation scales
            weights[name] = _decode(name, code, shape, raw, where)
    return weights, config


def _read_npz(path: Path) -> tuple[dict[str, np.ndarray], str]:
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise MarianFormatError(f"{path}: not a readable .npz model ({exc})") from None
    weights: dict[str, np.ndarray] = {}
    config = ""
    with archive:
        for name in archive.files:
            value = archive[name]
            if name == CONFIG_TENSOR:
                config = value.tobytes().split(b"\0", 1)[0].decode("utf-8", "replace")
            elif name.endswith("_QuantMultA"):
                continue
            elif value.dtype.kind != "f":
                raise MarianFormatError(
                    f"{path}: tensor {name!r} has dtype {value.dtype}, expected float"
                )
            else:
                weights[name] = np.ascontiguousarray(value, dtype=np.float32)
    return weights, config


def read_marian(path: Path | str) -> MarianModel:
    """Load a Marian `.bin` or `.npz` model. Raises MarianFormatError (a ModelError) naming the
    file and the problem: missing, truncated, an unsupported tensor type, no config."""
    path = Path(path)
    if not path.is_file():
        raise MarianFormatError(f"{path}: no such model file")
    if path.suffix == ".npz":
        weights, config_text = _read_npz(path)
    else:
        weights, config_text = _read_binary(path)
    if not config_text:
        raise MarianFormatError(f"{path}: the model has no embedded config ({CONFIG_TENSOR})")
    config = _parse_yaml(config_text, str(path))
    if not any(k in weights for k in ("Wemb", "encoder_Wemb")):
        raise MarianFormatError(f"{path}: no embedding matrix (Wemb) in the model")
    return MarianModel(weights, config, config_text, path)


def _one(folder: Path, patterns: tuple[str, ...], what: str) -> Path | None:
    for pattern in patterns:
        found = sorted(p for p in folder.glob(pattern) if p.is_file())
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise ModelError(f"{folder}: more than one {what} ({names}); keep one")
        if found:
            return found[0]
    return None


def find_bergamot_files(folder: Path | str) -> BergamotFiles:
    """The model, vocabulary(ies) and shortlist of a Bergamot / Firefox Translations folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: not a folder")
    model = _one(folder, ("model*.bin", "model*.npz", "*.npz"), "model file")
    if model is None:
        raise ModelError(f"{folder}: no Marian model file (model*.bin or *.npz)")
    joint = _one(folder, ("vocab*.spm",), "vocabulary")
    source = _one(folder, ("srcvocab*.spm",), "source vocabulary") or joint
    target = _one(folder, ("trgvocab*.spm",), "target vocabulary") or joint
    if source is None or target is None:
        raise ModelError(f"{folder}: no SentencePiece vocabulary (vocab*.spm)")
    shortlist = _one(folder, ("lex*.bin",), "shortlist")
    return BergamotFiles(model, source, target, shortlist)
