import warnings

import numpy as np
import pytest
from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier

from engine import ensembles as E
from engine.datasets import classification_2d


def sklearn_adaboost(X, y, n):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=n, learning_rate=1.0,
                                  random_state=0).fit(X, y)


@pytest.mark.parametrize("dataset, seed", [("moons", 0), ("circles", 1), ("blobs", 2), ("xor", 3)])
def test_votes_and_errors_equal_sklearn_samme(dataset, seed):
    X, y = classification_2d(dataset, 120, 0.2, random_state=seed)
    rounds = E.adaboost_steps(X, y, 25)
    ref = sklearn_adaboost(X, y, 25)
    k = len(rounds)
    np.testing.assert_allclose([r.alpha for r in rounds], ref.estimator_weights_[:k], atol=1e-10)
    np.testing.assert_allclose([r.error for r in rounds], ref.estimator_errors_[:k], atol=1e-10)
    for r, stage in zip(rounds, ref.staged_predict(X)):
        assert r.train_accuracy == pytest.approx(np.mean(stage == y))
        assert r.weights.sum() == pytest.approx(1.0)
    for r, stump in zip(rounds, ref.estimators_):
        np.testing.assert_array_equal(r.predict(X), stump.predict(X))


def test_weights_follow_the_update_rule_and_reweighted_error_is_one_half():
    """Known truth: after the update the previous stump has weighted error exactly 1/2."""
    X, y = classification_2d("moons", 100, 0.3, random_state=4)
    rounds = E.adaboost_steps(X, y, 6)
    np.testing.assert_allclose(rounds[0].weights, 1 / 100)
    for previous, current in zip(rounds, rounds[1:]):
        wrong = previous.predict(X) != y
        assert current.weights[wrong].sum() == pytest.approx(0.5)
        expected = previous.weights * np.exp(previous.alpha * wrong)
        np.testing.assert_allclose(current.weights, expected / expected.sum())


def test_a_perfect_first_stump_stops_at_once():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    rounds = E.adaboost_steps(X, np.array([0, 0, 1, 1]), 10)
    assert len(rounds) == 1 and rounds[0].error == 0 and rounds[0].alpha == 1.0 and rounds[0].train_accuracy == 1.0


def test_ensemble_score_sign_is_the_prediction():
    X, y = classification_2d("moons", 100, 0.2, random_state=0)
    rounds = E.adaboost_steps(X, y, 10)
    ref = sklearn_adaboost(X, y, 10)
    np.testing.assert_array_equal((E.ensemble_score(rounds, X) > 0).astype(int), ref.predict(X))


def test_flip_labels_and_bootstrap_counts():
    y = np.array([0, 1] * 50)
    flipped = E.flip_labels(y, 0.2, random_state=1)
    assert np.sum(flipped != y) == 20
    counts = E.bootstrap_counts(1000, 4, random_state=0)
    assert counts.shape == (4, 1000) and np.all(counts.sum(axis=1) == 1000)
    assert np.mean(counts == 0) == pytest.approx(np.exp(-1), abs=0.03)


def test_noise_curves_match_sklearn_staged_scores():
    X, y = classification_2d("moons", 80, 0.2, random_state=0)
    Xt, yt = classification_2d("moons", 200, 0.2, random_state=9)
    c = E.noise_curves(X, y, Xt, yt, 20, (1, 3))
    ref = sklearn_adaboost(X, y, 20)
    np.testing.assert_allclose(c.boost_test, [np.mean(p == yt) for p in ref.staged_predict(Xt)])
    assert c.bag_test.shape == (2,)


@pytest.mark.parametrize("call, match", [
    (lambda: E.adaboost_steps(np.zeros((5, 2)), np.zeros(5), 3), "both classes"),
    (lambda: E.adaboost_steps(np.eye(4), [0, 1, 0, 1], 0), "n_rounds"),
    (lambda: E.flip_labels([0, 1], 0.9), "share"),
    (lambda: E.bootstrap_counts(10, 0), "n_models"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
