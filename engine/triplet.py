"""Triplet loss: the loss of (anchor, positive, negative) triplets, the kind of a negative, and a tiny embedding
network trained with it in torch (numpy out)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_float, check_int

KINDS = ("easy", "semi-hard", "hard")


def _triplets(anchor, positive, negative):
    arrays = [np.atleast_2d(np.asarray(v, dtype=float)) for v in (anchor, positive, negative)]
    for name, a in zip(("anchor", "positive", "negative"), arrays):
        if a.ndim != 2 or a.shape != arrays[0].shape or a.size == 0:
            raise ValueError(f"{name} must have the anchor's shape (n, d) or (d,), got {a.shape}")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must contain only finite values")
    return arrays


def distances(anchor, positive, negative) -> tuple[np.ndarray, np.ndarray]:
    """(d(a, p), d(a, n)): Euclidean distances, each of shape (n,)."""
    a, p, n = _triplets(anchor, positive, negative)
    return np.linalg.norm(a - p, axis=1), np.linalg.norm(a - n, axis=1)


def triplet_loss(anchor, positive, negative, margin=1.0) -> float:
    """mean over triplets of max(0, ‖a − p‖₂ − ‖a − n‖₂ + margin): zero once every negative is at least ``margin``
    farther from its anchor than the positive. Inputs (n, d) or (d,); equals
    ``torch.nn.functional.triplet_margin_loss`` (which adds 1e-6 inside the norms)."""
    margin = check_float("margin", margin, low=0.0)
    d_ap, d_an = distances(anchor, positive, negative)
    return float(np.mean(np.maximum(0.0, d_ap - d_an + margin)))


def negative_kind(anchor, positive, negative, margin) -> str:
    """For one triplet: ``"hard"`` if d(a, n) ≤ d(a, p) (the negative is at least as close as the positive),
    ``"semi-hard"`` if d(a, p) < d(a, n) < d(a, p) + margin (farther, but inside the margin: loss > 0), ``"easy"``
    if d(a, n) ≥ d(a, p) + margin (loss 0)."""
    margin = check_float("margin", margin, low=0.0)
    d_ap, d_an = distances(anchor, positive, negative)
    if len(d_ap) != 1:
        raise ValueError("negative_kind takes one triplet: anchor, positive and negative of shape (d,)")
    if d_an[0] <= d_ap[0]:
        return "hard"
    return "semi-hard" if d_an[0] < d_ap[0] + margin else "easy"


@dataclass(frozen=True)
class TripletTraining:
    """``before``/``after`` (n, 2): held-out points embedded by the network before and after training; ``labels`` (n,);
    ``loss`` (epochs,): mean triplet loss of each epoch's training triplets; ``ordered_before``/``ordered_after``: the
    share of held-out triplets (anchor, same-class positive, other-class negative) with d(a, p) < d(a, n)."""

    before: np.ndarray
    after: np.ndarray
    labels: np.ndarray
    loss: np.ndarray
    ordered_before: float
    ordered_after: float


def class_data(n, spread=1.0, random_state=0):
    """Three classes in 8-D: class means 3 apart in the first two coordinates, hidden under six coordinates of
    noise with standard deviation 3, and each class spread by ``spread``. Returns X (n, 8) and y (n,) in {0, 1, 2}."""
    n = check_int("n", n, low=6, high=5000)
    spread = check_float("spread", spread, low=0.0, high=10.0)
    rng = np.random.default_rng(random_state)
    y = np.arange(n) % 3
    means = 3.0 * np.array([[1.0, 0.0], [-0.5, 0.866], [-0.5, -0.866]])
    signal = means[y] + rng.normal(0.0, spread, (n, 2))
    return np.c_[signal, rng.normal(0.0, 3.0, (n, 6))], y


def sample_triplets(y, count, rng) -> np.ndarray:
    """``count`` (anchor, positive, negative) index triples: a random anchor, another point of its class, one of another."""
    y = np.asarray(y)
    anchors = rng.integers(0, len(y), count)
    rows = []
    for a in anchors:
        same = np.flatnonzero((y == y[a]) & (np.arange(len(y)) != a))
        other = np.flatnonzero(y != y[a])
        rows.append((a, same[rng.integers(len(same))], other[rng.integers(len(other))]))
    return np.array(rows)


def train_embedding(margin=1.0, spread=1.0, epochs=40, random_state=0) -> TripletTraining:
    """Train 8 → 16 → 2 (ReLU) with Adam (lr 0.01) on 256 random triplets an epoch from 150 training points;
    evaluate on 150 held-out points and 600 held-out triplets. Seeds: ``torch.manual_seed(random_state)`` and
    ``numpy.random.default_rng(random_state)`` for the triplets."""
    import torch
    margin = check_float("margin", margin, low=0.0, low_inclusive=False, high=10.0)
    epochs = check_int("epochs", epochs, low=1, high=200)
    torch.set_num_threads(1)
    X, y = class_data(300, spread, random_state)
    train, held = slice(0, 150), slice(150, 300)
    rng = np.random.default_rng(random_state)
    torch.manual_seed(random_state)
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    xt = torch.tensor(X[train], dtype=torch.float32)
    xh = torch.tensor(X[held], dtype=torch.float32)
    tests = sample_triplets(y[held], 600, np.random.default_rng(random_state + 1))

    def embed_held():
        with torch.no_grad():
            return net(xh).numpy().astype(float)

    def ordered(points):
        d_ap, d_an = distances(points[tests[:, 0]], points[tests[:, 1]], points[tests[:, 2]])
        return float(np.mean(d_ap < d_an))

    before = embed_held()
    losses = []
    for _ in range(epochs):
        idx = torch.as_tensor(sample_triplets(y[train], 256, rng))
        opt.zero_grad()
        out = net(xt)
        loss = torch.nn.functional.triplet_margin_loss(out[idx[:, 0]], out[idx[:, 1]], out[idx[:, 2]], margin=margin)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    after = embed_held()
    return TripletTraining(before, after, y[held], np.array(losses), ordered(before), ordered(after))
