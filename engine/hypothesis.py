"""Two-sample t-tests, their power, and the error rates of a one-sided z-test."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from engine._validate import check_choice, check_float, check_int

ALTERNATIVES = ("two-sided", "greater", "less")


def _check_sample(name, values) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"{name} must be a 1-D array of at least 2 values, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must contain only finite values")
    return x


def _check_alpha(alpha) -> float:
    return check_float("alpha", alpha, low=0.0, low_inclusive=False, high=0.5)


@dataclass(frozen=True)
class TTestResult:
    t: float            # (mean(a) − mean(b)) / se
    df: float           # n_a + n_b − 2 (Student) or the Welch–Satterthwaite value
    p_value: float
    mean_diff: float    # mean(a) − mean(b)
    se: float           # standard error of the difference
    critical_t: float   # |t| beyond this rejects at α = 0.05 (two-sided) — for drawing


def t_test(a, b, equal_var=False, alternative="two-sided") -> TTestResult:
    """Two-sample t-test of equal means, as ``scipy.stats.ttest_ind``.

    Parameters
    ----------
    a, b : array-like, shapes (n_a,), (n_b,)
        The two samples, at least 2 finite values each.
    equal_var : bool
        True: Student's test with the pooled variance and n_a + n_b − 2 degrees of freedom.
        False: Welch's test, each sample's own variance and the Welch–Satterthwaite degrees of freedom
        (s_a²/n_a + s_b²/n_b)² / [(s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)].
    alternative : {"two-sided", "greater", "less"}
        "greater": H1 is mean(a) > mean(b).

    Returns
    -------
    TTestResult
    """
    a, b = _check_sample("a", a), _check_sample("b", b)
    check_choice("alternative", alternative, ALTERNATIVES)
    na, nb = a.size, b.size
    va, vb = a.var(ddof=1), b.var(ddof=1)
    if equal_var:
        pooled = ((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)
        se = np.sqrt(pooled * (1 / na + 1 / nb))
    else:
        se = np.sqrt(va / na + vb / nb)
    if se == 0:
        raise ValueError("a and b have no spread at all: the t statistic is undefined")
    result = stats.ttest_ind(a, b, equal_var=bool(equal_var), alternative=alternative)
    df = float(result.df)
    return TTestResult(float(result.statistic), df, float(result.pvalue), float(a.mean() - b.mean()), float(se),
                       float(stats.t.ppf(0.975, df)))


def welch_df(sd_a, sd_b, n_a, n_b) -> float:
    """The Welch–Satterthwaite degrees of freedom for the given spreads and sizes."""
    wa, wb = sd_a ** 2 / n_a, sd_b ** 2 / n_b
    return float((wa + wb) ** 2 / (wa ** 2 / (n_a - 1) + wb ** 2 / (n_b - 1)))


def power(effect_size, n_per_group, alpha=0.05, alternative="two-sided") -> float:
    """Power of the two-sample (Student) t-test with ``n_per_group`` in each group, from the noncentral t.

    Parameters
    ----------
    effect_size : float
        Cohen's d = (μ_a − μ_b) / σ, σ the common standard deviation.
    n_per_group : int
        Observations per group (≥ 2).
    alpha : float in (0, 0.5]
    alternative : {"two-sided", "greater", "less"}

    Returns
    -------
    float
        P(reject H0) when the true standardised difference is ``effect_size``: the t statistic is then
        noncentral t with df = 2n − 2 and noncentrality d·√(n/2).
    """
    d = check_float("effect_size", effect_size, low=-100, high=100)
    n = check_int("n_per_group", n_per_group, low=2, high=1_000_000)
    alpha = _check_alpha(alpha)
    check_choice("alternative", alternative, ALTERNATIVES)
    df, nc = 2 * n - 2, d * np.sqrt(n / 2)

    # Both tails as upper tails: P(T < −c | nc) = P(T > c | −nc). scipy's nct.cdf returns NaN far in the
    # lower tail when the noncentrality is large; the upper-tail form returns the (tiny) value.
    def upper(c, noncentrality):
        return float(stats.nct.sf(c, df, noncentrality))

    if alternative == "two-sided":
        crit = stats.t.ppf(1 - alpha / 2, df)
        value = upper(crit, nc) + upper(crit, -nc)
    elif alternative == "greater":
        value = upper(stats.t.ppf(1 - alpha, df), nc)
    else:
        value = upper(stats.t.ppf(1 - alpha, df), -nc)
    if not np.isfinite(value):
        raise ValueError(f"effect_size × √n_per_group is too large to evaluate the power (d={d:g}, n={n})")
    return min(1.0, value)


@dataclass(frozen=True)
class ZTestErrors:
    critical_value: float  # reject H0 when the sample mean exceeds this
    alpha: float           # P(reject | H0): type I error rate
    beta: float            # P(keep H0 | H1): type II error rate
    power: float           # 1 − beta
    se: float              # σ / √n, the spread of the sample mean


def z_test_errors(mu0, mu1, sigma, n, alpha=0.05) -> ZTestErrors:
    """Type I and II error rates of the one-sided z-test of H0: μ = mu0 against H1: μ = mu1 (mu1 ≥ mu0).

    Parameters
    ----------
    mu0, mu1 : float
        The mean under H0 and under H1; ``mu1 == mu0`` (no effect) gives power = α.
    sigma : float
        Known population standard deviation (> 0).
    n : int
        Number of draws averaged.
    alpha : float in (0, 0.5]

    Returns
    -------
    ZTestErrors
        The critical value mu0 + z_{1−α}·σ/√n on the scale of the sample mean, α, β = Φ((c − mu1)/(σ/√n))
        and the power 1 − β.
    """
    mu0 = check_float("mu0", mu0, low=-1e6, high=1e6)
    mu1 = check_float("mu1", mu1, low=-1e6, high=1e6)
    if mu1 < mu0:
        raise ValueError(f"mu1 must be at least mu0 for this one-sided test, got mu1={mu1:g} < mu0={mu0:g}")
    sigma = check_float("sigma", sigma, low=0.0, low_inclusive=False, high=1e6)
    n = check_int("n", n, low=1, high=1_000_000)
    alpha = _check_alpha(alpha)
    se = sigma / np.sqrt(n)
    critical = mu0 + stats.norm.ppf(1 - alpha) * se
    beta = float(stats.norm.cdf(critical, loc=mu1, scale=se))
    return ZTestErrors(float(critical), alpha, beta, 1.0 - beta, float(se))


def two_samples(mean_diff=1.0, sd_a=1.0, sd_b=1.0, n_a=20, n_b=20, random_state=0) -> tuple[np.ndarray, np.ndarray]:
    """Two normal samples: a ~ N(mean_diff, sd_a²) of size n_a and b ~ N(0, sd_b²) of size n_b.

    The page's only data source, so an uploaded pair of numeric columns can replace it.
    """
    mean_diff = check_float("mean_diff", mean_diff, low=-100, high=100)
    sd_a = check_float("sd_a", sd_a, low=0.0, low_inclusive=False, high=100)
    sd_b = check_float("sd_b", sd_b, low=0.0, low_inclusive=False, high=100)
    n_a = check_int("n_a", n_a, low=2, high=100_000)
    n_b = check_int("n_b", n_b, low=2, high=100_000)
    rng = np.random.default_rng(random_state)
    return rng.normal(mean_diff, sd_a, n_a), rng.normal(0.0, sd_b, n_b)


def null_rejection_rate(sd_a=1.0, sd_b=1.0, n_a=20, n_b=20, equal_var=False, alpha=0.05, alternative="two-sided",
                        n_sim=4000, random_state=0) -> float:
    """Share of ``n_sim`` simulated experiments with equal means that the t-test rejects at ``alpha``.

    The false-positive (type I error) rate the test really has when the two groups are normal with spreads
    ``sd_a``, ``sd_b`` and sizes ``n_a``, ``n_b`` but the same mean. A valid test gives about ``alpha``;
    Student's pooled test does not when the smaller group has the larger spread.
    """
    sd_a = check_float("sd_a", sd_a, low=0.0, low_inclusive=False, high=100)
    sd_b = check_float("sd_b", sd_b, low=0.0, low_inclusive=False, high=100)
    n_a = check_int("n_a", n_a, low=2, high=10_000)
    n_b = check_int("n_b", n_b, low=2, high=10_000)
    alpha = _check_alpha(alpha)
    check_choice("alternative", alternative, ALTERNATIVES)
    n_sim = check_int("n_sim", n_sim, low=10, high=100_000)
    if n_sim * (n_a + n_b) > 5_000_000:
        raise ValueError(f"n_sim × (n_a + n_b) must be at most 5000000, got {n_sim * (n_a + n_b)}")
    rng = np.random.default_rng(random_state)
    a, b = rng.normal(0.0, sd_a, (n_sim, n_a)), rng.normal(0.0, sd_b, (n_sim, n_b))
    p = stats.ttest_ind(a, b, axis=1, equal_var=bool(equal_var), alternative=alternative).pvalue
    return float(np.mean(p < alpha))


@dataclass(frozen=True)
class TestOutcomes:
    """Expected shares of many tests, a ``prior`` share of them with a real effect, as a confusion matrix."""

    tp: float         # real effect, rejected H0 (prior × power)
    fn: float         # real effect, kept H0 — type II errors (prior × β)
    fp: float         # no effect, rejected H0 — type I errors ((1 − prior) × α)
    tn: float         # no effect, kept H0
    precision: float  # share of significant results that are real: tp / (tp + fp)
    recall: float     # share of real effects found: the power


def test_outcomes(alpha, power, prior) -> TestOutcomes:
    """What a test with false-positive rate ``alpha`` and ``power`` does to a mix of hypotheses.

    Parameters
    ----------
    alpha : float in (0, 0.5]
        P(reject | no effect).
    power : float in [0, 1]
        P(reject | real effect).
    prior : float in [0, 1)
        Share of the tested hypotheses whose effect is real (0: none is, so every rejection is a false positive
        and the precision is 0).
    """
    alpha = _check_alpha(alpha)
    power = check_float("power", power, low=0.0, high=1.0)
    prior = check_float("prior", prior, low=0.0, high=1.0 - 1e-12)
    tp, fn = prior * power, prior * (1 - power)
    fp, tn = (1 - prior) * alpha, (1 - prior) * (1 - alpha)
    return TestOutcomes(tp, fn, fp, tn, tp / (tp + fp), power)
