import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.svm import SVC

from engine import linear_classifiers as lc


def test_fit_pair_matches_sklearn():
    X, y = lc.blobs_with_far_point(1.0, False, 60, random_state=3)
    pair = lc.fit_pair(X, y, C=0.5)
    svm = SVC(kernel="linear", C=0.5).fit(X, y)
    lr = LogisticRegression(C=0.5, max_iter=10_000, tol=1e-8).fit(X, y)
    np.testing.assert_allclose(pair.svm.decision_function(X), svm.decision_function(X), atol=1e-10)
    np.testing.assert_allclose(pair.logreg.decision_function(X), lr.decision_function(X), atol=1e-10)
    assert pair.n_support == len(svm.support_)


def test_a_far_correct_point_leaves_the_svm_alone_but_not_logistic_regression():
    """Known truth: a point with margin > 1 is not a support vector, so the SVM solution is unchanged."""
    X, y = lc.blobs_with_far_point(2.0, False, 60, random_state=0)
    with_point, without = lc.fit_pair(X, y), lc.fit_pair(X[:-1], y[:-1])
    assert with_point.svm.decision_function(X[-1:])[0] > 1
    assert lc.boundary_shift(with_point.svm, without.svm, -3.5, 6) < 1e-3
    assert lc.boundary_shift(with_point.logreg, without.logreg, -3.5, 6) > 1e-5
    X, y = lc.blobs_with_far_point(2.0, True, 60, random_state=0)
    assert lc.boundary_shift(lc.fit_pair(X, y).svm, without.svm, -3.5, 6) > 0.1


def test_boundary_shift_of_two_parallel_lines_is_their_vertical_distance():
    a, b = lc.LinearFit(np.array([1.0, 1.0]), 0.0), lc.LinearFit(np.array([1.0, 1.0]), -0.5)
    assert lc.boundary_shift(a, b, -1, 1) == pytest.approx(0.5)


def test_sigmoid():
    np.testing.assert_allclose(lc.sigmoid([-2.0, 0.0, 3.0]), 1 / (1 + np.exp(-np.array([-2.0, 0.0, 3.0]))))


def test_cv_compare_matches_sklearn_cross_val_score():
    X, y = lc.noisy_high_dim(60, 10, 1.5, 0.1, random_state=1)
    c = lc.cv_compare(X, y, C=1.0, folds=5, random_state=1)
    folds = StratifiedKFold(5, shuffle=True, random_state=1)
    assert c.svm_cv == pytest.approx(cross_val_score(SVC(kernel="linear", C=1.0), X, y, cv=folds).mean())
    assert c.logreg_cv == pytest.approx(cross_val_score(LogisticRegression(C=1.0, max_iter=10_000, tol=1e-8), X, y,
                                                        cv=folds).mean())
    assert c.svm_gap == pytest.approx(c.svm_train - c.svm_cv)


def test_noisy_high_dim_has_the_stated_structure():
    X, y = lc.noisy_high_dim(4000, 3, 2.0, 0.0, random_state=0)
    assert X.shape == (4000, 5)
    diff = X[y == 1].mean(0) - X[y == 0].mean(0)
    np.testing.assert_allclose(diff, [2, 2, 0, 0, 0], atol=0.1)
    _, flipped = lc.noisy_high_dim(4000, 0, 2.0, 0.25, random_state=0)
    _, clean = lc.noisy_high_dim(4000, 0, 2.0, 0.0, random_state=0)
    assert np.mean(flipped != clean) == pytest.approx(0.25, abs=0.03)


@pytest.mark.parametrize("call, match", [
    (lambda: lc.fit_pair(np.zeros((5, 2)), np.zeros(5)), "both classes"),
    (lambda: lc.fit_pair(np.zeros((5, 2)), np.array([0, 1, 0, 1, 0]), C=0), "C"),
    (lambda: lc.blobs_with_far_point(distance=np.inf), "distance"),
    (lambda: lc.noisy_high_dim(label_noise=0.7), "label_noise"),
    (lambda: lc.cv_compare(np.zeros((6, 2)), np.array([0, 1] * 3), folds=1), "folds"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
