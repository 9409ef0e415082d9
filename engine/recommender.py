"""Matrix factorisation for recommendations: a synthetic low-rank ratings matrix with gaps, and SGD that fills them."""
from __future__ import annotations

from dataclasses import dataclass
from operator import mul

import numpy as np

from engine._validate import check_float, check_int

MAX_CELLS = 20000  # users × items; SGD below loops in Python over the observed entries
DIVERGED = 1e6     # an RMSE this large means the steps overshoot without bound


@dataclass(frozen=True)
class Ratings:
    observed: np.ndarray  # (users, items): the known ratings, NaN where unrated
    full: np.ndarray      # (users, items): the true zero-centred matrix of rank exactly ``rank`` (no noise)


def synthetic_ratings(n_users=60, n_items=40, rank=3, density=0.3, noise=0.1, random_state=0):
    """A ratings matrix built from ``rank`` hidden tastes, with a share ``density`` of it observed.

    ``full`` = U Vᵀ with U (users, rank) and V (items, rank) drawn N(0, 1/√rank), so entries have variance
    about 1 and the matrix has rank exactly ``rank``; ``observed`` = ``full`` + N(0, noise²) on a random
    subset of entries (each user rates at least one item), NaN elsewhere. No offset and no clipping, so a
    model with k = rank factors can fit it exactly.
    """
    users = check_int("n_users", n_users, low=2, high=1000)
    items = check_int("n_items", n_items, low=2, high=1000)
    if users * items > MAX_CELLS:
        raise ValueError(f"n_users × n_items must be at most {MAX_CELLS}, got {users * items}")
    rank = check_int("rank", rank, low=1, high=min(users, items))
    density = check_float("density", density, low=0.0, high=1.0, low_inclusive=False)
    noise = check_float("noise", noise, low=0.0, high=5.0)
    rng = np.random.default_rng(random_state)
    U = rng.normal(0, rank ** -0.25, size=(users, rank))
    V = rng.normal(0, rank ** -0.25, size=(items, rank))
    full = U @ V.T
    mask = rng.uniform(size=(users, items)) < density
    mask[np.arange(users), rng.integers(items, size=users)] = True
    observed = np.where(mask, full + rng.normal(0, noise, size=full.shape), np.nan)
    return Ratings(observed, full)


@dataclass(frozen=True)
class Factorization:
    P: np.ndarray            # (users, k): user factors
    Q: np.ndarray            # (items, k): item factors; prediction r̂ᵢⱼ = pᵢ · qⱼ
    train_rmse: np.ndarray   # (epochs,): RMSE over the training entries after each epoch (NaN once diverged)
    test_rmse: np.ndarray    # (epochs,): RMSE over the held-out entries after each epoch (NaN once diverged)
    train_mask: np.ndarray   # (users, items) bool
    test_mask: np.ndarray    # (users, items) bool
    diverged: bool

    @property
    def prediction(self) -> np.ndarray:
        """P Qᵀ, (users, items); NaN where a diverged fit overflows."""
        with np.errstate(over="ignore", invalid="ignore"):
            product = self.P @ self.Q.T
        return np.where(np.isfinite(product), product, np.nan)


def train_test_split_entries(R, test_fraction, rng):
    """Split the observed entries of ``R`` at random: (train_mask, test_mask), both (users, items) bool."""
    rows, cols = np.nonzero(~np.isnan(R))
    order = rng.permutation(len(rows))
    n_test = int(round(test_fraction * len(rows)))
    train, test = np.zeros(R.shape, bool), np.zeros(R.shape, bool)
    test[rows[order[:n_test]], cols[order[:n_test]]] = True
    train[rows[order[n_test:]], cols[order[n_test:]]] = True
    return train, test


def sgd_epoch(P, Q, rows, cols, values, lr, reg):
    """One pass of stochastic gradient descent over the given entries, in the given order; updates P, Q in place.

    For each rating r = R[i, j]: e = r − pᵢ·qⱼ, then pᵢ += lr (e qⱼ − reg pᵢ) and qⱼ += lr (e pᵢ − reg qⱼ), both
    from the old values: a step down the gradient of ½e² + ½reg(‖pᵢ‖² + ‖qⱼ‖²). ``P`` and ``Q`` are lists of
    lists of floats: for vectors of a few numbers plain Python is several times faster than numpy."""
    keep = 1.0 - lr * reg
    for i, j, r in zip(rows, cols, values):
        p, q = P[i], Q[j]
        step = lr * (r - sum(map(mul, p, q)))  # lr · e, e = r − pᵢ·qⱼ (map: ~1.5× faster than a generator)
        P[i] = [keep * a + step * b for a, b in zip(p, q)]
        Q[j] = [keep * b + step * a for a, b in zip(p, q)]


def factorize(R, k, lr=0.01, reg=0.02, epochs=50, test_fraction=0.2, random_state=0):
    """Fit R ≈ P Qᵀ by stochastic gradient descent on a training split of the observed ratings.

    Parameters
    ----------
    R : array (users, items), NaN where unrated
    k : int, latent factors, 1 … min(users, items)
    lr : float, learning rate (0, 1]
    reg : float, L2 penalty on the factors, [0, 10]
    epochs : int, 1 … 500 passes over the training ratings (each in a fresh random order)
    test_fraction : float in [0, 0.9]: share of the observed ratings held out
    random_state : seeds the split, P and Q's start (N(0, 0.1²)) and the order of the entries

    Returns
    -------
    Factorization with ``P`` (users, k), ``Q`` (items, k), ``train_rmse`` and ``test_rmse`` (epochs,).
    If the steps blow up (RMSE above 10⁶ or not finite) training stops and later epochs are NaN.
    """
    R = np.asarray(R, dtype=float)
    if R.ndim != 2:
        raise ValueError(f"R must be a 2-D ratings matrix, got shape {R.shape}")
    if R.size > MAX_CELLS:
        raise ValueError(f"R must have at most {MAX_CELLS} cells, got {R.size}")
    if np.isinf(R).any():
        raise ValueError("R must contain only finite ratings or NaN for unrated")
    k = check_int("k", k, low=1, high=min(R.shape))
    lr = check_float("lr", lr, low=0.0, high=1.0, low_inclusive=False)
    reg = check_float("reg", reg, low=0.0, high=10.0)
    epochs = check_int("epochs", epochs, low=1, high=500)
    test_fraction = check_float("test_fraction", test_fraction, low=0.0, high=0.9)
    rng = np.random.default_rng(random_state)
    train, test = train_test_split_entries(R, test_fraction, rng)
    if not train.any():
        raise ValueError("R needs at least one observed rating to train on")
    P = rng.normal(0, 0.1, size=(R.shape[0], k)).tolist()
    Q = rng.normal(0, 0.1, size=(R.shape[1], k)).tolist()
    rows, cols = np.nonzero(train)
    values = R[rows, cols]
    train_rmse, test_rmse = np.full(epochs, np.nan), np.full(epochs, np.nan)
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            order = rng.permutation(len(rows))
            sgd_epoch(P, Q, rows[order].tolist(), cols[order].tolist(), values[order].tolist(), lr, reg)
            prediction = np.array(P) @ np.array(Q).T
            train_rmse[epoch] = rmse(R, prediction, train)
            test_rmse[epoch] = rmse(R, prediction, test)
            if not np.isfinite(train_rmse[epoch]) or train_rmse[epoch] > DIVERGED:
                train_rmse[epoch] = test_rmse[epoch] = np.nan
                diverged = True
                break
    return Factorization(np.array(P), np.array(Q), train_rmse, test_rmse, train, test, diverged)


def rmse(R, prediction, mask):
    """Root-mean-square error of ``prediction`` over the entries of ``R`` where ``mask`` is True (NaN if none)."""
    if not mask.any():
        return float("nan")
    return float(np.sqrt(np.mean((R[mask] - prediction[mask]) ** 2)))


@dataclass(frozen=True)
class LatentMap:
    coords: np.ndarray  # (rows, 2): each row of the factor matrix on its two main directions
    share: float        # the share of the matrix's sum of squares those two directions hold


def latent_map(Q) -> LatentMap:
    """Each row of a factor matrix ``Q`` (items × k, k ≥ 2) on the two directions along which the rows spread most.

    SGD's factors come in no particular order, and rotating P and Q together (P R, Q R for an orthogonal R)
    leaves every prediction P Qᵀ unchanged, so the first two columns of ``Q`` are an arbitrary view. The top
    two right singular vectors of ``Q`` (uncentred: a prediction is a dot product, not a distance from the
    mean) give a view that no rotation changes; ``coords`` = Q V₂ and ``share`` = (σ₁² + σ₂²) / Σσᵢ², what
    scikit-learn's ``TruncatedSVD`` computes. Each direction's sign is chosen so its largest coordinate is
    positive.
    """
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2 or Q.shape[1] < 2 or Q.shape[0] < 2:
        raise ValueError(f"Q must be a factor matrix with at least 2 rows and 2 columns, got shape {Q.shape}")
    if not np.isfinite(Q).all():
        raise ValueError("Q must contain only finite factors")
    _, sigma, Vt = np.linalg.svd(Q, full_matrices=False)
    coords = Q @ Vt[:2].T
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), [0, 1]])
    total = float(np.sum(sigma ** 2))
    return LatentMap(coords * np.where(signs == 0, 1.0, signs), float(np.sum(sigma[:2] ** 2)) / total if total else 1.0)
