import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from engine import outliers

X = np.r_[np.random.default_rng(0).normal(10, 2, 40), 25.0, -3.0]


def test_iqr_fences_match_numpy_and_scipy():
    f = outliers.iqr_fences(X)
    q1, q3 = np.percentile(X, [25, 75])
    assert (f.q1, f.q3) == pytest.approx((q1, q3))
    assert f.iqr == pytest.approx(stats.iqr(X))
    assert (f.low, f.high) == pytest.approx((q1 - 1.5 * f.iqr, q3 + 1.5 * f.iqr))
    np.testing.assert_array_equal(f.outliers, (X < f.low) | (X > f.high))
    assert f.outliers[-2] and f.outliers[-1]


def test_iqr_fences_on_a_known_case():
    f = outliers.iqr_fences(np.arange(1, 10.0), k=1.0)  # 1..9: Q1 = 3, Q3 = 7 (linear interpolation)
    assert (f.q1, f.q3, f.iqr, f.low, f.high) == (3.0, 7.0, 4.0, -1.0, 11.0)
    assert outliers.iqr_fences([1, 2, 3, 4, 100.0]).outliers.tolist() == [False, False, False, False, True]


def test_robust_summary_matches_scipy():
    s = outliers.robust_summary(X)
    assert s.mean == pytest.approx(X.mean()) and s.median == pytest.approx(np.median(X))
    assert s.std == pytest.approx(np.std(X, ddof=1))
    assert s.mad == pytest.approx(stats.median_abs_deviation(X, scale=1.0))
    assert s.trimmed_mean == pytest.approx(stats.trim_mean(X, 0.1))


def test_robust_summary_known_values():
    s = outliers.robust_summary([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000.0])
    assert s.median == 5.5 and s.mad == 2.5
    assert s.trimmed_mean == pytest.approx(5.5)  # one value cut from each end: mean of 2..9
    assert s.mean == pytest.approx(104.5)


def test_zscores_match_scipy_with_ddof_1():
    np.testing.assert_allclose(outliers.zscores(X), stats.zscore(X, ddof=1))
    np.testing.assert_array_equal(outliers.zscore_outliers(X, 2.5), np.abs(stats.zscore(X, ddof=1)) > 2.5)


def test_several_outliers_mask_each_other_from_the_z_rule_but_not_from_the_iqr_rule():
    base = outliers.base_sample(30, random_state=1)
    one = outliers.with_outliers(base, 8.0, 1)
    several = outliers.with_outliers(base, 8.0, 6)
    assert outliers.zscore_outliers(one)[-1]
    assert not outliers.zscore_outliers(several)[-6:].any()        # σ inflated: no planted point has |z| > 3
    assert outliers.iqr_fences(several).outliers[-6:].all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=60))
def test_max_abs_z_is_bounded_by_n_minus_1_over_root_n(values):
    x = np.asarray(values)
    if x.std(ddof=1) < 1e-6 * max(1.0, np.abs(x).max()):
        return
    assert np.abs(outliers.zscores(x)).max() <= (x.size - 1) / np.sqrt(x.size) + 1e-9


def test_base_sample_is_standardised_and_outliers_are_appended():
    base = outliers.base_sample(25, random_state=3)
    assert base.mean() == pytest.approx(0, abs=1e-12) and base.std(ddof=1) == pytest.approx(1)
    x = outliers.with_outliers(base, 5.0, 3, spread=0.5)
    np.testing.assert_allclose(x[-3:], [4.5, 5.0, 5.5])
    np.testing.assert_array_equal(x[:25], base)


@pytest.mark.parametrize("call, name", [
    (lambda: outliers.iqr_fences([1.0]), "x"),
    (lambda: outliers.iqr_fences([1.0, np.nan]), "x"),
    (lambda: outliers.iqr_fences([1.0, 2.0], k=-1), "k"),
    (lambda: outliers.robust_summary(np.ones((2, 2))), "x"),
    (lambda: outliers.zscores([2.0, 2.0]), "spread"),
    (lambda: outliers.zscore_outliers([1.0, 2.0], threshold=0), "threshold"),
    (lambda: outliers.base_sample(2), "n"),
    (lambda: outliers.with_outliers([1.0, 2.0], np.inf), "position"),
    (lambda: outliers.with_outliers([1.0, 2.0], 1.0, count=-1), "count"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
