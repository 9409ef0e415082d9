"""K-means: assign and update half-steps with Play, inertia per step, bad starts and the elbow."""
import numpy as np
import pandas as pd
import streamlit as st
from sklearn.cluster import KMeans

from engine import clustering
from engine.datasets import clustering_2d
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_polylines, mark_point
from ui.steps import add_play, cluster_data_controls, frame, frame_indices, label_colors, step_slider
from ui.theme import PALETTE, figure, mark_x, show, square_axes
from ui.upload import axis_title, own_data

INIT_LABELS = {"k-means++": "k-means++", "random": "random points", "bad": "bad (all in one cluster)"}
ELBOW_KS = list(range(1, 11))


@st.cache_data(max_entries=64, show_spinner=False)
def builtin_data(dataset, k_true, seed):
    return clustering_2d(dataset, 300, k_true, random_state=seed)[0]


@st.cache_data(max_entries=64, show_spinner=False)
def run(X, k, init, seed):
    """The points ``X`` (built-in or uploaded, (n, 2)) clustered step by step, and scikit-learn's runs."""
    steps = clustering.kmeans_steps(X, k, init=init, random_state=seed)
    reference = KMeans(k, init=steps[0].centers, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
    restarts = KMeans(k, n_init=10, random_state=seed).fit(X).inertia_
    return X, steps, float(reference.inertia_), float(restarts)


@st.cache_data(max_entries=32, show_spinner=False)
def elbow_curve(X, seed):
    return clustering.elbow(X, ELBOW_KS, random_state=seed)


def describe(step, previous):
    if step.kind == "assign" and step.iteration == 0:
        return "starting centres placed; each point joins its nearest centre"
    if step.kind == "update":
        moved = float(np.linalg.norm(step.centers - previous.centers, axis=1).max())
        return f"update: each centre moves to the mean of its points (largest move {moved:.3f})"
    changed = int(np.sum(step.labels != previous.labels))
    return (f"assign: {changed} point(s) switched to a nearer centre" if changed
            else "assign: no point changed cluster — converged")


def draw_step(fig, X, steps, index):
    """Step ``index`` on ``fig``, all of it layout (ui.shapes), so every step redraws fast: the points coloured
    by cluster, the centres and the dotted path each just moved along."""
    step, previous = steps[index], steps[max(index - 1, 0)].centers
    add_dots(fig, X[:, 0], X[:, 1], label_colors(step.labels))
    add_polylines(fig, [(np.array([a[0], b[0]]), np.array([a[1], b[1]])) for a, b in zip(previous, step.centers)],
                  "centre moved", line=dict(color="#111827", width=2, dash="dot"), showlegend=False)
    for j, (color, (x, y)) in enumerate(zip(label_colors(np.arange(len(step.centers))), step.centers)):
        mark_point(fig, x, y, "centres", size=9, color=color, width=4, outline="#111827", showlegend=j == 0)
    return fig


def step_title(steps, index):
    return f"K-means, step {index}: {steps[index].kind}"


@st.cache_data(max_entries=32, show_spinner=False)
def animation_frames(X, k, init, seed):
    X, steps, _, _ = run(X, k, init, seed)
    return [frame(str(i), draw_step(figure(step_title(steps, i)), X, steps, i)) for i in frame_indices(len(steps))]


def steps_figure(X, steps, index, frames, names=None):
    fig = draw_step(figure(step_title(steps, index), height=540), X, steps, index)
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
        show(steps_figure(X, steps, index, animation_frames(*settings), names), "km_steps")
    with inertia_box:
        show(inertia_figure(steps, index), "km_inertia")


def play():
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        step_box = st.container()  # the step slider comes first: stepping is what this page is for
        data_box = st.container()
        own = own_data("km", "features", max_rows=1000, standardise=True, slug="kmeans")
    with data_box:
        dataset, k_true, k, seed = cluster_data_controls("km", builtin=not own.is_user)
        init = controls.choice("Starting centres", "km_init", list(clustering.INITS), index=1, labels=INIT_LABELS)
    X = builtin_data(dataset, k_true, seed)
    own.offer(pd.DataFrame(X.round(4), columns=["x1", "x2"]))
    if own.is_user:
        X = own.X
    X, steps, sklearn_inertia, best_inertia = run(X, k, init, seed)
    with chart_col:  # what does not change with the step stays out of the step's fragment
        metric_row({"final inertia": f"{steps[-1].inertia:.1f}", "iterations to converge": f"{steps[-1].iteration}",
                    "best of 10 restarts": f"{best_inertia:.1f}"})
        figure_box = st.container()
    inertia_col, elbow_col = st.columns(2)
    stepper(step_box, figure_box, inertia_col, (X, k, init, seed), own.names if own.is_user else None)
    with elbow_col:
        if own.is_user:  # ten k-means++ fits on up to 1,000 points: a second or two the first time
            with st.spinner("Computing the elbow curve for your data…"):
                inertias = elbow_curve(X, seed)
        else:
            inertias = elbow_curve(X, seed)
        show(elbow_figure(inertias, k), "km_elbow")

    inertias = np.array([s.inertia for s in steps])
    final = steps[-1].inertia
    return [
        Claim("Every assign and every update step can only lower the inertia, so K-means always converges.",
              f"largest change between consecutive steps: {np.diff(inertias).max(initial=0.0):+.3g} "
              f"over {len(steps) - 1} steps", bool(np.all(np.diff(inertias) <= 1e-9))),
        Claim("K-means finds the best clustering.",
              f"this start ends at inertia {final:.1f}; the best of 10 k-means++ restarts reaches {best_inertia:.1f}",
              final <= best_inertia * (1 + 1e-6)),
        Claim("These hand-written steps are Lloyd's algorithm: scikit-learn's KMeans from the same start agrees.",
              f"final inertia here {final:.4f}; scikit-learn {sklearn_inertia:.4f}",
              abs(final - sklearn_inertia) <= 1e-6 * max(1.0, final)),
    ]


topic_page("kmeans", play)
