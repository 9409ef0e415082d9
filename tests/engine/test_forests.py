import warnings

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from engine import forests as F
from engine.datasets import classification_2d, grid_2d


@pytest.fixture(scope="module")
def data():
    return classification_2d("moons", 150, 0.3, random_state=0)


def test_staged_proba_is_the_smaller_forest(data):
    X, y = data
    big = F.make_forest(30, 4, 1, random_state=3).fit(X, y)
    staged = F.staged_proba(big, X)
    for k in (1, 7, 30):
        small = RandomForestClassifier(n_estimators=k, max_depth=4, max_features=1, random_state=3).fit(X, y)
        np.testing.assert_allclose(staged[k - 1], small.predict_proba(X)[:, 1], atol=1e-12)


def test_oob_curve_matches_sklearn_oob_score(data):
    X, y = data
    forest = F.make_forest(40, None, 1, random_state=1).fit(X, y)
    curve = F.oob_curve(forest, X, y)
    for k in (25, 40):
        ref = RandomForestClassifier(n_estimators=k, max_features=1, random_state=1, oob_score=True).fit(X, y)
        assert curve.coverage[k - 1] == 1.0
        assert curve.accuracy[k - 1] == pytest.approx(ref.oob_score_)
    assert curve.coverage[0] == pytest.approx(np.exp(-1), abs=0.1)  # about 37 % of points miss one bootstrap


def test_a_forest_of_identical_trees_has_the_trees_variance_and_averaging_lowers_it():
    sets = [classification_2d("moons", 120, 0.3, random_state=s) for s in range(1, 6)]
    _, _, probes = grid_2d(sets[0][0], 10)
    spread = F.prediction_spread(sets, probes, 20, None, 1, random_state=0)
    assert spread.forest.shape == (20,)
    assert spread.forest[-1] < spread.forest[0]
    # known truth: variance computed by hand over the same fits
    trees = [DecisionTreeClassifier(random_state=i).fit(*s).predict_proba(probes)[:, 1] for i, s in enumerate(sets)]
    assert spread.tree == pytest.approx(np.var(trees, axis=0).mean())


@pytest.mark.parametrize("call, match", [
    (lambda: F.make_forest(0), "n_trees"), (lambda: F.make_forest(5, max_depth=-1), "max_depth"),
    (lambda: F.make_forest(5, max_features=0), "max_features"),
    (lambda: F.prediction_spread([(np.zeros((4, 2)), np.array([0, 1, 0, 1]))], np.zeros((2, 2)), 3), "two"),
    (lambda: F.oob_curve(F.make_forest(2).fit(np.eye(4), [0, 1, 0, 1]), np.eye(4), np.zeros(4)), "both"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
