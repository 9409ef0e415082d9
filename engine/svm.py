"""Support vector machines (scikit-learn's SVC), hinge vs logistic loss, and the circle kernel lift."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import SVC

from engine._validate import check_choice, check_float, check_int, check_points

KERNELS = ("linear", "rbf", "poly")
# libsvm's iteration cap. Fits on the page's data sets converge in a few thousand iterations, but a
# polynomial kernel with a large γ and degree is so ill-conditioned that libsvm can run for minutes;
# 50,000 iterations bound such a fit to about 0.1 s, and the fit says it did not converge.
MAX_ITER = 50_000


@dataclass(frozen=True)
class SvmFit:
    """A fitted SVM: support vectors, margin width (linear only) and the decision function."""

    model: SVC
    support_: np.ndarray          # indices into X of the support vectors
    margin_width: float | None    # 2 / ||w|| for a linear kernel, None otherwise
    train_accuracy: float
    converged: bool               # False when libsvm stopped at MAX_ITER: the fit is approximate

    def decision_function(self, X) -> np.ndarray:
        """f(x): positive on class 1's side, ±1 on the margins, shape (n,)."""
        return self.model.decision_function(np.asarray(X, dtype=float))

    @property
    def n_support(self) -> int:
        return int(len(self.support_))


def fit_svm(X, y, kernel="linear", C=1.0, gamma="scale", degree=3) -> SvmFit:
    """Fit an SVM on 2-class data.

    Parameters
    ----------
    X : (n, d) features; y : (n,) two class labels.
    kernel : "linear", "rbf" or "poly".  C : > 0, the price of a margin violation.
    gamma : "scale", "auto" or a float > 0 (kernel width for rbf/poly).  degree : 1–10 for poly.
    """
    X = check_points("X", X, min_rows=2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    if len(np.unique(y)) != 2:
        raise ValueError("y must contain exactly two classes")
    kernel = check_choice("kernel", kernel, KERNELS)
    C = check_float("C", C, low=0.0, low_inclusive=False, high=1e6)
    if not (isinstance(gamma, str) and gamma in ("scale", "auto")):
        gamma = check_float("gamma", gamma, low=0.0, low_inclusive=False, high=1e6)
    degree = check_int("degree", degree, low=1, high=10)
    model = SVC(kernel=kernel, C=C, gamma=gamma, degree=degree, coef0=1.0 if kernel == "poly" else 0.0,
                max_iter=MAX_ITER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # reported through SvmFit.converged instead
        model.fit(X, y)
    margin = None
    if kernel == "linear":
        margin = float(2.0 / np.linalg.norm(model.coef_.ravel()))
    return SvmFit(model, model.support_.copy(), margin, float(model.score(X, y)), converged=model.fit_status_ == 0)


def hinge_loss(margin) -> np.ndarray:
    """max(0, 1 − y·f(x)) as a function of the signed margin m = y·f(x)."""
    return np.maximum(0.0, 1.0 - np.asarray(margin, dtype=float))


def logistic_loss(margin) -> np.ndarray:
    """log₂(1 + e^(−m)): the logistic loss in bits, so it also passes through (0, 1) like the hinge."""
    return np.logaddexp(0.0, -np.asarray(margin, dtype=float)) / np.log(2.0)


def lift_radial(X) -> np.ndarray:
    """Map (x₁, x₂) to (x₁, x₂, x₁² + x₂²): the feature map of the kernel the 3-D view shows."""
    X = check_points("X", X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns to lift, got {X.shape[1]}")
    return np.c_[X, np.sum(X ** 2, axis=1)]


@dataclass(frozen=True)
class LiftedPlane:
    """A plane w·(x₁, x₂, z) + b = 0 separating the lifted points, fitted by a linear SVM."""

    lifted: np.ndarray      # (n, 3)
    normal: np.ndarray      # (3,)
    intercept: float
    accuracy: float

    def height(self, x1, x2):
        """z on the plane above (x₁, x₂)."""
        w = self.normal
        return -(w[0] * x1 + w[1] * x2 + self.intercept) / w[2]


def separate_lifted(X, y, C=10.0) -> LiftedPlane:
    """Lift 2-D points with ``lift_radial`` and separate them with a linear SVM in 3-D."""
    lifted = lift_radial(X)
    fit = fit_svm(lifted, y, kernel="linear", C=C)
    normal = fit.model.coef_.ravel()
    if abs(normal[2]) < 1e-9:
        raise ValueError("X: the lifted classes are not separated along the new axis")
    return LiftedPlane(lifted, normal, float(fit.model.intercept_[0]), fit.train_accuracy)
