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
    (dict(degree=2, noise=float("nan")), "noise"),
])
def test_bad_inputs_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        bv.decompose(**kwargs)
