"""Small 2-D toy data sets generated on the fly (no downloads), and a grid for decision surfaces."""
from __future__ import annotations

import numpy as np
from sklearn import datasets as skd

from engine._validate import check_choice, check_float, check_int, check_points

CLASSIFICATION = ("blobs", "moons", "circles", "xor")
CLUSTERING = ("blobs", "uneven", "stretched")


def classification_2d(name="blobs", n=200, noise=0.2, random_state=0):
    """Two-class 2-D data: returns X (n, 2) and y (n,) in {0, 1}.

    ``blobs`` are two overlapping Gaussian clouds, ``moons`` two interleaved half circles,
    ``circles`` a ring around a disc, ``xor`` four quadrants with opposite corners alike.
    """
    check_choice("dataset", name, CLASSIFICATION)
    n = check_int("n", n, low=10, high=5000)
    noise = check_float("noise", noise, low=0.0, high=2.0)
    rng = np.random.default_rng(random_state)
    seed = int(rng.integers(2**31))
    if name == "blobs":
        X, y = skd.make_blobs(n, centers=[[-1, -1], [1, 1]], cluster_std=0.6 + 2 * noise, random_state=seed)
    elif name == "moons":
        X, y = skd.make_moons(n, noise=noise, random_state=seed)
    elif name == "circles":
        X, y = skd.make_circles(n, noise=noise / 2, factor=0.4, random_state=seed)
    else:
        X = rng.uniform(-1, 1, size=(n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
        X = X + rng.normal(0, noise / 2, size=X.shape)
    return X.astype(float), y.astype(int)


def clustering_2d(name="blobs", n=300, k_true=3, random_state=0):
    """Unlabelled-looking 2-D data with known groups: returns X (n, 2) and the true labels (n,).

    ``blobs``: equal round clusters; ``uneven``: one large and several small clusters;
    ``stretched``: elongated, sheared clusters where K-means' round-cluster assumption fails.
    """
    check_choice("dataset", name, CLUSTERING)
    n = check_int("n", n, low=20, high=5000)
    k_true = check_int("k_true", k_true, low=2, high=8)
    rng = np.random.default_rng(random_state)
    centers = _spread_centers(k_true, rng)
    if name == "uneven":
        weights = np.r_[6.0, np.ones(k_true - 1)]
        sizes = rng.multinomial(n - k_true * 5, weights / weights.sum()) + 5
        stds = np.r_[1.1, np.full(k_true - 1, 0.35)]
    else:
        sizes = rng.multinomial(n - k_true * 5, np.ones(k_true) / k_true) + 5
        stds = np.full(k_true, 0.6)
    X = np.concatenate([rng.normal(c, s, size=(m, 2)) for c, s, m in zip(centers, stds, sizes)])
    y = np.repeat(np.arange(k_true), sizes)
    if name == "stretched":
        # Long parallel bars, close together across their short side: round-cluster K-means cuts
        # across them, a full-covariance mixture follows them.
        rotation = _rotation(np.pi / 6)
        offsets = (np.arange(k_true) - (k_true - 1) / 2) * 1.8
        centers = np.c_[np.zeros(k_true), offsets] @ rotation
        X = np.concatenate([(rng.normal(0, 1, size=(m, 2)) * [2.5, 0.25]) @ rotation + c
                            for c, m in zip(centers, sizes)])
    order = rng.permutation(n)
    return X[order], y[order]


def _spread_centers(k, rng):
    angles = np.linspace(0, 2 * np.pi, k, endpoint=False) + rng.uniform(0, 2 * np.pi)
    radius = 3.0 + 0.3 * k
    return np.c_[np.cos(angles), np.sin(angles)] * radius


def _rotation(theta):
    return np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]])


def grid_2d(X, resolution=100, pad=0.5):
    """A square grid over the bounding box of ``X`` (plus ``pad``): returns xs (r,), ys (r,), points (r², 2)."""
    X = check_points("X", X)
    resolution = check_int("resolution", resolution, low=2, high=400)
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    xs, ys = np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xs, ys, np.c_[xx.ravel(), yy.ravel()]
