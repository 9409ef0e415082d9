"""K-means and EM for Gaussian mixtures, written out step by step so a page can replay them.

Both are checked against scikit-learn (``KMeans(algorithm="lloyd")`` and ``GaussianMixture``)
started from the same point in tests/engine/test_clustering.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, xlogy
from sklearn.cluster import KMeans, kmeans_plusplus

from engine._validate import check_choice, check_float, check_int, check_points

INITS = ("k-means++", "random", "bad")
REG_COVAR = 1e-6
COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")


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


def _lloyd_update(X, centers, labels):
    """New centres from ``labels`` (assigned to ``centers``), relocating empty clusters as scikit-learn's Lloyd does.

    Each empty cluster takes the point farthest from its own centre (the farthest first), and that point
    leaves its old cluster's mean, exactly as ``sklearn.cluster._k_means_common._relocate_empty_clusters_dense``
    and ``_average_centers`` do. Returns the new centres (k, d) and the labels with each relocated point moved
    to the cluster it now founds, so that the inertia of (new centres, these labels) is never above that of
    (``centers``, ``labels``).
    """
    k = centers.shape[0]
    sums = np.zeros_like(centers)
    np.add.at(sums, labels, X)
    counts = np.bincount(labels, minlength=k).astype(float)
    labels = labels.copy()
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        distances = np.sum((X - centers[labels]) ** 2, axis=1)
        if distances.max() > 0:
            far = np.argpartition(distances, -empty.size)[:-empty.size - 1:-1]  # scikit-learn's order
            for j, point in zip(empty, far):
                old = labels[point]
                sums[old] -= X[point]
                sums[j] = X[point]
                counts[j], counts[old] = 1.0, counts[old] - 1.0
                labels[point] = j
    biggest = int(np.argmax(counts))
    for j in range(k):  # in place and in order, as scikit-learn averages
        if counts[j] > 0:
            sums[j] *= 1.0 / counts[j]
        else:
            sums[j] = sums[biggest]
    return sums, labels


def kmeans_steps(X, k, init="k-means++", max_iter=300, random_state=0) -> list[KMeansStep]:
    """Lloyd's K-means as alternating assign / update half-steps, ending at convergence.

    Converged means an assignment that changes no label; that final assign step is the last item.
    An update that leaves a cluster empty relocates its centre to the point farthest from its own centre,
    as scikit-learn's ``KMeans(algorithm="lloyd")`` does, so the final centres equal scikit-learn's from the
    same start; the update step's ``labels`` then show that point in its new cluster. The inertia never
    rises from one half-step to the next. Returns at most ``2 * max_iter + 1`` steps.
    """
    X = check_points("X", X)
    k = check_int("k", k, low=1, high=X.shape[0])
    max_iter = check_int("max_iter", max_iter, low=1, high=1000)
    centers = initial_centers(X, k, init, random_state)
    labels = np.argmin(_sq_distances(X, centers), axis=1)
    steps = [KMeansStep(0, "assign", centers, labels, _inertia(X, centers, labels))]
    for iteration in range(1, max_iter + 1):
        centers, moved_labels = _lloyd_update(X, centers, labels)
        steps.append(KMeansStep(iteration, "update", centers, moved_labels, _inertia(X, centers, moved_labels)))
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
    from threadpoolctl import threadpool_limits
    with threadpool_limits(1):  # see bic_over_k
        return np.array([KMeans(k, n_init=5, random_state=random_state).fit(X).inertia_ for k in ks])


@dataclass(frozen=True)
class GmmStep:
    """The mixture after one EM half-step.

    ``kind`` is "init", "E" (responsibilities recomputed) or "M" (weights, means, covariances
    re-estimated). ``log_likelihood`` is the mean log-likelihood per sample of these parameters.
    ``lower_bound`` is the evidence lower bound (ELBO) per sample of these parameters and these
    responsibilities q: (1/n) Σ_i Σ_j q_ij [log π_j N(x_i | μ_j, Σ_j) − log q_ij] ≤ ``log_likelihood``.
    An E-step leaves ``log_likelihood`` unchanged and lifts the bound until it touches it (q = the
    posterior); an M-step raises the bound, and with it the likelihood.
    """

    iteration: int
    kind: str
    weights: np.ndarray           # (k,)
    means: np.ndarray             # (k, d)
    covariances: np.ndarray       # (k, d, d)
    responsibilities: np.ndarray  # (n, k)
    log_likelihood: float
    lower_bound: float


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
    """Posterior responsibilities (n, k), mean log-likelihood, and log(π_j N(x_i | θ_j)) (n, k)."""
    log_joint = _log_joint(X, weights, means, covariances)
    log_norm = logsumexp(log_joint, axis=1)
    return np.exp(log_joint - log_norm[:, None]), float(log_norm.mean()), log_joint


def _lower_bound(responsibilities, log_joint):
    """ELBO per sample: mean over i of Σ_j q_ij (log_joint_ij − log q_ij), with 0·log 0 = 0."""
    return float(np.mean(np.sum(responsibilities * log_joint - xlogy(responsibilities, responsibilities), axis=1)))


def _m_step(X, responsibilities, reg_covar=REG_COVAR):
    n, d = X.shape
    nk = responsibilities.sum(axis=0) + 10 * np.finfo(float).eps
    means = responsibilities.T @ X / nk[:, None]
    covariances = np.empty((len(nk), d, d))
    for j in range(len(nk)):
        diff = X - means[j]
        covariances[j] = (responsibilities[:, j, None] * diff).T @ diff / nk[j] + reg_covar * np.eye(d)
    return nk / n, means, covariances


def gmm_initial(X, k, random_state=0):
    """Starting mixture: equal weights, k-means++ means, every covariance the data's covariance."""
    X = check_points("X", X, min_rows=2)
    k = check_int("k", k, low=1, high=X.shape[0])
    means = initial_centers(X, k, "k-means++", random_state)
    covariance = np.cov(X.T, bias=True) + REG_COVAR * np.eye(X.shape[1])
    return np.full(k, 1.0 / k), means, np.repeat(covariance[None], k, axis=0)


def gmm_em_steps(X, k, max_iter=100, random_state=0, tol=1e-6, init=None, reg_covar=REG_COVAR) -> list[GmmStep]:
    """EM for a full-covariance Gaussian mixture, one item per half-step.

    ``init`` may be a tuple (weights, means, covariances); otherwise ``gmm_initial``. Stops after
    ``max_iter`` E+M iterations or when an M-step raises the mean log-likelihood by less than ``tol``
    (a small gain is not proof of convergence: EM often crawls along a plateau and then speeds up).
    ``reg_covar`` is added to the diagonal of every covariance, as in scikit-learn, so no component can
    collapse onto a single point (where the likelihood is unbounded).
    The log-likelihood never decreases from one step to the next (EM's guarantee); each step also
    carries the lower bound that explains why (see ``GmmStep``).
    """
    X = check_points("X", X, min_rows=2)
    k = check_int("k", k, low=1, high=X.shape[0])
    max_iter = check_int("max_iter", max_iter, low=1, high=1000)
    reg_covar = check_float("reg_covar", reg_covar, low=0.0, high=1e3)
    weights, means, covariances = gmm_initial(X, k, random_state) if init is None else map(np.asarray, init)
    responsibilities, log_likelihood, log_joint = _e_step(X, weights, means, covariances)
    uniform = np.full((X.shape[0], k), 1.0 / k)
    steps = [GmmStep(0, "init", weights, means, covariances, uniform, log_likelihood, _lower_bound(uniform, log_joint))]
    for iteration in range(1, max_iter + 1):
        steps.append(GmmStep(iteration, "E", weights, means, covariances, responsibilities, log_likelihood,
                             _lower_bound(responsibilities, log_joint)))
        weights, means, covariances = _m_step(X, responsibilities, reg_covar)
        # The next E-step, computed once: its normaliser is also the new parameters' likelihood.
        next_responsibilities, new_log_likelihood, log_joint = _e_step(X, weights, means, covariances)
        steps.append(GmmStep(iteration, "M", weights, means, covariances, responsibilities, new_log_likelihood,
                             _lower_bound(responsibilities, log_joint)))
        if new_log_likelihood - log_likelihood < tol:
            break
        responsibilities, log_likelihood = next_responsibilities, new_log_likelihood
    return steps


def gmm_predict(X, weights, means, covariances) -> np.ndarray:
    """The most responsible component of every row of X under these parameters, shape (n,)."""
    X = check_points("X", X)
    return np.argmax(_log_joint(X, weights, means, covariances), axis=1)


def mixture_n_parameters(k, d, covariance_type="full") -> int:
    """Free parameters of a k-component Gaussian mixture in d dimensions (what BIC charges for).

    Weights k − 1, means k·d, and covariances: full k·d(d+1)/2, diag k·d, spherical k, tied d(d+1)/2.
    Equal to scikit-learn's ``GaussianMixture._n_parameters()``.
    """
    k = check_int("k", k, low=1)
    d = check_int("d", d, low=1)
    check_choice("covariance_type", covariance_type, COVARIANCE_TYPES)
    covariance = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k, "tied": d * (d + 1) // 2}[covariance_type]
    return (k - 1) + k * d + covariance


def bic_over_k(X, ks, covariance_types=COVARIANCE_TYPES, random_state=0, reg_covar=REG_COVAR) -> dict:
    """BIC = −2 log L + p ln n of scikit-learn's ``GaussianMixture`` fit for each k and covariance type.

    Returns {covariance_type: array (len(ks),)}; lower is better. Each fit starts from one K-means run. The fits
    run on one thread: on a shared 2-core server, OpenMP threads fighting for cores made them ~5× slower.
    """
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits
    X = check_points("X", X, min_rows=2)
    ks = [check_int("k", k, low=1, high=X.shape[0]) for k in ks]
    for covariance_type in covariance_types:
        check_choice("covariance_type", covariance_type, COVARIANCE_TYPES)
    with threadpool_limits(1):
        return {t: np.array([GaussianMixture(k, covariance_type=t, reg_covar=reg_covar,
                                             random_state=random_state).fit(X).bic(X) for k in ks])
                for t in covariance_types}


def collapse_curve(X, weights, means, covariances, variances, point=None) -> np.ndarray:
    """Mean log-likelihood per sample when a component of weight 1/n and covariance s²·I sits on ``X[point]``
    (by default the point these parameters explain worst).

    The mixture (weights, means, covariances) keeps its shape, scaled by 1 − 1/n. As s² → 0 that one
    point's density grows without bound while every other point loses only log(1 − 1/n): the likelihood of
    a Gaussian mixture has no maximum, which is why EM needs ``reg_covar`` (s² ≥ reg_covar). Returns an array
    of shape (len(variances),).
    """
    X = check_points("X", X, min_rows=2)
    n, d = X.shape
    variances = np.asarray(variances, dtype=float)
    if variances.ndim != 1 or not np.all(np.isfinite(variances)) or np.any(variances <= 0):
        raise ValueError("variances must be a 1-D array of positive finite numbers")
    epsilon = 1.0 / n
    fitted = logsumexp(_log_joint(X, weights, means, covariances), axis=1)
    point = int(np.argmin(fitted)) if point is None else check_int("point", point, low=0, high=n - 1)
    mixture = fitted + np.log1p(-epsilon)
    squared = np.sum((X - X[point]) ** 2, axis=1)
    spike = (np.log(epsilon) - 0.5 * d * np.log(2 * np.pi * variances)[:, None]
             - 0.5 * squared[None, :] / variances[:, None])
    return np.logaddexp(mixture[None, :], spike).mean(axis=1)


def ellipse(mean, covariance, n_std=2.0, n_points=60) -> np.ndarray:
    """Points (n_points, 2) on the ``n_std``-sigma contour of a 2-D Gaussian."""
    values, vectors = np.linalg.eigh(np.asarray(covariance, dtype=float))
    angles = np.linspace(0, 2 * np.pi, n_points)
    circle = np.c_[np.cos(angles), np.sin(angles)]
    return np.asarray(mean) + n_std * circle * np.sqrt(np.maximum(values, 0)) @ vectors.T
