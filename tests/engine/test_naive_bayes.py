import numpy as np
import pytest
from scipy.stats import norm
from sklearn.naive_bayes import GaussianNB

from engine import naive_bayes as nb
from engine.datasets import classification_2d


@pytest.mark.parametrize("dataset", ["blobs", "moons", "circles"])
def test_matches_sklearn_gaussian_nb(dataset):
    X, y = classification_2d(dataset, 150, 0.3, random_state=2)
    fit = nb.fit_gaussian_nb(X, y)
    ref = GaussianNB().fit(X, y)
    np.testing.assert_allclose(fit.priors, ref.class_prior_)
    np.testing.assert_allclose(fit.means, ref.theta_)
    np.testing.assert_allclose(fit.variances, ref.var_)
    np.testing.assert_allclose(fit.predict_proba(X), ref.predict_proba(X), atol=1e-12)
    np.testing.assert_array_equal(fit.predict(X), ref.predict(X))


def test_three_classes_and_smoothing_match_sklearn():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(90, 3)), np.repeat([0, 1, 2], 30)
    fit, ref = nb.fit_gaussian_nb(X, y, 0.1), GaussianNB(var_smoothing=0.1).fit(X, y)
    np.testing.assert_allclose(fit.variances, ref.var_)
    np.testing.assert_allclose(fit.predict_proba(X), ref.predict_proba(X), atol=1e-12)


def test_posterior_is_likelihood_times_prior_over_evidence_by_hand():
    """Known truth: one feature, two classes, the posterior from the densities written out."""
    X = np.array([[0.0], [2.0], [1.0], [3.0], [5.0]])
    y = np.array([0, 0, 1, 1, 1])
    fit = nb.fit_gaussian_nb(X, y, var_smoothing=0.0)
    x = 1.7
    p0 = norm.pdf(x, 1.0, np.sqrt(1.0)) * 2 / 5   # class 0: mean 1, variance 1 (ddof 0)
    p1 = norm.pdf(x, 3.0, np.sqrt(8 / 3)) * 3 / 5  # class 1: mean 3, variance 8/3
    np.testing.assert_allclose(fit.predict_proba([[x]])[0], [p0 / (p0 + p1), p1 / (p0 + p1)])
    np.testing.assert_allclose(np.exp(fit.joint_log_likelihood([[x]])[0]), [p0, p1])


@pytest.mark.parametrize("call, match", [
    (lambda: nb.fit_gaussian_nb(np.zeros((4, 2)), np.zeros(4)), "two classes"),
    (lambda: nb.fit_gaussian_nb(np.zeros((4, 2)), np.array([0, 1, 0, 1]), var_smoothing=0), "constant"),
    (lambda: nb.fit_gaussian_nb(np.eye(4), np.array([0, 1, 0, 1]), var_smoothing=-1), "var_smoothing"),
    (lambda: nb.fit_gaussian_nb(np.eye(4), np.array([0, 1, 0, 1])).predict_proba(np.eye(3)), "features"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
