"""Helpers for the overlay tests: synthetic signs with text drawn into (rotated) boxes.

(A uniquely named module rather than conftest.py so tests can import the functions.)"""

from __future__ import annotations

import math

import cv2
import numpy as np


def rotated_box(cx: float, cy: float, w: float, h: float, degrees: float):
    """A w x h box centred on (cx, cy), turned clockwise on screen by ``degrees``."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return tuple((cx + x * c - y * s, cy + x * s + y * c) for x, y in corners)


def draw_source_text(image: np.ndarray, polygon, text: str, color) -> None:
    """Print ``text`` (OpenCV's Hershey font, independent of the code under test) so it fills
    the polygon, warped like a real sign seen at an angle."""
    quad = np.float32(polygon)
    w = round(float(np.linalg.norm(quad[1] - quad[0])))
    h = round(float(np.linalg.norm(quad[3] - quad[0])))
    scale = 1.0
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
    scale = min(0.9 * w / tw, 0.7 * h / (th + base))
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
    mask = np.zeros((h, w), np.uint8)
    org = ((w - tw) // 2, (h + th) // 2)
    cv2.putText(mask, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, 255, 2, cv2.LINE_AA)
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), quad)
    warped = cv2.warpPerspective(mask, m, (image.shape[1], image.shape[0]))
    a = warped[..., None].astype(np.float32) / 255.0
    image[...] = (image * (1 - a) + np.float32(color) * a).astype(np.uint8)


def polygon_mask(shape, polygon, grow: int = 0) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(np.float32(polygon)).astype(np.int32)], 255)
    if grow:
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
        mask = cv2.dilate(mask, k)
    return mask > 0


def changed(a: np.ndarray, b: np.ndarray, threshold: int = 40) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > threshold


def edge_density(image: np.ndarray, mask: np.ndarray) -> float:
    edges = cv2.Canny(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), 60, 160)
    return float((edges[mask] > 0).mean())
