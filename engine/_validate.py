"""Input checks shared by engine functions: each raises ValueError naming the parameter."""
from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


def check_int(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int in ``[low, high]``; raise ValueError naming ``name`` otherwise."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not isinstance(value, (Integral, np.integer)):
        if isinstance(value, (Real, np.floating)) and math.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    _check_range(name, value, low, high)
    return value


def check_float(name: str, value, low: float | None = None, high: float | None = None,
                low_inclusive: bool = True) -> float:
    """Return ``value`` as a finite float in range; raise ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and not low_inclusive and value <= low:
        raise ValueError(f"{name} must be greater than {low}, got {value:g}")
    _check_range(name, value, low if low_inclusive else None, high)
    return value


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``; raise ValueError naming ``name`` otherwise."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_points(name: str, X, min_rows: int = 1) -> np.ndarray:
    """Return ``X`` as a finite float array of shape (n, d) with at least ``min_rows`` rows."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows, got {X.shape[0]}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} must contain only finite values")
    return X


def check_binary_xy(X, y, min_rows: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Points ``X`` (n, d) and labels ``y`` (n,) with both classes, labelled 0 and 1."""
    X = check_points("X", X, min_rows=min_rows)
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    if not np.all(np.isin(y, (0, 1))) or len(np.unique(y)) != 2:
        raise ValueError("y must contain both classes, labelled 0 and 1")
    return X, y.astype(int)


def _check_range(name, value, low, high):
    if low is not None and value < low:
        raise ValueError(f"{name} must be at least {low}, got {value:g}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be at most {high}, got {value:g}")
