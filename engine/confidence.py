"""Confidence intervals for a mean (Student t, normal z, percentile bootstrap) and their coverage."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from engine._validate import check_choice, check_float, check_int

METHODS = ("t", "z", "bootstrap")
DISTRIBUTIONS = ("normal", "uniform", "exponential")
COVERAGE_RESAMPLES = 1000  # bootstrap resamples per interval in coverage_experiment
_BATCH_VALUES = 2_000_000  # resampled values held in memory at once by the vectorised bootstrap


def _check_level(level) -> float:
    return check_float("level", level, low=0.0, low_inclusive=False, high=1.0 - 1e-12)


def _intervals(samples: np.ndarray, level: float, method: str, n_resamples: int, random_state) -> np.ndarray:
    """Intervals for the mean of each row of ``samples`` (m, n): an (m, 2) array of (low, high)."""
    m, n = samples.shape
    mean = samples.mean(axis=1)
    if method in ("t", "z"):
        sem = samples.std(axis=1, ddof=1) / np.sqrt(n)
        quantile = stats.t.ppf(0.5 + level / 2, df=n - 1) if method == "t" else stats.norm.ppf(0.5 + level / 2)
        return np.column_stack([mean - quantile * sem, mean + quantile * sem])
    result = stats.bootstrap((samples,), np.mean, n_resamples=n_resamples, confidence_level=level,
                             method="percentile", axis=-1, vectorized=True, random_state=random_state,
                             batch=max(1, _BATCH_VALUES // (m * n)))
    return np.column_stack([np.atleast_1d(result.confidence_interval.low),
                            np.atleast_1d(result.confidence_interval.high)])


def mean_interval(sample, level=0.95, method="t", n_resamples=2000, random_state=0) -> tuple[float, float]:
    """A confidence interval for the population mean from one sample.

    Parameters
    ----------
    sample : array-like, shape (n,)
        At least 2 finite values.
    level : float in (0, 1)
        Confidence level (0.95 for a 95 % interval).
    method : {"t", "z", "bootstrap"}
        ``"t"``: mean ± t_{n−1} quantile × s/√n (s the sample standard deviation, ddof = 1);
        ``"z"``: the same with the normal quantile; ``"bootstrap"``: the percentile bootstrap of the mean
        (``scipy.stats.bootstrap`` with ``method="percentile"``).
    n_resamples : int
        Bootstrap resamples (ignored by ``"t"`` and ``"z"``).
    random_state : int
        Seed of the bootstrap's resampling.

    Returns
    -------
    (low, high) : tuple of float
    """
    x = np.asarray(sample, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"sample must be a 1-D array of at least 2 values, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("sample must contain only finite values")
    level = _check_level(level)
    check_choice("method", method, METHODS)
    n_resamples = check_int("n_resamples", n_resamples, low=100, high=100_000)
    low, high = _intervals(x[None, :], level, method, n_resamples, random_state)[0]
    return float(low), float(high)


@dataclass(frozen=True)
class CoverageExperiment:
    """``n_intervals`` samples of size ``n``, one interval each, and whether each covers the true mean."""

    intervals: np.ndarray   # (n_intervals, 2) low, high
    covered: np.ndarray     # (n_intervals,) bool: low ≤ true mean ≤ high
    rate: float             # fraction covered
    true_mean: float
    means: np.ndarray       # (n_intervals,) sample means (the intervals' centres for t and z)


def draw(distribution, mu, sigma, size, rng) -> np.ndarray:
    """Draws from ``distribution`` shifted and scaled to mean ``mu`` and standard deviation ``sigma``."""
    if distribution == "normal":
        unit = rng.standard_normal(size)
    elif distribution == "uniform":
        unit = rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size)  # variance (2√3)²/12 = 1
    else:
        unit = rng.exponential(1.0, size) - 1.0  # Exp(1) has mean 1 and variance 1
    return mu + sigma * unit


def coverage_experiment(mu=0.0, sigma=1.0, n=20, level=0.95, n_intervals=100, distribution="normal", method="t",
                        random_state=0) -> CoverageExperiment:
    """Repeat "draw a sample, build an interval" ``n_intervals`` times and count the intervals that hold ``mu``.

    Parameters
    ----------
    mu, sigma : float
        Mean and standard deviation of the population (``sigma`` > 0).
    n : int
        Sample size, 2 to 1000.
    level : float in (0, 1)
    n_intervals : int
        Number of samples (and intervals), 1 to 20000.
    distribution : {"normal", "uniform", "exponential"}
        Shape of the population, shifted and scaled to mean ``mu`` and standard deviation ``sigma``
        (the exponential is right-skewed).
    method : {"t", "z", "bootstrap"}
        As in :func:`mean_interval`; the bootstrap uses ``COVERAGE_RESAMPLES`` resamples per interval.
    random_state : int
        The samples depend on it (and not on ``level`` or ``method``), so changing the level widens or
        narrows the same intervals.

    Returns
    -------
    CoverageExperiment
    """
    mu = check_float("mu", mu, low=-1e6, high=1e6)
    sigma = check_float("sigma", sigma, low=0.0, low_inclusive=False, high=1e6)
    n = check_int("n", n, low=2, high=1000)
    level = _check_level(level)
    n_intervals = check_int("n_intervals", n_intervals, low=1, high=20_000)
    check_choice("distribution", distribution, DISTRIBUTIONS)
    check_choice("method", method, METHODS)
    if method == "bootstrap" and n_intervals * n > 200_000:
        raise ValueError(f"n_intervals × n must be at most 200000 for the bootstrap, got {n_intervals * n}")
    sample_rng, resample_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(random_state).spawn(2))
    samples = draw(distribution, mu, sigma, (n_intervals, n), sample_rng)
    intervals = _intervals(samples, level, method, COVERAGE_RESAMPLES, resample_rng)
    covered = (intervals[:, 0] <= mu) & (mu <= intervals[:, 1])
    return CoverageExperiment(intervals, covered, float(covered.mean()), mu, samples.mean(axis=1))
