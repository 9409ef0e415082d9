"""Linear SVM against logistic regression: the same data, both boundaries, a movable far point, cross-validation."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.svm import SVC

from engine._validate import check_binary_xy, check_float, check_int

CENTRES = np.array([[-1.0, -1.0], [1.0, 1.0]])


def make_svm(C):
    return SVC(kernel="linear", C=C)


def make_logreg(C):
    return LogisticRegression(C=C, max_iter=10_000, tol=1e-8)


@dataclass(frozen=True)
class LinearFit:
    """A linear classifier f(x) = w·x + b, positive on class 1's side."""

    w: np.ndarray   # (d,)
    b: float

    def decision_function(self, X) -> np.ndarray:
        return np.asarray(X, dtype=float) @ self.w + self.b


@dataclass(frozen=True)
class PairFit:
    svm: LinearFit
    logreg: LinearFit
    n_support: int


def fit_pair(X, y, C=1.0) -> PairFit:
    """A linear SVM (``SVC(kernel="linear", C)``) and ``LogisticRegression(C)`` on the same data.

    Parameters
    ----------
    X : (n, d) features.  y : (n,) labels in {0, 1}.  C : > 0, the inverse regularization strength of both.
    """
    X, y = check_binary_xy(X, y)
    C = check_float("C", C, low=0.0, low_inclusive=False, high=1e4)
    svm = make_svm(C).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        logreg = make_logreg(C).fit(X, y)
    return PairFit(LinearFit(svm.coef_.ravel().copy(), float(svm.intercept_[0])),
                   LinearFit(logreg.coef_.ravel().copy(), float(logreg.intercept_[0])), int(len(svm.support_)))


def sigmoid(z) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def blobs_with_far_point(distance=3.0, mislabel=False, n=60, random_state=0):
    """Two Gaussian blobs (centres (−1, −1) and (1, 1), σ = 0.6) plus one extra point of class 1, last.

    The extra point sits on the line through both centres, ``distance`` past class 1's centre (so on class 1's
    side, far from any sensible boundary); ``mislabel`` gives it label 0. Returns X (n + 1, 2) and y (n + 1,).
    """
    distance = check_float("distance", distance, low=-3.0, high=10.0)
    n = check_int("n", n, low=10, high=2000)
    rng = np.random.default_rng(random_state)
    y = np.repeat([0, 1], [n // 2, n - n // 2])
    X = CENTRES[y] + 0.6 * rng.normal(size=(n, 2))
    direction = (CENTRES[1] - CENTRES[0]) / np.linalg.norm(CENTRES[1] - CENTRES[0])
    far = CENTRES[1] + distance * direction
    return np.vstack([X, far]), np.r_[y, 0 if mislabel else 1]


def boundary_shift(a: LinearFit, b: LinearFit, low: float, high: float) -> float:
    """How far apart the two boundary lines w·x + b = 0 lie in the square [low, high]²: the largest distance,
    along x₂, between them at the square's two side edges (x₁ = low and x₁ = high). Needs w₂ ≠ 0."""
    def heights(fit):
        if abs(fit.w[1]) < 1e-12:
            raise ValueError("the boundary is vertical; boundary_shift measures along x₂")
        return -(fit.b + fit.w[0] * np.array([low, high])) / fit.w[1]
    return float(np.abs(heights(a) - heights(b)).max())


@dataclass(frozen=True)
class CvComparison:
    svm_train: float     # mean training accuracy over the folds
    svm_cv: float        # mean held-out accuracy
    logreg_train: float
    logreg_cv: float

    @property
    def svm_gap(self) -> float:
        return self.svm_train - self.svm_cv

    @property
    def logreg_gap(self) -> float:
        return self.logreg_train - self.logreg_cv


def cv_compare(X, y, C=1.0, folds=5, random_state=0) -> CvComparison:
    """Stratified ``folds``-fold cross-validated accuracy (and training accuracy) of both models at the same C."""
    X, y = check_binary_xy(X, y)
    C = check_float("C", C, low=0.0, low_inclusive=False, high=1e4)
    folds = check_int("folds", folds, low=2, high=20)
    split = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    scores = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for model in (make_svm(C), make_logreg(C)):
            result = cross_validate(model, X, y, cv=split, return_train_score=True)
            scores += [float(result["train_score"].mean()), float(result["test_score"].mean())]
    return CvComparison(*scores)


def noisy_high_dim(n=60, d_noise=0, separation=1.0, label_noise=0.0, random_state=0):
    """Two classes that differ along two informative features, plus ``d_noise`` pure-noise features.

    Class means are ±``separation``/2 on each informative feature (σ = 1 everywhere); ``label_noise`` is the
    share of labels flipped at random. Returns X (n, 2 + d_noise) and y (n,).
    """
    n = check_int("n", n, low=10, high=5000)
    d_noise = check_int("d_noise", d_noise, low=0, high=2000)
    separation = check_float("separation", separation, low=0.0, high=10.0)
    label_noise = check_float("label_noise", label_noise, low=0.0, high=0.5)
    rng = np.random.default_rng(random_state)
    y = rng.permutation(np.repeat([0, 1], [n // 2, n - n // 2]))
    X = rng.normal(size=(n, 2 + d_noise))
    X[:, :2] += (y[:, None] - 0.5) * separation
    flip = rng.random(n) < label_noise
    return X, np.where(flip, 1 - y, y)
