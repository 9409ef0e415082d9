"""Decision trees by hand where the page shows the steps: impurities, the split scan, the best root split."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from engine._validate import check_choice, check_int, check_points

CRITERIA = ("gini", "entropy")


def _counts(counts) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    if counts.ndim not in (1, 2) or counts.shape[-1] < 1:
        raise ValueError("counts must be a 1-D array of class counts (or 2-D, one row per node)")
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite and non-negative")
    if np.any(counts.sum(axis=-1) <= 0):
        raise ValueError("counts must contain at least one sample")
    return counts


def gini(counts) -> np.ndarray | float:
    """Gini impurity 1 − Σ pₖ² of class counts (k,), or of each row of (m, k)."""
    counts = _counts(counts)
    p = counts / counts.sum(axis=-1, keepdims=True)
    result = 1.0 - np.sum(p ** 2, axis=-1)
    return float(result) if result.ndim == 0 else result


def entropy(counts) -> np.ndarray | float:
    """Entropy −Σ pₖ log₂ pₖ (0 log 0 = 0) of class counts (k,), or of each row of (m, k)."""
    counts = _counts(counts)
    p = counts / counts.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    result = -np.sum(terms, axis=-1)
    return float(result) + 0.0 if result.ndim == 0 else result + 0.0


def misclassification(counts) -> np.ndarray | float:
    """Misclassification impurity 1 − maxₖ pₖ."""
    counts = _counts(counts)
    result = 1.0 - counts.max(axis=-1) / counts.sum(axis=-1)
    return float(result) if result.ndim == 0 else result


IMPURITY = {"gini": gini, "entropy": entropy}


def _check_xy(X, y):
    X = check_points("X", X, min_rows=2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    return X, y


@dataclass(frozen=True)
class SplitScan:
    """Every candidate threshold of one feature and the impurity decrease it gives."""

    feature: int
    thresholds: np.ndarray   # (t,) midway between neighbouring distinct values
    gains: np.ndarray        # (t,) parent impurity − size-weighted child impurities
    left_counts: np.ndarray  # (t, k) class counts of the samples with value ≤ threshold
    classes: np.ndarray      # (k,)


def split_scan(X, y, feature, criterion="gini") -> SplitScan:
    """Try every threshold of ``feature`` (samples with x ≤ threshold go left), as a tree does.

    Parameters
    ----------
    X : (n, d) features.  y : (n,) class labels.  feature : column index.  criterion : "gini" or "entropy".
    """
    X, y = _check_xy(X, y)
    feature = check_int("feature", feature, low=0, high=X.shape[1] - 1)
    criterion = check_choice("criterion", criterion, CRITERIA)
    classes, codes = np.unique(y, return_inverse=True)
    order = np.argsort(X[:, feature], kind="stable")
    values, codes = X[order, feature], codes[order]
    onehot = np.eye(len(classes))[codes]
    left = np.cumsum(onehot, axis=0)[:-1]           # counts after each sample, before the last
    total = onehot.sum(axis=0)
    distinct = values[1:] > values[:-1]            # a threshold fits only between different values
    left = left[distinct]
    thresholds = (values[:-1][distinct] + values[1:][distinct]) / 2
    if len(thresholds) == 0:
        return SplitScan(feature, np.empty(0), np.empty(0), np.empty((0, len(classes))), classes)
    right = total - left
    impurity = IMPURITY[criterion]
    n = len(y)
    n_left, n_right = left.sum(axis=1), right.sum(axis=1)
    gains = impurity(total) - (n_left * impurity(left) + n_right * impurity(right)) / n
    return SplitScan(feature, thresholds, gains, left, classes)


@dataclass(frozen=True)
class Split:
    feature: int
    threshold: float
    gain: float


def best_split(X, y, criterion="gini") -> Split:
    """The root split a depth-1 tree makes: the feature and threshold with the largest impurity decrease.

    Ties go to the lower feature index and, within a feature, to the lower threshold. ``feature`` is −1 (and
    ``gain`` 0) when no split exists (every feature constant).
    """
    X, y = _check_xy(X, y)
    best = Split(-1, float("nan"), 0.0)
    for j in range(X.shape[1]):
        scan = split_scan(X, y, j, criterion)
        if len(scan.gains) and scan.gains.max() > best.gain + 1e-12:
            i = int(np.argmax(scan.gains))
            best = Split(j, float(scan.thresholds[i]), float(scan.gains[i]))
    return best


@dataclass(frozen=True)
class DepthSweep:
    depths: np.ndarray       # (m,)
    train: np.ndarray        # (m,) training accuracy at each max_depth
    test: np.ndarray         # (m,) test accuracy
    leaves: np.ndarray       # (m,)


def depth_sweep(X_train, y_train, X_test, y_test, max_depth=12, criterion="gini", random_state=0) -> DepthSweep:
    """Training and test accuracy of ``DecisionTreeClassifier(max_depth=d)`` for d = 1 … ``max_depth``."""
    X_train, y_train = _check_xy(X_train, y_train)
    X_test, y_test = _check_xy(X_test, y_test)
    max_depth = check_int("max_depth", max_depth, low=1, high=40)
    criterion = check_choice("criterion", criterion, CRITERIA)
    rows = []
    for depth in range(1, max_depth + 1):
        tree = fit_tree(X_train, y_train, depth, criterion, random_state)
        rows.append((tree.score(X_train, y_train), tree.score(X_test, y_test), tree.get_n_leaves()))
    train, test, leaves = map(np.array, zip(*rows))
    return DepthSweep(np.arange(1, max_depth + 1), train, test, leaves)


def fit_tree(X, y, max_depth, criterion="gini", random_state=0) -> DecisionTreeClassifier:
    max_depth = check_int("max_depth", max_depth, low=1, high=40)
    return DecisionTreeClassifier(max_depth=max_depth, criterion=criterion, random_state=random_state).fit(X, y)
