"""Gaussian naive Bayes by hand: per-class priors, per-feature means and variances, posteriors by Bayes' rule."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logsumexp

from engine._validate import check_float, check_int, check_points


@dataclass(frozen=True)
class GaussianNB:
    """A fitted Gaussian naive Bayes model: each class k has prior P(C_k) and independent N(μ_kj, σ²_kj) features."""

    classes: np.ndarray     # (k,)
    priors: np.ndarray      # (k,) class frequencies in the training data
    means: np.ndarray       # (k, d)
    variances: np.ndarray   # (k, d) per-class variances plus var_smoothing × the largest feature variance

    def joint_log_likelihood(self, X) -> np.ndarray:
        """ln P(x | C_k) + ln P(C_k) = ln P(C_k, x) for each row of X: shape (n, k)."""
        X = check_points("X", X)
        if X.shape[1] != self.means.shape[1]:
            raise ValueError(f"X must have {self.means.shape[1]} features, got {X.shape[1]}")
        log_density = -0.5 * (np.log(2 * np.pi * self.variances)[None, :, :]
                              + (X[:, None, :] - self.means[None, :, :]) ** 2 / self.variances[None, :, :]).sum(axis=2)
        return log_density + np.log(self.priors)[None, :]

    def predict_proba(self, X) -> np.ndarray:
        """P(C_k | x) = P(x | C_k) P(C_k) / Σ_j P(x | C_j) P(C_j): shape (n, k)."""
        joint = self.joint_log_likelihood(X)
        return np.exp(joint - logsumexp(joint, axis=1, keepdims=True))

    def predict(self, X) -> np.ndarray:
        return self.classes[np.argmax(self.joint_log_likelihood(X), axis=1)]


def fit_gaussian_nb(X, y, var_smoothing=1e-9) -> GaussianNB:
    """Fit Gaussian naive Bayes as scikit-learn's ``GaussianNB`` does (maximum-likelihood variances, ddof = 0).

    Parameters
    ----------
    X : (n, d) features.  y : (n,) class labels (at least two classes).
    var_smoothing : ≥ 0; this share of the largest feature variance is added to every variance.
    """
    X = check_points("X", X, min_rows=2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    var_smoothing = check_float("var_smoothing", var_smoothing, low=0.0, high=1.0)
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError("y must contain at least two classes")
    epsilon = var_smoothing * np.var(X, axis=0).max()
    means = np.array([X[y == c].mean(axis=0) for c in classes])
    variances = np.array([X[y == c].var(axis=0) for c in classes]) + epsilon
    if np.any(variances <= 0):
        raise ValueError("a feature is constant within a class; raise var_smoothing")
    priors = np.array([np.mean(y == c) for c in classes])
    return GaussianNB(classes, priors, means, variances)


@dataclass(frozen=True)
class TwoGaussians:
    """Two classes in 2-D with a shared covariance [[1, ρ], [ρ, 1]]: the truth a naive Bayes fit is measured against.

    Class 1 is centred at +shift / 2 and class 0 at −shift / 2; ``prior`` is P(class 1).
    """

    means: np.ndarray   # (2, 2): row k is class k's mean
    cov: np.ndarray     # (2, 2)
    prior: float

    def sample(self, n, random_state=0) -> tuple[np.ndarray, np.ndarray]:
        """n points: y ~ Bernoulli(prior), then x = mean_y + L z with L L^T = cov. Returns X (n, 2), y (n,)."""
        n = check_int("n", n, low=2, high=100_000)
        rng = np.random.default_rng(random_state)
        y = (rng.random(n) < self.prior).astype(int)
        z = rng.standard_normal((n, 2))
        return z @ np.linalg.cholesky(self.cov).T + self.means[y], y

    def posterior(self, X) -> np.ndarray:
        """The true P(class 1 | x) by Bayes' rule with the full covariance: shape (n,)."""
        X = check_points("X", X)
        if X.shape[1] != 2:
            raise ValueError(f"X must have 2 features, got {X.shape[1]}")
        inverse = np.linalg.inv(self.cov)
        quad = [np.einsum("ij,jk,ik->i", X - m, inverse, X - m) for m in self.means]
        log_odds = -0.5 * (quad[1] - quad[0]) + np.log(self.prior / (1 - self.prior))
        return expit(log_odds)


def two_gaussians(rho, shift, prior=0.5) -> TwoGaussians:
    """The two-class Gaussian truth with within-class correlation ``rho`` between the two features.

    Parameters
    ----------
    rho : correlation of x₁ and x₂ within each class, in (−1, 1) (|ρ| ≤ 0.99).
    shift : (2,) difference between the class means, class 1 minus class 0.
    prior : P(class 1), in [0.05, 0.95].
    """
    rho = check_float("rho", rho, low=-0.99, high=0.99)
    prior = check_float("prior", prior, low=0.05, high=0.95)
    shift = np.asarray(shift, dtype=float)
    if shift.shape != (2,) or not np.all(np.isfinite(shift)):
        raise ValueError(f"shift must be two finite numbers, got {shift!r}")
    means = np.array([-shift / 2, shift / 2])
    return TwoGaussians(means, np.array([[1.0, rho], [rho, 1.0]]), prior)
