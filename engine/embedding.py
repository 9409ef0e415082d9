"""t-SNE (scikit-learn's) on a subset of the bundled digits, PCA for comparison and trustworthiness by hand."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits

from engine._validate import check_float, check_int, check_points


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits, read once per process (``load_digits`` parses its CSV anew each call: ~12 ms), read-only."""
    X, y = (np.array(a) for a in load_digits(return_X_y=True))  # own copies: a view's flag could be set back
    X.flags.writeable = y.flags.writeable = False
    return X, y


def digits_subset(n_samples=500, random_state=0):
    """A random, class-balanced-ish subset of scikit-learn's bundled 8 × 8 digits: X (n, 64) in [0, 16], y (n,)."""
    n = check_int("n_samples", n_samples, low=20, high=1797)
    X, y = _digits()
    pick = np.sort(np.random.default_rng(random_state).choice(len(X), size=n, replace=False))
    return X[pick].astype(float), y[pick].astype(int)


def tsne(X, perplexity=30.0, random_state=0, learning_rate="auto", max_iter=1000, pca_first=None,
         init="pca"):
    """A 2-D t-SNE embedding of ``X`` (n, d) with scikit-learn's ``TSNE`` (Barnes–Hut): returns (n, 2).

    Parameters
    ----------
    X : array (n, d)
    perplexity : float, > 0 and below n: roughly the number of neighbours each point attends to
    learning_rate : "auto" (max(n / early_exaggeration / 4, 50)) or a float in [1, 10000]
    max_iter : int, 250 … 5000 gradient steps
    pca_first : None, or an int: reduce X to that many principal components before t-SNE (the usual speed-up)
    init : "pca" or "random"
    """
    X = check_points("X", X, min_rows=5)
    n = len(X)
    perplexity = check_float("perplexity", perplexity, low=0.0, low_inclusive=False)
    if perplexity >= n:
        raise ValueError(f"perplexity must be below the number of points ({n}), got {perplexity:g}: "
                         "each point cannot have more effective neighbours than there are other points")
    if learning_rate != "auto":
        learning_rate = check_float("learning_rate", learning_rate, low=1.0, high=10000.0)
    max_iter = check_int("max_iter", max_iter, low=250, high=5000)
    if init not in ("pca", "random"):
        raise ValueError(f"init must be 'pca' or 'random', got {init!r}")
    if pca_first is not None:
        pca_first = check_int("pca_first", pca_first, low=2, high=X.shape[1])
        X = PCA(pca_first, random_state=random_state).fit_transform(X)
    model = TSNE(2, perplexity=perplexity, learning_rate=learning_rate, max_iter=max_iter, init=init,
                 random_state=random_state, method="barnes_hut", n_jobs=1)
    # One thread: on a shared server OpenMP's worker threads spin while they wait for a core, which made a
    # 300-point embedding take ~7 s of CPU instead of ~0.5 s.
    with threadpool_limits(limits=1):
        return model.fit_transform(X).astype(float)


def pca_2d(X):
    """The first two principal-component scores of ``X`` (n, d): (n, 2)."""
    X = check_points("X", X, min_rows=2)
    return PCA(2).fit_transform(X)


def trustworthiness(X, Y, n_neighbors=5):
    """How well the embedding ``Y`` (n, q) keeps the neighbourhoods of ``X`` (n, d), between 0 and 1.

    T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σᵢ Σ_{j ∈ U_k(i)} (r(i, j) − k), where U_k(i) are the points among i's
    k nearest neighbours in the embedding but not in the original space, and r(i, j) is j's rank among i's
    neighbours in the original space. 1 means no intruders; scikit-learn's ``trustworthiness`` agrees.
    """
    X, Y = check_points("X", X, min_rows=3), check_points("Y", Y, min_rows=3)
    if len(X) != len(Y):
        raise ValueError(f"X and Y must have the same number of rows, got {len(X)} and {len(Y)}")
    n = len(X)
    k = check_int("n_neighbors", n_neighbors, low=1, high=(n - 1) // 2)
    dx, dy = cdist(X, X, "sqeuclidean"), cdist(Y, Y, "sqeuclidean")
    np.fill_diagonal(dx, np.inf)
    np.fill_diagonal(dy, np.inf)
    order = np.argsort(dx, axis=1, kind="stable")
    ranks = np.empty_like(order)
    ranks[np.arange(n)[:, None], order] = np.arange(1, n + 1)  # ranks[i, j] = j's rank among i's neighbours in X
    near_in_y = np.argsort(dy, axis=1, kind="stable")[:, :k]
    penalty = np.maximum(ranks[np.arange(n)[:, None], near_in_y] - k, 0).sum()
    return float(1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * penalty)


@dataclass(frozen=True)
class ClusterGeometry:
    spread_original: np.ndarray   # (c,): each class's mean distance to its centroid in the original space
    spread_embedded: np.ndarray   # (c,): the same in the embedding
    gaps_original: np.ndarray     # (c(c−1)/2,): distances between class centroids in the original space
    gaps_embedded: np.ndarray     # (c(c−1)/2,): the same in the embedding


def cluster_geometry(X, Y, labels):
    """Per-class spreads and between-class centroid distances, before (X) and after (Y) embedding."""
    X, Y = check_points("X", X), check_points("Y", Y)
    labels = np.asarray(labels)
    classes = np.unique(labels)
    def describe(Z):
        centres = np.array([Z[labels == c].mean(axis=0) for c in classes])
        spread = np.array([np.linalg.norm(Z[labels == c] - centres[i], axis=1).mean() for i, c in enumerate(classes)])
        iu = np.triu_indices(len(classes), 1)
        return spread, cdist(centres, centres)[iu]
    so, go = describe(X)
    se, ge = describe(Y)
    return ClusterGeometry(so, se, go, ge)
