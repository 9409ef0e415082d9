import time

import numpy as np
import pytest
from sklearn.svm import SVC

from engine import svm
from engine.datasets import classification_2d


@pytest.mark.parametrize("kernel", svm.KERNELS)
def test_matches_sklearn_svc(kernel):
    X, y = classification_2d("moons", 120, 0.2, random_state=0)
    fit = svm.fit_svm(X, y, kernel, C=2.0, gamma=0.5, degree=3)
    ref = SVC(kernel=kernel, C=2.0, gamma=0.5, degree=3, coef0=1.0 if kernel == "poly" else 0.0).fit(X, y)
    np.testing.assert_array_equal(fit.support_, ref.support_)
    np.testing.assert_allclose(fit.decision_function(X), ref.decision_function(X), rtol=1e-8, atol=1e-10)


def test_linear_margin_width_is_the_distance_between_the_margin_lines():
    X, y = classification_2d("blobs", 100, 0.0, random_state=2)
    fit = svm.fit_svm(X, y, "linear", C=1000.0)
    w = fit.model.coef_.ravel()
    # Points on the two margins have f = ±1; their distance along w / ||w|| is the margin width.
    f = fit.decision_function(X)
    on_margin = np.abs(np.abs(f) - 1) < 1e-2
    projected = X[on_margin] @ w / np.linalg.norm(w)
    assert projected.max() - projected.min() == pytest.approx(fit.margin_width, rel=1e-2)
    assert fit.margin_width == pytest.approx(2 / np.linalg.norm(w))


def test_margin_is_none_for_nonlinear_kernels():
    X, y = classification_2d("circles", 80, 0.1)
    assert svm.fit_svm(X, y, "rbf").margin_width is None


def test_support_vectors_alone_give_the_same_boundary():
    X, y = classification_2d("blobs", 150, 0.3, random_state=4)
    fit = svm.fit_svm(X, y, "rbf", C=1.0, gamma=0.5)
    again = svm.fit_svm(X[fit.support_], y[fit.support_], "rbf", C=1.0, gamma=0.5)
    assert np.abs(fit.decision_function(X) - again.decision_function(X)).max() < 1e-2


def test_hinge_and_logistic_losses():
    m = np.array([-1.0, 0.0, 1.0, 2.0])
    np.testing.assert_allclose(svm.hinge_loss(m), [2, 1, 0, 0])
    np.testing.assert_allclose(svm.logistic_loss(m), np.log2(1 + np.exp(-m)))
    assert np.isfinite(svm.logistic_loss(np.array([-1000.0, 1000.0]))).all()


def test_lifted_circles_are_linearly_separable():
    X, y = classification_2d("circles", 200, 0.1, random_state=1)
    lifted = svm.lift_radial(X)
    np.testing.assert_allclose(lifted[:, 2], X[:, 0] ** 2 + X[:, 1] ** 2)
    plane = svm.separate_lifted(X, y)
    assert plane.accuracy == 1.0
    above = plane.lifted[:, 2] > plane.height(X[:, 0], X[:, 1])
    assert len(np.unique(y[above])) == 1


@pytest.mark.parametrize("kwargs, name", [
    (dict(kernel="sigmoid"), "kernel"), (dict(C=0), "C"), (dict(C=float("nan")), "C"), (dict(gamma=-1.0), "gamma"),
    (dict(gamma="wide"), "gamma"), (dict(degree=0), "degree"),
])
def test_bad_inputs_name_the_parameter(kwargs, name):
    X, y = classification_2d("blobs", 40)
    with pytest.raises(ValueError, match=name):
        svm.fit_svm(X, y, **kwargs)


def test_one_class_is_rejected():
    with pytest.raises(ValueError, match="two classes"):
        svm.fit_svm(np.zeros((3, 2)) + np.arange(3)[:, None], [1, 1, 1])


def test_an_ill_conditioned_polynomial_fit_stops_quickly_and_says_it_did_not_converge():
    X, y = classification_2d("circles", 80, 0.6, random_state=15)  # ran for minutes without an iteration cap
    started = time.perf_counter()
    fit = svm.fit_svm(X, y, "poly", C=20.0, gamma=50.0, degree=5)
    assert time.perf_counter() - started < 2.0
    assert not fit.converged
    assert svm.fit_svm(X, y, "rbf", C=1.0, gamma=1.0).converged


@pytest.mark.parametrize("kernel, C", [("linear", 1.0), ("rbf", 1.0), ("linear", 0.01)])
def test_support_vectors_are_the_points_with_margin_at_most_one(kernel, C):
    X, y = classification_2d("blobs", 160, 0.2, random_state=0)
    fit = svm.fit_svm(X, y, kernel, C=C, gamma=1.0)
    split = svm.support_split(fit, X, y)
    ref = SVC(kernel=kernel, C=C, gamma=1.0).fit(X, y)
    np.testing.assert_allclose(split.alpha[ref.support_], np.abs(ref.dual_coef_.ravel()))
    assert split.n_support == len(ref.support_)
    tol = 2e-3  # libsvm's stopping tolerance is 1e-3
    # KKT: α = 0 ⇒ m ≥ 1; 0 < α < C ⇒ m = 1; α = C ⇒ m ≤ 1.
    assert np.all(split.margins[split.alpha == 0] >= 1 - tol)
    np.testing.assert_allclose(split.margins[split.free], 1.0, atol=tol)
    assert np.all(split.margins[split.bounded] <= 1 + tol)
    np.testing.assert_allclose(split.alpha[split.bounded], C)
    assert np.all(split.alpha[split.free] < C)


def test_at_the_page_defaults_three_support_vectors_sit_on_the_margin():
    X, y = classification_2d("blobs", 160, 0.2, random_state=0)
    split = svm.support_split(svm.fit_svm(X, y, "linear", C=1.0), X, y)
    assert (split.n_support, int(split.bounded.sum()), int(split.free.sum())) == (21, 18, 3)
    assert int(np.sum(split.margins < 1 - 1e-3)) == 18  # "margin below 1" misses the three on the edge


def test_margins_use_the_positive_class_as_plus_one():
    X, y = classification_2d("moons", 80, 0.1, random_state=1)
    fit = svm.fit_svm(X, 5 + 3 * y, "rbf", C=10.0, gamma=1.0)  # labels 5 and 8: 8 is the positive class
    split = svm.support_split(fit, X, 5 + 3 * y)
    assert np.all((split.margins > 0) == (fit.model.predict(X) == 5 + 3 * y))


def test_cv_accuracy_grid_equals_grid_search_cv():
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    X, y = classification_2d("moons", 120, 0.25, random_state=3)
    Cs, gammas = [0.1, 1.0, 10.0], [0.1, 1.0, 10.0]
    grid = svm.cv_accuracy_grid(X, y, "rbf", Cs, gammas, n_folds=3, random_state=0)
    search = GridSearchCV(SVC(kernel="rbf"), {"gamma": gammas, "C": Cs},
                          cv=StratifiedKFold(3, shuffle=True, random_state=0)).fit(X, y)
    # GridSearchCV sorts the keys ("C" before "gamma") and varies the last fastest: rows of C, so transpose.
    np.testing.assert_allclose(grid.accuracy, search.cv_results_["mean_test_score"].reshape(3, 3).T)
    best_C, best_gamma, best = grid.best
    assert best == pytest.approx(search.best_score_)
    assert grid.accuracy.shape == (3, 3) and 0.5 < best <= 1.0


def test_cv_grid_linear_kernel_ignores_gamma_and_stretching_hurts_rbf_on_circles():
    X, y = classification_2d("blobs", 100, 0.2, random_state=0)
    linear = svm.cv_accuracy_grid(X, y, "linear", [0.1, 1.0], [0.01, 1.0, 100.0])
    assert np.all(linear.accuracy == linear.accuracy[0])
    X, y = classification_2d("circles", 160, 0.2, random_state=0)
    plain = svm.cv_accuracy_grid(X, y, "rbf", [1.0], [1.0]).accuracy[0, 0]
    stretched = svm.cv_accuracy_grid(X * [10, 1], y, "rbf", [1.0], [1.0]).accuracy[0, 0]
    assert plain == 1.0 and stretched < 0.95


@pytest.mark.parametrize("kwargs, name", [
    (dict(C_values=[0.0]), "C_values"), (dict(gamma_values=[-1.0]), "gamma_values"), (dict(n_folds=1), "n_folds"),
    (dict(n_folds=40), "n_folds"), (dict(kernel="sigmoid"), "kernel"), (dict(C_values=[]), "C_values"),
])
def test_cv_grid_bad_inputs_name_the_parameter(kwargs, name):
    X, y = classification_2d("blobs", 40)
    with pytest.raises(ValueError, match=name):
        svm.cv_accuracy_grid(X, y, **kwargs)
