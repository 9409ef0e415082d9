"""L1, L2 and elastic-net regularization: coefficient paths, sparse toy data, the 2-D constraint picture."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from engine._validate import check_choice, check_float, check_int, check_points

PENALTIES = ("l1", "l2", "elasticnet")
# Coordinate descent stops when the largest coefficient update falls below tol; scikit-learn's default 1e-4 can
# stop at all zeros for a large alpha. 1e-10 solves the page's small problems to convergence in milliseconds.
TOL = 1e-10
MAX_ITER = 100_000


@dataclass(frozen=True)
class CoefficientPath:
    """Coefficients fitted at each alpha."""

    alphas: np.ndarray     # (m,) the penalty strengths, as given
    coefs: np.ndarray      # (m, d) coefficients at each alpha (intercept fitted, not included)
    n_zero: np.ndarray     # (m,) coefficients exactly equal to zero at each alpha
    n_iter: np.ndarray     # (m,) coordinate-descent sweeps (0 for ridge: one linear solve)


def _check_xy(X, y):
    X = check_points("X", X, min_rows=2)
    y = np.asarray(y, dtype=float)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must contain only finite values")
    return X, y


def make_model(penalty, alpha, l1_ratio=0.5):
    """The scikit-learn estimator for ``penalty`` at ``alpha``, with a tight tolerance."""
    penalty = check_choice("penalty", penalty, PENALTIES)
    alpha = check_float("alpha", alpha, low=0.0, low_inclusive=False, high=1e6)
    if penalty == "l1":
        return Lasso(alpha=alpha, tol=TOL, max_iter=MAX_ITER)
    if penalty == "l2":
        return Ridge(alpha=alpha, solver="cholesky")
    l1_ratio = check_float("l1_ratio", l1_ratio, low=0.0, high=1.0)
    return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=TOL, max_iter=MAX_ITER)


def coefficient_path(X, y, penalty, alphas, l1_ratio=0.5) -> CoefficientPath:
    """Fit the penalised linear regression at every alpha.

    Parameters
    ----------
    X : (n, d) features.  y : (n,) targets.
    penalty : "l1" (Lasso), "l2" (Ridge) or "elasticnet" (ElasticNet with ``l1_ratio``).
    alphas : (m,) penalty strengths > 0, in scikit-learn's convention: Lasso minimises
        ‖y − Xw − b‖² / (2n) + α‖w‖₁, Ridge ‖y − Xw − b‖² + α‖w‖², ElasticNet
        ‖y − Xw − b‖² / (2n) + α·l1_ratio·‖w‖₁ + α(1 − l1_ratio)/2·‖w‖².
    l1_ratio : in [0, 1], elastic net only.

    Returns
    -------
    CoefficientPath with ``coefs`` (m, d), each row the estimator's ``coef_`` solved to convergence.
    """
    X, y = _check_xy(X, y)
    alphas = np.asarray(alphas, dtype=float)
    if alphas.ndim != 1 or len(alphas) == 0 or len(alphas) > 500:
        raise ValueError("alphas must be a 1-D array of 1 to 500 values")
    coefs, n_iter = np.zeros((len(alphas), X.shape[1])), np.zeros(len(alphas), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for i, alpha in enumerate(alphas):
            model = make_model(penalty, alpha, l1_ratio).fit(X, y)
            coefs[i] = model.coef_
            n_iter[i] = 0 if penalty == "l2" else model.n_iter_
    return CoefficientPath(alphas, coefs, (coefs == 0).sum(axis=1), n_iter)


@dataclass(frozen=True)
class SparseRegression:
    X: np.ndarray          # (n, d) standardised features
    y: np.ndarray          # (n,)
    true_coef: np.ndarray  # (d,) zero except for the first n_informative


def sparse_regression(n=100, d=8, n_informative=3, noise=1.0, correlation=0.0, random_state=0,
                      true_coef=None) -> SparseRegression:
    """Linear data where only the first ``n_informative`` of ``d`` features matter.

    Features are standard normal with pairwise ``correlation``; the informative coefficients are 3, −2.5, 2, …
    (alternating signs, shrinking to 0.5), and ``noise`` is the standard deviation of the Gaussian noise on y.
    ``true_coef`` (d,), when given, replaces those coefficients (``n_informative`` is then ignored).
    """
    n = check_int("n", n, low=10, high=5000)
    d = check_int("d", d, low=2, high=50)
    n_informative = check_int("n_informative", n_informative, low=0, high=d)
    noise = check_float("noise", noise, low=0.0, high=100.0)
    correlation = check_float("correlation", correlation, low=0.0, high=0.95)
    rng = np.random.default_rng(random_state)
    shared = rng.normal(size=(n, 1))
    X = np.sqrt(correlation) * shared + np.sqrt(1 - correlation) * rng.normal(size=(n, d))
    if true_coef is not None:
        true_coef = np.asarray(true_coef, dtype=float)
        if true_coef.shape != (d,) or not np.all(np.isfinite(true_coef)):
            raise ValueError(f"true_coef must be {d} finite numbers")
        y = X @ true_coef + noise * rng.normal(size=n)
        return SparseRegression(X, y, true_coef)
    true_coef = np.zeros(d)
    true_coef[:n_informative] = (np.maximum(3.0 - 0.5 * np.arange(n_informative), 0.5)
                                 * (-1.0) ** np.arange(n_informative))
    y = X @ true_coef + noise * rng.normal(size=n)
    return SparseRegression(X, y, true_coef)


@dataclass(frozen=True)
class ConstraintPicture:
    """The penalised fit of a two-feature regression seen as a constrained one."""

    ols: np.ndarray         # (2,) the unpenalised least-squares coefficients (centre of the loss ellipses)
    coef: np.ndarray        # (2,) the penalised coefficients
    budget: float           # ‖coef‖₁ (l1) or ‖coef‖₂ (l2): the constraint region that gives the same solution
    contour: np.ndarray     # (k, 2) the loss contour through ``coef``: it touches the region there
    hessian: np.ndarray     # (2, 2) XcᵀXc / n: the squared-error loss is (w − ols)ᵀ H (w − ols) / 2 + const


def constraint_picture(X, y, penalty, alpha, n_points=181) -> ConstraintPicture:
    """Penalised regression on two features as least squares inside an L1 diamond or an L2 disc.

    Both penalties are put on the lasso's scale, ‖y − Xw − b‖² / (2n) + α‖w‖₁ against
    ‖y − Xw − b‖² / (2n) + (α/2)‖w‖₂² (ElasticNet's convention, i.e. ``Ridge(alpha=n·α)``), so one α means
    the same strength in both panels. Minimising loss + α·penalty gives the same w as minimising the loss subject to penalty(w) ≤ budget with
    budget = penalty(w) at the solution (Lagrange duality), so the loss contour through w touches that
    region at w: at a corner of the diamond a coefficient is exactly zero.
    """
    X, y = _check_xy(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 features for the picture, got {X.shape[1]}")
    penalty = check_choice("penalty", penalty, ("l1", "l2"))
    n_points = check_int("n_points", n_points, low=8, high=2000)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    hessian = Xc.T @ Xc / len(X)
    ols = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        strength = alpha if penalty == "l1" else alpha * len(X)
        coef = make_model(penalty, strength).fit(X, y).coef_.copy()
    budget = float(np.abs(coef).sum() if penalty == "l1" else np.linalg.norm(coef))
    return ConstraintPicture(ols, coef, budget, loss_contour(hessian, ols, coef, n_points), hessian)


def loss_contour(hessian, centre, through, n_points=181) -> np.ndarray:
    """Points (k, 2) of the ellipse (w − centre)ᵀ H (w − centre) = c that passes through ``through``."""
    hessian, centre, through = (np.asarray(a, dtype=float) for a in (hessian, centre, through))
    level = float((through - centre) @ hessian @ (through - centre))
    values, vectors = np.linalg.eigh(hessian)
    if values.min() <= 0:
        raise ValueError("hessian must be positive definite (the two features are collinear)")
    angles = np.linspace(0, 2 * np.pi, n_points)
    unit = np.c_[np.cos(angles), np.sin(angles)] * np.sqrt(level / values)
    return centre + unit @ vectors.T
