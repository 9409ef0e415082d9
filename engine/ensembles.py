"""Boosting and bagging: AdaBoost (two-class SAMME with stumps) round by round, bootstrap samples, noisy labels."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier
from sklearn.tree import DecisionTreeClassifier

from engine._validate import check_binary_xy, check_float, check_int, check_points


@dataclass(frozen=True)
class BoostRound:
    """One AdaBoost round: the weights it was fitted with, its stump, its vote and the ensemble so far."""

    weights: np.ndarray      # (n,) sample weights the stump was fitted with, summing to 1
    feature: int             # the stump's split feature (−1 if the stump could not split)
    threshold: float         # points with x[feature] ≤ threshold go left
    left_class: int          # the class the stump predicts on the left
    right_class: int
    alpha: float             # the round's vote, ln((1 − error) / error)
    error: float             # the stump's weighted error
    train_accuracy: float    # accuracy of the ensemble of rounds 1 … this one on the training data

    def predict(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if self.feature < 0:
            return np.full(len(X), self.left_class)
        return np.where(X[:, self.feature] <= self.threshold, self.left_class, self.right_class)


def adaboost_steps(X, y, n_rounds) -> list[BoostRound]:
    """AdaBoost by hand: two-class SAMME with depth-1 trees and learning rate 1.

    Each round fits a stump to the weighted data, computes its weighted error ε and vote α = ln((1 − ε)/ε),
    multiplies the weights of the points it got wrong by e^α and renormalises. Stops early, as scikit-learn's
    ``AdaBoostClassifier`` does, when a stump is perfect (ε = 0, that round kept with α = 1) or no better than
    chance (ε ≥ 0.5, that round dropped).

    Parameters
    ----------
    X : (n, d) features.  y : (n,) labels in {0, 1}.  n_rounds : 1 … 500.
    """
    X, y = check_binary_xy(X, y)
    n_rounds = check_int("n_rounds", n_rounds, low=1, high=500)
    n = len(y)
    weights = np.full(n, 1.0 / n)
    votes = np.zeros(n)  # Σ α·(+1 for class 1, −1 for class 0)
    rounds = []
    for _ in range(n_rounds):
        weights = weights / weights.sum()
        stump = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y, sample_weight=weights)
        predicted = stump.predict(X)
        wrong = predicted != y
        error = float(np.average(wrong, weights=weights))
        tree = stump.tree_
        feature = int(tree.feature[0]) if tree.node_count > 1 else -1
        threshold = float(tree.threshold[0]) if feature >= 0 else float("nan")
        if feature >= 0:
            left_class, right_class = (int(stump.classes_[np.argmax(tree.value[i, 0])]) for i in (1, 2))
        else:
            left_class = right_class = int(stump.classes_[np.argmax(tree.value[0, 0])])
        if error <= 0:
            alpha = 1.0
        elif error >= 0.5:
            if not rounds:
                raise ValueError("the first stump is no better than chance; AdaBoost cannot start")
            break
        else:
            alpha = float(np.log((1 - error) / error))
        votes += alpha * np.where(predicted == 1, 1.0, -1.0)
        accuracy = float(np.mean((votes > 0).astype(int) == y))
        rounds.append(BoostRound(weights.copy(), feature, threshold, left_class, right_class, alpha, error, accuracy))
        if error <= 0:
            break
        weights = weights * np.exp(alpha * wrong)
    return rounds


def ensemble_score(rounds: list[BoostRound], X) -> np.ndarray:
    """Σ α_t·h_t(x) over the rounds, with h = +1 for class 1 and −1 for class 0: class 1 where positive."""
    X = check_points("X", X)
    return sum(r.alpha * np.where(r.predict(X) == 1, 1.0, -1.0) for r in rounds)


def flip_labels(y, share, random_state=0) -> np.ndarray:
    """A copy of y with a random ``share`` of its 0/1 labels flipped (exactly round(share·n) of them)."""
    y = np.asarray(y).astype(int)
    share = check_float("share", share, low=0.0, high=0.5)
    rng = np.random.default_rng(random_state)
    flipped = y.copy()
    chosen = rng.choice(len(y), int(round(share * len(y))), replace=False)
    flipped[chosen] = 1 - flipped[chosen]
    return flipped


@dataclass(frozen=True)
class NoiseCurves:
    boost_rounds: np.ndarray   # (r,) 1 … n_rounds
    boost_test: np.ndarray     # (r,) test accuracy of AdaBoost after each round
    boost_train: np.ndarray    # (r,) training accuracy (on the noisy labels)
    bag_models: np.ndarray     # (b,)
    bag_test: np.ndarray       # (b,) test accuracy of bagged deep trees


def noise_curves(X, y, X_test, y_test, n_rounds=200, bag_sizes=(1, 2, 5, 10, 20, 50), random_state=0) -> NoiseCurves:
    """AdaBoost (scikit-learn, stumps) round by round and bagged full-depth trees, scored on clean test labels."""
    X, y = check_binary_xy(X, y)
    X_test, y_test = check_binary_xy(X_test, y_test)
    n_rounds = check_int("n_rounds", n_rounds, low=1, high=1000)
    boost = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=n_rounds, learning_rate=1.0,
                               random_state=random_state).fit(X, y)
    test = np.array([np.mean(p == y_test) for p in boost.staged_predict(X_test)])
    train = np.array([np.mean(p == y) for p in boost.staged_predict(X)])
    bag_test = [BaggingClassifier(DecisionTreeClassifier(), n_estimators=int(b), random_state=random_state)
                .fit(X, y).score(X_test, y_test) for b in bag_sizes]
    return NoiseCurves(np.arange(1, len(test) + 1), test, train, np.array(bag_sizes), np.array(bag_test))


def bootstrap_counts(n, n_models, random_state=0) -> np.ndarray:
    """How often each of ``n`` points is drawn in each of ``n_models`` bootstrap samples: (n_models, n)."""
    n = check_int("n", n, low=1, high=100_000)
    n_models = check_int("n_models", n_models, low=1, high=1000)
    rng = np.random.default_rng(random_state)
    return np.array([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_models)])
