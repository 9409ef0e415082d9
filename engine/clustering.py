"""K-means and EM for Gaussian mixtures, written out step by step so a page can replay them.

Both are checked against scikit-learn (``KMeans(algorithm="lloyd")`` and ``GaussianMixture``)
started from the same point in tests/engine/test_clustering.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from sklearn.cluster import KMeans, kmeans_plusplus

from engine._validate import check_choice, check_int, check_points

INITS = ("k-means++", "random", "bad")
REG_COVAR = 1e-6


@dataclass(frozen=True)
class KMeansStep:
    """One half-step of Lloyd's algorithm.

    ``kind`` is "assign" (labels from the nearest centre) or "update" (centres moved to the means).
    """

    iteration: int
    kind: str
    centers: np.ndarray   # (k, d)
    labels: np.ndarray    # (n,)
    inertia: float        # sum of squared distances of points to their assigned centre


def initial_centers(X, k, init="k-means++", random_state=0) -> np.ndarray:
    """Starting centres: k-means++, k random data points, or a deliberately bad start.

    The bad start puts all k centres on the k points nearest to one data point, so they begin
    crowded inside a single cluster.
    """
    X = check_points("X", X)
    k = check_int("k", k, low=1, high=X.shape[0])
    if not isinstance(init, str):
        centers = np.asarray(init, dtype=float)
        if centers.shape != (k, X.shape[1]) or not np.all(np.isfinite(centers)):
            raise ValueError(f"init must be one of {INITS} or a finite array of shape ({k}, {X.shape[1]})")
        return centers.copy()
    check_choice("init", init, INITS)
    rng = np.random.default_rng(random_state)
    if init == "k-means++":
        centers, _ = kmeans_plusplus(X, k, random_state=int(rng.integers(2**31)))
        return centers
    if init == "random":
        return X[rng.choice(X.shape[0], size=k, replace=False)].copy()
    anchor = X[rng.integers(X.shape[0])]
    nearest = np.argsort(np.sum((X - anchor) ** 2, axis=1))[:k]
    return X[nearest].copy()


def _sq_distances(X, centers):
    return np.sum((X[:, None, :] - centers[None, :, :]) ** 2, axis=2)


def _inertia(X, centers, labels):
    return float(np.sum((X - centers[labels]) ** 2))


def kmeans_steps(X, k, init="k-means++", max_iter=50, random_state=0) -> list[KMeansStep]:
    """Lloyd's K-means as alternating assign / update half-steps, ending at convergence.

    Converged means an assignment that changes no label; that final assign step is the last item.
    An empty cluster keeps its previous centre. Returns at most ``2 * max_iter + 1`` steps.
    """
    X = check_points("X", X)
    k = check_int("k", k, low=1, high=X.shape[0])
    max_iter = check_int("max_iter", max_iter, low=1, high=1000)
    centers = initial_centers(X, k, init, random_state)
    labels = np.argmin(_sq_distances(X, centers), axis=1)
    steps = [KMeansStep(0, "assign", centers, labels, _inertia(X, centers, labels))]
    for iteration in range(1, max_iter + 1):
        new_centers = centers.copy()
        for j in range(k):
            members = labels == j
            if members.any():
                new_centers[j] = X[members].mean(axis=0)
        centers = new_centers
        steps.append(KMeansStep(iteration, "update", centers, labels, _inertia(X, centers, labels)))
        new_labels = np.argmin(_sq_distances(X, centers), axis=1)
        steps.append(KMeansStep(iteration, "assign", centers, new_labels, _inertia(X, centers, new_labels)))
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return steps


def elbow(X, ks, random_state=0) -> np.ndarray:
    """Best-of-5 K-means++ inertia for each k in ``ks`` (scikit-learn), for the elbow chart."""
    X = check_points("X", X)
    ks = [check_int("k", k, low=1, high=X.shape[0]) for k in ks]
    return np.array([KMeans(k, n_init=5, random_state=random_state).fit(X).inertia_ for k in ks])


@dataclass(frozen=True)
class GmmStep:
    """The mixture after one EM half-step.

    ``kind`` is "init", "E" (responsibilities recomputed) or "M" (weights, means, covariances
    re-estimated). ``log_likelihood`` is the mean log-likelihood per sample of these parameters.
    """

    iteration: int
    kind: str
    weights: np.ndarray           # (k,)
    means: np.ndarray             # (k, d)
    covariances: np.ndarray       # (k, d, d)
    responsibilities: np.ndarray  # (n, k)
    log_likelihood: float


def _log_gaussian(X, mean, covariance):
    """log N(x | μ, Σ) for every row of X, through a Cholesky factor (scipy's logpdf re-factorises
    with an eigendecomposition on every call, which dominated the EM loop)."""
    factor = np.linalg.cholesky(covariance)
    z = np.linalg.solve(factor, (X - mean).T)
    log_det = 2.0 * np.log(np.diag(factor)).sum()
    return -0.5 * (np.sum(z ** 2, axis=0) + log_det + X.shape[1] * np.log(2.0 * np.pi))


def _log_joint(X, weights, means, covariances):
    """log(π_j N(x_i | μ_j, Σ_j)), shape (n, k)."""
    return np.column_stack([np.log(w) + _log_gaussian(X, m, c) for w, m, c in zip(weights, means, covariances)])


def _e_step(X, weights, means, covariances):
    log_joint = _log_joint(X, weights, means, covariances)
    log_norm = logsumexp(log_joint, axis=1)
    return np.exp(log_joint - log_norm[:, None]), float(log_norm.mean())


def _m_step(X, responsibilities):
    n, d = X.shape
    nk = responsibilities.sum(axis=0) + 10 * np.finfo(float).eps
    means = responsibilities.T @ X / nk[:, None]
    covariances = np.empty((len(nk), d, d))
    for j in range(len(nk)):
        diff = X - means[j]
        covariances[j] = (responsibilities[:, j, None] * diff).T @ diff / nk[j] + REG_COVAR * np.eye(d)
    return nk / n, means, covariances


def gmm_initial(X, k, random_state=0):
    """Starting mixture: equal weights, k-means++ means, every covariance the data's covariance."""
    X = check_points("X", X, min_rows=2)
    k = check_int("k", k, low=1, high=X.shape[0])
    means = initial_centers(X, k, "k-means++", random_state)
    covariance = np.cov(X.T, bias=True) + REG_COVAR * np.eye(X.shape[1])
    return np.full(k, 1.0 / k), means, np.repeat(covariance[None], k, axis=0)


def gmm_em_steps(X, k, max_iter=100, random_state=0, tol=1e-6, init=None) -> list[GmmStep]:
    """EM for a full-covariance Gaussian mixture, one item per half-step.

    ``init`` may be a tuple (weights, means, covariances); otherwise ``gmm_initial``. Stops after
    ``max_iter`` E+M iterations or when an M-step raises the mean log-likelihood by less than ``tol``.
    The log-likelihood never decreases from one step to the next (EM's guarantee).
    """
    X = check_points("X", X, min_rows=2)
    k = check_int("k", k, low=1, high=X.shape[0])
    max_iter = check_int("max_iter", max_iter, low=1, high=1000)
    weights, means, covariances = gmm_initial(X, k, random_state) if init is None else map(np.asarray, init)
    responsibilities, log_likelihood = _e_step(X, weights, means, covariances)
    uniform = np.full((X.shape[0], k), 1.0 / k)
    steps = [GmmStep(0, "init", weights, means, covariances, uniform, log_likelihood)]
    for iteration in range(1, max_iter + 1):
        steps.append(GmmStep(iteration, "E", weights, means, covariances, responsibilities, log_likelihood))
        weights, means, covariances = _m_step(X, responsibilities)
        # The next E-step, computed once: its normaliser is also the new parameters' likelihood.
        next_responsibilities, new_log_likelihood = _e_step(X, weights, means, covariances)
        steps.append(GmmStep(iteration, "M", weights, means, covariances, responsibilities, new_log_likelihood))
        if new_log_likelihood - log_likelihood < tol:
            break
        responsibilities, log_likelihood = next_responsibilities, new_log_likelihood
    return steps


def ellipse(mean, covariance, n_std=2.0, n_points=60) -> np.ndarray:
    """Points (n_points, 2) on the ``n_std``-sigma contour of a 2-D Gaussian."""
    values, vectors = np.linalg.eigh(np.asarray(covariance, dtype=float))
    angles = np.linspace(0, 2 * np.pi, n_points)
    circle = np.c_[np.cos(angles), np.sin(angles)]
    return np.asarray(mean) + n_std * circle * np.sqrt(np.maximum(values, 0)) @ vectors.T
