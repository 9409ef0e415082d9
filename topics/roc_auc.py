"""ROC & AUC: a threshold through two score distributions; ROC, precision–recall and prevalence."""
import textwrap
from types import SimpleNamespace

import numpy as np
import pandas as pd
import streamlit as st

from engine import roc
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import fill_under, legend_entry, mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, NEGATIVE, POSITIVE, figure, mark_x, show
from ui.upload import own_data

PREVALENCES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]
SAMPLE_SIZES = [500, 1000, 2000, 5000, 10000, 20000]
COST_RATIOS = controls.powers_of_ten(-1, 3)  # cost of a missed positive ÷ cost of a false alarm
OPTIMUM = "#CC79A7"
REGION_COLORS = {"TN": "rgba(0,114,178,0.35)", "FP": "rgba(0,114,178,0.12)",
                 "TP": "rgba(213,94,0,0.40)", "FN": "rgba(213,94,0,0.12)"}


@st.cache_data(max_entries=64, show_spinner=False)
def sample_and_curves(n, separation, spread, prevalence, seed):
    sample = roc.binormal_scores(n, separation, spread, prevalence, random_state=seed)
    curve = roc.roc_points(sample.y, sample.scores)
    recall, precision = roc.pr_points(sample.y, sample.scores)
    return (sample, curve, recall, precision, roc.auc(sample.y, sample.scores),
            roc.auc_by_pairs(sample.y, sample.scores), roc.average_precision(sample.y, sample.scores))


@st.cache_data(max_entries=64, show_spinner=False)
def cost_optimum(n, separation, spread, prevalence, seed, cost_ratio):
    sample = sample_and_curves(n, separation, spread, prevalence, seed)[0]
    best = roc.cost_optimal_threshold(sample.y, sample.scores, cost_fp=1.0, cost_fn=cost_ratio)
    return best, roc.iso_cost_slope(roc.pr_baseline(sample.y), 1.0, cost_ratio)


def other_prevalence(prevalence):
    """The second prevalence the prevalence claim compares with: balanced classes, or rare ones if already common."""
    return 0.5 if prevalence <= 0.2 else 0.02


def densities_figure(separation, spread, prevalence, threshold, weighted, best):
    """The two score densities of the model with the four threshold regions shaded."""
    x = np.linspace(min(-4.0, separation - 4 * spread), max(4.0, separation + 4 * spread), 400)
    neg, pos = roc.binormal_densities(x, separation, spread)
    at_threshold = np.array(roc.binormal_densities(np.array([threshold]), separation, spread)).ravel()
    return density_chart(x, neg, pos, at_threshold, threshold, prevalence if weighted else None, "Score densities",
                         best)


@st.cache_data(max_entries=4, show_spinner=False)
def score_histograms(y, scores, bins=40):
    """Each class's histogram density of an uploaded file's scores, on shared bins."""
    edges = np.histogram_bin_edges(scores, bins=bins)
    return edges, np.histogram(scores[y == 0], edges, density=True)[0], np.histogram(scores[y == 1], edges, density=True)[0]


def own_densities_figure(y, scores, threshold, weighted, best):
    """The uploaded scores' histograms per class (drawn as step curves), with the four regions shaded."""
    edges, neg_hist, pos_hist = score_histograms(y, scores)

    def at(points):
        return np.clip(np.searchsorted(edges, points, side="right") - 1, 0, len(neg_hist) - 1)

    x = np.linspace(edges[0], edges[-1], 400)
    bins, bin_at_threshold = at(x), at(np.array([threshold]))[0]
    at_threshold = np.array([neg_hist[bin_at_threshold], pos_hist[bin_at_threshold]])
    if not edges[0] <= threshold <= edges[-1]:
        at_threshold = np.zeros(2)
    return density_chart(x, neg_hist[bins], pos_hist[bins], at_threshold, threshold,
                         float(y.mean()) if weighted else None, "Your scores: histogram densities", best)


def density_chart(x, neg, pos, at_threshold, threshold, prevalence, title, best):
    """Two score densities on the grid ``x`` with the four threshold regions shaded, scaled by the class
    frequencies when ``prevalence`` is given, and the cost-optimal threshold ``best`` dotted.

    The regions and the threshold line are layout shapes, so a threshold move redraws only them."""
    if prevalence is not None:
        scale = np.array([1 - prevalence, prevalence])
        neg, pos, at_threshold = neg * scale[0], pos * scale[1], at_threshold * scale
    fig = figure(title + (" × class frequency" if prevalence is not None else ""), height=380)
    left, right = x < threshold, x > threshold
    for name, mask, y, y_threshold in [("TN", left, neg, at_threshold[0]), ("FP", right, neg, at_threshold[0]),
                                       ("FN", left, pos, at_threshold[1]), ("TP", right, pos, at_threshold[1])]:
        # Each region ends exactly at the threshold, so the shading meets the dashed line without a gap.
        xs, ys = (np.r_[x[mask], threshold], np.r_[y[mask], y_threshold]) if name in ("TN", "FN") else \
                 (np.r_[threshold, x[mask]], np.r_[y_threshold, y[mask]])
        fill_under(fig, xs, ys, REGION_COLORS[name], name)
    fig.add_trace(dict(type="scatter", x=x, y=neg, name="negatives", line=dict(color=NEGATIVE, width=3)))
    fig.add_trace(dict(type="scatter", x=x, y=pos, name="positives", line=dict(color=POSITIVE, width=3)))
    if np.isfinite(best.threshold) and x[0] <= best.threshold <= x[-1]:
        fig.add_shape(type="line", x0=best.threshold, x1=best.threshold, y0=0, y1=1, yref="paper",
                      line=dict(color=OPTIMUM, dash="dot", width=3), name="cost-optimal threshold",
                      **legend_entry(fig, "cost-optimal threshold", mode="lines",
                                     line=dict(color=OPTIMUM, dash="dot", width=3)))
    mark_x(fig, threshold, f"threshold {threshold:g}")
    fig.update_xaxes(title="classifier score", range=[x[0], x[-1]])
    fig.update_yaxes(range=[0, 1.08 * max(neg.max(), pos.max())])
    return fig


def curves_figure(curve, operating, theory, recall, precision, baseline, best, slope):
    """ROC (left) and precision–recall (right) side by side, each with the threshold's operating point.

    One figure with two panels: the threshold slider redraws two charts (this and the densities)
    instead of three, and the two curves stay the same size. The operating points are layout shapes, so
    a threshold move leaves the curves' data alone.
    """
    panel_title = dict(xref="paper", yref="paper", y=1.02, yanchor="bottom", showarrow=False, font=dict(size=16))
    fig = figure("", height=420, margin=dict(t=60, b=65),
                 xaxis=dict(domain=[0, 0.44], range=[-0.02, 1.02], title="false positive rate"),
                 yaxis=dict(range=[-0.02, 1.02], title="true positive rate"),
                 xaxis2=dict(domain=[0.56, 1], range=[-0.02, 1.02], title="recall"),
                 yaxis2=dict(anchor="x2", range=[-0.02, 1.05], title="precision"),
                 legend=dict(orientation="v", yanchor="bottom", y=0.03, xanchor="right", x=0.43),
                 annotations=[dict(text="ROC curve", x=0.22, xanchor="center", **panel_title),
                              dict(text="Precision–recall", x=0.78, xanchor="center", **panel_title)])
    fig.add_traces([
        dict(type="scatter", x=[0, 1], y=[0, 1], name="chance", mode="lines", line=dict(color=MUTED, dash="dot")),
        *([] if theory is None else  # an uploaded file has no population curve
          [dict(type="scatter", x=theory["fpr"], y=theory["tpr"], name="population", line=dict(color=MUTED, width=2, dash="dash"))]),
        dict(type="scatter", x=curve.fpr, y=curve.tpr, name="sample", line=dict(color=POSITIVE, width=3)),
        dict(type="scatter", x=[0, 1], y=[baseline, baseline], name="chance", mode="lines", showlegend=False,
             line=dict(color=MUTED, dash="dot"), xaxis="x2", yaxis="y2"),
        dict(type="scatter", x=recall, y=precision, name="sample", showlegend=False,
             line=dict(color=NEGATIVE, width=3), xaxis="x2", yaxis="y2"),
    ])
    # The line of equal cost through the cheapest point: no point of the curve lies above it.
    low = max(0.0, best.fpr - best.tpr / slope)
    high = min(1.0, best.fpr + (1 - best.tpr) / slope)
    iso = dict(color=OPTIMUM, dash="dot", width=2)
    fig.add_shape(type="line", x0=low, x1=high, y0=best.tpr + slope * (low - best.fpr),
                  y1=best.tpr + slope * (high - best.fpr), line=iso, name="equal cost",
                  **legend_entry(fig, f"equal cost, slope {slope:.3g}", mode="lines", line=iso))
    mark_point(fig, best.fpr, best.tpr, "cost-optimal", color=OPTIMUM)
    mark_point(fig, operating["fpr"], operating["tpr"], "threshold")
    if not np.isnan(operating["precision"]):
        mark_point(fig, operating["recall"], operating["precision"], "threshold", xref="x2", yref="y2", showlegend=False)
    return fig


def fmt(value):
    return "—" if np.isnan(value) else f"{value:.3f}"


def confusion_table(counts, r, baseline):
    """The confusion matrix with its row and column rates, as a table (cheaper to redraw than a chart)."""
    return (f"| | predicted + | predicted − | |\n|---|---:|---:|---:|\n"
            f"| **actual +** | TP **{counts['tp']:,}** | FN {counts['fn']:,} | recall (TPR) **{fmt(r['tpr'])}** |\n"
            f"| **actual −** | FP {counts['fp']:,} | TN **{counts['tn']:,}** | specificity **{fmt(r['specificity'])}** |\n"
            f"| | precision **{fmt(r['precision'])}** | | FPR {fmt(r['fpr'])} |\n\n"
            f"Accuracy **{fmt(r['accuracy'])}** (calling everyone negative: {fmt(1 - baseline)}) · "
            f"F1 **{fmt(r['f1'])}**")


@live_part
def threshold_part(threshold_box, density_box, curves_box, table_box, settings, own=None):
    """The threshold slider and what it moves: the shaded regions, both operating points, the counts."""
    n, separation, spread, prevalence, weighted, seed, cost_ratio = settings
    if own is not None and own.is_user:
        with threshold_box:
            threshold = own_threshold(own.scores, own.key)
        sample, curve, recall, precision, auc, _, ap = own_curves(own.y, own.scores)
        best, slope = own_cost_optimum(own.y, own.scores, cost_ratio)
        theory = None
        density = own_densities_figure(own.y, own.scores, threshold, weighted, best)
    else:
        with threshold_box:
            threshold = controls.slider("Threshold (score ≥ threshold ⇒ positive)", "roc_t", -3.0, 6.0, 0.75, 0.05)
        sample, curve, recall, precision, auc, _, ap = sample_and_curves(n, separation, spread, prevalence, seed)
        best, slope = cost_optimum(n, separation, spread, prevalence, seed, cost_ratio)
        theory = population_curve(separation, spread, prevalence)
        density = densities_figure(separation, spread, prevalence, threshold, weighted, best)
    counts = roc.confusion_at(sample.y, sample.scores, threshold)
    r = roc.rates(counts)
    baseline = roc.pr_baseline(sample.y)
    with density_box:
        show(density, "roc_density")
    with curves_box:
        show(curves_figure(curve, r, theory, recall, precision, baseline, best, slope), "roc_curves")
    with table_box:
        st.markdown(f"**At threshold {threshold:g}**\n\n" + confusion_table(counts, r, baseline))
        snippet(n, separation, spread, prevalence, seed, threshold, cost_ratio, auc, ap, counts, best, own)


def snippet(n, separation, spread, prevalence, seed, threshold, cost_ratio, auc, ap, counts, best, own=None):
    """The sample, its AUC, average precision, counts and cheapest threshold, in numpy and scikit-learn."""
    sample_code = f"""
        import numpy as np

        n, separation, spread, prevalence, seed = {n}, {separation!r}, {spread!r}, {prevalence!r}, {seed}
        # Negatives score N(0, 1), positives N(separation, spread²); at least one case of each class.
        rng = np.random.default_rng(seed)
        n_pos = int(np.clip(rng.binomial(n, prevalence), 1, n - 1))
        y = np.zeros(n, dtype=int)
        y[:n_pos] = 1
        scores = np.where(y == 1, rng.normal(separation, spread, n), rng.normal(0.0, 1.0, n))
    """
    if own is not None and own.is_user:  # the student's file, loaded as the page loaded it
        sample_code = f"import numpy as np\n{own.code}\ny = labels\nn_pos = int(y.sum())\n"
    code = textwrap.dedent(sample_code) + textwrap.dedent(f"""
        from sklearn.metrics import average_precision_score, confusion_matrix, roc_auc_score
        threshold, cost_fp, cost_fn = {threshold!r}, 1.0, {cost_ratio!r}

        print(f"AUC: {{roc_auc_score(y, scores):.4f}}")
        print(f"average precision: {{average_precision_score(y, scores):.4f}}")
        tn, fp, fn, tp = confusion_matrix(y, (scores >= threshold).astype(int), labels=[0, 1]).ravel()
        print(f"TP: {{tp}}\\nFP: {{fp}}\\nTN: {{tn}}\\nFN: {{fn}}")

        # The cheapest threshold: try every distinct score (score >= t is positive) and 'call nothing positive'.
        order = np.argsort(-scores, kind="stable")
        ranked, labels = scores[order], y[order]
        group_ends = np.r_[ranked[1:] != ranked[:-1], True]
        tp_at, fp_at = np.cumsum(labels)[group_ends], np.cumsum(1 - labels)[group_ends]
        costs = np.r_[cost_fn * n_pos, cost_fp * fp_at + cost_fn * (n_pos - tp_at)]
        print(f"cost-optimal threshold: {{np.r_[np.inf, ranked[group_ends]][np.argmin(costs)]:.4f}}")
    """)
    reproduce("roc_auc", code, {"AUC": f"{auc:.4f}", "average precision": f"{ap:.4f}",
                                "TP": f"{counts['tp']}", "FP": f"{counts['fp']}", "TN": f"{counts['tn']}",
                                "FN": f"{counts['fn']}", "cost-optimal threshold": f"{best.threshold:.4f}"})


def own_threshold(scores, key):
    """A threshold slider over an uploaded file's score range, 200 round steps, starting at the median.

    Not bound to the URL: a link cannot carry the file. Keyed by the file, so a new file gets a new slider."""
    low, high = float(scores.min()), float(scores.max())
    step = 10.0 ** np.floor(np.log10((high - low) / 200)) if high > low else 1.0
    decimals = max(0, int(-np.log10(step)))
    low, high = round(np.floor(low / step) * step, decimals), round(np.ceil(high / step) * step, decimals)
    high = max(high, round(low + step, decimals))
    start = float(np.clip(round(np.median(scores), decimals), low, high))
    return st.slider("Threshold (score ≥ threshold ⇒ positive)", low, high, start, round(step, decimals),
                     key=f"roc_tu_{key}", format=f"%.{decimals}f")


@st.cache_data(max_entries=4, show_spinner=False)
def own_curves(y, scores):
    """The uploaded file's curves, AUC and average precision, shaped like ``sample_and_curves``'s result."""
    curve = roc.roc_points(y, scores)
    recall, precision = roc.pr_points(y, scores)
    return (SimpleNamespace(y=y, scores=scores), curve, recall, precision, roc.auc(y, scores),
            roc.auc_by_pairs(y, scores), roc.average_precision(y, scores))


@st.cache_data(max_entries=4, show_spinner=False)
def own_cost_optimum(y, scores, cost_ratio):
    best = roc.cost_optimal_threshold(y, scores, cost_fp=1.0, cost_fn=cost_ratio)
    return best, roc.iso_cost_slope(roc.pr_baseline(y), 1.0, cost_ratio)


@st.cache_data(max_entries=64, show_spinner=False)
def population_curve(separation, spread, prevalence):
    return roc.binormal_rates(np.linspace(-8, 12, 300), separation, spread, prevalence)


def auc_metrics(auc, auc_pairs, ap, population, sample, n, best, cost_ratio):
    """Threshold-free numbers: AUC two ways, average precision against its baseline, the cheapest threshold
    (``population`` is None for an uploaded file)."""
    baseline = roc.pr_baseline(sample.y)
    metric_row({"AUC": f"{auc:.3f}", "P(score₊ > score₋)": f"{auc_pairs:.3f}"},
               help={"P(score₊ > score₋)": "Chance that a random positive outscores a random negative — the meaning of AUC."})
    metric_row({"average precision": f"{ap:.3f}", "PR baseline": f"{baseline:.3f}"},
               help={"average precision": "The precision–recall curve summarised: precision averaged over the recall steps.",
                     "PR baseline": "What a random ranking scores: the share of positives in the sample."})
    positives = int(sample.y.sum())
    metric_row({"population AUC": f"{population:.3f}"} if population is not None else {"negatives": f"{n - positives:,}"}
               | {"positives": f"{positives:,}"},  # an uploaded file has no population
               help={"positives": f"Positive cases among the {n:,} in the sample."})
    metric_row({"cost-optimal threshold": "none positive" if not np.isfinite(best.threshold) else f"{best.threshold:.2f}",
                "its total cost": f"{best.cost:,.0f}"},
               help={"cost-optimal threshold": f"The sample threshold with the lowest FP + {cost_ratio:g}·FN.",
                     "its total cost": "False alarms cost 1 each, missed positives the cost ratio each."})


def model_controls():
    """The score model's controls: separation, spread, prevalence, sample size and seed."""
    separation = controls.slider("Class separation (mean of positives)", "roc_sep", 0.0, 4.0, 1.5, 0.1)
    spread = controls.slider("Spread of positive scores (σ)", "roc_spread", 0.3, 3.0, 1.0, 0.1,
                             help="Negatives always score N(0, 1).")
    prevalence = controls.log_slider("Prevalence (share of positives)", "roc_prev", PREVALENCES, 0.5,
                                     help="A rare disease has prevalence 0.01 or below.")
    n = controls.log_slider("Cases in the sample", "roc_n", SAMPLE_SIZES, 2000)
    seed = controls.slider("Sample seed", "roc_seed", 0, 20, 0)
    return separation, spread, prevalence, n, seed


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        threshold_box = st.container()  # the threshold comes first: it is what this page is about
        model_box = st.container()
        cost_ratio = controls.log_slider("Cost of a missed positive ÷ cost of a false alarm", "roc_cost",
                                         COST_RATIOS, 1.0,
                                         help="Sets the cost-optimal threshold (dotted, pink): the cheapest one on "
                                              "this sample.")
        weighted = controls.toggle("Scale by class frequency", "roc_weighted", True,
                                   help="On: the curves' areas are proportional to how many cases each class has.")
        own = own_data("roc", "labels_scores", slug="roc_auc")
    if own.is_user:  # the model's controls do nothing for a file; the download offers the default sample
        separation, spread, prevalence, n, seed = 1.5, 1.0, 0.5, 2000, 0
    else:
        with model_box:
            separation, spread, prevalence, n, seed = model_controls()
    sample, _, _, _, auc, auc_pairs, ap = sample_and_curves(n, separation, spread, prevalence, seed)
    own.offer(pd.DataFrame({"label": sample.y, "score": sample.scores.round(4)}))
    if own.is_user:
        sample, _, _, _, auc, auc_pairs, ap = own_curves(own.y, own.scores)
        n = len(own.y)
        best, _ = own_cost_optimum(own.y, own.scores, cost_ratio)
    else:
        best, _ = cost_optimum(n, separation, spread, prevalence, seed, cost_ratio)
    with charts_col:
        density_box, curves_box = st.container(), st.container()
    table_col, auc_col = st.columns([1.25, 1], gap="large")
    threshold_part(threshold_box, density_box, curves_box, table_col,
                   (n, separation, spread, prevalence, weighted, seed, cost_ratio), own)
    population = None if own.is_user else roc.binormal_auc(separation, spread)
    with auc_col:
        auc_metrics(auc, auc_pairs, ap, population, sample, n, best, cost_ratio)

    # The claims do not depend on the threshold slider, so moving it does not recompute them.
    probabilities = 1 / (1 + np.exp(-(2 * sample.scores - 5)))  # a monotone squashing: same ranking, new scale
    identities = [
        Identity("AUC, the area under the ROC curve, is the probability that a random positive scores higher "
                 "than a random negative.",
                 f"area {auc:.4f}", f"share of positive–negative pairs ranked right {auc_pairs:.4f}",
                 "the area is a sum over the curve's steps, and each step counts the negatives one more positive "
                 "outranks (the Mann–Whitney U statistic)."),
        Identity("AUC depends only on the ranking, so it says nothing about calibration.",
                 f"AUC of the scores {auc:.4f}",
                 f"AUC of p = 1/(1 + e^−(2s − 5)) {roc.auc(sample.y, probabilities):.4f} — yet the mean p is "
                 f"{probabilities.mean():.3f} against a share of positives of {sample.y.mean():.3f}",
                 "a strictly increasing transform keeps every pair's order, so the ROC curve and AUC cannot change; "
                 "whether p means a probability is a separate question (calibration)."),
    ]
    if own.is_user:  # the two checks are about the score model, which an uploaded file does not have
        return identities
    balanced = roc.equal_error_threshold(separation, spread)
    at_balance = roc.binormal_rates(balanced, separation, spread, prevalence)
    sensitivity, balanced_precision = float(at_balance["tpr"]), float(at_balance["precision"])
    # The same classifier (separation, spread, n, seed) at a second prevalence: a second sample.
    other = other_prevalence(prevalence)
    sample2, _, _, _, auc2, _, ap2 = sample_and_curves(n, separation, spread, other, seed)
    se = np.hypot(*(roc.auc_standard_error(population, int(t.y.sum()), int(len(t.y) - t.y.sum()))
                    for t in (sample, sample2)))
    return identities + [
        Claim("For a rare disease, a test with good sensitivity and specificity can still be wrong most of the "
              "times it says positive — watch precision, not accuracy.",
              f"at the threshold where sensitivity = specificity = {sensitivity:.3f} (t = {balanced:.2f}), accuracy "
              f"is {sensitivity:.3f} too, whatever the prevalence; at prevalence {prevalence:g} precision is "
              f"{fmt(balanced_precision)}"
              + ("" if sensitivity >= 0.8 else " (raise the separation to get a good test first)"),
              bool(sensitivity >= 0.8 and balanced_precision < 0.5)),
        Claim("The ROC curve does not depend on prevalence; the precision–recall curve does.",
              f"same classifier, prevalence {prevalence:g} → {other:g}: AUC {auc:.3f} → {auc2:.3f} (sampling error "
              f"±{3 * se:.3f}); average precision {ap:.3f} → {ap2:.3f}",
              bool(abs(auc - auc2) <= 3 * se and abs(ap - ap2) >= 0.05)),
    ]


topic_page("roc_auc", play)
