"""Bias–variance decomposition for polynomial regression of f(x) = sin(2πx) on [0, 1].

Many training sets are drawn; each gets its own least-squares polynomial. Over a fixed test grid:
bias² = mean (E[ŷ] − f)², variance = mean Var[ŷ], and the expected error is measured on fresh noisy
targets, so it equals bias² + variance + σ² up to sampling error.
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
    bias2: float
    variance: float
    noise: float                # σ²
    expected_error: float       # measured on fresh noisy test targets
    train_error: float          # mean training MSE over the training sets
    example_x: np.ndarray       # (n_train,) one training set, for the page's scatter
    example_y: np.ndarray


def _validate(degree, n_train, noise, n_datasets):
    return (check_int("degree", degree, low=0, high=MAX_DEGREE), check_int("n_train", n_train, low=2, high=2000),
            check_float("noise", noise, low=0.0, high=5.0), check_int("n_datasets", n_datasets, low=2, high=2000))


def _design(x, degree):
    # Legendre polynomials on [-1, 1] are far better conditioned than raw powers of x.
    return legendre.legvander(2.0 * x - 1.0, degree)


def _least_squares(design, y):
    """Batched least squares. QR when there are at least as many points as coefficients: 4× faster than the
    pseudo-inverse's SVD at degree 15, which made a sweep of all degrees ~100 ms (the slowest slider moves
    of the classroom load test). With fewer points, the pseudo-inverse's minimum-norm fit."""
    n_points, n_coefs = design.shape[-2:]
    if n_points >= n_coefs:
        q, r = np.linalg.qr(design)
        return np.linalg.solve(r, np.swapaxes(q, -1, -2) @ y[..., None])
    return np.linalg.pinv(design) @ y[..., None]


def decompose(degree, n_train=30, noise=0.3, n_datasets=200, random_state=0) -> Decomposition:
    """Fit ``n_datasets`` polynomials of ``degree`` to noisy samples and decompose their error.

    With fewer points than coefficients the minimum-norm least-squares fit is used (it interpolates).
    """
    degree, n_train, noise, n_datasets = _validate(degree, n_train, noise, n_datasets)
    rng = np.random.default_rng(random_state)
    x_train = rng.uniform(0.0, 1.0, size=(n_datasets, n_train))
    y_train = true_function(x_train) + rng.normal(0.0, noise, size=x_train.shape)
    design = _design(x_train, degree)                         # (D, n, p)
    coefs = _least_squares(design, y_train)                   # (D, p, 1)
    train_fit = (design @ coefs)[..., 0]
    x_grid = np.linspace(0.0, 1.0, N_GRID)
    predictions = (_design(x_grid, degree) @ coefs[..., 0].T).T   # (D, N_GRID)
    truth = true_function(x_grid)
    mean_prediction = predictions.mean(axis=0)
    fresh_targets = truth + rng.normal(0.0, noise, size=predictions.shape)
    return Decomposition(
        degree=degree, x_grid=x_grid, predictions=predictions, mean_prediction=mean_prediction,
        bias2=float(np.mean((mean_prediction - truth) ** 2)),
        variance=float(np.mean(predictions.var(axis=0))),
        noise=noise ** 2,
        expected_error=float(np.mean((predictions - fresh_targets) ** 2)),
        train_error=float(np.mean((train_fit - y_train) ** 2)),
        example_x=x_train[0], example_y=y_train[0])


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


def sweep(max_degree=MAX_DEGREE, n_train=30, noise=0.3, n_datasets=200, random_state=0) -> Sweep:
    """``decompose`` for every degree from 0 to ``max_degree`` with the same settings."""
    max_degree = check_int("max_degree", max_degree, low=0, high=MAX_DEGREE)
    parts = [decompose(d, n_train, noise, n_datasets, random_state) for d in range(max_degree + 1)]
    return Sweep(np.arange(max_degree + 1), np.array([p.bias2 for p in parts]),
                 np.array([p.variance for p in parts]), parts[0].noise,
                 np.array([p.expected_error for p in parts]), np.array([p.train_error for p in parts]))
