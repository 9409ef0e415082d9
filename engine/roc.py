"""ROC and precision–recall curves, AUC and confusion counts; a binormal score model for the page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.stats import norm
from sklearn import metrics

from engine._validate import check_float, check_int


class RocCurve(NamedTuple):
    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray


def _check_labels_scores(y_true, scores):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.shape != y.shape:
        raise ValueError(f"y_true and scores must be 1-D arrays of the same length, got {y.shape} and {s.shape}")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y_true must contain only 0 (negative) and 1 (positive)")
    if y.min(initial=1) == y.max(initial=0):
        raise ValueError("y_true needs both classes: at least one positive and one negative")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite")
    return y.astype(int), s


def roc_points(y_true, scores) -> RocCurve:
    """(fpr, tpr, thresholds) from (0, 0) to (1, 1), positives being score ≥ threshold."""
    y, s = _check_labels_scores(y_true, scores)
    fpr, tpr, thresholds = metrics.roc_curve(y, s, drop_intermediate=True)
    return RocCurve(fpr, tpr, thresholds)


def auc(y_true, scores) -> float:
    """Area under the ROC curve."""
    y, s = _check_labels_scores(y_true, scores)
    return float(metrics.roc_auc_score(y, s))


def auc_by_pairs(y_true, scores) -> float:
    """P(score of a random positive > score of a random negative), ties counting one half.

    Computed from the Mann–Whitney rank sum; equal to ``auc`` (that is what AUC means).
    """
    y, s = _check_labels_scores(y_true, scores)
    from scipy.stats import rankdata
    ranks = rankdata(s)
    n_pos, n_neg = int(y.sum()), int((1 - y).sum())
    u = ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def confusion_at(y_true, scores, threshold) -> dict:
    """Counts ``tp, fp, tn, fn`` when everything with score ≥ ``threshold`` is called positive."""
    y, s = _check_labels_scores(y_true, scores)
    threshold = check_float("threshold", threshold)
    predicted = s >= threshold
    positive = y == 1
    return {"tp": int(np.sum(predicted & positive)), "fp": int(np.sum(predicted & ~positive)),
            "tn": int(np.sum(~predicted & ~positive)), "fn": int(np.sum(~predicted & positive))}


def rates(counts: dict) -> dict:
    """TPR (recall), FPR, precision, specificity, F1 and accuracy from confusion counts.

    A ratio whose denominator is zero is ``nan`` (e.g. precision when nothing is called positive).
    """
    tp, fp, tn, fn = counts["tp"], counts["fp"], counts["tn"], counts["fn"]

    def ratio(a, b):
        return a / b if b else float("nan")

    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    f1 = ratio(2 * tp, 2 * tp + fp + fn)
    return {"tpr": recall, "recall": recall, "fpr": ratio(fp, fp + tn), "precision": precision,
            "specificity": ratio(tn, tn + fp), "f1": f1, "accuracy": ratio(tp + tn, tp + fp + tn + fn)}


def pr_points(y_true, scores):
    """(recall, precision) pairs of the precision–recall curve."""
    y, s = _check_labels_scores(y_true, scores)
    precision, recall, _ = metrics.precision_recall_curve(y, s)
    return recall, precision


def average_precision(y_true, scores) -> float:
    """Average precision: Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the thresholds, as scikit-learn computes it.

    It summarises the precision–recall curve without interpolation; a classifier that ranks at random
    scores about ``pr_baseline(y_true)``, the share of positives.
    """
    y, s = _check_labels_scores(y_true, scores)
    return float(metrics.average_precision_score(y, s))


def pr_baseline(y_true) -> float:
    """The precision of a random ranking, at every recall: the share of positives (the prevalence)."""
    y = np.asarray(y_true)
    if y.ndim != 1 or y.size == 0 or not np.all(np.isin(y, (0, 1))):
        raise ValueError("y_true must be a non-empty 1-D array of 0 (negative) and 1 (positive)")
    return float(y.mean())


def auc_standard_error(auc_value, n_pos, n_neg) -> float:
    """Hanley and McNeil's (1982) standard error of a sample AUC with ``n_pos`` positives and ``n_neg`` negatives.

    SE² = [A(1 − A) + (n₊ − 1)(Q₁ − A²) + (n₋ − 1)(Q₂ − A²)] / (n₊·n₋), with Q₁ = A/(2 − A) and
    Q₂ = 2A²/(1 + A). An approximation (exact for exponential scores); close for binormal ones.
    """
    a = check_float("auc_value", auc_value, low=0.0, high=1.0)
    n_pos, n_neg = check_int("n_pos", n_pos, low=1), check_int("n_neg", n_neg, low=1)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    variance = (a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)
    return float(np.sqrt(max(variance, 0.0)))


@dataclass(frozen=True)
class CostOptimum:
    """The sample threshold with the lowest total cost C_FP·FP + C_FN·FN."""

    threshold: float   # score ≥ threshold ⇒ positive; +inf calls nothing positive
    cost: float        # total cost on the sample at that threshold
    fpr: float
    tpr: float
    counts: dict       # tp, fp, tn, fn at that threshold


def cost_optimal_threshold(y_true, scores, cost_fp, cost_fn) -> CostOptimum:
    """The threshold with the lowest total cost ``cost_fp``·FP + ``cost_fn``·FN on this sample.

    Every distinct score is a candidate (a score ≥ threshold is positive), and so is +inf (call nothing
    positive). Ties go to the highest threshold. On the ROC curve the optimum is where a line of slope
    (1 − π)·C_FP / (π·C_FN) first touches the curve from the upper left (π = share of positives).

    Parameters
    ----------
    y_true : (n,) 0/1 labels.  scores : (n,) finite scores.
    cost_fp : > 0, the cost of one false alarm.  cost_fn : > 0, the cost of one missed positive.
    """
    y, s = _check_labels_scores(y_true, scores)
    cost_fp = check_float("cost_fp", cost_fp, low=0.0, low_inclusive=False, high=1e9)
    cost_fn = check_float("cost_fn", cost_fn, low=0.0, low_inclusive=False, high=1e9)
    fpr, tpr, thresholds = metrics.roc_curve(y, s, drop_intermediate=False)  # thresholds fall; the first is +inf
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    fp, tp = np.rint(fpr * n_neg).astype(int), np.rint(tpr * n_pos).astype(int)
    cost = cost_fp * fp + cost_fn * (n_pos - tp)
    best = int(np.argmin(cost))  # the first minimum: the highest threshold among ties
    counts = {"tp": int(tp[best]), "fp": int(fp[best]), "tn": int(n_neg - fp[best]), "fn": int(n_pos - tp[best])}
    return CostOptimum(float(thresholds[best]), float(cost[best]), float(fpr[best]), float(tpr[best]), counts)


def iso_cost_slope(prevalence, cost_fp, cost_fn) -> float:
    """Slope of the ROC plane's lines of equal expected cost: (1 − π)·C_FP / (π·C_FN)."""
    prevalence = check_float("prevalence", prevalence, low=0.0, high=1.0, low_inclusive=False)
    if prevalence >= 1:
        raise ValueError(f"prevalence must be below 1, got {prevalence:g}")
    cost_fp = check_float("cost_fp", cost_fp, low=0.0, low_inclusive=False)
    cost_fn = check_float("cost_fn", cost_fn, low=0.0, low_inclusive=False)
    return (1 - prevalence) * cost_fp / (prevalence * cost_fn)


@dataclass(frozen=True)
class ScoreSample:
    """Scores of a classifier on ``n`` cases drawn from the binormal model."""

    y: np.ndarray          # (n,) 1 = positive
    scores: np.ndarray     # (n,)
    separation: float      # mean of positives − mean of negatives (negatives ~ N(0, 1))
    spread: float          # standard deviation of positive scores
    prevalence: float


def binormal_scores(n=2000, separation=1.5, spread=1.0, prevalence=0.5, random_state=0) -> ScoreSample:
    """Draw ``n`` cases: negatives score ~ N(0, 1), positives ~ N(separation, spread²).

    At least one case of each class is always present so the curves are defined.
    """
    n = check_int("n", n, low=4, high=200_000)
    separation = check_float("separation", separation, low=-10, high=10)
    spread = check_float("spread", spread, low=0.05, high=10)
    prevalence = check_float("prevalence", prevalence, low=0.0005, high=0.9995)
    rng = np.random.default_rng(random_state)
    n_pos = int(np.clip(rng.binomial(n, prevalence), 1, n - 1))
    y = np.zeros(n, dtype=int)
    y[:n_pos] = 1
    scores = np.where(y == 1, rng.normal(separation, spread, n), rng.normal(0.0, 1.0, n))
    return ScoreSample(y, scores, separation, spread, prevalence)


def binormal_densities(x, separation, spread):
    """Population densities of the negative and positive scores at ``x``."""
    return norm.pdf(x, 0.0, 1.0), norm.pdf(x, separation, spread)


def binormal_auc(separation, spread) -> float:
    """Population AUC of the binormal model: Φ(separation / √(1 + spread²))."""
    return float(norm.cdf(separation / np.sqrt(1.0 + spread ** 2)))


def binormal_rates(threshold, separation, spread, prevalence) -> dict:
    """Population TPR, FPR and precision at ``threshold`` (a number or an array of thresholds).

    Precision is ``nan`` where nothing is called positive.
    """
    tpr = norm.sf(threshold, separation, spread)
    fpr = norm.sf(threshold, 0.0, 1.0)
    called_positive = prevalence * tpr + (1 - prevalence) * fpr
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(called_positive > 0, prevalence * tpr / called_positive, np.nan)
    return {"tpr": tpr, "fpr": fpr, "precision": precision}


def equal_error_threshold(separation, spread) -> float:
    """The population threshold where sensitivity equals specificity.

    Negatives score N(0, 1) and positives N(separation, spread²), so TPR(t) = 1 − FPR(t) means
    (separation − t) / spread = t, i.e. t = separation / (1 + spread).
    """
    separation = check_float("separation", separation, low=-10, high=10)
    spread = check_float("spread", spread, low=0.05, high=10)
    return separation / (1 + spread)
