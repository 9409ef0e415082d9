import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from engine import hypothesis

A = np.random.default_rng(0).normal(1.0, 1.0, 12)
B = np.random.default_rng(1).normal(0.0, 3.0, 30)


@pytest.mark.parametrize("equal_var", [True, False])
@pytest.mark.parametrize("alternative", hypothesis.ALTERNATIVES)
def test_t_test_matches_scipy(equal_var, alternative):
    result = hypothesis.t_test(A, B, equal_var=equal_var, alternative=alternative)
    ref = stats.ttest_ind(A, B, equal_var=equal_var, alternative=alternative)
    assert result.t == pytest.approx(ref.statistic)
    assert result.p_value == pytest.approx(ref.pvalue)
    assert result.df == pytest.approx(ref.df)
    assert result.t == pytest.approx(result.mean_diff / result.se)


def test_welch_df_is_the_satterthwaite_formula_and_student_df_is_pooled():
    va, vb = A.var(ddof=1) / 12, B.var(ddof=1) / 30
    satterthwaite = (va + vb) ** 2 / (va ** 2 / 11 + vb ** 2 / 29)
    assert hypothesis.t_test(A, B).df == pytest.approx(satterthwaite)
    assert hypothesis.t_test(A, B, equal_var=True).df == 40
    assert hypothesis.welch_df(A.std(ddof=1), B.std(ddof=1), 12, 30) == pytest.approx(satterthwaite)


def test_larger_t_means_smaller_p():
    ts = [hypothesis.t_test(A + shift, B).t for shift in (0, 1, 2, 4)]
    ps = [hypothesis.t_test(A + shift, B).p_value for shift in (0, 1, 2, 4)]
    assert np.all(np.diff(ts) > 0) and np.all(np.diff(ps) < 0)


@pytest.mark.parametrize("alternative", hypothesis.ALTERNATIVES)
def test_power_at_no_effect_is_alpha(alternative):
    assert hypothesis.power(0.0, 15, 0.05, alternative) == pytest.approx(0.05, abs=1e-12)


@pytest.mark.parametrize("d, n, alternative", [(0.5, 20, "two-sided"), (0.8, 10, "greater"), (-0.6, 15, "less")])
def test_power_matches_the_rejection_rate_of_scipy_ttest_ind(d, n, alternative):
    rng = np.random.default_rng(5)
    reps = 20_000
    a, b = rng.normal(d, 1.0, (reps, n)), rng.normal(0.0, 1.0, (reps, n))
    rejected = stats.ttest_ind(a, b, axis=1, alternative=alternative).pvalue < 0.05
    assert hypothesis.power(d, n, 0.05, alternative) == pytest.approx(rejected.mean(), abs=0.012)


def test_power_at_large_n_approaches_the_normal_approximation():
    d, n = 0.2, 2000
    z = stats.norm.ppf(0.975)
    normal = stats.norm.sf(z - d * np.sqrt(n / 2)) + stats.norm.cdf(-z - d * np.sqrt(n / 2))
    assert hypothesis.power(d, n) == pytest.approx(normal, abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 2.0), st.integers(2, 200))
def test_power_grows_with_n(d, n):
    small, large = hypothesis.power(d, n), hypothesis.power(d, n + 5)
    assert large > small or small > 1 - 1e-9


def test_z_test_errors_closed_form_and_simulation():
    e = hypothesis.z_test_errors(0.0, 0.5, 2.0, 16, 0.05)
    assert e.critical_value == pytest.approx(stats.norm.ppf(0.95) * 0.5)
    assert e.beta == pytest.approx(stats.norm.cdf((e.critical_value - 0.5) / 0.5))
    assert e.power == pytest.approx(1 - e.beta) and e.alpha == 0.05
    rng = np.random.default_rng(2)
    means_h0 = rng.normal(0.0, 2.0, (40_000, 16)).mean(axis=1)
    means_h1 = rng.normal(0.5, 2.0, (40_000, 16)).mean(axis=1)
    assert np.mean(means_h0 > e.critical_value) == pytest.approx(0.05, abs=0.005)
    assert np.mean(means_h1 <= e.critical_value) == pytest.approx(e.beta, abs=0.01)


def test_lower_alpha_raises_beta():
    strict, loose = hypothesis.z_test_errors(0, 1, 1, 4, 0.01), hypothesis.z_test_errors(0, 1, 1, 4, 0.1)
    assert strict.beta > loose.beta and strict.critical_value > loose.critical_value


def test_no_effect_gives_power_alpha():
    assert hypothesis.z_test_errors(1.0, 1.0, 1.0, 9, 0.05).power == pytest.approx(0.05)


def test_two_samples_have_the_requested_shape_and_means():
    a, b = hypothesis.two_samples(2.0, 1.0, 3.0, 50_000, 40_000, random_state=1)
    assert a.shape == (50_000,) and b.shape == (40_000,)
    assert a.mean() == pytest.approx(2.0, abs=0.02) and b.std() == pytest.approx(3.0, rel=0.02)


@pytest.mark.parametrize("call, name", [
    (lambda: hypothesis.t_test([1.0], [1.0, 2.0]), "a"),
    (lambda: hypothesis.t_test([1.0, 2.0], [1.0, np.inf]), "b"),
    (lambda: hypothesis.t_test([1.0, 2.0], [1.0, 2.0], alternative="bigger"), "alternative"),
    (lambda: hypothesis.t_test([1.0, 1.0], [2.0, 2.0]), "spread"),
    (lambda: hypothesis.power(0.5, 1), "n_per_group"),
    (lambda: hypothesis.power(0.5, 10, alpha=0), "alpha"),
    (lambda: hypothesis.power(np.nan, 10), "effect_size"),
    (lambda: hypothesis.z_test_errors(1.0, 0.0, 1.0, 10), "mu1"),
    (lambda: hypothesis.z_test_errors(0.0, 1.0, 0.0, 10), "sigma"),
    (lambda: hypothesis.z_test_errors(0.0, 1.0, 1.0, 0), "n"),
    (lambda: hypothesis.two_samples(sd_a=-1), "sd_a"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_power_stays_finite_when_the_noncentrality_is_large():
    # scipy's nct.cdf is NaN this far in the lower tail; the engine uses the upper-tail form.
    assert hypothesis.power(1.0, 187) == pytest.approx(1.0)
    assert hypothesis.power(-3.0, 500, alternative="less") == pytest.approx(1.0)
    assert hypothesis.power(3.0, 500, alternative="less") == pytest.approx(0.0, abs=1e-12)


def test_null_rejection_rate_is_alpha_for_a_valid_test():
    assert hypothesis.null_rejection_rate(1, 1, 10, 10, True, n_sim=20_000) == pytest.approx(0.05, abs=0.007)
    assert hypothesis.null_rejection_rate(3, 1, 5, 40, False, n_sim=20_000) == pytest.approx(0.05, abs=0.012)


def test_student_test_over_rejects_when_the_small_group_has_the_large_spread():
    # Normal approximation: T ≈ N(0, (9/5 + 1/40) / (E[s_p²]·(1/5 + 1/40))) with E[s_p²] = (4·9 + 39·1)/43,
    # so P(|T| > 2.02) ≈ 0.35 instead of 0.05.
    rate = hypothesis.null_rejection_rate(3, 1, 5, 40, True, n_sim=20_000)
    assert 0.25 < rate < 0.45


def test_null_rejection_rate_counts_scipy_rejections():
    rng = np.random.default_rng(4)
    a, b = rng.normal(0, 2, (50, 6)), rng.normal(0, 1, (50, 9))
    assert hypothesis.null_rejection_rate(2, 1, 6, 9, True, n_sim=50, random_state=4) == \
        np.mean(stats.ttest_ind(a, b, axis=1).pvalue < 0.05)


def test_test_outcomes_match_sklearn_on_a_simulated_population_of_tests():
    from sklearn.metrics import precision_score, recall_score
    rng = np.random.default_rng(0)
    m, prior, alpha, power = 400_000, 0.1, 0.05, 0.6
    real = rng.random(m) < prior
    rejected = np.where(real, rng.random(m) < power, rng.random(m) < alpha)
    outcome = hypothesis.test_outcomes(alpha, power, prior)
    assert outcome.precision == pytest.approx(precision_score(real, rejected), abs=0.01)
    assert outcome.recall == pytest.approx(recall_score(real, rejected), abs=0.01)
    assert outcome.precision == pytest.approx(0.06 / (0.06 + 0.045))  # closed form
    assert outcome.tp + outcome.fn + outcome.fp + outcome.tn == pytest.approx(1.0)


def test_test_outcomes_with_no_real_effect_has_only_false_positives():
    outcome = hypothesis.test_outcomes(0.05, 0.05, 0.0)
    assert (outcome.tp, outcome.fn, outcome.fp, outcome.precision) == (0.0, 0.0, 0.05, 0.0)


@pytest.mark.parametrize("kwargs, name", [(dict(alpha=0.05, power=1.5, prior=0.1), "power"),
                                          (dict(alpha=0.05, power=0.5, prior=-0.1), "prior"),
                                          (dict(alpha=0.05, power=0.5, prior=1.0), "prior")])
def test_test_outcomes_bad_inputs(kwargs, name):
    with pytest.raises(ValueError, match=name):
        hypothesis.test_outcomes(**kwargs)
