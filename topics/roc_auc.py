"""ROC & AUC: a threshold through two score distributions; ROC, precision–recall and prevalence."""
import numpy as np
import streamlit as st

from engine import roc
from ui import controls
from ui.page import Claim, metric_row, topic_page
from ui.theme import MUTED, NEGATIVE, POSITIVE, figure, mark_x, show, square_axes

PREVALENCES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]
SAMPLE_SIZES = [500, 1000, 2000, 5000, 10000, 20000]
REGION_COLORS = {"TN": "rgba(0,114,178,0.35)", "FP": "rgba(0,114,178,0.12)",
                 "TP": "rgba(213,94,0,0.40)", "FN": "rgba(213,94,0,0.12)"}


@st.cache_data(max_entries=64, show_spinner=False)
def sample_and_curves(n, separation, spread, prevalence, seed):
    sample = roc.binormal_scores(n, separation, spread, prevalence, random_state=seed)
    curve = roc.roc_points(sample.y, sample.scores)
    recall, precision = roc.pr_points(sample.y, sample.scores)
    return (sample, curve, recall, precision, roc.auc(sample.y, sample.scores),
            roc.auc_by_pairs(sample.y, sample.scores))


def densities_figure(separation, spread, prevalence, threshold, weighted):
    x = np.linspace(min(-4.0, separation - 4 * spread), max(4.0, separation + 4 * spread), 400)
    neg, pos = roc.binormal_densities(x, separation, spread)
    if weighted:
        neg, pos = neg * (1 - prevalence), pos * prevalence
    fig = figure("Score densities" + (" × class frequency" if weighted else ""), height=380)
    left, right = x < threshold, x >= threshold
    for name, mask, y, color in [("TN", left, neg, "TN"), ("FP", right, neg, "FP"),
                                 ("FN", left, pos, "FN"), ("TP", right, pos, "TP")]:
        fig.add_trace(dict(type="scatter", x=x[mask], y=y[mask], fill="tozeroy", mode="none", fillcolor=REGION_COLORS[color],
                           name=name, hoverinfo="skip"))
    fig.add_trace(dict(type="scatter", x=x, y=neg, name="negatives", line=dict(color=NEGATIVE, width=3)))
    fig.add_trace(dict(type="scatter", x=x, y=pos, name="positives", line=dict(color=POSITIVE, width=3)))
    mark_x(fig, threshold, f"threshold {threshold:g}")
    fig.update_xaxes(title="classifier score")
    return fig


def roc_figure(curve, operating, theory_x, theory_y):
    fig = figure("ROC curve", height=380)
    fig.add_trace(dict(type="scatter", x=[0, 1], y=[0, 1], name="chance", line=dict(color=MUTED, dash="dot")))
    fig.add_trace(dict(type="scatter", x=theory_x, y=theory_y, name="population", line=dict(color=MUTED, width=2, dash="dash")))
    fig.add_trace(dict(type="scatter", x=curve.fpr, y=curve.tpr, name="sample", line=dict(color=POSITIVE, width=3)))
    fig.add_trace(dict(type="scatter", x=[operating["fpr"]], y=[operating["tpr"]], name="threshold", mode="markers",
                       marker=dict(size=16, color="#111827", symbol="x")))
    fig.update_layout(legend=dict(orientation="v", yanchor="bottom", y=0.02, xanchor="right", x=0.98))
    fig.update_xaxes(title="false positive rate", range=[-0.02, 1.02])
    fig.update_yaxes(title="true positive rate", range=[-0.02, 1.02])
    return square_axes(fig)


def pr_figure(recall, precision, operating, prevalence):
    fig = figure("Precision–recall", height=380)
    fig.add_trace(dict(type="scatter", x=[0, 1], y=[prevalence, prevalence], name="chance",
                       line=dict(color=MUTED, dash="dot")))
    fig.add_trace(dict(type="scatter", x=recall, y=precision, name="sample", line=dict(color=NEGATIVE, width=3)))
    if not np.isnan(operating["precision"]):
        fig.add_trace(dict(type="scatter", x=[operating["recall"]], y=[operating["precision"]], name="threshold",
                           mode="markers", marker=dict(size=16, color="#111827", symbol="x")))
    fig.update_layout(legend=dict(orientation="v", yanchor="bottom", y=0.02, xanchor="left", x=0.02))
    fig.update_xaxes(title="recall", range=[-0.02, 1.02])
    fig.update_yaxes(title="precision", range=[-0.02, 1.05])
    return fig


def confusion_figure(counts):
    z = [[counts["tp"], counts["fn"]], [counts["fp"], counts["tn"]]]
    labels = [[f"TP<br>{counts['tp']:,}", f"FN<br>{counts['fn']:,}"], [f"FP<br>{counts['fp']:,}", f"TN<br>{counts['tn']:,}"]]
    fig = figure("Confusion matrix", height=380)
    fig.add_trace(dict(type="heatmap", z=z, x=["predicted +", "predicted −"], y=["actual +", "actual −"], text=labels,
                       texttemplate="%{text}", textfont=dict(size=20), colorscale="Blues", showscale=False,
                       hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed")
    return fig


def fmt(value):
    return "—" if np.isnan(value) else f"{value:.3f}"


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        separation = controls.slider("Class separation (mean of positives)", "roc_sep", 0.0, 4.0, 1.5, 0.1)
        spread = controls.slider("Spread of positive scores (σ)", "roc_spread", 0.3, 3.0, 1.0, 0.1,
                                 help="Negatives always score N(0, 1).")
        prevalence = controls.log_slider("Prevalence (share of positives)", "roc_prev", PREVALENCES, 0.5,
                                         help="A rare disease has prevalence 0.01 or below.")
        threshold = controls.slider("Threshold (score ≥ threshold ⇒ positive)", "roc_t", -3.0, 6.0, 0.75, 0.05)
        n = controls.log_slider("Cases in the sample", "roc_n", SAMPLE_SIZES, 2000)
        weighted = controls.toggle("Scale densities by class frequency", "roc_weighted", True,
                                   help="On: the curves' areas are proportional to how many cases each class has.")
        seed = controls.slider("Sample seed", "roc_seed", 0, 20, 0)
    sample, curve, recall, precision, auc, auc_pairs = sample_and_curves(n, separation, spread, prevalence, seed)
    counts = roc.confusion_at(sample.y, sample.scores, threshold)
    r = roc.rates(counts)
    theory = roc.binormal_rates(np.linspace(-8, 12, 300), separation, spread, prevalence)
    with charts_col:
        show(densities_figure(separation, spread, prevalence, threshold, weighted), "roc_density")
    left, middle, right = st.columns(3)
    with left:
        show(roc_figure(curve, r, theory["fpr"], theory["tpr"]), "roc_curve")
    with middle:
        show(pr_figure(recall, precision, r, prevalence), "roc_pr")
    with right:
        show(confusion_figure(counts), "roc_confusion")
    metric_row({"TPR = recall": fmt(r["tpr"]), "FPR": fmt(r["fpr"]), "precision": fmt(r["precision"]),
                "specificity": fmt(r["specificity"]), "F1": fmt(r["f1"]), "accuracy": fmt(r["accuracy"])})
    metric_row({"AUC": f"{auc:.3f}", "P(score₊ > score₋)": f"{auc_pairs:.3f}",
                "population AUC": f"{roc.binormal_auc(separation, spread):.3f}",
                "positives": f"{int(sample.y.sum()):,} / {n:,}"},
               help={"P(score₊ > score₋)": "Chance that a random positive outscores a random negative — the meaning of AUC."})

    population = roc.binormal_auc(separation, spread)
    good_test = r["tpr"] >= 0.8 and r["specificity"] >= 0.8
    return [
        Claim("AUC is the probability that a random positive scores higher than a random negative.",
              f"AUC by area = {auc:.4f}; by counting all positive–negative pairs = {auc_pairs:.4f}",
              abs(auc - auc_pairs) < 1e-9),
        Claim("For a rare disease, a test with good sensitivity and specificity can still be wrong most of the "
              "times it says positive — watch precision, not accuracy.",
              f"at prevalence {prevalence:g}: sensitivity {fmt(r['tpr'])}, specificity {fmt(r['specificity'])}, "
              f"accuracy {fmt(r['accuracy'])}, precision {fmt(r['precision'])}"
              + ("" if good_test else " (lower the threshold or raise the separation to get a good test first)"),
              bool(good_test and r["precision"] < 0.5)),
        Claim("The ROC curve does not depend on prevalence (the PR curve does).",
              f"sample AUC {auc:.3f} vs population AUC {population:.3f}, which has no prevalence in it",
              abs(auc - population) < 3 / np.sqrt(max(1, min(sample.y.sum(), n - sample.y.sum())))),
    ]


topic_page("roc_auc", play)
