"""K-means: assign and update half-steps with Play, inertia per step, bad starts and the elbow."""
import textwrap

import numpy as np
import pandas as pd
import streamlit as st
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from engine import clustering
from engine.datasets import clustering_2d
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_polylines, mark_point
from ui.snippet import reproduce
from ui.steps import (add_play, cluster_data_code, cluster_data_controls, frame, frame_indices, label_colors,
                      step_slider)
from ui.theme import PALETTE, figure, mark_x, show, square_axes
from ui.upload import axis_title, own_data

INIT_LABELS = {"k-means++": "k-means++", "random": "random points", "bad": "bad (all in one cluster)"}
ELBOW_KS = list(range(1, 11))
N = 300
RESTARTS = 10
STRETCH = 10.0  # the "other units" toggle multiplies x₁ by this before clustering


def outlier_point(X):
    """One far point: 8 units right of the data, at its mean height."""
    return np.array([X[:, 0].max() + 8.0, X[:, 1].mean()])


@st.cache_data(max_entries=64, show_spinner=False)
def builtin_data(dataset, k_true, seed):
    """The built-in data set's points, (N, 2)."""
    return clustering_2d(dataset, N, k_true, random_state=seed)[0]


def data(X, stretch, outlier):
    """The points ``X`` (built-in or uploaded, (n, 2)) as drawn (x₁ in the original units, the outlier appended)
    and as clustered (x₁ × STRETCH)."""
    if outlier:
        X = np.r_[X, outlier_point(X)[None]]
    return X, X * [STRETCH, 1.0] if stretch else X


@st.cache_data(max_entries=64, show_spinner=False)
def run(X, k, init, seed, stretch=False, outlier=False):
    """Lloyd's steps on ``X`` (built-in or uploaded, (n, 2)), scikit-learn's run from the same start and the
    best of RESTARTS k-means++ restarts."""
    X, fitted = data(X, stretch, outlier)
    steps = clustering.kmeans_steps(fitted, k, init=init, random_state=seed)
    with threadpool_limits(1):  # OpenMP threads fighting over a shared server's cores made these ~40× slower
        reference = KMeans(k, init=steps[0].centers, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(fitted)
        restarts = KMeans(k, n_init=RESTARTS, random_state=seed).fit(fitted).inertia_
    return X, steps, reference, float(restarts)


@st.cache_data(max_entries=32, show_spinner=False)
def elbow_curve(X, seed, stretch=False, outlier=False):
    _, fitted = data(X, stretch, outlier)
    return clustering.elbow(fitted, ELBOW_KS, random_state=seed)


def describe(step, previous):
    if step.kind == "assign" and step.iteration == 0:
        return "starting centres placed; each point joins its nearest centre"
    if step.kind == "update":
        moved = float(np.linalg.norm(step.centers - previous.centers, axis=1).max())
        return f"update: each centre moves to the mean of its points (largest move {moved:.3f})"
    changed = int(np.sum(step.labels != previous.labels))
    return (f"assign: {changed} point(s) switched to a nearer centre" if changed
            else "assign: no point changed cluster — converged")


def draw_step(fig, X, steps, index, scale=1.0):
    """Step ``index`` on ``fig``, all of it layout (ui.shapes), so every step redraws fast: the points coloured
    by cluster, the centres and the dotted path each just moved along. ``scale`` divides x₁ of the centres
    (clustered in stretched units, drawn in the original ones)."""
    to_screen = np.array([scale, 1.0])
    step, previous = steps[index], steps[max(index - 1, 0)].centers / to_screen
    add_dots(fig, X[:, 0], X[:, 1], label_colors(step.labels))
    centers = step.centers / to_screen
    add_polylines(fig, [(np.array([a[0], b[0]]), np.array([a[1], b[1]])) for a, b in zip(previous, centers)],
                  "centre moved", line=dict(color="#111827", width=2, dash="dot"), showlegend=False)
    for j, (color, (x, y)) in enumerate(zip(label_colors(np.arange(len(centers))), centers)):
        mark_point(fig, x, y, "centres", size=9, color=color, width=4, outline="#111827", showlegend=j == 0)
    return fig


def step_title(steps, index):
    return f"K-means, step {index}: {steps[index].kind}"


@st.cache_data(max_entries=32, show_spinner=False)
def animation_frames(X, k, init, seed, stretch=False, outlier=False):
    X, steps, _, _ = run(X, k, init, seed, stretch, outlier)
    scale = STRETCH if stretch else 1.0
    return [frame(str(i), draw_step(figure(step_title(steps, i)), X, steps, i, scale)) for i in frame_indices(len(steps))]


def steps_figure(X, steps, index, frames, scale=1.0, names=None):
    fig = draw_step(figure(step_title(steps, index), height=540), X, steps, index, scale)
    pad = 0.6
    fig.update_xaxes(range=[X[:, 0].min() - pad, X[:, 0].max() + pad])
    fig.update_yaxes(range=[X[:, 1].min() - pad, X[:, 1].max() + pad])
    if names:  # an uploaded file: its columns, as z-scores
        fig.update_xaxes(title=dict(text=f"{axis_title(names[0])} (z-score)", standoff=52))  # below ▶ Play
        fig.update_yaxes(title=f"{axis_title(names[1])} (z-score)")
    return square_axes(add_play(fig, frames, index))


def inertia_figure(steps, index):
    fig = figure("Inertia after each half-step", height=300)
    fig.add_trace(dict(type="scatter", x=np.arange(len(steps)), y=[s.inertia for s in steps], mode="lines+markers",
                       line=dict(color=PALETTE[0], width=3),
                       marker=dict(size=9, color=[PALETTE[1] if s.kind == "update" else PALETTE[0] for s in steps]),
                       name="inertia", showlegend=False))
    mark_x(fig, index, f"step {index}")
    fig.update_xaxes(title="step (orange = update)")
    fig.update_yaxes(title="sum of squared distances")
    return fig


def elbow_figure(inertias, k):
    fig = figure("Elbow: best inertia for each k", height=300)
    fig.add_trace(dict(type="scatter", x=ELBOW_KS, y=inertias, mode="lines+markers", line=dict(color=PALETTE[2], width=3),
                       showlegend=False))
    mark_x(fig, k, f"k = {k}")
    fig.update_xaxes(title="k", dtick=1)
    fig.update_yaxes(title="inertia")
    return fig


@live_part
def stepper(step_box, figure_box, inertia_box, settings, names=None):
    """The step slider and what it moves: the scatter with its centres and the inertia marker."""
    X, steps, _, _ = run(*settings)
    with step_box:
        index = step_slider("km", [f"{describe(s, steps[max(i - 1, 0)])}; inertia now {s.inertia:.1f}"
                                   for i, s in enumerate(steps)])
    with figure_box:
        show(steps_figure(X, steps, index, animation_frames(*settings), STRETCH if settings[4] else 1.0, names),
             "km_steps")
    with inertia_box:
        show(inertia_figure(steps, index), "km_inertia")


def literal(array) -> str:
    """A numpy array as Python source that rebuilds it exactly (repr of each float)."""
    return "np.array([" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in array) + "])"


def snippet(settings, source, steps, own):
    """Lloyd's algorithm in scikit-learn from the page's start, on the built-in data or the student's file."""
    _, k, init, seed, stretch, outlier = settings
    dataset, k_true = source
    last = steps[-1]
    if own.is_user:  # the student's file, loaded (and standardised) as the page loaded it
        code = f"import numpy as np\n{own.code}\n"
    else:
        code = textwrap.dedent(cluster_data_code(dataset, N, k_true, seed)).strip() + "\n"
    code += "from sklearn.cluster import KMeans\n"
    if outlier:
        code += "X = np.r_[X, [[X[:, 0].max() + 8.0, X[:, 1].mean()]]]  # one far point\n"
    if stretch:
        code += f"X = X * [{STRETCH}, 1.0]  # x1 in units {STRETCH:g} times smaller, not rescaled\n"
    code += textwrap.dedent(f"""
        start = {literal(steps[0].centers)}  # the page's starting centres ({INIT_LABELS[init]})
        km = KMeans(n_clusters={k}, init=start, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
        print(f"final inertia: {{km.inertia_:.4f}}")
        print(f"iterations (n_iter_): {{km.n_iter_}}")  # counts the last pass, which changes nothing
        """)
    reproduce("kmeans", code, {"final inertia": f"{last.inertia:.4f}",
                               "iterations (n_iter_)": f"{last.iteration + 1}"})


def play():
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        step_box = st.container()  # the step slider comes first: stepping is what this page is for
        data_box = st.container()
        own = own_data("km", "features", max_rows=1000, standardise=True, slug="kmeans")
    with data_box:  # a file hides the generator's controls (data set, clusters in it); k and the seed stay
        dataset, k_true, k, seed = cluster_data_controls("km", builtin=not own.is_user)
        init = controls.choice("Starting centres", "km_init", list(clustering.INITS), index=1, labels=INIT_LABELS)
        x_name = "the x-axis feature" if own.is_user else "x₁"
        stretch = controls.toggle(f"{'x-axis feature' if own.is_user else 'x₁'} × {STRETCH:g}, not rescaled",
                                  "km_stretch", help=f"K-means on {x_name} × 10; the chart still draws {x_name} "
                                                     "in the original units.")
        outlier = controls.toggle("Add one far outlier", "km_outlier")
    X0 = builtin_data(dataset, k_true, seed)
    own.offer(pd.DataFrame(X0.round(4), columns=["x1", "x2"]))
    if own.is_user:
        X0 = own.X
    settings = (X0, k, init, seed, stretch, outlier)
    if own.is_user:  # up to 1,000 points, twelve K-means runs: a second or so the first time
        with st.spinner("Running K-means on your data…"):
            X, steps, reference, best_inertia = run(*settings)
    else:
        X, steps, reference, best_inertia = run(*settings)
    with chart_col:  # what does not change with the step stays out of the step's fragment
        metric_row({"final inertia": f"{steps[-1].inertia:.1f}", "iterations to converge": f"{steps[-1].iteration}",
                    f"best of {RESTARTS} restarts": f"{best_inertia:.1f}"})
        figure_box = st.container()
        if own.is_user:  # the upload panel lengthens the controls column: the inertia and elbow charts fill the gap
            inertia_col, elbow_col = st.columns(2)
    if not own.is_user:
        inertia_col, elbow_col = st.columns(2)
    stepper(step_box, figure_box, inertia_col, settings, own.names if own.is_user else None)
    with elbow_col:
        if own.is_user:  # ten k-means++ fits on up to 1,000 points: a second or two the first time
            with st.spinner("Computing the elbow curve for your data…"):
                inertias = elbow_curve(X0, seed, stretch, outlier)
        else:
            inertias = elbow_curve(X0, seed, stretch, outlier)
        show(elbow_figure(inertias, k), "km_elbow")
    if text := side_notes(settings, X, steps, best_inertia, own.is_user):
        st.markdown(text)
    snippet(settings, (dataset, k_true), steps, own)

    inertias = np.array([s.inertia for s in steps])
    final = steps[-1].inertia
    beaten = final > best_inertia * (1 + 1e-6)
    return [
        Identity("The inertia never rises under Lloyd's steps: each assign and each update can only lower it or "
                 "leave it, so K-means always stops.",
                 f"half-steps (of {len(steps) - 1}) where the inertia rose", f"{int(np.sum(np.diff(inertias) > 1e-9))}",
                 "assigning each point to its nearest centre, and moving each centre to its points' mean, each "
                 "minimise the inertia over what they change; there are finitely many assignments."),
        Claim("K-means finds the best clustering.",
              f"this start ends at inertia {final:.1f}; the best of {RESTARTS} k-means++ restarts reaches "
              f"{best_inertia:.1f}" + (" — a better clustering exists, so this run stopped in a local minimum"
                                       if beaten else f" — {RESTARTS} restarts found nothing better: not refuted, "
                                                      "though not proven either"),
              not beaten),
        Identity("These hand-written steps are Lloyd's algorithm: scikit-learn's KMeans(algorithm=\"lloyd\") from "
                 "the same start ends at the same inertia.",
                 f"final inertia here {final:.4f}", f"scikit-learn {reference.inertia_:.4f}",
                 "the same start, the same two half-steps, and an empty cluster moved to the farthest point as "
                 "scikit-learn does; tests/engine/test_clustering.py checks the centres in every state."),
    ]


def side_notes(settings, X, steps, best_inertia, user=False):
    """What the toggles and the start do, measured: units, the outlier's pull, k-means++'s guarantee.
    ``user``: the points are the student's file (z-scores), not the built-in generator's."""
    X0, k, init, seed, stretch, outlier = settings
    lines = []
    if stretch:
        plain = run(X0, k, init, seed, False, outlier)[1][-1].labels
        agreement = adjusted_rand_score(plain, steps[-1].labels)
        x_name = "the x-axis feature" if user else "x₁"
        survives = (" — this split happens to survive; try another k." if user else
                    " — this split happens to survive; try round blobs with k = 3.")
        lines.append(f"**Units matter.** With {x_name} ×{STRETCH:g}, distance is almost all {x_name}. Agreement (ARI) "
                     f"between the clusters found in these units and in the original ones, from the same kind of "
                     f"start: {agreement:.2f}" + (" — the units changed the clustering. Standardise the features "
                                                  "first." if agreement < 0.95 else survives))
    if outlier:
        labels = steps[-1].labels
        members = labels == labels[-1]
        pull = float(np.linalg.norm(X[-1] - X[:-1][members[:-1]].mean(axis=0)) / members.sum()) if members.sum() > 1 else 0.0
        lines.append(f"**An outlier drags a mean.** The far point joins a cluster of {int(members.sum())} point(s)"
                     + (f" and pulls its centre {pull:.2f} {'standard deviations' if user else 'units'} towards "
                        "itself: the mean is not robust."
                        if members.sum() > 1 else ": a whole centre is spent on one point."))
    if init == "k-means++":
        bound = 8 * (np.log(k) + 2)
        lines.append(f"**k-means++ guarantee.** Its start alone has inertia {steps[0].inertia:.1f}, "
                     f"{steps[0].inertia / best_inertia:.2f}× the best found; in expectation it is within "
                     f"8(ln k + 2) = {bound:.1f}× the optimum, an O(log k) factor (Arthur & Vassilvitskii, 2007).")
    return "\n\n".join(lines) if lines else ""


topic_page("kmeans", play)
