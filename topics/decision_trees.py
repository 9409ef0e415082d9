"""Decision trees: impurity against p, the split scan with its best threshold, and depth against the boundary."""
import textwrap

import numpy as np
import pandas as pd
import streamlit as st

from engine import trees
from engine.datasets import CLASSIFICATION, classification_2d, grid_2d
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_contours, add_heatmap_image, add_polylines, mark_point
from ui.snippet import reproduce
from ui.snippet_data import classification_2d_code
from ui.theme import MUTED, NEGATIVE, PALETTE, POSITIVE, figure, mark_x, show, square_axes
from ui.upload import HOLDOUT, MIN_PER_CLASS, axis_title, holdout, holdout_code, own_data

GRID = 90
MAX_DEPTH = 12
FEATURE_LABELS = {0: "x₁", 1: "x₂"}
IMPURITY_COLORS = {"gini": PALETTE[0], "entropy": PALETTE[1], "misclassification": PALETTE[2]}
MAX_ROWS = 1000   # an uploaded file: twelve trees and a 90 × 90 grid per setting stay well under a second


@st.cache_data(max_entries=32, show_spinner=False)
def page_data(dataset, n, noise, seed, user=None):
    """The data the trees are fitted on (X, y): the built-in generator's, or ``user`` = (X_fit, X_new, y_fit,
    y_new), an uploaded file split by ``holdout``."""
    if user is not None:
        return user[0], user[2]
    return classification_2d(dataset, n, noise, random_state=seed)


def new_data(dataset, noise, seed, user=None):
    """Data the trees never saw: 1,000 fresh points from the generator, or the file's held-out rows."""
    if user is not None:
        return user[1], user[3]
    return classification_2d(dataset, 1000, noise, random_state=seed + 1000)


@st.cache_data(max_entries=64, show_spinner=False)
def scans(dataset, n, noise, seed, criterion, user=None):
    X, y = page_data(dataset, n, noise, seed, user)
    return ([trees.split_scan(X, y, j, criterion) for j in range(2)], trees.best_split(X, y, "gini"),
            trees.best_split(X, y, "entropy"))


def data_box(X):
    low, high = np.floor(X.min(axis=0) * 2 - 1) / 2, np.ceil(X.max(axis=0) * 2 + 1) / 2
    return low, high


def split_line(feature, threshold, low, high):
    if feature == 0:
        return np.array([threshold, threshold]), np.array([low[1], high[1]])
    return np.array([low[0], high[0]]), np.array([threshold, threshold])


def axis_names(names):
    """Axis titles: x₁ and x₂, or for a file x₁ = its first chosen column and x₂ = its second (z-scores)."""
    if not names:
        return "x₁", "x₂"
    return tuple(f"{sub} = {axis_title(name)} (z-score)" for sub, name in zip(("x₁", "x₂"), names))


def class_names(classes):
    return [f"class {axis_title(c)}" for c in classes] if classes else ["class 0", "class 1"]


def data_figure(X, y, feature, threshold, best, names=None, classes=None):
    low, high = data_box(X)
    # The threshold goes in the title, not the legend: a legend entry is a trace, and a changed trace replots.
    fig = figure(f"The data and your split: {axis_names(names)[feature]} ≤ {threshold:g}", height=460, margin=dict(t=50, r=200),
                 legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top"))
    for value, name, color in zip((0, 1), class_names(classes), (NEGATIVE, POSITIVE)):
        members = y == value
        fig.add_trace(dict(type="scatter", x=X[members, 0], y=X[members, 1], mode="markers", name=name,
                           marker=dict(size=8, color=color, opacity=0.85)))
    add_polylines(fig, [split_line(best.feature, best.threshold, low, high)], "best split (either feature)",
                  line=dict(color=MUTED, width=3, dash="dash"))
    add_polylines(fig, [split_line(feature, threshold, low, high)], "your split",
                  line=dict(color="#111827", width=3))
    fig.update_xaxes(range=[low[0], high[0]], title=axis_names(names)[0])
    fig.update_yaxes(range=[low[1], high[1]], title=axis_names(names)[1])
    return square_axes(fig)


def scan_figure(scan, threshold, gain_here, criterion, parent_p, child_ps):
    """Left: gain against threshold for the chosen feature. Right: the three impurities against p."""
    p = np.linspace(0, 1, 201)
    counts = np.c_[1 - p, p] + 1e-300
    fig = figure(f"Gain ({criterion}) along {FEATURE_LABELS[scan.feature]}, and impurity against p", height=400,
                 xaxis=dict(domain=[0, 0.5], title=f"threshold on {FEATURE_LABELS[scan.feature]}"),
                 yaxis=dict(title="impurity decrease (gain)", rangemode="tozero"),
                 xaxis2=dict(domain=[0.62, 1], range=[0, 1], title="p = share of class 1 in a node"),
                 yaxis2=dict(anchor="x2", range=[0, 1.05], title="impurity"))
    if len(scan.thresholds):
        fig.add_trace(dict(type="scatter", x=scan.thresholds, y=scan.gains, mode="lines", line=dict(color="#111827", width=2, shape="hv"),
                           name="gain", showlegend=False))
        best = int(np.argmax(scan.gains))
        fig.add_trace(dict(type="scatter", x=[scan.thresholds[best]], y=[scan.gains[best]], mode="markers",
                           marker=dict(size=12, color=MUTED, symbol="diamond"), name="best on this feature"))
        fig.update_xaxes(range=[float(scan.thresholds[0]) - 0.25, float(scan.thresholds[-1]) + 0.25])
    fig.add_shape(type="line", x0=threshold, x1=threshold, y0=0, y1=1, xref="x", yref="y domain",
                  line=dict(color="#111827", dash="dash", width=2))
    mark_point(fig, threshold, gain_here, "your split", color=PALETTE[3])
    for name, f in (("gini", trees.gini), ("entropy", trees.entropy), ("misclassification", trees.misclassification)):
        fig.add_trace(dict(type="scatter", x=p, y=f(counts), name=name, xaxis="x2", yaxis="y2",
                           line=dict(color=IMPURITY_COLORS[name], width=3, dash="dot" if name == "misclassification" else None)))
    impurity = trees.gini if criterion == "gini" else trees.entropy
    mark_point(fig, parent_p, impurity([1 - parent_p, parent_p]), "parent", xref="x2", yref="y2", color="#111827")
    for i, child in enumerate(child_ps):
        if child is not None:
            mark_point(fig, child, impurity([1 - child, child]), "children", xref="x2", yref="y2",
                       showlegend=i == 0, color=PALETTE[3])
    return fig


@live_part
def threshold_part(threshold_box, data_box_, scan_box, settings):
    dataset, n, noise, seed, criterion, feature, user, names, classes = settings
    X, y = page_data(dataset, n, noise, seed, user)
    low, high = data_box(X)
    with threshold_box:
        threshold = controls.slider(f"Split threshold on {FEATURE_LABELS[feature]}", "dt_t", -2.0, 3.0, 0.5, 0.05,
                                    help="Points with the feature ≤ threshold go left.")
    (scan_0, scan_1), best_gini, best_entropy = scans(dataset, n, noise, seed, criterion, user)
    scan = (scan_0, scan_1)[feature]
    left = X[:, feature] <= threshold
    count = lambda part: np.bincount(y[part], minlength=2)
    impurity = trees.IMPURITY[criterion]
    gain_here = 0.0
    child_ps = [None, None]
    if left.any() and (~left).any():
        gain_here = impurity(count(np.ones(len(y), bool))) - (left.sum() * impurity(count(left))
                                                             + (~left).sum() * impurity(count(~left))) / len(y)
        child_ps = [float(y[left].mean()), float(y[~left].mean())]
    best = best_gini if criterion == "gini" else best_entropy
    with data_box_:
        metric_row({"your split's gain": f"{gain_here:.4f}",
                    "best split": f"{FEATURE_LABELS[best.feature]} ≤ {best.threshold:.3f}",
                    "its gain": f"{best.gain:.4f}"})
        show(data_figure(X, y, feature, threshold, best, names, classes), "dt_points")
    with scan_box:
        show(scan_figure(scan, threshold, gain_here, criterion, float(y.mean()), child_ps), "dt_scan")
    return []


@st.cache_data(max_entries=32, show_spinner=False)
def depth_data(dataset, n, noise, seed, criterion, user=None):
    X, y = page_data(dataset, n, noise, seed, user)
    X_test, y_test = new_data(dataset, noise, seed, user)
    sweep = trees.depth_sweep(X, y, X_test, y_test, MAX_DEPTH, criterion)
    xs, ys, points = grid_2d(X, GRID)
    surfaces = [trees.fit_tree(X, y, d, criterion).predict_proba(points)[:, 1].reshape(GRID, GRID)
                for d in range(1, MAX_DEPTH + 1)]
    return X, y, sweep, xs, ys, surfaces


def boundary_figure(X, y, xs, ys, surface, depth, names=None, classes=None):
    fig = figure(f"Depth {depth}: the tree's regions", height=460, margin=dict(t=50))
    add_heatmap_image(fig, xs, ys, surface, "RdBu_r", -1.5, 2.5, opacity=0.6)  # 0 and 1 land on light tints
    add_contours(fig, xs, ys, surface, 0.5, "boundary")
    for value, name, color in zip((0, 1), class_names(classes), (NEGATIVE, POSITIVE)):
        members = y == value
        fig.add_trace(dict(type="scatter", x=X[members, 0], y=X[members, 1], mode="markers", name=name,
                           marker=dict(size=7, color=color)))
    fig.update_xaxes(range=[xs[0], xs[-1]], title=axis_names(names)[0])
    fig.update_yaxes(range=[ys[0], ys[-1]], title=axis_names(names)[1])
    return square_axes(fig)


def accuracy_figure(sweep, depth, new_points="test (1,000 new points)"):
    fig = figure("Accuracy against depth", height=460, margin=dict(t=50),
                 xaxis=dict(title="max_depth", range=[0.5, MAX_DEPTH + 0.5], dtick=1),
                 yaxis=dict(title="accuracy", range=[0.45, 1.02]))
    fig.add_trace(dict(type="scatter", x=sweep.depths, y=sweep.train, name="training", mode="lines+markers",
                       line=dict(color=PALETTE[2], width=3, dash="dash")))
    fig.add_trace(dict(type="scatter", x=sweep.depths, y=sweep.test, name=new_points, mode="lines+markers",
                       line=dict(color="#111827", width=3)))
    mark_x(fig, depth, f"depth {depth}")
    return fig


@live_part
def depth_part(depth_box, boundary_box, accuracy_box, settings):
    dataset, n, noise, seed, criterion, user, names, classes = settings
    with depth_box:
        depth = controls.slider("max_depth", "dt_depth", 1, MAX_DEPTH, 3)
    X, y, sweep, xs, ys, surfaces = depth_data(dataset, n, noise, seed, criterion, user)
    with boundary_box:
        show(boundary_figure(X, y, xs, ys, surfaces[depth - 1], depth, names, classes), "dt_boundary")
    with accuracy_box:
        show(accuracy_figure(sweep, depth, *(() if user is None else (f"test ({len(user[3])} held-out rows)",))),
             "dt_accuracy")
    train, test = float(sweep.train[depth - 1]), float(sweep.test[depth - 1])
    return [Claim("Training accuracy is a fair guide to accuracy on new data (within 5 points).",
                  f"depth {depth}: training {train:.3f}, test {test:.3f} ({sweep.leaves[depth - 1]} leaves)",
                  bool(train - test <= 0.05))]


def play():
    controls_col, charts_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        threshold_box = st.container()  # the threshold first: this section is about the split search
        feature = controls.choice("Feature to split on", "dt_feat", [0, 1], labels=FEATURE_LABELS, horizontal=True)
        criterion = controls.choice("Criterion", "dt_crit", list(trees.CRITERIA), horizontal=True)
        generator_box = st.container()
        own = own_data("dt", "features_label", max_rows=MAX_ROWS, standardise=True, slug="decision_trees",
                       min_per_class=MIN_PER_CLASS)
        snippet_box = st.container()
    if own.is_user:  # the generator's controls do nothing for a file; the download offers the default data
        dataset, n, noise, seed = "moons", 200, 0.3, 0
    else:
        with generator_box:
            dataset = controls.choice("Data set", "dt_data", list(CLASSIFICATION),
                                      labels={"blobs": "overlapping blobs", "xor": "XOR"}, index=1)
            n = controls.slider("Points", "dt_n", 40, 400, 200, 20)
            noise = controls.slider("Noise", "dt_noise", 0.0, 0.6, 0.3, 0.05)
            seed = controls.slider("Seed", "dt_seed", 0, 20, 0)
    X0, y0 = page_data(dataset, n, noise, seed)
    own.offer(pd.DataFrame({"x1": X0[:, 0].round(4), "x2": X0[:, 1].round(4), "label": y0}))
    user = holdout(own.X, own.y) if own.is_user else None
    names, classes = (own.names[:2], own.classes) if own.is_user else (None, None)
    with charts_col:
        if own.is_user:
            st.caption(f"Your file: the trees are fitted on {len(user[2])} of its rows; the other {len(user[3])} "
                       f"({HOLDOUT:.0%}, stratified) are held out as new data for the depth section below.")
        data_box_ = st.container()
    scan_box = st.container()
    threshold_part(threshold_box, data_box_, scan_box, (dataset, n, noise, seed, criterion, feature, user, names,
                                                        classes))
    scored = (f"scored on the {len(user[3])} held-out rows of your file, which no tree was fitted on." if own.is_user
              else "scored on 1,000 fresh points from the same distribution.")
    st.markdown("### Depth: from one split to memorising the data\n\nThe same data and criterion; a tree of each "
                "depth, " + scored)
    depth_box = st.container()
    boundary_col, accuracy_col = st.columns(2, gap="large")
    depth_part(depth_box, boundary_col, accuracy_col, (dataset, n, noise, seed, criterion, user, names, classes))
    _, best_gini, best_entropy = scans(dataset, n, noise, seed, criterion, user)
    with snippet_box:
        snippet(dataset, n, noise, seed, best_gini, best_entropy, own)
    same = best_gini.feature == best_entropy.feature and abs(best_gini.threshold - best_entropy.threshold) < 1e-9
    return [Claim("Gini and entropy choose the same split.",
                  f"Gini splits at {FEATURE_LABELS[best_gini.feature]} ≤ {best_gini.threshold:.3f}, entropy at "
                  f"{FEATURE_LABELS[best_entropy.feature]} ≤ {best_entropy.threshold:.3f}", same)]


def user_code(own):
    """Lines that load the student's file as the page does and keep the rows the trees are fitted on."""
    return textwrap.indent(f"{own.code}\n{holdout_code()}\nX, y = X_fit, y_fit  # the rest is held out",
                           "    ").lstrip()


def snippet(dataset, n, noise, seed, best_gini, best_entropy, own=None):
    data = user_code(own) if own is not None and own.is_user else classification_2d_code(dataset, n, noise, seed)
    code = f"""
    import numpy as np
    from sklearn.tree import DecisionTreeClassifier
    {data}
    X = X.astype(np.float32).astype(float)  # as a tree sees it
    for criterion in ("gini", "entropy"):
        root = DecisionTreeClassifier(max_depth=1, criterion=criterion, random_state=0).fit(X, y).tree_
        w = root.weighted_n_node_samples
        gain = root.impurity[0] - (w[1] * root.impurity[1] + w[2] * root.impurity[2]) / w[0]
        print(f"{{criterion}} split: x{{root.feature[0] + 1}} <= {{root.threshold[0]:.3f}}")
        print(f"{{criterion}} gain: {{gain:.4f}}")
    """
    prints = {}
    for name, split in (("gini", best_gini), ("entropy", best_entropy)):
        prints[f"{name} split"] = f"x{split.feature + 1} <= {split.threshold:.3f}"
        prints[f"{name} gain"] = f"{split.gain:.4f}"
    reproduce("decision_trees", code, prints)


topic_page("decision_trees", play)
