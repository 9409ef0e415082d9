"""Gradient descent on a one-feature linear regression: full-batch, mini-batch and single-example paths.

The model is ŷ = w·x + b and the loss MSE(w, b) = mean((y − ŷ)²). Every step uses the gradient of the MSE
over the current batch; ``momentum`` is the heavy-ball form ``torch.optim.SGD`` uses (v ← μ·v + g,
θ ← θ − lr·v), so the paths equal torch's step for step (tests/engine/test_optim.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_float, check_int, check_points

DIVERGED = 1e6  # |w| or |b| beyond this is a divergence: the path stops there (NaN afterwards)


@dataclass(frozen=True)
class DescentPath:
    """``path`` (steps + 1, 2): (w, b) after each step, starting at (0, 0); ``loss`` (steps + 1,): the full-data
    MSE at each point; ``steps_per_epoch``: ⌈n / batch_size⌉. Rows after a divergence (|w| or |b| > 1e6) are NaN."""

    path: np.ndarray
    loss: np.ndarray
    steps_per_epoch: int
    diverged: bool


@dataclass(frozen=True)
class GradientNoise:
    """Spread of the mini-batch gradient around the full-data gradient at one point (w, b).

    ``sampled`` (len(batch_sizes),): the root-mean-square distance between a batch's gradient and the
    full gradient over ``draws`` random batches (drawn without replacement); ``exact``: the same quantity
    from the finite-population formula √(trace Σ / b · (n − b) / (n − 1))."""

    batch_sizes: np.ndarray
    sampled: np.ndarray
    exact: np.ndarray


def regression_data(n=100, noise=0.5, random_state=0):
    """The page's data: x ~ U(0, 2) and y = 2x + 1 + N(0, noise²). Returns X (n, 1) and y (n,).

    x is not centred, so w and b are correlated in the loss and its contours are long, tilted ellipses.
    """
    n = check_int("n", n, low=2, high=5000)
    noise = check_float("noise", noise, low=0.0, high=10.0)
    rng = np.random.default_rng(random_state)
    x = rng.uniform(0.0, 2.0, n)
    return x[:, None], 2.0 * x + 1.0 + rng.normal(0.0, noise, n)


def _xy(X, y):
    X = check_points("X", X, min_rows=2)
    if X.shape[1] != 1:
        raise ValueError(f"X must have exactly one feature (shape (n, 1)), got {X.shape[1]}")
    y = np.asarray(y, dtype=float)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must contain only finite values")
    return X[:, 0], y


def _mse(x, y, w, b):
    return float(np.mean((y - (w * x + b)) ** 2))


def _mse_many(x, y, w, b):
    """The MSE at many points (w_i, b_i) at once, from the data's moments."""
    return (np.mean(y * y) - 2 * w * np.mean(x * y) - 2 * b * np.mean(y) + w * w * np.mean(x * x)
            + 2 * w * b * np.mean(x) + b * b)


def descent_path(X, y, batch_size, lr, epochs, momentum=0.0, random_state=0) -> DescentPath:
    """Run gradient descent on the MSE from (w, b) = (0, 0).

    Parameters
    ----------
    X : array (n, 1); y : array (n,)
    batch_size : int in [1, n]. ``n`` with no momentum is plain full-batch gradient descent: one step an epoch,
        each exactly (w, b) ← (w, b) − lr·∇MSE. Otherwise every epoch is one pass over a fresh permutation
        (``numpy.random.default_rng(random_state).permutation(n)``, one per epoch) cut into batches of
        ``batch_size``, the last one possibly smaller: ⌈n / batch_size⌉ steps an epoch.
    lr : float > 0; epochs : int in [1, 500]; momentum : float in [0, 1).

    Returns
    -------
    DescentPath with ``path`` (steps + 1, 2) and ``loss`` (steps + 1,).
    """
    x, y = _xy(X, y)
    n = len(x)
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    lr = check_float("lr", lr, low=0.0, low_inclusive=False, high=100.0)
    epochs = check_int("epochs", epochs, low=1, high=500)
    momentum = check_float("momentum", momentum, low=0.0, high=0.999)
    per_epoch = -(-n // batch_size)
    if per_epoch * epochs > 200_000:
        raise ValueError(f"epochs: {epochs} epochs of {per_epoch} steps is too many steps (at most 200,000)")
    rng = np.random.default_rng(random_state)
    path = np.full((per_epoch * epochs + 1, 2), np.nan)
    loss = np.full(per_epoch * epochs + 1, np.nan)
    theta = np.zeros(2)
    path[0] = theta
    starts = np.arange(0, n, batch_size)
    sizes = np.diff(np.r_[starts, n]).astype(float)
    w = b = vw = vb = 0.0
    step, diverged = 0, False
    for _ in range(epochs):
        order = rng.permutation(n)
        xs, ys = x[order], y[order]
        # The batch gradient is linear in (w, b), so each batch needs only its sums of x, x², y and xy:
        # ∇MSE = −2/m·(Σxy − w·Σx² − b·Σx, Σy − w·Σx − b·m).
        moments = zip(sizes.tolist(), *(np.add.reduceat(v, starts).tolist() for v in (xs, xs * xs, ys, xs * ys)))
        for m, sx, sxx, sy, sxy in moments:
            gw = -2.0 / m * (sxy - w * sxx - b * sx)
            gb = -2.0 / m * (sy - w * sx - b * m)
            vw, vb = momentum * vw + gw, momentum * vb + gb
            w, b = w - lr * vw, b - lr * vb
            step += 1
            if not (abs(w) <= DIVERGED and abs(b) <= DIVERGED):  # also catches NaN
                diverged = True
                break
            path[step] = w, b
        if diverged:
            break
    done = np.isfinite(path[:, 0])
    loss[done] = _mse_many(x, y, path[done, 0], path[done, 1])
    return DescentPath(path, loss, per_epoch, diverged)


def loss_surface(X, y, w_values, b_values) -> np.ndarray:
    """The MSE at every (w, b) of a grid: shape (len(b_values), len(w_values)), rows following b.

    Expanded in the data's moments, MSE = E[y²] − 2w·E[xy] − 2b·E[y] + w²·E[x²] + 2wb·E[x] + b², so the grid
    costs no pass over the data per point.
    """
    x, y = _xy(X, y)
    w = np.asarray(w_values, dtype=float)[None, :]
    b = np.asarray(b_values, dtype=float)[:, None]
    if w.size == 0 or b.size == 0 or not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
        raise ValueError("w_values and b_values must be non-empty finite arrays")
    return _mse_many(x, y, w, b)


def least_squares(X, y) -> tuple[float, float, float]:
    """The exact minimiser (w*, b*) of the MSE and the minimum MSE itself."""
    x, y = _xy(X, y)
    w, b = np.polyfit(x, y, 1)
    return float(w), float(b), _mse(x, y, w, b)


def hessian_max_eigenvalue(X) -> float:
    """λ_max of the MSE's (constant) Hessian 2·[[E x², E x], [E x, 1]]; full-batch descent is stable iff lr < 2/λ_max."""
    x, _ = _xy(X, np.zeros(len(np.asarray(X))))
    hessian = 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    return float(np.linalg.eigvalsh(hessian)[-1])


def gradient_noise(X, y, w, b, batch_sizes, draws=400, random_state=0) -> GradientNoise:
    """How far a mini-batch gradient lands from the full gradient at (w, b), for each batch size.

    Each batch is ``batch_size`` distinct points drawn uniformly at random, as in an epoch of shuffled
    mini-batches. The sampled spread is checked against the finite-population formula in the tests.
    """
    x, y = _xy(X, y)
    n = len(x)
    w, b = check_float("w", w), check_float("b", b)
    sizes = np.asarray([check_int("batch_sizes", s, low=1, high=n) for s in np.atleast_1d(batch_sizes)])
    draws = check_int("draws", draws, low=2, high=5000)
    rng = np.random.default_rng(random_state)
    r = y - (w * x + b)
    per_example = np.stack([-2.0 * r * x, -2.0 * r], axis=1)  # (n, 2): each point's own gradient
    full = per_example.mean(axis=0)
    total_variance = per_example.var(axis=0).sum()  # trace of the per-example covariance (population form)
    sampled = np.empty(len(sizes))
    for i, size in enumerate(sizes):
        picks = np.argsort(rng.random((draws, n)), axis=1)[:, :size]  # `draws` batches without replacement
        batch_means = per_example[picks].mean(axis=1)
        sampled[i] = np.sqrt(np.mean(np.sum((batch_means - full) ** 2, axis=1)))
    exact = np.sqrt(total_variance / sizes * (n - sizes) / (n - 1))
    return GradientNoise(sizes, sampled, exact)
