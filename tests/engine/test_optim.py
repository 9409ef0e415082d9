import numpy as np
import pytest
import torch

from engine.optim import (descent_path, gradient_noise, hessian_max_eigenvalue, least_squares, loss_surface,
                          regression_data)

X, Y = regression_data(40, 0.5, random_state=3)


def torch_path(X, y, batch_size, lr, epochs, momentum, random_state):
    """The same descent with torch: autograd gradients of the batch MSE and torch.optim.SGD."""
    torch.set_num_threads(1)
    x, t = torch.tensor(X[:, 0]), torch.tensor(y)
    params = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([params], lr=lr, momentum=momentum)
    rng = np.random.default_rng(random_state)
    path = [params.detach().numpy().copy()]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = torch.as_tensor(order[start:start + batch_size])
            opt.zero_grad()
            loss = torch.mean((t[batch] - (params[0] * x[batch] + params[1])) ** 2)
            loss.backward()
            opt.step()
            path.append(params.detach().numpy().copy())
    path = np.array(path)
    full = ((y[None, :] - (path[:, :1] * X[:, 0][None, :] + path[:, 1:])) ** 2).mean(axis=1)
    return path, full


@pytest.mark.parametrize("batch_size, momentum", [(40, 0.0), (40, 0.9), (7, 0.0), (1, 0.5), (16, 0.3)])
def test_path_and_loss_match_torch_sgd(batch_size, momentum):
    result = descent_path(X, Y, batch_size, 0.05, 6, momentum=momentum, random_state=2)
    path, loss = torch_path(X, Y, batch_size, 0.05, 6, momentum, 2)
    assert result.path.shape == (6 * -(-40 // batch_size) + 1, 2) and result.steps_per_epoch == -(-40 // batch_size)
    np.testing.assert_allclose(result.path, path, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.loss, loss, rtol=1e-10)


def test_full_batch_step_is_exactly_minus_lr_times_the_gradient():
    result = descent_path(X, Y, len(X), 0.1, 3)
    assert result.path.shape == (4, 2)
    x = X[:, 0]
    for k in range(3):
        w, b = result.path[k]
        r = Y - (w * x + b)
        gradient = np.array([-2 * np.mean(r * x), -2 * np.mean(r)])
        np.testing.assert_allclose(result.path[k + 1], result.path[k] - 0.1 * gradient, rtol=1e-12)
    np.testing.assert_array_equal(result.path[0], [0.0, 0.0])


def test_full_batch_descent_reaches_the_least_squares_fit_and_diverges_past_two_over_lambda():
    w, b, minimum = least_squares(X, Y)
    limit = 2 / hessian_max_eigenvalue(X)
    good = descent_path(X, Y, len(X), 0.9 * limit, 500)
    np.testing.assert_allclose(good.path[-1], [w, b], rtol=1e-6)
    assert good.loss[-1] == pytest.approx(minimum, rel=1e-9)
    bad = descent_path(X, Y, len(X), 1.1 * limit, 500)
    assert bad.diverged and np.isnan(bad.loss[-1])


def test_true_slope_and_intercept_recovered_without_noise():
    Xc, yc = regression_data(50, 0.0)
    assert least_squares(Xc, yc)[:2] == pytest.approx((2.0, 1.0))
    assert descent_path(Xc, yc, 5, 0.05, 400).path[-1] == pytest.approx([2.0, 1.0], abs=1e-6)


def test_loss_surface_is_the_mse_on_a_grid():
    from sklearn.metrics import mean_squared_error
    ws, bs = np.linspace(-1, 4, 7), np.linspace(-2, 3, 5)
    grid = loss_surface(X, Y, ws, bs)
    assert grid.shape == (5, 7)
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            assert grid[i, j] == pytest.approx(mean_squared_error(Y, w * X[:, 0] + b), rel=1e-10)


def test_gradient_noise_matches_the_finite_population_formula():
    w, b, _ = least_squares(X, Y)
    noise = gradient_noise(X, Y, w, b, [1, 4, 10, 40], draws=4000, random_state=1)
    np.testing.assert_allclose(noise.sampled[:3], noise.exact[:3], rtol=0.06)
    assert noise.exact[-1] == 0 and noise.sampled[-1] == pytest.approx(0, abs=1e-12)
    # The exact formula by brute force: every single-point batch, no sampling.
    x = X[:, 0]
    r = Y - (w * x + b)
    per = np.stack([-2 * r * x, -2 * r], 1)
    assert noise.exact[0] == pytest.approx(np.sqrt(np.mean(np.sum((per - per.mean(0)) ** 2, 1))))


@pytest.mark.parametrize("kwargs, name", [(dict(batch_size=0), "batch_size"), (dict(batch_size=41), "batch_size"),
                                          (dict(lr=0.0), "lr"), (dict(lr=float("nan")), "lr"), (dict(epochs=0), "epochs"),
                                          (dict(momentum=1.0), "momentum"), (dict(epochs=2.5), "epochs")])
def test_bad_inputs_raise(kwargs, name):
    args = dict(batch_size=4, lr=0.1, epochs=2) | kwargs
    with pytest.raises(ValueError, match=name):
        descent_path(X, Y, **args)


def test_bad_data_raise():
    with pytest.raises(ValueError, match="X"):
        descent_path(np.ones((5, 2)), np.ones(5), 1, 0.1, 1)
    with pytest.raises(ValueError, match="y"):
        descent_path(np.ones((5, 1)), np.ones(4), 1, 0.1, 1)
    with pytest.raises(ValueError, match="n"):
        regression_data(1)
