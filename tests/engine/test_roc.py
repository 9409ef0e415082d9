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


def test_average_precision_matches_sklearn_and_a_random_ranking_scores_the_baseline():
    y, s = sample()
    assert roc.average_precision(y, s) == pytest.approx(metrics.average_precision_score(y, s))
    # A perfect ranking has AP 1; scores unrelated to the labels give about the share of positives.
    assert roc.average_precision(y, y + 0.0) == pytest.approx(1.0)
    noise = roc.binormal_scores(40_000, 0.0, 1.0, 0.1, random_state=2)
    assert roc.pr_baseline(noise.y) == pytest.approx(noise.y.mean())
    assert roc.average_precision(noise.y, noise.scores) == pytest.approx(roc.pr_baseline(noise.y), abs=0.01)


def test_average_precision_falls_with_prevalence_while_auc_does_not():
    common = roc.binormal_scores(20_000, 1.5, 1.0, 0.5, random_state=0)
    rare = roc.binormal_scores(20_000, 1.5, 1.0, 0.02, random_state=0)
    assert roc.auc(common.y, common.scores) == pytest.approx(roc.auc(rare.y, rare.scores), abs=0.03)
    assert roc.average_precision(rare.y, rare.scores) < roc.average_precision(common.y, common.scores) - 0.4


def brute_force_costs(y, s, cost_fp, cost_fn):
    candidates = np.r_[np.inf, np.unique(s)[::-1]]
    costs = []
    for t in candidates:
        tn, fp, fn, tp = metrics.confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel()
        costs.append(cost_fp * fp + cost_fn * fn)
    return candidates, np.array(costs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(-4, 4)), min_size=2, max_size=30),
       st.sampled_from([0.1, 1.0, 3.0]), st.sampled_from([0.5, 1.0, 10.0]))
def test_cost_optimal_threshold_has_the_lowest_cost_of_every_threshold(pairs, cost_fp, cost_fn):
    y = np.array([int(p) for p, _ in pairs])
    s = np.array([float(v) for _, v in pairs])
    if y.min() == y.max():
        return
    best = roc.cost_optimal_threshold(y, s, cost_fp, cost_fn)
    candidates, costs = brute_force_costs(y, s, cost_fp, cost_fn)
    assert best.cost == pytest.approx(costs.min())
    assert best.threshold == candidates[np.flatnonzero(np.isclose(costs, costs.min()))[0]]  # ties: highest threshold
    if np.isfinite(best.threshold):
        assert best.counts == roc.confusion_at(y, s, best.threshold)
    else:
        assert best.counts["tp"] + best.counts["fp"] == 0  # nothing called positive
    assert best.cost == pytest.approx(cost_fp * best.counts["fp"] + cost_fn * best.counts["fn"])


def test_cost_optimal_threshold_of_a_large_binormal_sample_is_the_bayes_threshold():
    # Equal spreads: the posterior odds are π/(1−π)·exp(μ·t − μ²/2), so the cheapest threshold solves
    # π·C_FN·φ(t − μ) = (1 − π)·C_FP·φ(t): t* = μ/2 + log((1 − π)·C_FP / (π·C_FN)) / μ.
    s = roc.binormal_scores(200_000, 2.0, 1.0, 0.2, random_state=3)
    best = roc.cost_optimal_threshold(s.y, s.scores, cost_fp=1.0, cost_fn=5.0)
    assert best.threshold == pytest.approx(1.0 + np.log(0.8 / (0.2 * 5.0)) / 2.0, abs=0.08)
    # A high cost of misses lowers the threshold; a high cost of false alarms raises it.
    assert roc.cost_optimal_threshold(s.y, s.scores, 1.0, 50.0).threshold < best.threshold \
        < roc.cost_optimal_threshold(s.y, s.scores, 50.0, 1.0).threshold


def test_cost_optimum_lies_where_the_iso_cost_line_touches_the_roc_curve():
    s = roc.binormal_scores(5000, 1.5, 1.0, 0.1, random_state=4)
    best = roc.cost_optimal_threshold(s.y, s.scores, 1.0, 4.0)
    slope = roc.iso_cost_slope(s.y.mean(), 1.0, 4.0)
    pi = s.y.mean()
    assert slope == pytest.approx((1 - pi) * 1.0 / (pi * 4.0))
    curve = roc.roc_points(s.y, s.scores)
    # No point of the ROC curve lies above the iso-cost line through the optimum.
    assert np.all(curve.tpr - slope * curve.fpr <= best.tpr - slope * best.fpr + 1e-9)


def test_auc_standard_error_matches_the_spread_of_sample_aucs():
    aucs = [roc.auc(*(lambda d: (d.y, d.scores))(roc.binormal_scores(300, 1.0, 1.0, 0.2, random_state=seed)))
            for seed in range(300)]
    s = roc.binormal_scores(300, 1.0, 1.0, 0.2, random_state=0)
    se = roc.auc_standard_error(roc.binormal_auc(1.0, 1.0), int(s.y.sum()), int(300 - s.y.sum()))
    assert np.std(aucs, ddof=1) == pytest.approx(se, rel=0.2)


@pytest.mark.parametrize("call, name", [
    (lambda: roc.average_precision([1, 1], [0.1, 0.2]), "both classes"),
    (lambda: roc.pr_baseline([2, 0]), "y_true"),
    (lambda: roc.cost_optimal_threshold([1, 0], [0.1, 0.2], 0, 1), "cost_fp"),
    (lambda: roc.cost_optimal_threshold([1, 0], [0.1, 0.2], 1, np.nan), "cost_fn"),
    (lambda: roc.iso_cost_slope(1.0, 1, 1), "prevalence"),
    (lambda: roc.auc_standard_error(1.5, 3, 3), "auc_value"),
    (lambda: roc.auc_standard_error(0.5, 0, 3), "n_pos"),
])
def test_new_functions_name_the_bad_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
