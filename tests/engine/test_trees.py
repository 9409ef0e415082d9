import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from engine import trees
from engine.datasets import classification_2d


def test_impurities_closed_forms():
    assert trees.gini([5, 5]) == pytest.approx(0.5)
    assert trees.gini([10, 0]) == 0
    assert trees.gini([1, 1, 1, 1]) == pytest.approx(0.75)
    assert trees.entropy([5, 5]) == pytest.approx(1.0)
    assert trees.entropy([1, 1, 1, 1]) == pytest.approx(2.0)
    assert trees.entropy([7, 0]) == 0
    assert trees.misclassification([3, 1]) == pytest.approx(0.25)
    np.testing.assert_allclose(trees.gini([[1, 3], [2, 2]]), [1 - (1 / 16 + 9 / 16), 0.5])


def test_impurities_match_sklearn_node_impurities():
    X, y = classification_2d("moons", 150, 0.3, random_state=1)
    for criterion, impurity in (("gini", trees.gini), ("entropy", trees.entropy)):
        tree = DecisionTreeClassifier(max_depth=3, criterion=criterion, random_state=0).fit(X, y)
        counts = tree.tree_.value[:, 0, :] * tree.tree_.weighted_n_node_samples[:, None]  # fractions → counts
        np.testing.assert_allclose(impurity(counts), tree.tree_.impurity, atol=1e-12)


@pytest.mark.parametrize("criterion", trees.CRITERIA)
@pytest.mark.parametrize("dataset, seed", [("moons", 0), ("blobs", 3), ("xor", 5), ("circles", 2)])
def test_best_split_is_sklearns_root_split(dataset, seed, criterion):
    X, y = classification_2d(dataset, 120, 0.3, random_state=seed)
    X = X.astype(np.float32).astype(float)  # sklearn splits float32 copies of the features
    split = trees.best_split(X, y, criterion)
    tree = DecisionTreeClassifier(max_depth=1, criterion=criterion, random_state=0).fit(X, y).tree_
    assert split.feature == tree.feature[0]
    assert split.threshold == pytest.approx(tree.threshold[0], abs=1e-6)
    n = tree.weighted_n_node_samples
    sk_gain = tree.impurity[0] - (n[1] * tree.impurity[1] + n[2] * tree.impurity[2]) / n[0]
    assert split.gain == pytest.approx(sk_gain, abs=1e-12)


def test_split_scan_by_brute_force():
    X, y = classification_2d("blobs", 40, 0.4, random_state=7)
    scan = trees.split_scan(X, y, 1, "entropy")
    values = np.unique(X[:, 1])
    np.testing.assert_allclose(scan.thresholds, (values[:-1] + values[1:]) / 2)
    for t, gain in zip(scan.thresholds[::5], scan.gains[::5]):
        left, right = y[X[:, 1] <= t], y[X[:, 1] > t]
        counts = lambda part: np.bincount(part, minlength=2)
        expected = trees.entropy(counts(y)) - (len(left) * trees.entropy(counts(left))
                                               + len(right) * trees.entropy(counts(right))) / len(y)
        assert gain == pytest.approx(expected)


def test_a_perfect_split_gains_the_whole_parent_impurity():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    split = trees.best_split(X, y)
    assert (split.feature, split.threshold, split.gain) == (0, 1.5, pytest.approx(0.5))
    assert trees.best_split(np.ones((4, 2)), y).feature == -1


def test_depth_sweep_matches_sklearn():
    X, y = classification_2d("moons", 200, 0.3, random_state=0)
    sweep = trees.depth_sweep(X[:100], y[:100], X[100:], y[100:], max_depth=5)
    for d, train, test in zip(sweep.depths, sweep.train, sweep.test):
        tree = DecisionTreeClassifier(max_depth=int(d), random_state=0).fit(X[:100], y[:100])
        assert (train, test) == (tree.score(X[:100], y[:100]), tree.score(X[100:], y[100:]))


@pytest.mark.parametrize("call, match", [
    (lambda: trees.gini([-1, 2]), "non-negative"), (lambda: trees.entropy([0, 0]), "at least one"),
    (lambda: trees.split_scan(np.zeros((4, 2)), np.zeros(4), 2), "feature"),
    (lambda: trees.best_split(np.zeros((4, 2)), np.zeros(4), "mse"), "criterion"),
    (lambda: trees.best_split(np.zeros((4, 2)), np.zeros(3)), "y"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
