"""Generative against discriminative: naive Bayes and logistic regression on learning curves, and sampling.

Naive Bayes (as ``engine.naive_bayes.fit_gaussian_nb`` and scikit-learn's ``GaussianNB``) fits P(x | y) and P(y);
logistic regression (scikit-learn's ``LogisticRegression`` objective, L2 penalty, C = 1) fits P(y | x) directly. The
learning curves fit both to R training sets at once (batched, tested against the library), average each model's
test error over training sets drawn afresh from a known two-Gaussian truth (``engine.naive_bayes.two_gaussians``),
so the best possible (Bayes) error is known in closed form.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from scipy.stats import norm

from engine._validate import check_choice, check_float, check_int
from engine.naive_bayes import GaussianNB, TwoGaussians, two_gaussians

DATASETS = ("independent", "correlated")
SHIFT = (2.0, 1.0)          # class 1's mean minus class 0's on the two informative features
CORRELATION = {"independent": 0.0, "correlated": 0.8}


def truth(dataset="independent") -> TwoGaussians:
    """The two informative features of a built-in data set: equal priors, shared covariance [[1, ρ], [ρ, 1]].

    ``independent`` (ρ = 0): naive Bayes' assumptions hold. ``correlated`` (ρ = 0.8): they do not, while
    logistic regression's (log-odds linear in x) still do, as for any two Gaussians with a shared covariance.
    """
    check_choice("dataset", dataset, DATASETS)
    return two_gaussians(CORRELATION[dataset], list(SHIFT), prior=0.5)


def bayes_error(true: TwoGaussians) -> float:
    """The lowest error any classifier can reach on two equally likely Gaussians with a shared covariance Σ.

    Φ(−Δ / 2), with Δ² = (μ₁ − μ₀)ᵀ Σ⁻¹ (μ₁ − μ₀) the squared Mahalanobis distance between the class means.
    Pure-noise features (independent of the class) leave it unchanged.
    """
    if abs(true.prior - 0.5) > 1e-12:
        raise ValueError(f"prior must be 0.5 for this closed form, got {true.prior:g}")
    shift = true.means[1] - true.means[0]
    return float(norm.cdf(-0.5 * np.sqrt(shift @ np.linalg.solve(true.cov, shift))))


def draw(true: TwoGaussians, n, d_noise=0, random_state=0) -> tuple[np.ndarray, np.ndarray]:
    """n points, half of each class (class 0 first): the two informative features, then ``d_noise`` N(0, 1)
    features that carry no information about the class. Returns X (n, 2 + d_noise), y (n,)."""
    n = check_int("n", n, low=2, high=200_000)
    d_noise = check_int("d_noise", d_noise, low=0, high=200)
    rng = np.random.default_rng(random_state)
    y = np.repeat([0, 1], [n // 2, n - n // 2])
    informative = rng.standard_normal((n, 2)) @ np.linalg.cholesky(true.cov).T + true.means[y]
    return np.hstack([informative, rng.standard_normal((n, d_noise))]), y


def _objective(theta, X1, y, C, penalty):
    """C Σ ln(1 + e^(−s·f)) + ½‖w‖² for each repeat: shape (R,)."""
    z = np.einsum("rnd,rd->rn", X1, theta)
    return C * np.logaddexp(0, np.where(y == 1, -z, z)).sum(axis=1) + 0.5 * (theta ** 2 @ penalty)


def training_set(true: TwoGaussians, n, d_noise=0, repeat=0, random_state=0):
    """The ``repeat``-th training set of size n on the learning curve: its own seed (random_state, n, repeat), so
    one point of the curve can be redrawn alone (the page's chosen n, a script that checks it)."""
    return draw(true, n, d_noise, random_state=[random_state, int(n), int(repeat) + 1])


def fit_logistic_batch(X, y, C=1.0, tol=1e-10, max_iter=100) -> tuple[np.ndarray, np.ndarray]:
    """L2-penalised logistic regression on R training sets at once, by Newton's method with step halving.

    Minimises C Σᵢ ln(1 + exp(−sᵢ (w·xᵢ + b))) + ½‖w‖² (sᵢ = ±1, intercept b not penalised): scikit-learn's
    ``LogisticRegression(C=C)`` objective, solved to convergence. A few Newton steps on R stacked problems cost
    a fraction of R separate library fits, which keeps a whole learning curve well under a second.

    Parameters
    ----------
    X : (R, n, d) training sets.  y : (R, n) labels in {0, 1}, both classes in every set.  C : > 0.
    Returns w (R, d) and b (R,).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 3 or not np.all(np.isfinite(X)):
        raise ValueError(f"X must be a finite array of shape (R, n, d), got shape {X.shape}")
    if y.shape != X.shape[:2] or not np.all(np.isin(y, (0, 1))):
        raise ValueError(f"y must hold labels 0 and 1 with shape {X.shape[:2]}")
    if np.any(y.min(axis=1) == y.max(axis=1)):
        raise ValueError("y must contain both classes in every training set")
    C = check_float("C", C, low=0.0, low_inclusive=False, high=1e6)
    R, n, d = X.shape
    X1 = np.concatenate([X, np.ones((R, n, 1))], axis=2)
    penalty = np.r_[np.ones(d), 0.0]
    theta = np.zeros((R, d + 1))
    loss = _objective(theta, X1, y, C, penalty)
    for _ in range(max_iter):
        p = expit(np.einsum("rnd,rd->rn", X1, theta))
        grad = C * np.einsum("rnd,rn->rd", X1, p - y) + theta * penalty
        hess = C * np.matmul(X1.transpose(0, 2, 1) * (p * (1 - p))[:, None, :], X1) + np.diag(penalty)[None]
        hess[:, d, d] += 1e-12  # keeps the intercept's row solvable when p(1 − p) underflows
        step = np.linalg.solve(hess, grad[..., None])[..., 0]
        scale = np.ones(R)
        for _ in range(30):  # halve each repeat's step until its objective does not rise
            trial = theta - scale[:, None] * step
            new = _objective(trial, X1, y, C, penalty)
            worse = new > loss + 1e-12 * np.abs(loss)
            if not worse.any():
                break
            scale = np.where(worse, scale / 2, scale)
        theta, loss = trial, new
        if np.abs(scale[:, None] * step).max() < tol:
            break
    return theta[:, :d], theta[:, d]


def fit_gaussian_nb_batch(X, y, var_smoothing=1e-9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gaussian naive Bayes (as ``fit_gaussian_nb`` and scikit-learn's ``GaussianNB``) on R training sets at once.

    Parameters
    ----------
    X : (R, n, d) training sets.  y : (R, n) labels in {0, 1}, both classes in every set.
    Returns priors (R, 2), means (R, 2, d) and variances (R, 2, d).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 3 or y.shape != X.shape[:2] or not np.all(np.isin(y, (0, 1))):
        raise ValueError("X must have shape (R, n, d) and y shape (R, n) with labels 0 and 1")
    masks = np.stack([y == 0, y == 1], axis=1).astype(float)            # (R, 2, n)
    counts = masks.sum(axis=2)                                           # (R, 2)
    if np.any(counts == 0):
        raise ValueError("y must contain both classes in every training set")
    means = masks @ X / counts[..., None]
    variances = masks @ X ** 2 / counts[..., None] - means ** 2
    for k in (0, 1):  # the two-pass variance, as numpy's var: the one-pass form above loses digits
        centred = (X - means[:, k:k + 1, :]) ** 2
        variances[:, k] = np.einsum("rn,rnd->rd", masks[:, k], centred) / counts[:, k:k + 1]
    variances = variances + var_smoothing * X.var(axis=1).max(axis=1)[:, None, None]
    return counts / counts.sum(axis=1, keepdims=True), means, variances


def nb_predict_batch(priors, means, variances, X) -> np.ndarray:
    """Each of R naive Bayes models' class (0 or 1) for every row of X (T, d): shape (R, T)."""
    inv = 1.0 / variances                                                # (R, 2, d)
    joint = (-0.5 * (np.einsum("td,rkd->rkt", X ** 2, inv) - 2 * np.einsum("td,rkd->rkt", X, means * inv)
                     + (means ** 2 * inv + np.log(2 * np.pi * variances)).sum(axis=2)[..., None])
             + np.log(priors)[..., None])
    return (joint[:, 1] > joint[:, 0]).astype(int)


@dataclass(frozen=True)
class LearningCurves:
    """Mean test error of both models against the training size, over ``n_repeats`` fresh training sets."""

    sizes: np.ndarray       # (m,) training sizes n
    nb_error: np.ndarray    # (m,) naive Bayes' mean test error at each n
    lr_error: np.ndarray    # (m,) logistic regression's
    nb_se: np.ndarray       # (m,) standard errors of those means (spread over the training sets / √repeats)
    lr_se: np.ndarray       # (m,)
    bayes_error: float      # the best possible error, Φ(−Δ / 2)
    bayes_test_error: float  # the error of the best possible rule (the true posterior) on the same test points

    def plateau(self, which: str, tol=0.01) -> int:
        """The training size from which ``which`` ("nb" or "lr") stays within ``tol`` of its error at the largest n."""
        check_choice("which", which, ("nb", "lr"))
        return plateau_size(self.sizes, self.nb_error if which == "nb" else self.lr_error, tol)


def plateau_size(sizes, errors, tol=0.01) -> int:
    """The smallest size n such that every error from n on is within ``tol`` of the error at the largest size.

    An honest "reaches its asymptote": the last size is the best estimate of the asymptote on screen, and a curve
    that dips into the band and climbs out again has not reached it yet.

    Parameters
    ----------
    sizes : (m,) increasing training sizes.  errors : (m,) mean errors at those sizes.  tol : > 0.
    """
    sizes, errors = np.asarray(sizes), np.asarray(errors, dtype=float)
    if sizes.ndim != 1 or errors.shape != sizes.shape or len(sizes) < 1:
        raise ValueError("sizes and errors must be 1-D arrays of the same length")
    tol = check_float("tol", tol, low=0.0, low_inclusive=False, high=1.0)
    outside = np.flatnonzero(np.abs(errors - errors[-1]) > tol)
    return int(sizes[0] if len(outside) == 0 else sizes[outside[-1] + 1])


def learning_curves(dataset="independent", sizes=(10, 20, 50, 100, 200, 500), d_noise=0, n_repeats=20, n_test=2000,
                    C=1.0, random_state=0) -> LearningCurves:
    """Test error of Gaussian naive Bayes and logistic regression against the training size.

    For each size n, ``n_repeats`` training sets of n points (half of each class) are drawn from the data set's
    truth, both models are fitted on the same sets, and their errors on one shared test set of ``n_test`` points
    are averaged (the population error of each fit, estimated; the same draws for both models).

    Parameters
    ----------
    dataset : one of ``DATASETS``.  sizes : (m,) increasing training sizes, each in [4, 5000].
    d_noise : pure-noise features added to the two informative ones, in [0, 100].
    n_repeats : training sets per size, in [1, 200].  n_test : test points, in [100, 100000].
    C : logistic regression's inverse regularisation strength (scikit-learn's C).
    """
    true = truth(dataset)
    sizes = np.asarray(sizes)
    if sizes.ndim != 1 or len(sizes) < 2 or np.any(np.diff(sizes) <= 0):
        raise ValueError("sizes must be at least two increasing training sizes")
    sizes = np.array([check_int("sizes", s, low=4, high=5000) for s in sizes])
    d_noise = check_int("d_noise", d_noise, low=0, high=100)
    n_repeats = check_int("n_repeats", n_repeats, low=1, high=200)
    n_test = check_int("n_test", n_test, low=100, high=100_000)
    X_test, y_test = draw(true, n_test, d_noise, random_state=[random_state, 0, 0])
    errors = np.empty((2, len(sizes), n_repeats))
    for i, n in enumerate(sizes):
        sets = [training_set(true, int(n), d_noise, r, random_state) for r in range(n_repeats)]
        X, y = np.stack([s[0] for s in sets]), np.stack([s[1] for s in sets])
        errors[0, i] = np.mean(nb_predict_batch(*fit_gaussian_nb_batch(X, y), X_test) != y_test, axis=1)
        w, b = fit_logistic_batch(X, y, C)
        errors[1, i] = np.mean(((X_test @ w.T + b).T > 0) != y_test, axis=1)
    mean = errors.mean(axis=2)
    se = errors.std(axis=2, ddof=1) / np.sqrt(n_repeats) if n_repeats > 1 else np.zeros_like(mean)
    bayes_test = float(np.mean((true.posterior(X_test[:, :2]) > 0.5) != y_test))
    return LearningCurves(sizes, mean[0], mean[1], se[0], se[1], bayes_error(true), bayes_test)


def sample_from_gaussian_nb(model: GaussianNB, n, random_state=0) -> tuple[np.ndarray, np.ndarray]:
    """New points from a fitted Gaussian naive Bayes model: what a generative model can do and a discriminative
    one cannot.

    y ~ Categorical(model.priors), then each feature independently x_j ~ N(μ_yj, σ²_yj), exactly the joint
    P(x, y) = P(y) Πⱼ P(x_j | y) the model fitted. Returns X (n, d) and y (n,) (labels from ``model.classes``).
    """
    n = check_int("n", n, low=1, high=100_000)
    rng = np.random.default_rng(random_state)
    k = rng.choice(len(model.classes), size=n, p=model.priors)
    X = model.means[k] + np.sqrt(model.variances[k]) * rng.standard_normal((n, model.means.shape[1]))
    return X, model.classes[k]


def log_odds(model: GaussianNB, X) -> np.ndarray:
    """Naive Bayes' log-odds ln P(x, y=1) − ln P(x, y=0) for a two-class model: shape (n,).

    Its posterior is the logistic function of this, P(y=1 | x) = σ(log-odds): the same form as logistic
    regression, with the log-odds taken from the fitted joint instead of fitted to P(y | x) directly."""
    if len(model.classes) != 2:
        raise ValueError("model must have two classes")
    joint = model.joint_log_likelihood(X)
    return joint[:, 1] - joint[:, 0]


def posterior_from_log_odds(z) -> np.ndarray:
    return expit(np.asarray(z, dtype=float))
