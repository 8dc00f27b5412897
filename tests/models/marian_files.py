"""Writers for small Marian model files in the binary layout, so reader tests control every byte."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

FLOAT32, FLOAT16, INTGEMM8 = 0x0404, 0x0402, 0x4101


def intgemm8_block(logical: np.ndarray, multiplier: float = 50.0, transposed: bool = True) -> bytes:
    """int8 values (stored transposed, as the engine does for weight matrices) + multiplier."""
    stored = logical.T if transposed else logical
    q = np.clip(np.round(stored * multiplier), -127, 127).astype(np.int8)
    return q.tobytes() + struct.pack("<f", multiplier) + b"\0" * 4


def write_marian_bin(path: Path, tensors: list[tuple[str, int, tuple[int, ...], bytes]]) -> Path:
    """tensors: (name, type code, logical shape, data block)."""
    names = [n.encode() + b"\0" for n, _, _, _ in tensors]
    out = bytearray(struct.pack("<QQ", 1, len(tensors)))
    for (_, code, shape, data), name in zip(tensors, names, strict=True):
        out += struct.pack("<QQQQ", len(name), code, len(shape), len(data))
    for name in names:
        out += name
    for _, _, shape, _ in tensors:
        out += struct.pack(f"<{len(shape)}i", *shape)
    pad = (-(len(out) + 8)) % 256
    out += struct.pack("<Q", pad) + b"\0" * pad
    for _, _, _, data in tensors:
        out += data
    path.write_bytes(bytes(out))
    return path


def config_block(text: str) -> bytes:
    return text.encode() + b"\0"
