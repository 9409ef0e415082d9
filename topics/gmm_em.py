"""EM for Gaussian mixtures: E-steps colour points by responsibility, M-steps move the ellipses."""
import warnings

import numpy as np
import pandas as pd
import streamlit as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

from engine import clustering
from engine.datasets import clustering_2d
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_polylines, mark_point
from ui.steps import add_play, cluster_data_controls, cluster_marker, frame, frame_indices, label_colors, step_slider
from ui.theme import PALETTE, figure, mark_x, show, square_axes
from ui.upload import axis_title, own_data

KIND_TEXT = {"init": "start: equal weights, k-means++ means, the data's covariance for every component",
             "E": "E-step: each point's responsibilities recomputed (faded points are shared between components)",
             "M": "M-step: weights, means and covariances re-estimated from the responsibilities (ellipses move)"}


@st.cache_data(max_entries=64, show_spinner=False)
def builtin_data(dataset, k_true, seed):
    return clustering_2d(dataset, 300, k_true, random_state=seed)


def run(X, truth, k, seed):
    """EM on the points ``X`` (n, 2), K-means' labels and scikit-learn's check; ``truth`` is None for a file.

    An uploaded file (up to 1,000 rows) keeps ~13 MB of responsibilities per run, so its runs have a small
    cache of their own."""
    return (run_builtin if truth is not None else run_own)(X, truth, k, seed)


@st.cache_data(max_entries=4, show_spinner="Running EM on your data…")
def run_own(X, truth, k, seed):
    return fit(X, truth, k, seed)


@st.cache_data(max_entries=64, show_spinner=False)
def run_builtin(X, truth, k, seed):
    return fit(X, truth, k, seed)


def fit(X, truth, k, seed):
    steps = clustering.gmm_em_steps(X, k, max_iter=100, random_state=seed)
    kmeans_labels = clustering.kmeans_steps(X, k, random_state=seed)[-1].labels
    init = clustering.gmm_initial(X, k, random_state=seed)
    iterations = steps[-1].iteration
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = GaussianMixture(k, weights_init=init[0], means_init=init[1], precisions_init=np.linalg.inv(init[2]),
                                    max_iter=iterations, tol=0, reg_covar=clustering.REG_COVAR).fit(X)
    return X, truth, steps, kmeans_labels, float(np.abs(reference.means_ - steps[-1].means).max())


def draw_step(fig, X, step):
    """One step on ``fig``, all of it layout (ui.shapes), so every step redraws fast: the points coloured by
    their most responsible component and faded by how sure it is, and each component's 1σ and 2σ ellipses
    and mean."""
    if step.kind == "init":
        add_dots(fig, X[:, 0], X[:, 1], "#9CA3AF")
    else:  # colour = most responsible component, opacity = how sure (faded points are shared)
        resp = step.responsibilities
        add_dots(fig, X[:, 0], X[:, 1], label_colors(resp.argmax(axis=1)), opacity=resp.max(axis=1))
    for j, (mean, cov, weight) in enumerate(zip(step.means, step.covariances, step.weights)):
        color = PALETTE[j % len(PALETTE)]
        for n_std, dash, width in ((1.0, "solid", 3), (2.0, "dot", 1.5)):
            outline = clustering.ellipse(mean, cov, n_std, n_points=32)  # smooth enough; frames stay small
            add_polylines(fig, [(outline[:, 0], outline[:, 1])], f"component {j + 1}", closed=True,
                          line=dict(color=color, width=width, dash=dash), showlegend=False)
        mark_point(fig, mean[0], mean[1], "means", size=7, showlegend=False)
    return fig


def title(step, index):
    """Step, log-likelihood and each component's weight in its colour: the chart needs no legend, which
    would cost every E-step's full redraw about 4 ms."""
    weights = "  ".join(f'<span style="color:{PALETTE[j % len(PALETTE)]}">■ {w:.2f}</span>'
                        for j, w in enumerate(step.weights))
    return f"EM step {index} ({step.kind}), mean log-likelihood {step.log_likelihood:.3f}<br>weights π:  {weights}"


@st.cache_data(max_entries=32, show_spinner=False)
def animation_frames(X, truth, k, seed):
    X, _, steps, _, _ = run(X, truth, k, seed)
    return [frame(str(i), draw_step(figure(title(steps[i], i)), X, steps[i])) for i in frame_indices(len(steps))]


def em_figure(X, steps, index, frames, names=None):
    fig = draw_step(figure(title(steps[index], index), height=560), X, steps[index])
    fig.update_layout(title=dict(y=0.97))  # room above the title's two lines
    pad = 1.0
    fig.update_xaxes(range=[X[:, 0].min() - pad, X[:, 0].max() + pad])
    fig.update_yaxes(range=[X[:, 1].min() - pad, X[:, 1].max() + pad])
    if names:  # an uploaded file: its columns, as z-scores
        fig.update_xaxes(title=dict(text=f"{axis_title(names[0])} (z-score)", standoff=52))  # below ▶ Play
        fig.update_yaxes(title=f"{axis_title(names[1])} (z-score)")
    return square_axes(add_play(fig, frames, index, duration_ms=400))


def likelihood_figure(steps, index):
    fig = figure("Mean log-likelihood per sample", height=300)
    fig.add_trace(dict(type="scatter", x=np.arange(len(steps)), y=[s.log_likelihood for s in steps], mode="lines+markers",
                       line=dict(color=PALETTE[0], width=3), showlegend=False))
    mark_x(fig, index, f"step {index}")
    fig.update_xaxes(title="step")
    return fig


def comparison_figure(X, labels, name, score):
    fig = figure(name if score is None else f"{name}: ARI vs truth {score:.2f}", height=300)
    fig.add_trace(dict(type="scatter", x=X[:, 0], y=X[:, 1], mode="markers", showlegend=False,
                       marker=cluster_marker(labels, size=6)))
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return fig


@live_part
def stepper(step_box, figure_box, likelihood_box, settings, names=None):
    """The step slider and what it moves: points, ellipses and the log-likelihood marker."""
    X, _, steps, _, _ = run(*settings)
    with step_box:
        index = step_slider("em", [KIND_TEXT[s.kind] for s in steps])
    with figure_box:
        show(em_figure(X, steps, index, animation_frames(*settings), names), "em_steps")
    with likelihood_box:
        show(likelihood_figure(steps, index), "em_loglik")


def play():
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        step_box = st.container()  # the step slider comes first: stepping is what this page is for
        data_box = st.container()
        own = own_data("em", "features", max_rows=1000, standardise=True, slug="gmm_em")
    with data_box:
        dataset, k_true, k, seed = cluster_data_controls("em", default_dataset="stretched", builtin=not own.is_user)
    X, truth = builtin_data(dataset, k_true, seed)
    own.offer(pd.DataFrame(X.round(4), columns=["x1", "x2"]))
    if own.is_user:  # a file has no true groups to score against
        X, truth = own.X, None
    X, truth, steps, kmeans_labels, sklearn_gap = run(X, truth, k, seed)
    with chart_col:  # what does not change with the step stays out of the step's fragment
        metric_row({"iterations to converge": f"{steps[-1].iteration}",
                    "final mean log-likelihood": f"{steps[-1].log_likelihood:.3f}"})
        figure_box = st.container()
    st.subheader("Likelihood, and K-means vs the mixture on the same data")
    likelihood_col, kmeans_col, mixture_col = st.columns(3)
    stepper(step_box, figure_box, likelihood_col, (X, truth, k, seed), own.names if own.is_user else None)
    em_labels = steps[-1].responsibilities.argmax(axis=1)
    km_score, em_score = ((None, None) if truth is None else
                          (adjusted_rand_score(truth, kmeans_labels), adjusted_rand_score(truth, em_labels)))
    with kmeans_col:
        show(comparison_figure(X, kmeans_labels, "K-means", km_score), "em_vs_kmeans")
    with mixture_col:
        show(comparison_figure(X, em_labels, "Mixture (EM)", em_score), "em_vs_gmm")

    log_likelihoods = np.array([s.log_likelihood for s in steps])
    claims = [
        Claim("EM never decreases the likelihood: each E-step and M-step can only raise it or leave it.",
              f"smallest change between steps: {np.diff(log_likelihoods).min(initial=0.0):+.2e} "
              f"over {len(steps) - 1} steps", bool(np.all(np.diff(log_likelihoods) >= -1e-9))),
    ]
    if truth is not None:  # this check scores against the true groups, which an uploaded file does not have
        claims.append(Claim(
            "Where K-means fails — elongated or unequal clusters — a full-covariance mixture succeeds.",
            f"adjusted Rand index against the true groups: K-means {km_score:.2f}, mixture {em_score:.2f}"
            + (" (round clusters: both do well, try stretched clusters)" if dataset == "blobs" else ""),
            em_score > km_score + 0.05))
    return claims + [
        Claim("These hand-written steps are the EM algorithm: scikit-learn's GaussianMixture from the same start "
              "and for the same number of iterations lands on the same means.",
              f"largest difference in any mean coordinate: {sklearn_gap:.1e}", sklearn_gap < 1e-6),
    ]


topic_page("gmm_em", play)
