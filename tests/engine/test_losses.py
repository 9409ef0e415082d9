import numpy as np
import pytest
import torch
from sklearn.linear_model import LinearRegression, QuantileRegressor
from sklearn.metrics import hinge_loss, log_loss, mean_absolute_error, mean_squared_error

from engine import losses as L

rng = np.random.default_rng(0)
Y_REAL, F_REAL = rng.normal(size=50), rng.normal(size=50) * 2
Y_BIN = rng.integers(0, 2, size=50)
P = rng.uniform(0.02, 0.98, size=50)
S = rng.normal(size=50) * 2


def test_regression_losses_match_sklearn_and_torch():
    assert L.LOSSES["mse"].value(Y_REAL, F_REAL) == pytest.approx(mean_squared_error(Y_REAL, F_REAL))
    assert L.LOSSES["mae"].value(Y_REAL, F_REAL) == pytest.approx(mean_absolute_error(Y_REAL, F_REAL))
    ref = torch.nn.functional.huber_loss(torch.tensor(F_REAL), torch.tensor(Y_REAL), delta=1.0).item()
    assert L.LOSSES["huber"].value(Y_REAL, F_REAL) == pytest.approx(ref)


def test_classification_losses_match_sklearn():
    assert L.LOSSES["log_loss"].value(Y_BIN, P) == pytest.approx(log_loss(Y_BIN, P))
    assert L.LOSSES["hinge"].value(Y_BIN, S) == pytest.approx(hinge_loss(Y_BIN, S))


def test_log_loss_clips_certain_answers_as_sklearn_does():
    y, p = np.array([1, 0, 1, 0]), np.array([0.0, 1.0, 1.0, 0.0])  # two certain wrong answers, two certain right
    assert L.LOSSES["log_loss"].value(y, p) == pytest.approx(log_loss(y, p, labels=[0, 1]))
    assert L.LOSSES["log_loss"].value([1], [0.0]) == pytest.approx(-np.log(np.finfo(float).eps))


def test_curves_are_the_point_losses_and_slopes_their_derivatives():
    t = np.linspace(-4, 4, 81) + 0.013  # avoid kinks
    for key in ("mse", "mae", "huber"):
        loss = L.LOSSES[key]
        np.testing.assert_allclose(loss.curve(t), loss.point(np.zeros_like(t), t))
        numeric = (loss.curve(t + 1e-6) - loss.curve(t - 1e-6)) / 2e-6
        np.testing.assert_allclose(loss.slope(t), numeric, atol=1e-5)
    for key in ("log_loss", "hinge"):
        loss = L.LOSSES[key]
        numeric = (loss.curve(t + 1e-6) - loss.curve(t - 1e-6)) / 2e-6
        np.testing.assert_allclose(loss.slope(t), numeric, atol=1e-5)
    # a positive example scored s: log loss of p = σ(s) is the margin curve at m = s
    np.testing.assert_allclose(L.LOSSES["log_loss"].point(np.ones_like(t), 1 / (1 + np.exp(-t))),
                               L.LOSSES["log_loss"].curve(t))
    np.testing.assert_allclose(L.LOSSES["hinge"].point(np.zeros_like(t), t), L.LOSSES["hinge"].curve(-t))


def test_fit_line_mse_is_least_squares_and_mae_is_median_regression():
    x, y = L.line_with_outlier(20, 10.0, -5.0, 0.5, random_state=1)
    ols = LinearRegression().fit(x[:, None], y)
    fit = L.fit_line(x, y, "mse")
    assert (fit.slope, fit.intercept) == pytest.approx((ols.coef_[0], ols.intercept_))
    lad = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(x[:, None], y)
    fit = L.fit_line(x, y, "mae")
    assert (fit.slope, fit.intercept) == pytest.approx((lad.coef_[0], lad.intercept_), abs=1e-6)


def test_fit_line_recovers_an_exact_line_and_huber_has_zero_gradient():
    x = np.linspace(0, 5, 12)
    for key in ("mse", "mae", "huber"):
        fit = L.fit_line(x, 2 - 0.5 * x, key)
        assert (fit.slope, fit.intercept) == pytest.approx((-0.5, 2.0), abs=1e-6)
    x, y = L.line_with_outlier(20, 5.0, 20.0, 0.5, random_state=2)
    fit = L.fit_line(x, y, "huber")
    r = fit.slope * x + fit.intercept - y
    grad = np.array([np.mean(np.clip(r, -1, 1) * x), np.mean(np.clip(r, -1, 1))])
    np.testing.assert_allclose(grad, 0, atol=1e-8)
    # against torch: gradient descent on the same mean Huber loss lands on the same line
    theta = torch.tensor([fit.slope + 0.3, fit.intercept - 0.3], dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([theta], max_iter=500, tolerance_grad=1e-12, tolerance_change=1e-15)
    xt, yt = torch.tensor(x), torch.tensor(y)

    def closure():
        optimiser.zero_grad()
        value = torch.nn.functional.huber_loss(theta[0] * xt + theta[1], yt, delta=1.0)
        value.backward()
        return value
    optimiser.step(closure)
    assert theta.detach().numpy() == pytest.approx([fit.slope, fit.intercept], abs=1e-5)


def test_an_outlier_in_y_does_not_move_the_mae_line_once_it_is_on_one_side():
    a = L.fit_line(*L.line_with_outlier(20, 2.5, 15.0, 0.5, 0), "mae")
    b = L.fit_line(*L.line_with_outlier(20, 2.5, 30.0, 0.5, 0), "mae")
    assert (a.slope, a.intercept) == pytest.approx((b.slope, b.intercept), abs=1e-9)


@pytest.mark.parametrize("call, match", [
    (lambda: L.LOSSES["mse"].value([1.0, 2.0], [1.0]), "same"),
    (lambda: L.LOSSES["log_loss"].value([0, 2], [0.5, 0.5]), "labels"),
    (lambda: L.LOSSES["log_loss"].value([0, 1], [0.5, 1.5]), "probabilities"),
    (lambda: L.LOSSES["mae"].value([np.nan], [1.0]), "finite"),
    (lambda: L.fit_line([1.0, 2.0], [1.0, 2.0], "hinge"), "loss"),
    (lambda: L.fit_line([1.0, 1.0], [1.0, 2.0], "mse"), "distinct"),
    (lambda: L.fit_line([1.0, 2.0], [1.0, 2.0], "huber", delta=0), "delta"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
