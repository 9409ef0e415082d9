"""Support vector machines (scikit-learn's SVC): support vectors and their dual weights, hinge vs logistic loss,
cross-validated accuracy over C × γ, and a degree-2 polynomial feature map that lifts circles into 3-D."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
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
    gamma : "scale", "auto" or a float > 0: an *inverse* width (rbf: exp(−γ‖x − x′‖²), γ = 1/(2σ²) for a
        kernel of width σ; poly: (γ x·x′ + 1)^degree). Larger γ, more local influence.  degree : 1–10 for poly.
    """
    X, y = _check_fit_data(X, y)
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


def _check_fit_data(X, y):
    X = check_points("X", X, min_rows=2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    if len(np.unique(y)) != 2:
        raise ValueError("y must contain exactly two classes")
    return X, y


@dataclass(frozen=True)
class SupportSplit:
    """The training points by their dual weight α and their margin m = y·f(x) (y as ±1).

    From the KKT conditions: α = 0 ⇒ m ≥ 1; 0 < α < C ⇒ m = 1 (a *free* support vector, on the street's
    edge); α = C ⇒ m ≤ 1 (a *bounded* one: inside the street, or misclassified when m < 0). So the support
    vectors are the points with m ≤ 1, not only those with m < 1. libsvm stops at a tolerance of 1e-3, so
    these hold up to about that.
    """

    margins: np.ndarray   # (n,) y·f(x)
    alpha: np.ndarray     # (n,) dual weights αᵢ ≥ 0, zero off the support
    bounded: np.ndarray   # (n,) bool, α = C
    free: np.ndarray      # (n,) bool, 0 < α < C

    @property
    def n_support(self) -> int:
        return int(np.sum(self.alpha > 0))


def support_split(fit: SvmFit, X, y) -> SupportSplit:
    """Dual weights and margins of ``fit``'s training data ``X``, ``y`` (the data it was fitted on)."""
    X, y = _check_fit_data(X, y)
    model = fit.model
    signs = np.where(y == model.classes_[1], 1.0, -1.0)
    alpha = np.zeros(len(X))
    alpha[fit.support_] = np.abs(model.dual_coef_.ravel())
    bounded = np.zeros(len(X), dtype=bool)
    bounded[fit.support_] = alpha[fit.support_] >= model.C * (1 - 1e-9)
    return SupportSplit(signs * fit.decision_function(X), alpha, bounded, (alpha > 0) & ~bounded)


@dataclass(frozen=True)
class CvGrid:
    """Cross-validated accuracy over a C × γ grid."""

    C_values: np.ndarray      # (n_C,)
    gamma_values: np.ndarray  # (n_gamma,)
    accuracy: np.ndarray      # (n_gamma, n_C): mean accuracy over the folds

    @property
    def best(self) -> tuple[float, float, float]:
        """(C, γ, accuracy) of the best cell; ties go to the smallest γ, then the smallest C."""
        row, col = np.unravel_index(np.argmax(self.accuracy), self.accuracy.shape)
        return float(self.C_values[col]), float(self.gamma_values[row]), float(self.accuracy[row, col])


def cv_accuracy_grid(X, y, kernel="rbf", C_values=(0.1, 1.0, 10.0), gamma_values=(0.1, 1.0, 10.0), degree=3,
                     n_folds=3, random_state=0) -> CvGrid:
    """Mean ``n_folds``-fold cross-validated accuracy of ``fit_svm`` at every (C, γ) pair.

    The folds are stratified and shuffled with ``random_state``, the same folds for every cell (what
    scikit-learn's ``GridSearchCV`` with that splitter reports as ``mean_test_score``). The linear kernel
    ignores γ, so its rows are equal (each C is fitted once).

    Parameters
    ----------
    X : (n, d).  y : (n,) two classes.  kernel, degree : as in ``fit_svm``.
    C_values : (n_C,) each > 0.  gamma_values : (n_gamma,) each > 0.  n_folds : 2–10.
    """
    X, y = _check_fit_data(X, y)
    kernel = check_choice("kernel", kernel, KERNELS)
    C_values = np.array([check_float("C_values", c, low=0.0, low_inclusive=False, high=1e6) for c in C_values])
    gamma_values = np.array([check_float("gamma_values", g, low=0.0, low_inclusive=False, high=1e6)
                             for g in gamma_values])
    if not len(C_values) or not len(gamma_values):
        raise ValueError("C_values and gamma_values must not be empty")
    degree = check_int("degree", degree, low=1, high=10)
    n_folds = check_int("n_folds", n_folds, low=2, high=10)
    if np.min(np.unique(y, return_counts=True)[1]) < n_folds:
        raise ValueError(f"n_folds: each class needs at least {n_folds} points")
    # The fold loop by hand: a quarter faster than cross_val_score's bookkeeping on these small fits.
    folds = list(StratifiedKFold(n_folds, shuffle=True, random_state=random_state).split(X, y))
    accuracy = np.empty((len(gamma_values), len(C_values)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for row, gamma in enumerate(gamma_values):
            for col, C in enumerate(C_values):
                if kernel == "linear" and row > 0:
                    accuracy[row, col] = accuracy[0, col]
                    continue
                scores = [SVC(kernel=kernel, C=C, gamma=gamma, degree=degree, coef0=1.0 if kernel == "poly" else 0.0,
                              max_iter=MAX_ITER).fit(X[train], y[train]).score(X[test], y[test])
                          for train, test in folds]
                accuracy[row, col] = np.mean(scores)
    return CvGrid(C_values, gamma_values, accuracy)


def hinge_loss(margin) -> np.ndarray:
    """max(0, 1 − y·f(x)) as a function of the signed margin m = y·f(x)."""
    return np.maximum(0.0, 1.0 - np.asarray(margin, dtype=float))


def logistic_loss(margin) -> np.ndarray:
    """log₂(1 + e^(−m)): the logistic loss in bits, so it also passes through (0, 1) like the hinge."""
    return np.logaddexp(0.0, -np.asarray(margin, dtype=float)) / np.log(2.0)


def lift_radial(X) -> np.ndarray:
    """Map (x₁, x₂) to (x₁, x₂, x₁² + x₂²).

    A degree-2 polynomial feature map (three of the six features of the kernel (x·x′ + 1)²), not the RBF
    kernel's, whose feature space has infinitely many dimensions.
    """
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
