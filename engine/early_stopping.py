"""Early stopping: an over-parameterised MLP fitted to a few noisy points, with train, validation and test loss
recorded every epoch, and the epoch where patience-based early stopping would stop.

The network trains for all ``max_epochs`` (so a page can draw the whole curve); where it *would* have stopped
is computed from the validation curve by ``stopping_point``. Returns numpy only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_float, check_int

GRID = 120  # points where the fitted curve is recorded each epoch


@dataclass(frozen=True)
class EarlyStoppingRun:
    """``train_loss``, ``val_loss``, ``test_loss`` (max_epochs,): MSE after each epoch (epoch 0 = after the first
    update). ``stopped_epoch``: the first epoch e with ``patience`` epochs since the last strict improvement of the
    validation loss (else max_epochs − 1); ``best_epoch``: argmin of the validation loss over epochs 0..stopped_epoch;
    ``restored_test_loss``: the test MSE of the weights saved at ``best_epoch`` and restored after stopping.
    ``grid_x`` (GRID,) and ``predictions`` (max_epochs, GRID): the fitted curve after each epoch; ``x_train``,
    ``y_train``, ``x_val``, ``y_val``: the data (1-D)."""

    train_loss: np.ndarray
    val_loss: np.ndarray
    test_loss: np.ndarray
    stopped_epoch: int
    best_epoch: int
    restored_test_loss: float
    grid_x: np.ndarray
    predictions: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def truth(x):
    """The curve the data scatter around: sin(3x)."""
    return np.sin(3.0 * np.asarray(x, dtype=float))


def noisy_data(n, noise=0.3, random_state=0):
    """The page's data: x ~ U(−1, 1), y = sin(3x) + N(0, noise²). Returns X (n, 1) and y (n,)."""
    n = check_int("n", n, low=2, high=5000)
    noise = check_float("noise", noise, low=0.0, high=5.0)
    rng = np.random.default_rng(random_state)
    x = rng.uniform(-1.0, 1.0, n)
    return x[:, None], truth(x) + rng.normal(0.0, noise, n)


def stopping_point(val_loss, patience) -> tuple[int, int]:
    """(stopped_epoch, best_epoch) for a validation curve, as ``train_with_early_stopping`` defines them."""
    val = np.asarray(val_loss, dtype=float)
    if val.ndim != 1 or len(val) == 0:
        raise ValueError("val_loss must be a non-empty 1-D array")
    patience = check_int("patience", patience, low=1)
    best, since = np.inf, 0
    stopped = len(val) - 1
    for epoch, value in enumerate(val):
        if value < best:
            best, since = value, 0
        else:
            since += 1
            if since >= patience:
                stopped = epoch
                break
    return stopped, int(np.argmin(val[:stopped + 1]))


def train_with_early_stopping(patience=10, max_epochs=200, random_state=0, *, n_train=20, noise=0.3, width=64,
                              lr=0.02) -> EarlyStoppingRun:
    """Train 1 → width → width → 1 (tanh) with Adam on ``n_train`` noisy points, full batch, for ``max_epochs``.

    Validation: ``n_train`` more points from the same distribution; test: 500 more. Seeded by
    ``torch.manual_seed(random_state)`` and the data by ``random_state``. The weights of the best validation
    epoch up to the stopping epoch are kept and restored, and their test loss reported.
    """
    import torch
    patience = check_int("patience", patience, low=1, high=1000)
    max_epochs = check_int("max_epochs", max_epochs, low=2, high=1000)
    n_train = check_int("n_train", n_train, low=4, high=1000)
    width = check_int("width", width, low=2, high=256)
    lr = check_float("lr", lr, low=0.0, low_inclusive=False, high=1.0)
    torch.set_num_threads(1)
    X, y = noisy_data(3 * n_train, noise, random_state)
    X_test, y_test = noisy_data(500, noise, random_state + 1)
    grid = np.linspace(-1.0, 1.0, GRID)
    tensors = [torch.tensor(a, dtype=torch.float32).reshape(len(a), 1) for a in
               (X[:n_train, 0], y[:n_train], X[n_train:2 * n_train, 0], y[n_train:2 * n_train], X_test[:, 0], y_test, grid)]
    xt, yt, xv, yv, xs, ys, xg = tensors
    everything = torch.cat([xt, xv, xs, xg])  # one forward pass a epoch records all four
    cuts = np.cumsum([n_train, n_train, len(xs)])
    torch.manual_seed(random_state)
    model = torch.nn.Sequential(torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, width),
                                torch.nn.Tanh(), torch.nn.Linear(width, 1))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = np.empty((3, max_epochs))
    predictions = np.empty((max_epochs, GRID))
    best_val, since, stopped, saved = np.inf, 0, None, None
    for epoch in range(max_epochs):
        opt.zero_grad()
        torch.mean((model(xt) - yt) ** 2).backward()
        opt.step()
        with torch.no_grad():
            out = model(everything)[:, 0].numpy()
        parts = np.split(out, cuts)
        for row, (predicted, target) in enumerate(zip(parts[:3], (yt, yv, ys))):
            losses[row, epoch] = np.mean((predicted - target[:, 0].numpy()) ** 2)
        predictions[epoch] = parts[3]
        if stopped is None:  # early stopping as a training loop does it: keep the best weights, count patience
            if losses[1, epoch] < best_val:
                best_val, since = losses[1, epoch], 0
                saved = {k: v.clone() for k, v in model.state_dict().items()}
            else:
                since += 1
                if since >= patience:
                    stopped = epoch
    stopped = max_epochs - 1 if stopped is None else stopped
    model.load_state_dict(saved)
    with torch.no_grad():
        restored = float(torch.mean((model(xs) - ys) ** 2))
    stopped_epoch, best_epoch = stopping_point(losses[1], patience)
    assert stopped_epoch == stopped
    return EarlyStoppingRun(losses[0], losses[1], losses[2], stopped_epoch, best_epoch, restored, grid, predictions,
                            X[:n_train, 0], y[:n_train], X[n_train:2 * n_train, 0], y[n_train:2 * n_train])
