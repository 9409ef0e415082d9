"""Overlap of two masks: the Dice coefficient and intersection over union (Jaccard), and disc masks to try them on."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_float


def _check_masks(a, b) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    for name, mask in (("a", a), ("b", b)):
        if mask.dtype != bool and not np.all(np.isin(mask, (0, 1))):
            raise ValueError(f"{name} must be a boolean mask (or hold only 0 and 1)")
    return a.astype(bool), b.astype(bool)


def dice(a, b) -> float:
    """Dice coefficient 2|A ∩ B| / (|A| + |B|) of two boolean masks of one shape; 1.0 when both are empty."""
    a, b = _check_masks(a, b)
    total = int(a.sum()) + int(b.sum())
    return 1.0 if total == 0 else 2.0 * int(np.sum(a & b)) / total


def iou(a, b) -> float:
    """Intersection over union |A ∩ B| / |A ∪ B| (the Jaccard index); 1.0 when both masks are empty."""
    a, b = _check_masks(a, b)
    union = int(np.sum(a | b))
    return 1.0 if union == 0 else int(np.sum(a & b)) / union


@dataclass(frozen=True)
class DiscPair:
    a: np.ndarray       # (H, W) bool: disc A, the ground truth, centred at (0, 0)
    b: np.ndarray       # (H, W) bool: disc B, the prediction, centred at (dx, dy)
    x: np.ndarray       # (W,) pixel-centre x coordinates
    y: np.ndarray       # (H,) pixel-centre y coordinates


def disc_masks(r_a=20.0, r_b=20.0, dx=10.0, dy=0.0, scale=1.0) -> DiscPair:
    """Two discs rasterised on a grid of unit pixels: A of radius ``r_a`` at the origin, B of radius ``r_b`` at
    (dx, dy). ``scale`` multiplies both radii (not the offset), to compare a miss on a small and a large object.

    Parameters
    ----------
    r_a, r_b : float
        Radii in pixels, 0.5 to 400 after scaling.
    dx, dy : float
        Offset of B's centre in pixels, at most 1000 either way.
    scale : float
        Factor on both radii, 0.1 to 10.

    Returns
    -------
    DiscPair
        Masks on the smallest whole-pixel grid (plus a margin) holding both discs; a pixel belongs to a disc
        when its centre does.
    """
    scale = check_float("scale", scale, low=0.1, high=10.0)
    r_a = check_float("r_a", r_a, low=0.5, high=400.0) * scale
    r_b = check_float("r_b", r_b, low=0.5, high=400.0) * scale
    if max(r_a, r_b) > 400:
        raise ValueError(f"r_a and r_b times scale must be at most 400 pixels, got {max(r_a, r_b):g}")
    dx = check_float("dx", dx, low=-1000, high=1000)
    dy = check_float("dy", dy, low=-1000, high=1000)
    x = np.arange(np.floor(min(-r_a, dx - r_b)) - 2, np.ceil(max(r_a, dx + r_b)) + 3)
    y = np.arange(np.floor(min(-r_a, dy - r_b)) - 2, np.ceil(max(r_a, dy + r_b)) + 3)
    xx, yy = np.meshgrid(x, y)
    return DiscPair(xx ** 2 + yy ** 2 <= r_a ** 2, (xx - dx) ** 2 + (yy - dy) ** 2 <= r_b ** 2, x, y)


def disc_lens_area(r_a, r_b, d) -> float:
    """Exact area where two discs of radii ``r_a``, ``r_b`` with centres ``d`` apart overlap (the lens)."""
    r_a = check_float("r_a", r_a, low=0.0, high=1e6)
    r_b = check_float("r_b", r_b, low=0.0, high=1e6)
    d = abs(check_float("d", d, low=-1e6, high=1e6))
    if d >= r_a + r_b:
        return 0.0
    if d <= abs(r_a - r_b):
        return float(np.pi * min(r_a, r_b) ** 2)
    alpha = np.arccos((d ** 2 + r_a ** 2 - r_b ** 2) / (2 * d * r_a))
    beta = np.arccos((d ** 2 + r_b ** 2 - r_a ** 2) / (2 * d * r_b))
    return float(r_a ** 2 * (alpha - np.sin(2 * alpha) / 2) + r_b ** 2 * (beta - np.sin(2 * beta) / 2))
