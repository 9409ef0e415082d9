"""SVM: decision function, margins and support vectors; C, kernels, γ; hinge loss; the 3-D kernel lift."""
import numpy as np
import pandas as pd
import streamlit as st

from engine import svm
from engine.datasets import CLASSIFICATION, classification_2d, grid_2d
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_contours, add_heatmap_image, add_rings, legend_entry
from ui.theme import MUTED, NEGATIVE, POSITIVE, figure, show, square_axes
from ui.upload import axis_title, own_data

GRID = 90
CLAIM_GRID_STRIDE = 9
C_VALUES = controls.powers_of_ten(-2, 3)
GAMMA_VALUES = controls.powers_of_ten(-2, 2)


@st.cache_data(max_entries=64, show_spinner=False)
def builtin_data(dataset, noise, n, seed):
    return classification_2d(dataset, n, noise, random_state=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def fit_on_grid(X, y, kernel, C, gamma, degree):
    """The fit on the points ``X`` (n, 2) with classes ``y`` in {0, 1} (built-in or uploaded), on a grid."""
    fit = svm.fit_svm(X, y, kernel, C, gamma, degree)
    xs, ys, points = grid_2d(X, GRID)
    surface = fit.decision_function(points).reshape(GRID, GRID)
    sv_only = svm.fit_svm(X[fit.support_], y[fit.support_], kernel, C, gamma, degree)
    probe = points[::CLAIM_GRID_STRIDE]  # the refit is compared on every ninth grid point: enough for the claim
    sv_change = np.abs(surface.ravel()[::CLAIM_GRID_STRIDE] - sv_only.decision_function(probe)).max()
    margins = np.where(y == 1, 1, -1) * fit.decision_function(X)
    smaller_c = svm.fit_svm(X, y, kernel, C / 10, gamma, degree)
    return (X, y, fit.support_, fit.margin_width, fit.train_accuracy, xs, ys, surface, sv_change, margins, smaller_c,
            fit.converged)


@st.cache_data(max_entries=4, show_spinner=False)
def lifted_circles():
    X, y = classification_2d("circles", 200, 0.15, random_state=1)
    return X, y, svm.separate_lifted(X, y)


def boundary_figure(X, y, support, xs, ys, surface, title, names=None, classes=None):
    """Data points as traces; the decision function, its contours and the support vectors as layout.

    C, γ and the kernel change only the layout part, so moving them redraws it without the points."""
    fig = figure(title, height=520)
    limit = float(np.clip(np.abs(surface).max(), 1.5, 6))
    add_heatmap_image(fig, xs, ys, surface, "RdBu_r", -limit, limit, opacity=0.55)
    add_contours(fig, xs, ys, surface, 0, "boundary f = 0")
    add_contours(fig, xs, ys, surface, [-1, 1], "margins f = ±1", dash="dash")
    labels = [f"{axis_title(c)} (class {sign})" for c, sign in zip(classes, "−+")] if classes else ["class −1", "class +1"]
    for value, name, color in ((0, labels[0], NEGATIVE), (1, labels[1], POSITIVE)):
        members = y == value
        fig.add_trace(dict(type="scatter", x=X[members, 0], y=X[members, 1], mode="markers", name=name,
                           marker=dict(size=8, color=color)))
    ring = 0.012 * max(xs[-1] - xs[0], ys[-1] - ys[0])  # about 7 px on the default chart
    add_rings(fig, X[support, 0], X[support, 1], ring, "support vectors")
    fig.update_xaxes(range=[xs[0], xs[-1]], title=f"{axis_title(names[0])} (z-score)" if names else "x₁")
    fig.update_yaxes(range=[ys[0], ys[-1]], title=f"{axis_title(names[1])} (z-score)" if names else "x₂")
    return square_axes(fig)  # the plot area shrinks to the painted grid; the axes never widen past it


def loss_figure(margins):
    """The three losses as traces; the training points' margins as a rug of ticks (a layout shape)."""
    m = np.linspace(-3, 3, 301)
    fig = figure("Loss against the margin m = y·f(x)", height=360)
    fig.add_trace(dict(type="scatter", x=m, y=(m <= 0).astype(float), name="0–1 loss", line=dict(color=MUTED, width=2, shape="hv")))
    fig.add_trace(dict(type="scatter", x=m, y=svm.hinge_loss(m), name="hinge max(0, 1 − m)", line=dict(color=POSITIVE, width=3)))
    fig.add_trace(dict(type="scatter", x=m, y=svm.logistic_loss(m), name="logistic log₂(1 + e^−m)", line=dict(color=NEGATIVE, width=3)))
    ticks = " ".join(f"M{value:.4g},-0.25 L{value:.4g},-0.05" for value in np.clip(margins, -3, 3))
    legend = legend_entry(fig, "training points", mode="markers",
                          marker=dict(symbol="line-ns-open", size=12, color="#111827", line=dict(width=1.5)))
    fig.add_shape(type="path", path=ticks, name="training points", line=dict(color="#111827", width=1.5), **legend)
    fig.update_xaxes(title="margin m  (m ≥ 1: no hinge loss)", range=[-3.1, 3.1])
    fig.update_yaxes(range=[-0.3, 4], title="loss")
    return fig


def lift_figure(X, y, plane):
    lifted = plane.lifted
    fig = figure("Circles lifted to z = x₁² + x₂²", height=460, margin=dict(t=50, l=0, r=0, b=0))
    for value, color, name in [(0, POSITIVE, "outer ring"), (1, NEGATIVE, "inner disc")]:
        members = y == value
        fig.add_trace(dict(type="scatter3d", x=lifted[members, 0], y=lifted[members, 1], z=lifted[members, 2], mode="markers",
                           name=name, marker=dict(size=3.5, color=color)))
    g = np.linspace(-1.3, 1.3, 20)
    gx, gy = np.meshgrid(g, g)
    fig.add_trace(dict(type="surface", x=g, y=g, z=plane.height(gx, gy), opacity=0.45, showscale=False,
                       colorscale=[[0, "#6B7280"], [1, "#6B7280"]], name="separating plane", hoverinfo="skip"))
    fig.update_layout(scene=dict(xaxis=dict(title=dict(text="x₁")), yaxis=dict(title=dict(text="x₂")),
                                 zaxis=dict(title=dict(text="x₁² + x₂²")), camera=dict(eye=dict(x=1.6, y=1.6, z=0.8))))
    return fig


@live_part
def c_part(c_box, charts_box, settings, own=None):
    """C and all it moves: the fit, its metrics, both charts and the claims (every one depends on C)."""
    X, y, kernel, gamma, degree = settings
    with c_box:
        C = controls.log_slider("C (penalty for margin violations)", "svm_C", C_VALUES, 1.0)
    if own is not None and own.is_user:  # up to 1,000 points and three fits: a second or more the first time
        with st.spinner("Fitting the SVM to your data…"):
            fitted = fit_on_grid(X, y, kernel, C, gamma, degree)
    else:
        fitted = fit_on_grid(X, y, kernel, C, gamma, degree)
    X, y, support, margin_width, accuracy, xs, ys, surface, sv_change, margins, smaller_c, converged = fitted
    with charts_box:
        if not converged:
            st.warning(f"The solver stopped after {svm.MAX_ITER:,} iterations without converging, so this boundary "
                       "is only approximate. A polynomial kernel with a large γ or degree is badly conditioned: "
                       "lower γ or the degree.", icon=":material/warning:")
        metric_row({"support vectors": f"{len(support)} of {len(X)}",
                    "margin width": "—" if margin_width is None else f"{margin_width:.3f}",
                    "training accuracy": f"{accuracy:.1%}"},
                   help={"margin width": "2/‖w‖, defined for the linear kernel."})
        show(boundary_figure(X, y, support, xs, ys, surface, f"{kernel} kernel, C = {C:g}"
                             + (f", γ = {gamma:g}" if kernel != "linear" else ""),
                             *((own.names, own.classes) if own is not None and own.is_user else ())), "svm_boundary")
        show(loss_figure(margins), "svm_loss")

    change = float(sv_change / max(np.abs(surface).max(), 1e-9))
    fewer = smaller_c.n_support
    return [
        Claim("Only the support vectors decide the boundary: drop every other point and refit, and nothing changes.",
              f"refit on the {len(support)} support vectors alone: the decision function moves by at most "
              f"{change:.2%} of its range", change < 0.02),
        Claim("A smaller C tolerates more violations: a wider margin and more support vectors.",
              f"C = {C:g}: {len(support)} support vectors"
              + (f", margin {margin_width:.3f}" if margin_width else "")
              + f"; C = {C / 10:g}: {fewer} support vectors"
              + (f", margin {smaller_c.margin_width:.3f}" if smaller_c.margin_width else ""),
              fewer >= len(support) and (margin_width is None or smaller_c.margin_width >= margin_width - 1e-9)),
    ]


def play():
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        c_box = st.container()  # C first: it is what this page is about, and it reruns only c_part
        kernel = controls.choice("Kernel", "svm_kernel", list(svm.KERNELS), horizontal=True)
        gamma = controls.log_slider("γ (RBF / poly kernel width)", "svm_gamma", GAMMA_VALUES, 1.0,
                                    help="Large γ: each point's influence is local, the boundary wiggles.")
        degree = controls.slider("Polynomial degree", "svm_degree", 2, 5, 3)
        data_box = st.container()
        own = own_data("svm", "features_label", max_rows=1000, standardise=True, slug="svm")
    if own.is_user:  # the generator's controls do nothing for a file; the download offers the default data
        dataset, noise, n, seed = "blobs", 0.2, 160, 0
    else:
        with data_box:
            dataset = controls.choice("Data set", "svm_data", list(CLASSIFICATION),
                                      labels={"blobs": "overlapping blobs", "xor": "XOR"})
            noise = controls.slider("Noise", "svm_noise", 0.0, 0.6, 0.2, 0.05)
            n = controls.slider("Points", "svm_n", 40, 400, 160, 20)
            seed = controls.slider("Seed", "svm_seed", 0, 20, 0)
    X, y = builtin_data(dataset, noise, n, seed)
    own.offer(pd.DataFrame({"x1": X[:, 0].round(4), "x2": X[:, 1].round(4), "label": y}))
    if own.is_user:
        X, y = own.X, own.y
    with chart_col:
        charts_box = st.container()
    c_part(c_box, charts_box, (X, y, kernel, gamma, degree), own)
    return []


def kernel_lift():
    """The kernel trick in 3-D. It has no controls, so it sits in its own section and no slider redraws it."""
    lift_col, text_col = st.columns([1.6, 1], gap="large")
    Xc, yc, plane = lifted_circles()
    with lift_col:
        show(lift_figure(Xc, yc, plane), "svm_lift")
    with text_col:
        st.markdown(
            "**The kernel trick, made visible.** No straight line separates a ring from the disc inside it. "
            "Add a third feature, the squared distance from the centre, and a flat plane does "
            f"(linear SVM in 3-D: {plane.accuracy:.0%} training accuracy). Kernels compute inner products in such "
            "lifted spaces without building them; the RBF kernel's space has infinitely many dimensions.")
    return []


topic_page("svm", play, kernel_lift)
