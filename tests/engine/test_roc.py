import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.stats import norm
from sklearn import metrics

from engine import roc


def sample(n=500, seed=0):
    s = roc.binormal_scores(n, 1.2, 1.3, 0.3, random_state=seed)
    return s.y, s.scores


def test_roc_points_match_sklearn_and_span_the_square():
    y, s = sample()
    fpr, tpr, thresholds = roc.roc_points(y, s)
    ref = metrics.roc_curve(y, s)
    np.testing.assert_allclose(fpr, ref[0])
    np.testing.assert_allclose(tpr, ref[1])
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)


def test_auc_matches_sklearn():
    y, s = sample()
    assert roc.auc(y, s) == pytest.approx(metrics.roc_auc_score(y, s))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(-3, 3)), min_size=2, max_size=40))
def test_auc_is_the_probability_a_positive_outranks_a_negative(pairs):
    y = np.array([int(p) for p, _ in pairs])
    s = np.array([float(v) for _, v in pairs])
    if y.min() == y.max():
        return
    pos, neg = s[y == 1], s[y == 0]
    brute = np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :]))
    assert roc.auc_by_pairs(y, s) == pytest.approx(brute)
    assert roc.auc(y, s) == pytest.approx(brute)


def test_confusion_at_counts_score_at_or_above_threshold_as_positive():
    y = np.array([1, 1, 0, 0, 1])
    s = np.array([0.9, 0.5, 0.5, 0.1, 0.2])
    assert roc.confusion_at(y, s, 0.5) == {"tp": 2, "fp": 1, "tn": 1, "fn": 1}
    counts = roc.confusion_at(y, s, 0.5)
    pred = (s >= 0.5).astype(int)
    assert counts["tp"] == metrics.confusion_matrix(y, pred)[1, 1]


def test_rates_match_sklearn_and_give_nan_for_empty_denominators():
    y, s = sample()
    counts = roc.confusion_at(y, s, 0.8)
    r = roc.rates(counts)
    pred = (s >= 0.8).astype(int)
    assert r["precision"] == pytest.approx(metrics.precision_score(y, pred))
    assert r["recall"] == pytest.approx(metrics.recall_score(y, pred))
    assert r["f1"] == pytest.approx(metrics.f1_score(y, pred))
    assert r["accuracy"] == pytest.approx(metrics.accuracy_score(y, pred))
    assert np.isnan(roc.rates(roc.confusion_at(y, s, 1e9))["precision"])


def test_binormal_sample_estimates_the_population_auc():
    s = roc.binormal_scores(40_000, 1.5, 2.0, 0.5, random_state=1)
    assert roc.auc(s.y, s.scores) == pytest.approx(roc.binormal_auc(1.5, 2.0), abs=0.01)


def test_binormal_rates_precision_falls_with_prevalence():
    common = roc.binormal_rates(1.0, 2.0, 1.0, 0.5)["precision"]
    rare = roc.binormal_rates(1.0, 2.0, 1.0, 0.001)["precision"]
    assert rare < 0.02 < 0.8 < common


def test_sample_always_has_both_classes():
    s = roc.binormal_scores(10, 1.0, 1.0, 0.0005, random_state=3)
    assert 0 < s.y.sum() < 10


@pytest.mark.parametrize("call, name", [
    (lambda: roc.roc_points([1, 1], [0.1, 0.2]), "both classes"),
    (lambda: roc.roc_points([1, 2], [0.1, 0.2]), "y_true"),
    (lambda: roc.auc([1, 0], [0.1]), "same length"),
    (lambda: roc.auc([1, 0], [0.1, np.nan]), "scores"),
    (lambda: roc.confusion_at([1, 0], [0.1, 0.2], np.inf), "threshold"),
    (lambda: roc.binormal_scores(n=2), "n"),
    (lambda: roc.binormal_scores(prevalence=1.0), "prevalence"),
    (lambda: roc.binormal_scores(spread=0), "spread"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@given(st.floats(-5, 5), st.floats(0.1, 5))
def test_equal_error_threshold_balances_sensitivity_and_specificity(separation, spread):
    from scipy.optimize import brentq
    t = roc.equal_error_threshold(separation, spread)
    rates = roc.binormal_rates(t, separation, spread, 0.5)
    assert rates["tpr"] == pytest.approx(1 - rates["fpr"], abs=1e-9)
    balanced = brentq(lambda x: norm.sf(x, separation, spread) - norm.cdf(x), -30, 30, xtol=1e-12)
    assert t == pytest.approx(balanced, abs=1e-8)


def test_equal_error_threshold_names_bad_spread():
    with pytest.raises(ValueError, match="spread"):
        roc.equal_error_threshold(1.0, 0.0)
