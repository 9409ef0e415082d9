import numpy as np
import pytest
from scipy import stats

from engine import confidence

SAMPLE = np.random.default_rng(3).normal(5.0, 2.0, 25)


def test_t_interval_matches_scipy():
    low, high = confidence.mean_interval(SAMPLE, 0.9, "t")
    ref = stats.t.interval(0.9, df=24, loc=SAMPLE.mean(), scale=stats.sem(SAMPLE))
    assert (low, high) == pytest.approx(ref)


def test_z_interval_matches_scipy_with_the_sample_standard_deviation():
    low, high = confidence.mean_interval(SAMPLE, 0.95, "z")
    ref = stats.norm.interval(0.95, loc=SAMPLE.mean(), scale=SAMPLE.std(ddof=1) / 5)
    assert (low, high) == pytest.approx(ref)


def test_bootstrap_interval_matches_scipy_percentile_bootstrap():
    low, high = confidence.mean_interval(SAMPLE, 0.95, "bootstrap", n_resamples=3000, random_state=7)
    ref = stats.bootstrap((SAMPLE,), np.mean, n_resamples=3000, confidence_level=0.95, method="percentile",
                          random_state=7).confidence_interval
    assert (low, high) == pytest.approx((ref.low, ref.high), rel=1e-9)
    # and it is close to the normal-theory interval for normal data
    assert (low, high) == pytest.approx(confidence.mean_interval(SAMPLE, 0.95, "z"), abs=0.2)


def test_t_intervals_cover_the_true_mean_at_the_nominal_rate_for_normal_data():
    result = confidence.coverage_experiment(mu=3.0, sigma=2.0, n=8, level=0.9, n_intervals=20_000, random_state=1)
    assert result.rate == pytest.approx(0.9, abs=0.008)  # 4 standard errors
    assert result.intervals.shape == (20_000, 2) and result.covered.shape == (20_000,)
    assert result.true_mean == 3.0


def test_z_intervals_undercover_at_small_n_by_the_exact_amount():
    # With s in place of σ, P(|mean − μ| ≤ z·s/√n) = P(|T_{n−1}| ≤ z): 0.878 for n = 5, not 0.95.
    exact = 2 * stats.t.cdf(stats.norm.ppf(0.975), df=4) - 1
    result = confidence.coverage_experiment(n=5, level=0.95, n_intervals=20_000, method="z", random_state=2)
    assert result.rate == pytest.approx(exact, abs=0.01)
    assert exact < 0.89


def test_skewed_population_makes_small_sample_t_intervals_undercover():
    result = confidence.coverage_experiment(n=5, level=0.95, n_intervals=20_000, distribution="exponential",
                                            random_state=3)
    assert result.rate < 0.92


def test_bootstrap_coverage_is_close_to_nominal_at_moderate_n():
    result = confidence.coverage_experiment(n=50, level=0.9, n_intervals=2000, method="bootstrap", random_state=4)
    assert result.rate == pytest.approx(0.9, abs=0.03)


@pytest.mark.parametrize("distribution", confidence.DISTRIBUTIONS)
def test_populations_have_the_requested_mean_and_standard_deviation(distribution):
    x = confidence.draw(distribution, 2.0, 3.0, 400_000, np.random.default_rng(0))
    assert x.mean() == pytest.approx(2.0, abs=0.02) and x.std() == pytest.approx(3.0, rel=0.01)


def test_the_samples_do_not_depend_on_the_level():
    a = confidence.coverage_experiment(level=0.8, random_state=5)
    b = confidence.coverage_experiment(level=0.99, random_state=5)
    np.testing.assert_allclose(a.means, b.means)
    assert np.all(b.intervals[:, 0] < a.intervals[:, 0]) and np.all(b.intervals[:, 1] > a.intervals[:, 1])


def test_coverage_experiment_interval_equals_mean_interval_for_its_sample():
    experiment = confidence.coverage_experiment(n=12, n_intervals=3, random_state=9)
    sample_rng = np.random.default_rng(np.random.SeedSequence(9).spawn(2)[0])
    first = confidence.draw("normal", 0.0, 1.0, (3, 12), sample_rng)[0]
    assert tuple(experiment.intervals[0]) == pytest.approx(confidence.mean_interval(first, 0.95, "t"))


@pytest.mark.parametrize("call, name", [
    (lambda: confidence.mean_interval([1.0]), "sample"),
    (lambda: confidence.mean_interval([1.0, np.nan]), "sample"),
    (lambda: confidence.mean_interval([1.0, 2.0], level=1.0), "level"),
    (lambda: confidence.mean_interval([1.0, 2.0], level=0.0), "level"),
    (lambda: confidence.mean_interval([1.0, 2.0], method="wald"), "method"),
    (lambda: confidence.coverage_experiment(sigma=0), "sigma"),
    (lambda: confidence.coverage_experiment(n=1), "n"),
    (lambda: confidence.coverage_experiment(distribution="cauchy"), "distribution"),
    (lambda: confidence.coverage_experiment(n_intervals=0), "n_intervals"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
