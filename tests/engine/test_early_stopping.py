import numpy as np
import pytest
import torch

from engine.early_stopping import noisy_data, stopping_point, train_with_early_stopping, truth


def test_stopping_point_known_values():
    assert stopping_point([5, 4, 3, 3, 3, 3], 2) == (4, 2)      # no strict improvement at epochs 3 and 4
    assert stopping_point([5, 4, 3, 2, 1], 3) == (4, 4)         # never stops: last epoch, best is the last
    assert stopping_point([1, 2, 0.5, 3, 4, 5, 0.1], 3) == (5, 2)  # the later minimum (0.1) is never seen
    assert stopping_point([3.0], 1) == (0, 0)


def reference_run(max_epochs, seed, n_train=20, noise=0.3, width=64, lr=0.02):
    """An independent torch loop: the validation curve and the test loss at every epoch."""
    torch.manual_seed(seed)
    X, y = noisy_data(3 * n_train, noise, seed)
    X_test, y_test = noisy_data(500, noise, seed + 1)
    t = lambda a: torch.tensor(a, dtype=torch.float32).reshape(-1, 1)  # noqa: E731
    xt, yt, xv, yv, xs, ys = t(X[:n_train, 0]), t(y[:n_train]), t(X[n_train:2 * n_train, 0]), t(y[n_train:2 * n_train]), \
        t(X_test[:, 0]), t(y_test)
    model = torch.nn.Sequential(torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, width), torch.nn.Tanh(),
                                torch.nn.Linear(width, 1))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    val, test = [], []
    for _ in range(max_epochs):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(xt), yt).backward()
        opt.step()
        with torch.no_grad():
            val.append(float(torch.nn.functional.mse_loss(model(xv), yv)))
            test.append(float(torch.nn.functional.mse_loss(model(xs), ys)))
    return np.array(val), np.array(test)


def test_curves_match_an_independent_torch_loop_and_restoring_gives_the_best_epochs_test_loss():
    run = train_with_early_stopping(patience=5, max_epochs=60, random_state=2)
    val, test = reference_run(60, 2)
    np.testing.assert_allclose(run.val_loss, val, rtol=1e-4)
    np.testing.assert_allclose(run.test_loss, test, rtol=1e-4)
    assert (run.stopped_epoch, run.best_epoch) == stopping_point(run.val_loss, 5)
    assert run.restored_test_loss == pytest.approx(run.test_loss[run.best_epoch], rel=1e-4)
    assert run.train_loss.shape == run.val_loss.shape == (60,) and run.predictions.shape == (60, len(run.grid_x))


def test_an_over_parameterised_net_overfits_and_its_training_loss_keeps_falling():
    run = train_with_early_stopping(patience=10, max_epochs=300, random_state=0, noise=0.4)
    assert run.train_loss[-1] < 0.5 * run.val_loss[-1]               # fits the noise of its 20 points
    assert run.val_loss.min() < 0.8 * run.val_loss[-1]               # validation loss rose again
    assert run.restored_test_loss < run.test_loss[-1]


def test_data_scatter_around_the_truth_with_the_stated_noise():
    X, y = noisy_data(5000, 0.4, random_state=5)
    assert np.std(y - truth(X[:, 0])) == pytest.approx(0.4, rel=0.04)


@pytest.mark.parametrize("kwargs, name", [(dict(patience=0), "patience"), (dict(max_epochs=1), "max_epochs"),
                                          (dict(noise=-1.0), "noise"), (dict(lr=0.0), "lr"), (dict(n_train=2), "n_train")])
def test_bad_inputs_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        train_with_early_stopping(**kwargs)
    with pytest.raises(ValueError, match="val_loss"):
        stopping_point([], 3)
