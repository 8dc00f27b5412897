"""numpy BGR frames ↔ Qt images without dangling buffers."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def bgr_to_qimage(image: np.ndarray) -> QImage:
    """Convert a BGR uint8 (H, W, 3) or grey (H, W) array to a QImage that owns its pixels.

    QImage(buffer, ...) only borrows the numpy memory; if the array is freed (the next frame
    replaces it) the QImage reads garbage. ``.copy()`` detaches it, so the result is safe to keep
    and to hand to another thread. Format_BGR888 avoids a per-frame channel swap in numpy.
    """
    if image.ndim == 2:
        arr = np.ascontiguousarray(image, dtype=np.uint8)
        h, w = arr.shape
        return QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_Grayscale8).copy()
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"expected an (H, W, 3) BGR image, got shape {image.shape}")
    arr = np.ascontiguousarray(image[:, :, :3], dtype=np.uint8)
    h, w = arr.shape[:2]
    return QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_BGR888).copy()


def qimage_to_bgr(image: QImage) -> np.ndarray:
    """A QImage (pasted, dropped) → a BGR uint8 array that owns its memory."""
    img = image.convertToFormat(QImage.Format.Format_BGR888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * 3].reshape(h, w, 3).copy()
