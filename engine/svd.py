"""Low-rank approximation by the singular value decomposition, and the bundled images it is shown on."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_choice, check_int, check_points

IMAGES = ("camera", "astronaut", "coins", "china", "noise")


@dataclass(frozen=True)
class LowRank:
    approx: np.ndarray           # (m, n): A_k = Σ_{i≤k} σᵢ uᵢ vᵢᵀ
    singular_values: np.ndarray  # (min(m, n),): all of them, descending
    error: float                 # ‖A − A_k‖_F
    relative_error: float        # ‖A − A_k‖_F / ‖A‖_F
    stored: int                  # numbers kept: k·(m + n + 1)


def decompose(A):
    """The thin SVD of ``A`` (m, n): U (m, r), s (r,) descending, Vt (r, n) with r = min(m, n)."""
    A = check_points("A", A)
    return np.linalg.svd(A, full_matrices=False)


def low_rank(A, k, svd=None):
    """The best rank-``k`` approximation of ``A`` (Eckart–Young): keep the k largest singular values.

    Parameters
    ----------
    A : array (m, n)
    k : int, 0 ≤ k ≤ min(m, n)
    svd : optional (U, s, Vt) from ``decompose(A)``, so a page can reuse one decomposition for every k.

    Returns
    -------
    LowRank with ``approx`` (m, n), ``singular_values`` (min(m, n),), ``error``, ``relative_error``, ``stored``.
    """
    A = check_points("A", A)
    m, n = A.shape
    k = check_int("k", k, low=0, high=min(m, n))
    U, s, Vt = decompose(A) if svd is None else svd
    approx = (U[:, :k] * s[:k]) @ Vt[:k]
    error = float(np.linalg.norm(A - approx))
    total = float(np.linalg.norm(A))
    return LowRank(approx, s, error, error / total if total > 0 else 0.0, k * (m + n + 1))


def tail_energy(singular_values, k):
    """√(Σ_{i>k} σᵢ²): what Eckart–Young says the Frobenius error of the best rank-k approximation is."""
    s = np.asarray(singular_values, float)
    return float(np.sqrt(np.sum(s[k:] ** 2)))


def image(name="camera", size=192, random_state=0):
    """A bundled grey-scale image as floats in [0, 1], shape (size, size) (``noise``: uniform random pixels).

    From scikit-image's ``data`` module and scikit-learn's sample images; nothing is downloaded.
    """
    check_choice("name", name, IMAGES)
    size = check_int("size", size, low=16, high=512)
    if name == "noise":
        return np.random.default_rng(random_state).uniform(size=(size, size))
    from skimage import data
    from skimage.color import rgb2gray
    from skimage.transform import resize
    if name == "china":
        from sklearn.datasets import load_sample_image
        pixels = load_sample_image("china.jpg")
    else:
        pixels = getattr(data, name)()
    gray = rgb2gray(pixels) if pixels.ndim == 3 else pixels / 255.0
    side = min(gray.shape)
    top, left = (gray.shape[0] - side) // 2, (gray.shape[1] - side) // 2
    square = gray[top:top + side, left:left + side]
    return np.clip(resize(square, (size, size), anti_aliasing=True), 0.0, 1.0)
