"""Gaussian naive Bayes by hand: per-class priors, per-feature means and variances, posteriors by Bayes' rule."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from engine._validate import check_float, check_points


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
