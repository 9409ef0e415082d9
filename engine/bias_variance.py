"""Bias–variance decomposition for polynomial regression of f(x) = sin(2πx) on [0, 1].

Many training sets are drawn; each gets its own least-squares (or ridge) polynomial. Over a fixed test
grid: bias² = mean (E[ŷ] − f)², variance = mean Var[ŷ], and the expected error is measured on fresh noisy
targets, so it equals bias² + variance + σ² up to sampling error.

E[ŷ] is *not* estimated by the mean of the noisy fits: the mean of D fits scatters around E[ŷ] with
variance Var[ŷ]/D, so (mean − f)² overstates bias² by about variance/D, which at a high degree swamps it
(a bias² that rises with the degree). A least-squares or ridge fit is linear in the targets, so the
expected fit given the training inputs is the fit to the noise-free targets f(x) at those inputs; its mean
over the D training sets estimates E[ŷ] with no noise variance in it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre

from engine._validate import check_float, check_int

MAX_DEGREE = 15
N_GRID = 121  # odd, so every other point (what the page draws) still ends at x = 1


def true_function(x):
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


@dataclass(frozen=True)
class Decomposition:
    degree: int
    x_grid: np.ndarray          # (N_GRID,)
    predictions: np.ndarray     # (n_datasets, N_GRID): each training set's fitted curve
    mean_prediction: np.ndarray  # (N_GRID,)
    bias2: float                # from the noise-free fits' mean (see the module docstring)
    variance: float             # per grid point across training sets (ddof = 1), averaged over the grid
    noise: float                # σ²
    expected_error: float       # measured on fresh noisy test targets
    train_error: float          # mean training MSE over the training sets
    example_x: np.ndarray       # (n_train,) one training set, for the page's scatter
    example_y: np.ndarray
    ridge: float = 0.0          # λ of the penalty λ‖c‖² on the Legendre coefficients
    noise_free_mean: np.ndarray | None = None  # (N_GRID,): the estimate of E[ŷ] that bias² uses


def _validate(degree, n_train, noise, n_datasets, ridge=0.0):
    return (check_int("degree", degree, low=0, high=MAX_DEGREE), check_int("n_train", n_train, low=2, high=2000),
            check_float("noise", noise, low=0.0, high=5.0), check_int("n_datasets", n_datasets, low=2, high=2000),
            check_float("ridge", ridge, low=0.0, high=1e6))


def _design(x, degree):
    # Legendre polynomials on [-1, 1] are far better conditioned than raw powers of x.
    return legendre.legvander(2.0 * x - 1.0, degree)


def _least_squares(design, y, ridge=0.0):
    """Batched least squares, or ridge: min ‖Φc − y‖² + λ‖c‖². ``y`` is (..., n) or (..., n, k) for k target sets.

    QR when there are at least as many rows as coefficients: 4× faster than the pseudo-inverse's SVD at
    degree 15, which made a sweep of all degrees ~100 ms (the slowest slider moves of the classroom load
    test). Ridge is least squares on Φ stacked over √λ·I (targets padded with zeros), so it always has enough
    rows. With fewer points than coefficients and λ = 0, the pseudo-inverse's minimum-norm fit."""
    targets = y[..., None] if y.ndim == design.ndim - 1 else y
    n_points, n_coefs = design.shape[-2:]
    if ridge > 0:
        penalty = np.broadcast_to(np.sqrt(ridge) * np.eye(n_coefs), design.shape[:-2] + (n_coefs, n_coefs))
        design = np.concatenate([design, penalty], axis=-2)
        targets = np.concatenate([targets, np.zeros(targets.shape[:-2] + (n_coefs, targets.shape[-1]))], axis=-2)
        n_points += n_coefs
    if n_points >= n_coefs:
        q, r = np.linalg.qr(design)
        return np.linalg.solve(r, np.swapaxes(q, -1, -2) @ targets)
    return np.linalg.pinv(design) @ targets


def decompose(degree, n_train=30, noise=0.3, n_datasets=200, random_state=0, ridge=0.0) -> Decomposition:
    """Fit ``n_datasets`` polynomials of ``degree`` to noisy samples and decompose their error.

    Parameters
    ----------
    degree : 0..MAX_DEGREE.  n_train : points per training set, x ~ U(0, 1), y = sin 2πx + N(0, noise²).
    noise : σ ≥ 0.  n_datasets : D ≥ 2 training sets.  random_state : seed.
    ridge : λ ≥ 0, the penalty λ‖c‖² on the Legendre coefficients (scikit-learn's ``Ridge(alpha=λ,
        fit_intercept=False)`` on the Legendre features). With λ = 0 and fewer points than coefficients the
        minimum-norm least-squares fit is used, which passes through every training point.

    Returns
    -------
    Decomposition, with ``predictions`` of shape (D, N_GRID). ``bias2`` is the grid mean of (m − f)², where m is
    the mean over the D training sets of the fits to the *noise-free* targets f(x) at the same inputs: a fit
    is linear in its targets, so given the inputs the expected noisy fit is the noise-free fit, and m
    estimates E[ŷ] without the variance/D that the mean of the noisy fits carries (never negative, ≈ 0.496 at
    degree 0). ``variance`` is the grid mean of the per-point variance of the noisy fits with ddof = 1, so
    bias² + variance + σ² estimates the error on fresh data, which ``expected_error`` measures independently.
    """
    degree, n_train, noise, n_datasets, ridge = _validate(degree, n_train, noise, n_datasets, ridge)
    rng = np.random.default_rng(random_state)
    x_train = rng.uniform(0.0, 1.0, size=(n_datasets, n_train))
    clean = true_function(x_train)
    y_train = clean + rng.normal(0.0, noise, size=x_train.shape)
    design = _design(x_train, degree)                          # (D, n, p)
    both = _least_squares(design, np.stack([y_train, clean], axis=-1), ridge)  # (D, p, 2): noisy, noise-free
    coefs, clean_coefs = both[..., 0], both[..., 1]
    train_fit = (design @ coefs[..., None])[..., 0]
    x_grid = np.linspace(0.0, 1.0, N_GRID)
    grid_design = _design(x_grid, degree)
    predictions = (grid_design @ coefs.T).T                    # (D, N_GRID)
    noise_free_mean = grid_design @ clean_coefs.mean(axis=0)   # (N_GRID,)
    truth = true_function(x_grid)
    fresh_targets = truth + rng.normal(0.0, noise, size=predictions.shape)
    return Decomposition(
        degree=degree, x_grid=x_grid, predictions=predictions, mean_prediction=predictions.mean(axis=0),
        bias2=float(np.mean((noise_free_mean - truth) ** 2)),
        variance=float(np.mean(predictions.var(axis=0, ddof=1))),
        noise=noise ** 2,
        expected_error=float(np.mean((predictions - fresh_targets) ** 2)),
        train_error=float(np.mean((train_fit - y_train) ** 2)),
        example_x=x_train[0], example_y=y_train[0], ridge=ridge, noise_free_mean=noise_free_mean)


@dataclass(frozen=True)
class Sweep:
    """The decomposition at every degree 0..max_degree, for the U-curve."""

    degrees: np.ndarray
    bias2: np.ndarray
    variance: np.ndarray
    noise: float
    expected_error: np.ndarray
    train_error: np.ndarray

    @property
    def best_degree(self) -> int:
        return int(self.degrees[np.argmin(self.expected_error)])


def sweep(max_degree=MAX_DEGREE, n_train=30, noise=0.3, n_datasets=200, random_state=0, ridge=0.0) -> Sweep:
    """``decompose`` for every degree from 0 to ``max_degree`` with the same settings (the same training sets)."""
    max_degree = check_int("max_degree", max_degree, low=0, high=MAX_DEGREE)
    parts = [decompose(d, n_train, noise, n_datasets, random_state, ridge) for d in range(max_degree + 1)]
    return Sweep(np.arange(max_degree + 1), np.array([p.bias2 for p in parts]),
                 np.array([p.variance for p in parts]), parts[0].noise,
                 np.array([p.expected_error for p in parts]), np.array([p.train_error for p in parts]))
