"""Outlier rules (IQR fences, z-scores) and location/spread summaries that do or do not resist outliers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from engine._validate import check_float, check_int


def _check_values(x, min_size=2) -> np.ndarray:
    values = np.asarray(x, dtype=float)
    if values.ndim != 1 or values.size < min_size:
        raise ValueError(f"x must be a 1-D array of at least {min_size} values, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("x must contain only finite values")
    return values


@dataclass(frozen=True)
class Fences:
    q1: float
    q3: float
    iqr: float
    low: float             # q1 − k·iqr
    high: float            # q3 + k·iqr
    outliers: np.ndarray   # (n,) bool: outside [low, high]


def iqr_fences(x, k=1.5) -> Fences:
    """Tukey's fences: values below Q1 − k·IQR or above Q3 + k·IQR are outliers.

    Parameters
    ----------
    x : array-like, shape (n,)
        At least 2 finite values.
    k : float
        Fence distance in IQRs (1.5 "outlier", 3 "far out").

    Returns
    -------
    Fences
        Quartiles by numpy's default (linear) percentile; ``outliers`` is a mask over ``x``.
    """
    values = _check_values(x)
    k = check_float("k", k, low=0.0, high=100.0)
    q1, q3 = np.percentile(values, [25, 75])
    iqr = q3 - q1
    low, high = q1 - k * iqr, q3 + k * iqr
    return Fences(float(q1), float(q3), float(iqr), float(low), float(high), (values < low) | (values > high))


@dataclass(frozen=True)
class Summary:
    mean: float
    median: float
    std: float           # ddof = 1
    mad: float           # median absolute deviation from the median, unscaled
    trimmed_mean: float  # mean after cutting 10 % from each end, as scipy.stats.trim_mean(x, 0.1)


def robust_summary(x) -> Summary:
    """Mean and standard deviation beside their outlier-resistant counterparts.

    Parameters
    ----------
    x : array-like, shape (n,)
        At least 2 finite values.
    """
    values = _check_values(x)
    median = float(np.median(values))
    return Summary(float(values.mean()), median, float(values.std(ddof=1)),
                   float(np.median(np.abs(values - median))), float(stats.trim_mean(values, 0.1)))


def zscores(x) -> np.ndarray:
    """(x − mean) / std with the sample standard deviation (ddof = 1), shape (n,)."""
    values = _check_values(x)
    std = values.std(ddof=1)
    if std == 0:
        raise ValueError("x has no spread: every z-score would be undefined")
    return (values - values.mean()) / std


def zscore_outliers(x, threshold=3.0) -> np.ndarray:
    """Mask of values with |z| > ``threshold`` (z with ddof = 1), shape (n,)."""
    threshold = check_float("threshold", threshold, low=0.0, low_inclusive=False, high=100.0)
    return np.abs(zscores(x)) > threshold


def base_sample(n=30, random_state=0) -> np.ndarray:
    """The page's one data source: ``n`` well-behaved values, about N(0, 1) (an uploaded column can replace it).

    Standardised to mean 0 and standard deviation 1 exactly, so the page's axis reads in standard deviations.
    """
    n = check_int("n", n, low=5, high=100_000)
    values = np.random.default_rng(random_state).normal(size=n)
    return (values - values.mean()) / values.std(ddof=1)


def with_outliers(x, position, count=1, spread=0.15) -> np.ndarray:
    """``x`` with ``count`` extra values placed around ``position`` (evenly, ``spread`` apart); appended at the end."""
    values = _check_values(x)
    position = check_float("position", position, low=-1e6, high=1e6)
    count = check_int("count", count, low=0, high=10_000)
    spread = check_float("spread", spread, low=0.0, high=1e6)
    extra = position + spread * (np.arange(count) - (count - 1) / 2)
    return np.r_[values, extra]
