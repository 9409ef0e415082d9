import numpy as np
import pytest

from engine import bias_variance as bv


@pytest.mark.parametrize("degree", [0, 1, 3, 6, 9])
def test_expected_error_is_bias2_plus_variance_plus_noise(degree):
    d = bv.decompose(degree, n_train=40, noise=0.3, n_datasets=400, random_state=1)
    assert d.bias2 + d.variance + d.noise == pytest.approx(d.expected_error, rel=0.03)


def test_constant_model_bias_is_the_variance_of_the_sine():
    d = bv.decompose(0, n_train=200, noise=0.1, n_datasets=300)
    # The best constant is 0 and the mean of sin²(2πx) over [0, 1] is 1/2.
    assert d.bias2 == pytest.approx(0.5, abs=0.02)


def test_bias2_at_the_defaults_is_the_true_bias_not_bias_plus_variance_over_d():
    s = bv.sweep()
    # Degree 0: E[ŷ] = E[mean of y] = E[sin 2πx] = 0, so bias² = mean sin²(2πx) = 1/2 (0.496 on this grid's draws).
    assert s.bias2[0] == pytest.approx(0.496, abs=0.005)
    # From degree 5 up a polynomial follows sin 2πx on [0, 1] almost exactly: the true bias² is tiny.
    assert np.all(s.bias2[5:] < 1e-3) and np.all(s.bias2 >= 0)
    # The mean of the noisy fits carries variance/D on top; at degree 14 it dwarfs the bias.
    d = bv.decompose(14)
    naive = np.mean((d.mean_prediction - bv.true_function(d.x_grid)) ** 2)
    assert d.bias2 < 1e-3 < 1.0 < naive
    assert naive == pytest.approx(d.bias2 + d.variance / 200, rel=0.5)


def test_bias2_uses_the_mean_of_the_noise_free_fits_and_variance_has_ddof_1():
    d = bv.decompose(4, n_train=25, noise=0.4, n_datasets=30, random_state=2)
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, size=(30, 25))
    clean = np.array([np.polyval(np.polyfit(xs, bv.true_function(xs), 4), d.x_grid) for xs in x])
    assert d.bias2 == pytest.approx(np.mean((clean.mean(axis=0) - bv.true_function(d.x_grid)) ** 2), rel=1e-6)
    np.testing.assert_allclose(d.noise_free_mean, clean.mean(axis=0), atol=1e-8)
    assert d.variance == pytest.approx(np.mean(np.var(d.predictions, axis=0, ddof=1)))


def test_without_noise_both_estimates_of_the_mean_fit_agree():
    # σ = 0: the noisy fits are the noise-free fits, so the two estimates of E[ŷ] coincide.
    d = bv.decompose(3, n_train=40, noise=0.0, n_datasets=50, random_state=1)
    np.testing.assert_allclose(d.noise_free_mean, d.mean_prediction, atol=1e-10)


def test_ridge_fits_are_sklearn_ridge_on_the_legendre_features():
    from sklearn.linear_model import Ridge
    for n_train in (25, 6):  # more and fewer points than the 10 coefficients
        d = bv.decompose(9, n_train=n_train, noise=0.2, n_datasets=3, random_state=5, ridge=1e-3)
        model = Ridge(alpha=1e-3, fit_intercept=False).fit(bv._design(d.example_x, 9), d.example_y)
        np.testing.assert_allclose(d.predictions[0], model.predict(bv._design(d.x_grid, 9)), atol=1e-8)


def test_ridge_trades_variance_for_bias():
    plain, ridge = bv.decompose(12), bv.decompose(12, ridge=1e-2)
    assert ridge.variance < plain.variance / 100 and ridge.bias2 > plain.bias2
    assert ridge.bias2 + ridge.variance + ridge.noise == pytest.approx(ridge.expected_error, rel=0.03)


def test_test_error_peaks_at_the_interpolation_threshold_and_ridge_removes_the_peak():
    for n_train in (5, 10):
        s = bv.sweep(n_train=n_train, noise=0.3)
        assert int(np.argmax(s.expected_error)) == n_train - 1
        assert s.train_error[n_train - 1:].max() < 1e-10  # from there on the fits pass through every point
        assert s.expected_error[-1] < s.expected_error[n_train - 1] / 100  # and the error comes down again
    damped = bv.sweep(n_train=10, noise=0.3, ridge=1e-2)
    assert damped.expected_error.max() < 1.0


def test_each_fit_is_ordinary_least_squares():
    d = bv.decompose(4, n_train=25, noise=0.2, n_datasets=3, random_state=7)
    coefs = np.polyfit(d.example_x, d.example_y, 4)
    np.testing.assert_allclose(d.predictions[0], np.polyval(coefs, d.x_grid), atol=1e-8)


def test_fewer_points_than_coefficients_give_the_minimum_norm_fit_through_every_point():
    d = bv.decompose(8, n_train=5, noise=0.2, n_datasets=3, random_state=7)
    assert d.train_error == pytest.approx(0.0, abs=1e-12)
    design = bv._design(d.example_x, 8)
    minimum_norm = np.linalg.lstsq(design, d.example_y, rcond=None)[0]
    np.testing.assert_allclose(d.predictions[0], bv._design(d.x_grid, 8) @ minimum_norm, atol=1e-6)


def test_sweep_shows_underfitting_and_overfitting():
    s = bv.sweep(12, n_train=30, noise=0.3, n_datasets=200)
    assert np.all(np.diff(s.train_error) <= 1e-9)
    assert s.bias2[0] > 10 * s.bias2[4]
    assert s.variance[12] > 10 * s.variance[3]
    assert 2 <= s.best_degree <= 7


def test_more_data_lowers_variance():
    small = bv.decompose(8, n_train=20, random_state=0)
    large = bv.decompose(8, n_train=200, random_state=0)
    assert large.variance < small.variance / 5


def test_deterministic_given_random_state():
    a, b = bv.decompose(5, random_state=3), bv.decompose(5, random_state=3)
    np.testing.assert_array_equal(a.predictions, b.predictions)


@pytest.mark.parametrize("kwargs, name", [
    (dict(degree=-1), "degree"), (dict(degree=16), "degree"), (dict(degree=2, n_train=1), "n_train"),
    (dict(degree=2, noise=-0.1), "noise"), (dict(degree=2, n_datasets=1), "n_datasets"),
    (dict(degree=2, noise=float("nan")), "noise"), (dict(degree=2, ridge=-1.0), "ridge"),
])
def test_bad_inputs_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        bv.decompose(**kwargs)
