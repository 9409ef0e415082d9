"""EM for Gaussian mixtures: E-steps colour points by responsibility, M-steps move the ellipses."""
import warnings

import textwrap

import numpy as np
import pandas as pd
import streamlit as st
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from engine import clustering
from engine.datasets import clustering_2d
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_polylines, mark_point
from ui.snippet import reproduce
from ui.steps import (add_play, cluster_data_code, cluster_data_controls, cluster_marker, frame, frame_indices,
                      label_colors, step_slider)
from ui.theme import PALETTE, figure, mark_x, show, square_axes
from ui.upload import axis_title, own_data

KIND_TEXT = {"init": "start: equal weights, k-means++ means, the data's covariance for every component",
             "E": "E-step: each point's responsibilities recomputed (faded points are shared between components); "
                  "log L unchanged, the lower bound rises to touch it",
             "M": "M-step: weights, means and covariances re-estimated from the responsibilities (ellipses move); "
                  "the bound rises, and log L with it"}


N = 300
RESTARTS = 10
BIC_KS = list(range(1, 9))
REG_OPTIONS = [1e-6, 1e-4, 1e-2, 0.1, 0.3, 1.0]
TYPE_TEXT = {"full": "full: own ellipse each", "diag": "diagonal: axis-aligned",
             "spherical": "spherical: circles", "tied": "tied: one shared ellipse"}


@st.cache_data(max_entries=64, show_spinner=False)
def builtin_data(dataset, k_true, seed):
    """The built-in data set: points (N, 2) and their true groups (N,)."""
    return clustering_2d(dataset, N, k_true, random_state=seed)


def run(X, truth, k, seed, reg_covar=clustering.REG_COVAR):
    """EM on the points ``X`` (n, 2), K-means' labels and scikit-learn's check; ``truth`` is None for a file.

    An uploaded file (up to 1,000 rows) keeps ~13 MB of responsibilities per run, so its runs have a small
    cache of their own."""
    return (run_builtin if truth is not None else run_own)(X, truth, k, seed, reg_covar)


@st.cache_data(max_entries=4, show_spinner="Running EM on your data…")
def run_own(X, truth, k, seed, reg_covar):
    return fit(X, truth, k, seed, reg_covar)


@st.cache_data(max_entries=64, show_spinner=False)
def run_builtin(X, truth, k, seed, reg_covar):
    return fit(X, truth, k, seed, reg_covar)


def fit(X, truth, k, seed, reg_covar):
    steps = clustering.gmm_em_steps(X, k, max_iter=100, random_state=seed, reg_covar=reg_covar)
    last = steps[-1]
    em_labels = clustering.gmm_predict(X, last.weights, last.means, last.covariances)
    init = clustering.gmm_initial(X, k, random_state=seed)
    # One thread: OpenMP threads fighting over a shared server's cores made scikit-learn ~40× slower here.
    with warnings.catch_warnings(), threadpool_limits(1):
        kmeans_labels = KMeans(k, n_init=RESTARTS, random_state=seed).fit(X).labels_  # K-means at its best
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = GaussianMixture(k, weights_init=init[0], means_init=init[1], precisions_init=np.linalg.inv(init[2]),
                                    max_iter=last.iteration, tol=0, reg_covar=reg_covar).fit(X)
    return X, truth, steps, kmeans_labels, em_labels, float(reference.score(X))


@st.cache_data(max_entries=16, show_spinner="Fitting mixtures of every covariance type for k = 1…8 (BIC)…")
def bic_table(X, seed, reg_covar):
    return clustering.bic_over_k(X, BIC_KS, random_state=seed, reg_covar=reg_covar)


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
def animation_frames(X, truth, k, seed, reg_covar=clustering.REG_COVAR):
    X, _, steps, *_ = run(X, truth, k, seed, reg_covar)
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
    """log L and its lower bound after every half-step: the E-steps close the gap, the M-steps lift both."""
    fig = figure("log L and its lower bound (ELBO), per sample", height=320, legend=dict(y=-0.3))
    x = np.arange(len(steps))
    fig.add_trace(dict(type="scatter", x=x, y=[s.log_likelihood for s in steps], mode="lines+markers", name="log L",
                       line=dict(color=PALETTE[0], width=3), marker=dict(size=5)))
    fig.add_trace(dict(type="scatter", x=x, y=[s.lower_bound for s in steps], mode="lines+markers",
                       name="lower bound (ELBO)", line=dict(color=PALETTE[1], width=2, dash="dot"),
                       marker=dict(size=7, symbol=["circle" if s.kind == "E" else "diamond" for s in steps])))
    mark_x(fig, index, f"step {index}")
    fig.update_xaxes(title="half-step")
    return fig


COLLAPSE_VARIANCES = np.logspace(1, -12, 66)


def collapse_figure(X, last, reg_covar):
    """log L if one extra component of weight 1/n sat on a single point with variance s²: it grows without
    bound as s² → 0, so the maximum-likelihood mixture does not exist; reg_covar puts a floor under s²."""
    curve = clustering.collapse_curve(X, last.weights, last.means, last.covariances, COLLAPSE_VARIANCES)
    fig = figure("Collapse: one component shrinks onto one point", height=320)
    exponents = np.log10(COLLAPSE_VARIANCES)
    fig.add_trace(dict(type="scatter", x=exponents, y=curve, mode="lines", name="log L with the spike",
                       line=dict(color=PALETTE[3], width=3), showlegend=False))
    fig.add_trace(dict(type="scatter", x=[exponents[0], exponents[-1]], y=[last.log_likelihood] * 2, mode="lines",
                       line=dict(color=PALETTE[0], dash="dot", width=2), name="EM's fit", showlegend=False))
    fig.add_shape(type="rect", x0=np.log10(reg_covar), x1=exponents[-1] - 0.5, y0=0, y1=1, yref="paper",
                  fillcolor="#9CA3AF", opacity=0.25, line=dict(width=0), layer="below")
    mark_x(fig, np.log10(reg_covar), "reg_covar")
    fig.update_xaxes(title="log₁₀ s² (variance of the collapsing component)", range=[1.5, -12.5])
    fig.update_yaxes(title="mean log L")
    return fig


def comparison_figure(X, labels, name, score):
    """``score`` None: an uploaded file, which has no true groups to score against."""
    fig = figure(name if score is None else f"{name}: ARI vs truth {score:.2f}", height=300)
    fig.add_trace(dict(type="scatter", x=X[:, 0], y=X[:, 1], mode="markers", showlegend=False,
                       marker=cluster_marker(labels, size=6)))
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return fig


@live_part
def stepper(step_box, figure_box, likelihood_box, settings, names=None):
    """The step slider and what it moves: points, ellipses and the log-likelihood marker."""
    X, _, steps, *_ = run(*settings)
    with step_box:
        index = step_slider("em", [KIND_TEXT[s.kind] for s in steps])
    with figure_box:
        show(em_figure(X, steps, index, animation_frames(*settings), names), "em_steps")
    with likelihood_box:
        show(likelihood_figure(steps, index), "em_loglik")


def bic_figure(bic, k):
    fig = figure("BIC over k for each covariance type (lower is better)", height=340)
    for j, (kind, values) in enumerate(bic.items()):
        fig.add_trace(dict(type="scatter", x=BIC_KS, y=values, mode="lines+markers", name=TYPE_TEXT[kind],
                           line=dict(color=PALETTE[j], width=2)))
    mark_x(fig, k, f"k = {k}")
    fig.update_xaxes(title="k", dtick=1)
    return fig


def literal(array) -> str:
    """A numpy array as Python source that rebuilds it exactly."""
    return "np.array([" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in array) + "])"


def snippet(settings, source, steps, em_score, own):
    """GaussianMixture from the page's start, on the built-in data or the student's file (no ARI: no truth)."""
    _, _, k, seed, reg_covar = settings
    dataset, k_true = source
    means = steps[0].means
    if own.is_user:  # the student's file, loaded (and standardised) as the page loaded it
        data_code = f"import numpy as np\n{own.code}\n"
    else:
        data_code = textwrap.dedent(cluster_data_code(dataset, N, k_true, seed)).strip() + "\n"
        data_code += "from sklearn.metrics import adjusted_rand_score\n"
    code = data_code + textwrap.dedent(f"""
        from sklearn.mixture import GaussianMixture

        # The page's start: equal weights, its k-means++ means, the data's covariance for every component
        means = {literal(means)}
        covariance = np.cov(X.T, bias=True) + 1e-6 * np.eye(2)
        gm = GaussianMixture(n_components={k}, weights_init=np.full({k}, 1 / {k}), means_init=means,
                             precisions_init=np.repeat(np.linalg.inv(covariance)[None], {k}, axis=0),
                             max_iter={steps[-1].iteration}, tol=0, reg_covar={reg_covar!r}).fit(X)
        print(f"mean log-likelihood: {{gm.score(X):.4f}}")
        """)
    prints = {"mean log-likelihood": f"{steps[-1].log_likelihood:.4f}"}
    if em_score is not None:
        code += 'print(f"ARI vs truth: {adjusted_rand_score(truth, gm.predict(X)):.3f}")\n'
        prints["ARI vs truth"] = f"{em_score:.3f}"
    reproduce("gmm_em", code, prints)


def play():
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        step_box = st.container()  # the step slider comes first: stepping is what this page is for
        data_box = st.container()
        own = own_data("em", "features", max_rows=1000, standardise=True, slug="gmm_em")
    with data_box:  # a file hides the generator's controls (data set, clusters in it); k and the seed stay
        dataset, k_true, k, seed = cluster_data_controls("em", default_dataset="stretched", builtin=not own.is_user)
        reg_covar = controls.log_slider("reg_covar (added to every variance)", "em_reg", REG_OPTIONS, REG_OPTIONS[0],
                                        help="scikit-learn's default is 1e-6. It keeps any component from collapsing "
                                             "onto one point; large values make every ellipse fatter.")
    X, truth = builtin_data(dataset, k_true, seed)
    own.offer(pd.DataFrame(X.round(4), columns=["x1", "x2"]))
    if own.is_user:  # a file has no true groups to score against
        X, truth = own.X, None
    settings = (X, truth, k, seed, float(reg_covar))
    X, truth, steps, kmeans_labels, em_labels, sklearn_score = run(*settings)
    last = steps[-1]
    with chart_col:  # what does not change with the step stays out of the step's fragment
        metric_row({"iterations to converge": f"{last.iteration}",
                    "final mean log-likelihood": f"{last.log_likelihood:.3f}",
                    "free parameters (full)": f"{clustering.mixture_n_parameters(k, 2, 'full')}"},
                   help={"free parameters (full)": "weights k − 1, means 2k, covariances 3k in two dimensions"})
        figure_box = st.container()
    likelihood_col, collapse_col = st.columns(2)
    stepper(step_box, figure_box, likelihood_col, settings, own.names if own.is_user else None)
    with collapse_col:
        show(collapse_figure(X, last, settings[4]), "em_collapse")
    st.markdown("### K-means vs the mixture on the same data")
    kmeans_col, mixture_col = st.columns(2)
    km_score, em_score = ((None, None) if truth is None else
                          (adjusted_rand_score(truth, kmeans_labels), adjusted_rand_score(truth, em_labels)))
    with kmeans_col:
        show(comparison_figure(X, kmeans_labels, f"K-means, best of {RESTARTS}", km_score), "em_vs_kmeans")
    with mixture_col:
        show(comparison_figure(X, em_labels, "Mixture (EM)", em_score), "em_vs_gmm")
    bic = bic_table(X, seed, settings[4])
    best_type, best_k = min(((t, BIC_KS[int(np.argmin(v))]) for t, v in bic.items()), key=lambda tk: bic[tk[0]][tk[1] - 1])
    bic_col, text_col = st.columns([2, 1], gap="large")
    with bic_col:
        show(bic_figure(bic, k), "em_bic")
    with text_col:
        st.markdown("### Choosing k and the covariance type\n\nFree parameters in 2-D: full 6k − 1, diagonal 5k − 1, "
                    f"spherical 4k − 1, tied 3k + 2 (at k = {k}: "
                    + ", ".join(f"{t} {clustering.mixture_n_parameters(k, 2, t)}" for t in bic)
                    + "). The likelihood always rewards more parameters; BIC = −2 log L + p ln n charges for each. "
                    f"Here it prefers **{best_type}** with **k = {best_k}**.")
    snippet(settings, (dataset, k_true), steps, em_score, own)

    log_likelihoods = np.array([s.log_likelihood for s in steps])
    checks = [
        Identity("EM never decreases the log-likelihood.",
                 f"half-steps (of {len(steps) - 1}) where log L fell", f"{int(np.sum(np.diff(log_likelihoods) < -1e-9))}",
                 "an E-step changes no parameter (log L stays) and lifts the lower bound until it touches log L; "
                 "an M-step raises the bound, and log L can never be below its bound."),
    ]
    if truth is not None:  # this check scores against the true groups, which an uploaded file does not have
        checks.append(Claim(
            "A full-covariance mixture recovers the true groups better than K-means does, as it should on "
            "elongated or unequal clusters.",
            f"adjusted Rand index against the true groups: K-means (best of {RESTARTS} restarts) {km_score:.2f}, "
            f"mixture {em_score:.2f}" + (" (round clusters: both do well, try stretched clusters)"
                                         if dataset == "blobs" else ""),
            em_score > km_score + 0.05))
    # The BIC chart's full-covariance fit at this k: scikit-learn's EM from a K-means start, a second start.
    n, p = len(X), clustering.mixture_n_parameters(k, 2, "full")
    other = float((p * np.log(n) - bic["full"][BIC_KS.index(k)]) / (2 * n))
    beaten = other > last.log_likelihood + 1e-3
    checks.append(Claim(
        "EM finds the best mixture (the maximum likelihood) whatever its start.",
        f"this start (k-means++ means) ends at mean log-likelihood {last.log_likelihood:.3f} after {last.iteration} "
        f"iterations; scikit-learn from a K-means start (the BIC chart's full fit at k = {k}) reaches {other:.3f}"
        + ((" — a better mixture exists: this run stopped at a local maximum"
            + (" or, capped at 100 iterations, on a plateau" if last.iteration >= 100 else "")) if beaten else
           " — the second start found nothing better: not refuted, though not proven either"),
        not beaten))
    return checks + [
        Identity("These hand-written steps are the EM algorithm: scikit-learn's GaussianMixture from the same start, "
                 "for the same number of iterations, reaches the same likelihood.",
                 f"mean log-likelihood here {last.log_likelihood:.6f}", f"scikit-learn {sklearn_score:.6f}",
                 "the same start, E-step and M-step (reg_covar included); tests/engine/test_clustering.py checks "
                 "weights, means and covariances."),
    ]


topic_page("gmm_em", play)
