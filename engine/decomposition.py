"""PCA by hand (the SVD of the centred data) and the cocktail party: two sources mixed, unmixed by PCA or ICA."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_wine
from sklearn.decomposition import FastICA

from engine._validate import check_choice, check_float, check_int, check_points

SOURCE_KINDS = ("waves", "laplace", "gaussian")
UNMIX_METHODS = ("pca", "ica")


@dataclass(frozen=True)
class PCAResult:
    components: np.ndarray                # (k, d): unit principal axes, largest variance first
    explained_variance: np.ndarray        # (k,): variance of the scores along each axis (ddof=1)
    explained_variance_ratio: np.ndarray  # (k,): that variance as a share of the total variance
    scores: np.ndarray                    # (n, k): the centred data projected on the axes
    mean: np.ndarray                      # (d,)


def pca(X, n_components):
    """Principal components of ``X`` from the SVD of the centred data.

    Parameters
    ----------
    X : array of shape (n, d)
    n_components : int, 1 ≤ k ≤ min(n, d)

    Returns
    -------
    PCAResult with ``components`` (k, d), ``explained_variance_ratio`` (k,), ``scores`` (n, k).
    Each component's sign is fixed so that its largest-magnitude entry is positive; scikit-learn's
    ``PCA`` agrees up to that sign.
    """
    X = check_points("X", X, min_rows=2)
    n, d = X.shape
    k = check_int("n_components", n_components, low=1, high=min(n, d))
    mean = X.mean(axis=0)
    centred = X - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    signs = np.sign(vt[np.arange(len(vt)), np.argmax(np.abs(vt), axis=1)])
    vt = vt * np.where(signs == 0, 1.0, signs)[:, None]
    variance = s**2 / (n - 1)
    total = variance.sum()
    ratio = variance / total if total > 0 else np.zeros_like(variance)
    components = vt[:k]
    return PCAResult(components, variance[:k], ratio[:k], centred @ components.T, mean)


def correlated_cloud(n_samples=300, correlation=0.8, random_state=0):
    """A 2-D Gaussian cloud with unit variances and the given correlation: returns X of shape (n, 2).

    Its true covariance [[1, ρ], [ρ, 1]] has eigenvalues 1 ± ρ along the diagonals, so the first principal
    component's true share of the variance is (1 + |ρ|) / 2.
    """
    n = check_int("n_samples", n_samples, low=3, high=20000)
    rho = check_float("correlation", correlation, low=-0.99, high=0.99)
    z = np.random.default_rng(random_state).standard_normal((n, 2))
    return np.c_[z[:, 0], rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]]


def wine_features():
    """The 13 chemical measurements of scikit-learn's bundled wine data: X (178, 13), feature names, cultivar (178,)."""
    data = load_wine()
    return data.data.astype(float), tuple(data.feature_names), data.target.astype(int)


def standardize(X):
    """Each column minus its mean, divided by its standard deviation (constant columns left at 0)."""
    X = check_points("X", X, min_rows=2)
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


@dataclass(frozen=True)
class MixedSignals:
    time: np.ndarray      # (n,)
    sources: np.ndarray   # (n, 2): the independent signals, each zero-mean with unit variance
    mixing: np.ndarray    # (2, 2): A, not orthogonal
    observed: np.ndarray  # (n, 2): sources · Aᵀ, what the two microphones record


def source_signals(kind="waves", n_samples=2000, random_state=0):
    """Two independent signals of shape (n, 2), each standardised to mean 0 and variance 1.

    ``waves``: a sine and a square wave (sub-Gaussian); ``laplace``: two spiky, speech-like Laplace noises
    (super-Gaussian); ``gaussian``: two Gaussian noises, which no method can unmix (a rotation of two
    independent Gaussians is again two independent Gaussians).
    """
    check_choice("kind", kind, SOURCE_KINDS)
    n = check_int("n_samples", n_samples, low=50, high=20000)
    rng = np.random.default_rng(random_state)
    t = np.linspace(0, 8, n)
    if kind == "waves":
        s = np.c_[np.sin(2 * np.pi * 1.1 * t), np.sign(np.sin(2 * np.pi * 0.37 * t + 0.5))]
    elif kind == "laplace":
        s = rng.laplace(size=(n, 2))
    else:
        s = rng.standard_normal((n, 2))
    return (s - s.mean(axis=0)) / s.std(axis=0)


MIXING = np.array([[1.0, 0.6], [0.45, 1.0]])  # two microphones, each nearer one speaker; columns not orthogonal


def mixed_signals(n_samples=2000, random_state=0, kind="waves", mixing=None):
    """Two independent sources mixed by a non-orthogonal matrix: returns MixedSignals.

    Parameters
    ----------
    n_samples : int, 50 … 20000
    random_state : int
    kind : one of ``SOURCE_KINDS`` (see ``source_signals``)
    mixing : array (2, 2), invertible, default ``MIXING``

    ``observed`` = ``sources`` · ``mixing``ᵀ, of shape (n, 2).
    """
    A = MIXING if mixing is None else np.asarray(mixing, dtype=float)
    if A.shape != (2, 2) or not np.all(np.isfinite(A)) or abs(np.linalg.det(A)) < 1e-6:
        raise ValueError("mixing must be an invertible 2 × 2 matrix of finite numbers")
    sources = source_signals(kind, n_samples, random_state)
    return MixedSignals(np.linspace(0, 8, len(sources)), sources, A, sources @ A.T)


def unmix(observed, method, random_state=0):
    """Recover two signals from two mixtures: returns (n, 2), each column with unit variance.

    ``pca``: the principal-component scores (uncorrelated); ``ica``: scikit-learn's ``FastICA``
    (as independent as it can make them). Order and sign are arbitrary, as they are for any unmixing.
    """
    X = check_points("observed", observed, min_rows=10)
    if X.shape[1] != 2:
        raise ValueError(f"observed must have 2 columns, got {X.shape[1]}")
    check_choice("method", method, UNMIX_METHODS)
    if method == "pca":
        out = pca(X, 2).scores
    else:
        ica = FastICA(n_components=2, whiten="unit-variance", random_state=random_state, max_iter=1000, tol=1e-5)
        out = ica.fit_transform(X)
    return out / out.std(axis=0)


def match_sources(recovered, sources):
    """Pair each true source with a recovered signal (order and sign free): returns |correlations| (2,) and
    the recovered signals reordered and sign-flipped to line up with the sources, (n, 2)."""
    recovered, sources = np.asarray(recovered, float), np.asarray(sources, float)
    c = np.corrcoef(sources.T, recovered.T)[:2, 2:]  # c[i, j] = corr(source i, recovered j)
    order = (0, 1) if abs(c[0, 0]) + abs(c[1, 1]) >= abs(c[0, 1]) + abs(c[1, 0]) else (1, 0)
    matched = np.array([abs(c[i, order[i]]) for i in range(2)])
    aligned = np.c_[[np.sign(c[i, order[i]]) * recovered[:, order[i]] for i in range(2)]].T
    return matched, aligned
