import numpy as np
import pytest
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from engine import generative as gen
from engine import naive_bayes as nb

SIZES = [10, 20, 50, 200, 1000]


@pytest.mark.parametrize("C", [0.1, 1.0, 100.0])
def test_batched_logistic_regression_matches_sklearn(C):
    true = gen.truth("correlated")
    sets = [gen.training_set(true, n, d_noise=3, repeat=r) for r in range(4) for n in (12,)]
    X, y = np.stack([s[0] for s in sets]), np.stack([s[1] for s in sets])
    w, b = gen.fit_logistic_batch(X, y, C)
    for r in range(len(sets)):
        ref = LogisticRegression(C=C, tol=1e-10, max_iter=100_000).fit(X[r], y[r])
        np.testing.assert_allclose(w[r], ref.coef_.ravel(), atol=1e-5)
        np.testing.assert_allclose(b[r], ref.intercept_[0], atol=1e-5)


def test_batched_logistic_regression_survives_separable_data():
    """Separable training sets: the penalty keeps the optimum finite, and Newton with step halving finds it."""
    X = np.array([[[-2.0, 0.0], [-1.0, 0.5], [1.0, 0.0], [2.0, -0.5]]])
    y = np.array([[0, 0, 1, 1]])
    w, b = gen.fit_logistic_batch(X, y, C=1e4)
    ref = LogisticRegression(C=1e4, tol=1e-12, max_iter=100_000).fit(X[0], y[0])
    np.testing.assert_allclose(w[0], ref.coef_.ravel(), rtol=1e-3)
    assert np.all(np.isfinite(w))


def test_batched_naive_bayes_matches_sklearn_and_the_engine():
    true = gen.truth("independent")
    sets = [gen.training_set(true, 30, d_noise=2, repeat=r) for r in range(5)]
    X, y = np.stack([s[0] for s in sets]), np.stack([s[1] for s in sets])
    priors, means, variances = gen.fit_gaussian_nb_batch(X, y)
    X_test, _ = gen.draw(true, 500, d_noise=2, random_state=9)
    predictions = gen.nb_predict_batch(priors, means, variances, X_test)
    for r in range(5):
        ref = GaussianNB().fit(X[r], y[r])
        np.testing.assert_allclose(priors[r], ref.class_prior_)
        np.testing.assert_allclose(means[r], ref.theta_)
        np.testing.assert_allclose(variances[r], ref.var_)
        np.testing.assert_array_equal(predictions[r], ref.predict(X_test))
        np.testing.assert_array_equal(predictions[r], nb.fit_gaussian_nb(X[r], y[r]).predict(X_test))


def test_learning_curves_equal_a_loop_over_scikit_learn():
    """Each point of the curve is the mean error of GaussianNB and LogisticRegression over the same training sets."""
    c = gen.learning_curves("correlated", [10, 40], n_repeats=3, n_test=500, random_state=4)
    true = gen.truth("correlated")
    X_test, y_test = gen.draw(true, 500, random_state=[4, 0, 0])
    for i, n in enumerate([10, 40]):
        nb_err, lr_err = [], []
        for r in range(3):
            X, y = gen.training_set(true, n, 0, r, 4)
            nb_err.append(np.mean(GaussianNB().fit(X, y).predict(X_test) != y_test))
            lr = LogisticRegression(C=1.0, tol=1e-10, max_iter=100_000).fit(X, y)
            lr_err.append(np.mean(lr.predict(X_test) != y_test))
        assert c.nb_error[i] == pytest.approx(np.mean(nb_err), abs=1e-12)
        assert c.lr_error[i] == pytest.approx(np.mean(lr_err), abs=1 / 1500)  # at most one boundary point in doubt
    assert c.bayes_test_error == pytest.approx(np.mean((true.posterior(X_test) > 0.5) != y_test))


def test_bayes_error_closed_form_against_monte_carlo():
    """Known truth: the true posterior's rule on many points errs at Φ(−Δ/2)."""
    for dataset in gen.DATASETS:
        true = gen.truth(dataset)
        X, y = gen.draw(true, 200_000, random_state=1)
        empirical = np.mean((true.posterior(X) > 0.5) != y)
        assert empirical == pytest.approx(gen.bayes_error(true), abs=0.004)
    # ρ = 0 and shift (2, 1): Δ = √5
    assert gen.bayes_error(gen.truth("independent")) == pytest.approx(norm.cdf(-np.sqrt(5) / 2))


def test_curves_approach_the_bayes_error_when_both_models_are_right():
    """Known truth: with independent Gaussian features both models are correctly specified and, at n = 1000,
    within a point of the best possible error; with correlated features naive Bayes stays well above it."""
    independent = gen.learning_curves("independent", SIZES, n_repeats=10, n_test=20_000, random_state=0)
    assert abs(independent.nb_error[-1] - independent.bayes_error) < 0.01
    assert abs(independent.lr_error[-1] - independent.bayes_error) < 0.01
    correlated = gen.learning_curves("correlated", SIZES, n_repeats=10, n_test=20_000, random_state=0)
    assert abs(correlated.lr_error[-1] - correlated.bayes_error) < 0.01
    assert correlated.nb_error[-1] - correlated.bayes_error > 0.03
    assert np.all(correlated.nb_se >= 0) and correlated.nb_se.shape == (len(SIZES),)


def test_plateau_size():
    sizes = [10, 20, 50, 100]
    assert gen.plateau_size(sizes, [0.3, 0.2, 0.205, 0.2], tol=0.01) == 20
    assert gen.plateau_size(sizes, [0.3, 0.2, 0.25, 0.2], tol=0.01) == 100  # dips in and climbs out: not yet
    assert gen.plateau_size(sizes, [0.2, 0.2, 0.2, 0.2], tol=0.01) == 10


def test_samples_from_naive_bayes_have_the_fitted_priors_means_and_variances():
    """Known truth: a large sample from the fitted model has its priors, means and variances, and no correlation."""
    X, y = gen.draw(gen.truth("correlated"), 60, random_state=3)
    y = np.where(np.arange(60) < 20, 0, 1)  # unequal classes: priors 1/3 and 2/3
    model = nb.fit_gaussian_nb(X, y)
    X_new, y_new = gen.sample_from_gaussian_nb(model, 100_000, random_state=5)
    np.testing.assert_allclose([np.mean(y_new == 0), np.mean(y_new == 1)], model.priors, atol=0.005)
    for k in (0, 1):
        np.testing.assert_allclose(X_new[y_new == k].mean(axis=0), model.means[k], atol=0.02)
        np.testing.assert_allclose(X_new[y_new == k].var(axis=0), model.variances[k], rtol=0.02)
        assert abs(np.corrcoef(X_new[y_new == k].T)[0, 1]) < 0.01
    again, _ = gen.sample_from_gaussian_nb(model, 10, random_state=5)
    np.testing.assert_array_equal(again, gen.sample_from_gaussian_nb(model, 10, random_state=5)[0])


def test_naive_bayes_posterior_is_the_logistic_function_of_its_log_odds():
    X, y = gen.draw(gen.truth("independent"), 40, random_state=2)
    model = nb.fit_gaussian_nb(X, y)
    points = np.array([[1.0, 0.0], [-2.0, 3.0]])
    np.testing.assert_allclose(gen.posterior_from_log_odds(gen.log_odds(model, points)),
                               GaussianNB().fit(X, y).predict_proba(points)[:, 1])


def test_draw_is_balanced_with_noise_features():
    X, y = gen.draw(gen.truth("independent"), 9, d_noise=4, random_state=0)
    assert X.shape == (9, 6) and list(y) == [0] * 4 + [1] * 5


@pytest.mark.parametrize("call, match", [
    (lambda: gen.truth("moons"), "dataset"),
    (lambda: gen.learning_curves("independent", [10]), "sizes"),
    (lambda: gen.learning_curves("independent", [20, 10]), "sizes"),
    (lambda: gen.learning_curves("independent", [2, 10]), "sizes"),
    (lambda: gen.learning_curves("independent", [10, 20], n_repeats=0), "n_repeats"),
    (lambda: gen.learning_curves("independent", [10, 20], C=0), "C"),
    (lambda: gen.draw(gen.truth("independent"), 1), "n"),
    (lambda: gen.draw(gen.truth("independent"), 10, d_noise=-1), "d_noise"),
    (lambda: gen.fit_logistic_batch(np.zeros((2, 4)), np.zeros(4)), "X"),
    (lambda: gen.fit_logistic_batch(np.zeros((1, 4, 2)), np.zeros((1, 4))), "both classes"),
    (lambda: gen.fit_logistic_batch(np.zeros((1, 4, 2)), np.full((1, 4), 2)), "y"),
    (lambda: gen.fit_gaussian_nb_batch(np.zeros((1, 4, 2)), np.zeros((1, 4))), "both classes"),
    (lambda: gen.plateau_size([1, 2], [0.1], 0.01), "sizes"),
    (lambda: gen.plateau_size([1, 2], [0.1, 0.2], 0), "tol"),
    (lambda: gen.sample_from_gaussian_nb(nb.fit_gaussian_nb(np.eye(4), [0, 1, 0, 1]), 0), "n"),
    (lambda: gen.bayes_error(nb.two_gaussians(0.0, [1.0, 1.0], prior=0.3)), "prior"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
