"""Random forest: one tree's boundary against the forest's, out-of-bag accuracy, and the spread of predictions."""
import textwrap

import numpy as np
import pandas as pd
import streamlit as st

from engine import forests as F
from engine.datasets import CLASSIFICATION, classification_2d, grid_2d
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import contour_path, heatmap_image
from ui.snippet import reproduce
from ui.snippet_data import classification_2d_code
from ui.theme import MUTED, NEGATIVE, PALETTE, POSITIVE, figure, show, square_axes
from ui.upload import HOLDOUT, MIN_PER_CLASS, axis_title, holdout, holdout_code, own_data

MAX_TREES = 60
GRID = 80
PROBE = 15
N_SETS = 6
FEATURE_LABELS = {1: "1 per split (random forest)", 2: "both (plain bagging)"}
MAX_ROWS = 1000  # an uploaded file: 60 trees, then 6 × 61 more for the spread, stay within seconds


@st.cache_data(max_entries=32, show_spinner=False)
def page_data(dataset, n, noise, seed, user=None):
    """The training data (X, y): the built-in generator's, or ``user`` = (X_fit, X_new, y_fit, y_new), an
    uploaded file split by ``ui.upload.holdout``."""
    if user is not None:
        return user[0], user[2]
    return classification_2d(dataset, n, noise, random_state=seed)


def new_data(dataset, noise, seed, user=None):
    """Data no tree saw: 1,000 fresh points from the generator, or the file's held-out rows."""
    if user is not None:
        return user[1], user[3]
    return classification_2d(dataset, 1000, noise, random_state=seed + 1000)


def resampled_sets(X, y, seed):
    """N_SETS bootstrap resamples of a file's training rows, drawn within each class (so both stay): the
    nearest a file comes to fresh training sets from its distribution."""
    rng = np.random.default_rng(seed)
    sets = []
    for _ in range(N_SETS):
        pick = np.concatenate([rng.choice(np.flatnonzero(y == c), size=int(np.sum(y == c))) for c in (0, 1)])
        sets.append((X[pick], y[pick]))
    return sets


@st.cache_data(max_entries=16, show_spinner="Growing the trees…")
def grow(dataset, n, noise, seed, max_depth, max_features, user=None):
    X, y = page_data(dataset, n, noise, seed, user)
    X_test, y_test = new_data(dataset, noise, seed, user)
    forest = F.make_forest(MAX_TREES, max_depth, max_features, random_state=seed).fit(X, y)
    tree = F.make_tree(max_depth, random_state=seed).fit(X, y)
    xs, ys, points = grid_2d(X, GRID)
    surfaces = F.staged_proba(forest, points).reshape(MAX_TREES, GRID, GRID).astype(np.float32)
    test_accuracy = ((F.staged_proba(forest, X_test) > 0.5) == y_test).mean(axis=1)
    oob = F.oob_curve(forest, X, y)
    return (X, y, xs, ys, surfaces, tree.predict_proba(points)[:, 1].reshape(GRID, GRID), test_accuracy,
            float(tree.score(X_test, y_test)), oob)


@st.cache_data(max_entries=16, show_spinner="Refitting on fresh training sets to measure the spread…")
def spread(dataset, n, noise, seed, max_depth, max_features, user=None):
    X, y = page_data(dataset, n, noise, seed, user)
    sets = (resampled_sets(X, y, seed) if user is not None else
            [classification_2d(dataset, n, noise, random_state=seed + 1 + i) for i in range(N_SETS)])
    _, _, probes = grid_2d(X, PROBE)
    return F.prediction_spread(sets, probes, MAX_TREES, max_depth, max_features, random_state=seed)


def boundaries_figure(X, y, xs, ys, tree_surface, forest_surface, k, names=None, classes=None):
    x1, x2 = (f"{axis_title(name)} (z-score)" for name in names) if names else ("x₁", "x₂")
    fig = figure("", height=470, margin=dict(t=40, b=110), legend=dict(y=-0.2, yanchor="top"),
                 xaxis=dict(domain=[0, 0.47], range=[xs[0], xs[-1]], title=x1), yaxis=dict(range=[ys[0], ys[-1]], title=x2),
                 xaxis2=dict(domain=[0.53, 1], range=[xs[0], xs[-1]], title=x1), yaxis2=dict(anchor="x2", range=[ys[0], ys[-1]]),
                 annotations=[dict(text="one decision tree", x=0.5, xref="x domain", y=1.02, yref="paper", yanchor="bottom",
                                   showarrow=False, font=dict(size=16)),
                              dict(text=f"forest of {k} tree{'s' if k > 1 else ''}: average P(class 1)", x=0.5,
                                   xref="x2 domain", y=1.02, yref="paper", yanchor="bottom", showarrow=False, font=dict(size=16))])
    square_axes(fig, "x", "y")
    square_axes(fig, "x2", "y2")
    for axis, surface in (("x", tree_surface), ("x2", forest_surface)):
        image_fig_axis(fig, xs, ys, surface, axis)
    labels = [f"class {axis_title(c)}" for c in classes] if classes else ["class 0", "class 1"]
    for value, name, color in zip((0, 1), labels, (NEGATIVE, POSITIVE)):
        members = y == value
        for axis in ("x", "x2"):
            fig.add_trace(dict(type="scatter", x=X[members, 0], y=X[members, 1], mode="markers", name=name,
                               showlegend=axis == "x", legendgroup=name, xaxis=axis, yaxis=axis.replace("x", "y"),
                               marker=dict(size=6, color=color, opacity=0.8)))
    return fig


def image_fig_axis(fig, xs, ys, surface, axis):
    """The probability surface as an image and its 0.5 contour, on one panel."""
    yaxis = axis.replace("x", "y")
    fig.layout.setdefault("images", []).append(dict(
        source=heatmap_image(surface, "RdBu_r", -1.5, 2.5), xref=axis, yref=yaxis, x=float(xs[0]), y=float(ys[-1]),
        sizex=float(xs[-1] - xs[0]), sizey=float(ys[-1] - ys[0]), sizing="stretch", layer="below", opacity=0.6,
        xanchor="left", yanchor="top"))
    path = contour_path(xs, ys, surface, 0.5)
    fig.add_shape(type="path", path=path or "M0,0", visible=bool(path), xref=axis, yref=yaxis,
                  line=dict(color="#111827", width=2))


def curves_figure(test_accuracy, tree_accuracy, oob, spread_result, k, user=False):
    trees = np.arange(1, MAX_TREES + 1)
    lowest = min(float(np.min(test_accuracy)), float(np.min(oob.accuracy)), tree_accuracy)
    floor = min(0.6, np.floor(lowest * 10) / 10) if user else 0.6  # a file's accuracy may lie lower
    spread_title = (f"Spread over {N_SETS} bootstrap resamples of your rows" if user
                    else f"Spread over {N_SETS} fresh training sets")
    fig = figure("", height=430, margin=dict(t=40, b=120), legend=dict(y=-0.25, yanchor="top"),
                 xaxis=dict(domain=[0, 0.45], range=[0, MAX_TREES + 1], title="trees in the forest"),
                 yaxis=dict(range=[floor, 1.0], title="accuracy"),
                 xaxis2=dict(domain=[0.57, 1], range=[0, MAX_TREES + 1], title="trees in the forest"),
                 yaxis2=dict(anchor="x2", title="variance of P(class 1)", rangemode="tozero"),
                 annotations=[dict(text="Accuracy", x=0.225, xref="paper", y=1.02, yref="paper", yanchor="bottom",
                                   showarrow=False, font=dict(size=16)),
                              dict(text=spread_title, x=0.785, xref="paper", y=1.02,
                                   yref="paper", yanchor="bottom", showarrow=False, font=dict(size=16))])
    fig.add_trace(dict(type="scatter", x=trees, y=test_accuracy, name="forest, held-out rows" if user else "forest, test",
                       line=dict(color="#111827", width=3)))
    fig.add_trace(dict(type="scatter", x=trees, y=oob.accuracy, name="forest, out-of-bag", line=dict(color=PALETTE[2], width=3, dash="dash")))
    fig.add_trace(dict(type="scatter", x=[0, MAX_TREES + 1], y=[tree_accuracy] * 2, name="one tree (test / spread)", mode="lines",
                       line=dict(color=MUTED, width=2.5, dash="dot")))
    fig.add_trace(dict(type="scatter", x=trees, y=spread_result.forest, name="forest, spread", xaxis="x2", yaxis="y2",
                       line=dict(color=PALETTE[0], width=3)))
    fig.add_trace(dict(type="scatter", x=[0, MAX_TREES + 1], y=[spread_result.tree] * 2, mode="lines", xaxis="x2", yaxis="y2",
                       showlegend=False, line=dict(color=MUTED, width=2.5, dash="dot"), name="one tree"))
    for xref in ("x", "x2"):
        fig.add_shape(type="line", x0=k, x1=k, y0=0, y1=1, xref=xref, yref=xref.replace("x", "y") + " domain",
                      line=dict(color="#111827", dash="dash", width=2))
    return fig


@live_part
def trees_part(k_box, boundary_box, curves_box, snippet_box, settings):
    dataset, n, noise, seed, max_depth, max_features, own = settings
    user = holdout(own.X, own.y) if own.is_user else None
    with k_box:
        k = controls.slider("Trees in the forest", "rf_trees", 1, MAX_TREES, 1)
    X, y, xs, ys, surfaces, tree_surface, test_accuracy, tree_accuracy, oob = grow(dataset, n, noise, seed, max_depth,
                                                                                  max_features, user)
    spread_result = spread(dataset, n, noise, seed, max_depth, max_features, user)
    forest_accuracy, forest_spread = float(test_accuracy[k - 1]), float(spread_result.forest[k - 1])
    with boundary_box:
        metric_row({"one tree, test": f"{tree_accuracy:.3f}", "forest, test": f"{forest_accuracy:.3f}",
                    "forest, out-of-bag": f"{oob.accuracy[k - 1]:.3f}"},
                   help={"forest, out-of-bag": f"Each point voted on only by the trees whose bootstrap sample missed it "
                                               f"({oob.coverage[k - 1]:.0%} of points have such a tree at {k} trees)."})
        show(boundaries_figure(X, y, xs, ys, tree_surface, surfaces[k - 1], k,
                               *((own.names[:2], own.classes) if own.is_user else ())), "rf_boundaries")
        if own.is_user:
            st.caption(f"Your file: the trees grow on {len(y)} of its rows; the other {len(user[3])} ({HOLDOUT:.0%}, "
                       "stratified) are held out as the test rows. The spread redraws the training rows by bootstrap, "
                       "within each class, since a file cannot give fresh samples.")
    with curves_box:
        show(curves_figure(test_accuracy, tree_accuracy, oob, spread_result, k, own.is_user), "rf_curves")
    with snippet_box:
        snippet(dataset, n, noise, seed, max_depth, max_features, k, tree_accuracy, forest_accuracy, float(oob.accuracy[k - 1]),
                own)
    new = f"the {len(user[3])} held-out rows of your file" if own.is_user else "1,000 new points"
    sets = f"{N_SETS} bootstrap resamples of your training rows" if own.is_user else f"{N_SETS} fresh training sets"
    return [
        Claim("A random forest is better than a single decision tree: averaging many trees reduces overfitting.",
              f"test accuracy on {new}: forest of {k} {forest_accuracy:.3f}, one tree {tree_accuracy:.3f}",
              bool(forest_accuracy > tree_accuracy)),
        Claim("Averaging trees lowers the variance of the prediction.",
              f"variance of P(class 1) across {sets}: forest of {k} {forest_spread:.4f}, "
              f"one tree {spread_result.tree:.4f}", bool(forest_spread < spread_result.tree)),
    ]


def snippet(dataset, n, noise, seed, max_depth, max_features, k, tree_accuracy, forest_accuracy, oob_accuracy,
            own=None):
    if own is not None and own.is_user:  # the student's file, split as the page splits it
        data = textwrap.indent(f"{own.code}\n{holdout_code()}\nX_train, X_test, y_train, y_test = X_fit, X_new, y_fit, y_new",
                               "    ").lstrip()
    else:
        data = (f"{classification_2d_code(dataset, n, noise, seed)}\n    X_train, y_train = X, y\n    "
                f"{classification_2d_code(dataset, 1000, noise, seed + 1000)}\n    X_test, y_test = X, y")
    code = f"""
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.tree import DecisionTreeClassifier
    {data}

    depth = {max_depth or None}
    tree = DecisionTreeClassifier(max_depth=depth, random_state={seed}).fit(X_train, y_train)
    forest = RandomForestClassifier(n_estimators={k}, max_depth=depth, max_features={max_features},
                                    random_state={seed}, oob_score={k >= 25}).fit(X_train, y_train)
    print(f"one tree, test: {{tree.score(X_test, y_test):.3f}}")
    print(f"forest, test: {{forest.score(X_test, y_test):.3f}}")
    """
    prints = {"one tree, test": f"{tree_accuracy:.3f}", "forest, test": f"{forest_accuracy:.3f}"}
    if k >= 25:  # with fewer trees some points are never out of bag and scikit-learn warns
        code = code.rstrip() + '\n    print(f"forest, out-of-bag: {forest.oob_score_:.3f}")\n'
        prints["forest, out-of-bag"] = f"{oob_accuracy:.3f}"
    reproduce("random_forest", code, prints)


def play():
    controls_col, charts_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        k_box = st.container()  # the number of trees first: it is what this page is about
        max_depth = controls.slider("max_depth (0 = grow until pure)", "rf_depth", 0, 10, 0)
        max_features = controls.choice("Features tried at each split", "rf_feat", [1, 2], labels=FEATURE_LABELS)
        generator_box = st.container()
        own = own_data("rf", "features_label", max_rows=MAX_ROWS, standardise=True, slug="random_forest",
                       min_per_class=MIN_PER_CLASS)
        snippet_box = st.container()
    if own.is_user:  # the generator's controls do nothing for a file; the download offers the default data
        dataset, n, noise, seed = "moons", 200, 0.3, 0
    else:
        with generator_box:
            dataset = controls.choice("Data set", "rf_data", list(CLASSIFICATION),
                                      labels={"blobs": "overlapping blobs", "xor": "XOR"}, index=1)
            n = controls.slider("Training points", "rf_n", 50, 400, 200, 50)
            noise = controls.slider("Noise", "rf_noise", 0.0, 0.6, 0.3, 0.05)
            seed = controls.slider("Seed", "rf_seed", 0, 20, 0)
    X0, y0 = page_data(dataset, n, noise, seed)
    own.offer(pd.DataFrame({"x1": X0[:, 0].round(4), "x2": X0[:, 1].round(4), "label": y0}))
    with charts_col:
        boundary_box = st.container()
        if own.is_user:  # the upload panel lengthens the controls column: the curves fill the space beside it
            curves_box = st.container()
    if not own.is_user:
        curves_box = st.container()
    trees_part(k_box, boundary_box, curves_box, snippet_box, (dataset, n, noise, seed, max_depth, max_features, own))
    return []


topic_page("random_forest", play)
