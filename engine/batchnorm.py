"""Batch normalisation: the training-mode transform, and small MLPs trained with and without it in torch.

``batch_norm`` is the formula written out in numpy and equals ``torch.nn.functional.batch_norm(…, training=True)``
(tests/engine/test_batchnorm.py). ``train_mlp`` trains a tiny sigmoid network on two-moons data, once per
setting, and returns only numpy arrays (no tensors are kept).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_choice, check_float, check_int

ACTIVATIONS = ("sigmoid", "tanh", "relu")
TEST_BATCHES = (4, 16, 64, 256)


def batch_norm(x, gamma=1.0, beta=0.0, eps=1e-5) -> np.ndarray:
    """Normalise each feature over the batch, then scale and shift: γ·(x − mean)/√(var + eps) + β.

    Parameters
    ----------
    x : array (batch, features), batch ≥ 2; the mean and the *biased* variance (divide by batch) are the batch's own,
        as in training mode.
    gamma, beta : float or array (features,)
    eps : float > 0

    Returns
    -------
    array (batch, features)
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array of shape (batch, features), got shape {x.shape}")
    if x.shape[0] < 2:
        raise ValueError(f"x needs a batch of at least 2 rows to have a variance, got {x.shape[0]}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must contain only finite values")
    eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    gamma, beta = np.asarray(gamma, dtype=float), np.asarray(beta, dtype=float)
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value.shape not in ((), (x.shape[1],)) or not np.all(np.isfinite(value)):
            raise ValueError(f"{name} must be a finite number or an array of shape ({x.shape[1]},)")
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased: what the batch is normalised with in training mode
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


@dataclass(frozen=True)
class TrainedMLP:
    """One training run.

    ``loss`` (epochs + 1,): mean cross-entropy on the training set before training and after each epoch (NaN once
    it diverged); ``pre_activations`` (layers, n_train · width), float32: what every unit of each hidden layer
    feeds its activation function after training (after batch norm when there is one), in evaluation mode; ``test_accuracy``: in evaluation
    mode. For a batch-norm network, ``train_mode_accuracy`` maps (test batch size, "shuffled" | "sorted") to the
    test accuracy when the network is (wrongly) left in training mode, so each test batch is normalised with its
    own statistics; empty without batch norm."""

    loss: np.ndarray
    pre_activations: np.ndarray
    test_accuracy: float
    train_mode_accuracy: dict


def moons(n=512, noise=0.2, random_state=0):
    """The page's data: two interleaved half-moons, standardised. Returns X (n, 2) and y (n,) in {0, 1}."""
    from sklearn.datasets import make_moons
    n = check_int("n", n, low=16, high=5000)
    X, y = make_moons(n, noise=check_float("noise", noise, low=0.0, high=2.0), random_state=random_state)
    return (X - X.mean(axis=0)) / X.std(axis=0), y.astype(int)


def train_mlp(lr, use_batch_norm, depth=4, width=32, epochs=20, batch_size=32, activation="sigmoid",
              random_state=0) -> TrainedMLP:
    """Train an MLP 2 → width (× depth hidden layers) → 2 with plain SGD on two-moons data.

    Each hidden layer is Linear → [BatchNorm1d] → activation. The weights start from torch's default
    initialisation under ``torch.manual_seed(random_state)``, so the runs with and without batch norm start
    from the same linear weights; the training set (256 points) is shuffled by a seeded ``torch.Generator``.
    """
    import torch
    lr = check_float("lr", lr, low=0.0, low_inclusive=False, high=100.0)
    depth = check_int("depth", depth, low=1, high=8)
    width = check_int("width", width, low=2, high=128)
    epochs = check_int("epochs", epochs, low=1, high=100)
    batch_size = check_int("batch_size", batch_size, low=2, high=512)
    check_choice("activation", activation, ACTIVATIONS)
    torch.set_num_threads(1)
    X, y = moons(256, 0.2, random_state=random_state)
    X_test, y_test = moons(256, 0.2, random_state=random_state + 1000)
    xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    torch.manual_seed(random_state)
    act = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[activation]
    layers, linear_in = [], 2
    for _ in range(depth):
        layers.append(torch.nn.Linear(linear_in, width))
        if use_batch_norm:
            layers.append(torch.nn.BatchNorm1d(width))
        layers.append(act())
        linear_in = width
    layers.append(torch.nn.Linear(width, 2))
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(random_state)

    def full_loss():
        model.eval()
        with torch.no_grad():
            return float(loss_fn(model(xt), yt))

    losses = [full_loss()]
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), batch_size):
            batch = order[start:start + batch_size]
            if len(batch) < 2:
                continue  # batch norm needs two rows
            opt.zero_grad()
            loss_fn(model(xt[batch]), yt[batch]).backward()
            opt.step()
        losses.append(full_loss())
        if not np.isfinite(losses[-1]):
            break
    losses += [np.nan] * (epochs + 1 - len(losses))

    # What each hidden layer feeds its activation, on the training set, in evaluation mode.
    model.eval()
    captured = []
    hooks = [m.register_forward_hook(lambda _m, inputs, _out: captured.append(inputs[0].detach().numpy().copy()))
             for m in model if isinstance(m, act)]
    with torch.no_grad():
        model(xt)
    for hook in hooks:
        hook.remove()
    pre = np.stack([c.ravel() for c in captured]).astype(np.float32)  # (layers, n_train · width)

    xs = torch.tensor(X_test, dtype=torch.float32)
    with torch.no_grad():
        test_accuracy = float((model(xs).argmax(1).numpy() == y_test).mean())
    train_mode = {}
    if use_batch_norm:
        model.train()  # the bug: evaluating without model.eval()
        with torch.no_grad():
            for order_name, order in (("shuffled", np.random.default_rng(random_state).permutation(len(y_test))),
                                      ("sorted", np.argsort(y_test, kind="stable"))):
                for size in TEST_BATCHES:
                    hits = sum(int((model(xs[order[s:s + size]]).argmax(1).numpy() == y_test[order[s:s + size]]).sum())
                               for s in range(0, len(order), size))
                    train_mode[(size, order_name)] = hits / len(order)
        model.eval()
    return TrainedMLP(np.asarray(losses, dtype=float), pre, test_accuracy, train_mode)


def scale_invariance(x, weight, scale, eps=1e-5) -> float:
    """max |BN(x·(scale·W)ᵀ) − BN(x·Wᵀ)|: how much scaling a layer's incoming weights changes its batch-norm output.

    ``x`` (batch, inputs), ``weight`` (features, inputs), ``scale`` > 0. Zero up to eps's effect: batch norm divides
    the scale out again."""
    x, weight = np.asarray(x, float), np.asarray(weight, float)
    scale = check_float("scale", scale, low=0.0, low_inclusive=False)
    return float(np.max(np.abs(batch_norm(x @ (scale * weight).T, eps=eps) - batch_norm(x @ weight.T, eps=eps))))
