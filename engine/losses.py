"""Loss functions (MSE, MAE, Huber, log loss, hinge) with their per-point curves, and lines fitted by each."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import linprog, minimize

from engine._validate import check_choice, check_float

# Probabilities are clipped to [EPS, 1 − EPS] before the log, as scikit-learn's log_loss does: since 1.5 it clips
# at the float's machine epsilon (2.2e-16), no longer at 1e-15, so a certain wrong answer costs ln(1/EPS) = 36.0.
EPS = float(np.finfo(float).eps)


def _pair(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape or len(y_true) == 0:
        raise ValueError(f"y_true and y_pred must be 1-D of the same non-zero length, got {y_true.shape} and {y_pred.shape}")
    if not (np.all(np.isfinite(y_true)) and np.all(np.isfinite(y_pred))):
        raise ValueError("y_true and y_pred must be finite")
    return y_true, y_pred


def _labels(y_true):
    if not np.all(np.isin(y_true, (0, 1))):
        raise ValueError("y_true must contain only the labels 0 and 1")
    return y_true


def huber(residual, delta=1.0) -> np.ndarray:
    """½r² for |r| ≤ δ, δ(|r| − ½δ) beyond: quadratic near zero, linear in the tails."""
    r = np.abs(np.asarray(residual, dtype=float))
    return np.where(r <= delta, 0.5 * r ** 2, delta * (r - 0.5 * delta))


@dataclass(frozen=True)
class Loss:
    """A loss: ``value(y_true, y_pred)`` is its mean over the points.

    ``curve(t)`` is one point's loss as a function of ``t``, the error y_pred − y_true for regression losses and
    the margin m = ỹ·score (ỹ = ±1) for hinge and log loss (written in terms of the score, with p = σ(score));
    ``slope(t)`` its derivative (a subgradient at kinks).
    """

    name: str
    kind: str                                   # "regression" or "classification"
    point: Callable[[np.ndarray, np.ndarray], np.ndarray]
    curve: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray]

    def value(self, y_true, y_pred) -> float:
        y_true, y_pred = _pair(y_true, y_pred)
        if self.kind == "classification":
            _labels(y_true)
        return float(np.mean(self.point(y_true, y_pred)))


def _log_loss_point(y, p):
    if np.any((p < 0) | (p > 1)):
        raise ValueError("y_pred must be probabilities in [0, 1] for log_loss")
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _sigmoid(t):
    return 0.5 * (1 + np.tanh(0.5 * t))


LOSSES: dict[str, Loss] = {
    "mse": Loss("mean squared error", "regression", lambda y, f: (f - y) ** 2,
                lambda e: np.asarray(e, float) ** 2, lambda e: 2 * np.asarray(e, float)),
    "mae": Loss("mean absolute error", "regression", lambda y, f: np.abs(f - y),
                lambda e: np.abs(np.asarray(e, float)), lambda e: np.sign(np.asarray(e, float))),
    "huber": Loss("Huber (δ = 1)", "regression", lambda y, f: huber(f - y),
                  lambda e: huber(e), lambda e: np.clip(np.asarray(e, float), -1.0, 1.0)),
    "log_loss": Loss("log loss (cross-entropy)", "classification", _log_loss_point,
                     lambda m: np.logaddexp(0, -np.asarray(m, float)), lambda m: -_sigmoid(-np.asarray(m, float))),
    "hinge": Loss("hinge", "classification", lambda y, s: np.maximum(0, 1 - np.where(y == 1, 1, -1) * s),
                  lambda m: np.maximum(0, 1 - np.asarray(m, float)),
                  lambda m: np.where(np.asarray(m, float) < 1, -1.0, 0.0)),
}


@dataclass(frozen=True)
class LineFit:
    slope: float
    intercept: float


def fit_line(x, y, loss, delta=1.0) -> LineFit:
    """The line y = slope·x + intercept that minimises the mean ``loss`` over the points.

    Parameters
    ----------
    x, y : (n,) the points.  loss : "mse" (least squares), "mae" (least absolute deviations, solved exactly as a
    linear programme) or "huber" (with threshold ``delta``, a smooth convex problem solved by BFGS).
    """
    loss = check_choice("loss", loss, ("mse", "mae", "huber"))
    x, y = _pair(x, y)
    if len(x) < 2 or np.ptp(x) == 0:
        raise ValueError("x needs at least two distinct values to fit a line")
    delta = check_float("delta", delta, low=0.0, low_inclusive=False, high=1e6)
    A = np.c_[x, np.ones_like(x)]
    if loss == "mse":
        slope, intercept = np.linalg.lstsq(A, y, rcond=None)[0]
        return LineFit(float(slope), float(intercept))
    if loss == "mae":
        # minimise Σ (u_i + v_i) subject to A·θ + u − v = y, u, v ≥ 0 (θ free): the residual r = u − v.
        n = len(x)
        cost = np.r_[0.0, 0.0, np.ones(2 * n)]
        equality = np.c_[A, np.eye(n), -np.eye(n)]
        bounds = [(None, None)] * 2 + [(0, None)] * (2 * n)
        result = linprog(cost, A_eq=equality, b_eq=y, bounds=bounds, method="highs")
        if not result.success:
            raise ValueError(f"the least-absolute-deviations fit failed: {result.message}")
        return LineFit(float(result.x[0]), float(result.x[1]))
    start = np.linalg.lstsq(A, y, rcond=None)[0]

    def objective(theta):
        r = A @ theta - y
        return np.mean(huber(r, delta)), A.T @ np.clip(r, -delta, delta) / len(x)

    result = minimize(objective, start, jac=True, method="BFGS", options=dict(gtol=1e-12, maxiter=10_000))
    return LineFit(float(result.x[0]), float(result.x[1]))


def line_with_outlier(n=20, outlier_x=2.5, outlier_y=12.0, noise=0.5, random_state=0):
    """``n`` points near y = 1 + 0.8x for x in [0, 5], plus one outlier at (outlier_x, outlier_y), last."""
    outlier_x = check_float("outlier_x", outlier_x, low=-100, high=100)
    outlier_y = check_float("outlier_y", outlier_y, low=-100, high=100)
    noise = check_float("noise", noise, low=0.0, high=10.0)
    rng = np.random.default_rng(random_state)
    x = np.linspace(0, 5, n)
    y = 1 + 0.8 * x + noise * rng.normal(size=n)
    return np.r_[x, outlier_x], np.r_[y, outlier_y]
