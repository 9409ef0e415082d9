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


def test_two_gaussians_sample_has_the_stated_prior_means_and_correlation():
    """Known truth: the sample's class share, class means and within-class correlation approach the parameters."""
    true = nb.two_gaussians(0.7, [2.0, -1.0], prior=0.3)
    X, y = true.sample(60_000, random_state=1)
    assert abs(y.mean() - 0.3) < 0.01
    for k in (0, 1):
        np.testing.assert_allclose(X[y == k].mean(axis=0), true.means[k], atol=0.03)
        np.testing.assert_allclose(np.corrcoef(X[y == k].T)[0, 1], 0.7, atol=0.01)
    np.testing.assert_allclose(true.means[1] - true.means[0], [2.0, -1.0])


def test_true_posterior_matches_scipy_bayes_rule_and_naive_bayes_when_independent():
    from scipy.stats import multivariate_normal
    true = nb.two_gaussians(-0.5, [1.5, 1.0], prior=0.4)
    X = np.random.default_rng(0).normal(size=(50, 2)) * 2
    joint = [multivariate_normal(m, true.cov).pdf(X) * w for m, w in zip(true.means, [0.6, 0.4])]
    np.testing.assert_allclose(true.posterior(X), joint[1] / (joint[0] + joint[1]), rtol=1e-10)
    # ρ = 0: the independence assumption holds, so naive Bayes with the true parameters is the true posterior.
    independent = nb.two_gaussians(0.0, [1.5, 1.0], prior=0.4)
    exact = nb.GaussianNB(np.array([0, 1]), np.array([0.6, 0.4]), independent.means, np.ones((2, 2)))
    np.testing.assert_allclose(exact.predict_proba(X)[:, 1], independent.posterior(X), rtol=1e-10)


def test_correlated_features_make_naive_bayes_overconfident():
    """x₂ nearly repeats x₁: naive Bayes counts the evidence twice, so its confidence exceeds its accuracy."""
    true = nb.two_gaussians(0.9, [2.0, 2.0])
    X, y = true.sample(2000, random_state=0)
    X_new, y_new = true.sample(4000, random_state=1)
    p = nb.fit_gaussian_nb(X, y).predict_proba(X_new)[:, 1]
    assert np.maximum(p, 1 - p).mean() - np.mean((p >= 0.5) == y_new) > 0.04


@pytest.mark.parametrize("call, match", [
    (lambda: nb.two_gaussians(1.0, [1, 1]), "rho"),
    (lambda: nb.two_gaussians(0.0, [1, 1], prior=0.0), "prior"),
    (lambda: nb.two_gaussians(0.0, [1, 1, 1]), "shift"),
    (lambda: nb.two_gaussians(0.0, [1, np.nan]), "shift"),
    (lambda: nb.two_gaussians(0.0, [1, 1]).sample(1), "n"),
    (lambda: nb.two_gaussians(0.0, [1, 1]).posterior(np.zeros((3, 3))), "2 features"),
])
def test_two_gaussians_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
