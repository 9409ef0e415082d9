"""Random forests: a forest grown once and read at every size, out-of-bag accuracy by hand, prediction spread."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from engine._validate import check_binary_xy, check_int, check_points

MAX_TREES = 200


def _depth(max_depth):
    return None if max_depth in (None, 0) else check_int("max_depth", max_depth, low=1, high=40)


def make_forest(n_trees, max_depth=None, max_features=1, random_state=0) -> RandomForestClassifier:
    """scikit-learn's forest; ``max_depth`` None or 0 grows every tree until its leaves are pure."""
    n_trees = check_int("n_trees", n_trees, low=1, high=MAX_TREES)
    max_features = check_int("max_features", max_features, low=1, high=1000)
    return RandomForestClassifier(n_estimators=n_trees, max_depth=_depth(max_depth), max_features=max_features,
                                  random_state=random_state, n_jobs=1)


def make_tree(max_depth=None, random_state=0) -> DecisionTreeClassifier:
    return DecisionTreeClassifier(max_depth=_depth(max_depth), random_state=random_state)


def staged_proba(forest: RandomForestClassifier, X) -> np.ndarray:
    """P(class 1) of the forest made of its first k trees, for k = 1 … n_trees: shape (n_trees, n).

    scikit-learn draws each tree's seed in order from ``random_state``, so the first k trees of a forest are the
    trees of ``n_estimators=k`` with the same ``random_state``: one fit serves every forest size.
    """
    X = check_points("X", X)
    per_tree = np.array([tree.predict_proba(X)[:, 1] for tree in forest.estimators_])
    return np.cumsum(per_tree, axis=0) / np.arange(1, len(per_tree) + 1)[:, None]


@dataclass(frozen=True)
class OobCurve:
    accuracy: np.ndarray   # (n_trees,) OOB accuracy of the first k trees, over points with at least one OOB vote
    coverage: np.ndarray   # (n_trees,) share of points that have at least one OOB vote


def oob_curve(forest: RandomForestClassifier, X, y) -> OobCurve:
    """Out-of-bag accuracy of the first k trees: each point is predicted only by trees whose bootstrap missed it."""
    X, y = check_binary_xy(X, y)
    n = len(y)
    votes, counts = np.zeros(n), np.zeros(n)
    accuracy, coverage = [], []
    for tree in forest.estimators_:
        # scikit-learn's bootstrap for this tree: n draws with replacement from the tree's own seed
        in_bag = np.random.RandomState(tree.random_state).randint(0, n, n)
        out = np.ones(n, bool)
        out[in_bag] = False
        votes[out] += tree.predict_proba(X[out])[:, 1]
        counts[out] += 1
        seen = counts > 0
        predicted = (votes[seen] / counts[seen]) > 0.5
        accuracy.append(float(np.mean(predicted == y[seen])) if seen.any() else np.nan)
        coverage.append(float(seen.mean()))
    return OobCurve(np.array(accuracy), np.array(coverage))


@dataclass(frozen=True)
class Spread:
    tree: float            # mean over probe points of the variance of a single tree's P(class 1) across training sets
    forest: np.ndarray     # (n_trees,) the same for forests of 1 … n_trees trees


def prediction_spread(train_sets, points, n_trees, max_depth=None, max_features=1, random_state=0) -> Spread:
    """How much the predicted P(class 1) at ``points`` varies when the training set is redrawn.

    Parameters
    ----------
    train_sets : list of (X, y) training sets drawn from the same distribution (at least 2).
    points : (p, d) probe points.  The tree and every forest use the given depth; the forest ``max_features``.
    """
    if len(train_sets) < 2:
        raise ValueError("train_sets needs at least two training sets")
    points = check_points("points", points)
    trees, forests = [], []
    for i, (X, y) in enumerate(train_sets):
        X, y = check_binary_xy(X, y)
        trees.append(make_tree(max_depth, random_state + i).fit(X, y).predict_proba(points)[:, 1])
        forests.append(staged_proba(make_forest(n_trees, max_depth, max_features, random_state + i).fit(X, y), points))
    tree_var = np.var(np.array(trees), axis=0).mean()
    forest_var = np.var(np.array(forests), axis=0).mean(axis=1)
    return Spread(float(tree_var), forest_var)
