"""Bias–variance: many polynomial fits, the U-curve of their error, train vs test error."""
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from engine import bias_variance as bv
from ui import controls
from ui.page import Claim, metric_row, topic_page
from ui.theme import BAD, GOOD, MUTED, PALETTE, figure, mark_x, shade_x, show

CURVES_DRAWN = 40
DATASET_COUNTS = [20, 50, 100, 200, 500]


@st.cache_data(max_entries=64, show_spinner=False)
def decomposition(degree, n_train, noise, n_datasets, seed):
    return bv.decompose(degree, n_train, noise, n_datasets, random_state=seed)


@st.cache_data(max_entries=32, show_spinner="Fitting every degree…")
def degree_sweep(n_train, noise, n_datasets, seed):
    return bv.sweep(bv.MAX_DEGREE, n_train, noise, n_datasets, random_state=seed)


def fits_figure(d):
    fig = figure(f"{CURVES_DRAWN} of the fitted degree-{d.degree} polynomials", height=420)
    curves = d.predictions[:CURVES_DRAWN]
    gap = np.full((len(curves), 1), np.nan)  # one NaN-separated trace draws far faster than 40 traces
    fig.add_trace(go.Scatter(x=np.tile(np.r_[d.x_grid, np.nan], len(curves)), y=np.hstack([curves, gap]).ravel(),
                             mode="lines", line=dict(color=PALETTE[0], width=1), opacity=0.3,
                             name="one fit per training set", hoverinfo="skip", connectgaps=False))
    fig.add_trace(go.Scatter(x=d.x_grid, y=bv.true_function(d.x_grid), name="true f(x) = sin 2πx",
                             line=dict(color="#111827", width=3, dash="dash")))
    fig.add_trace(go.Scatter(x=d.x_grid, y=d.mean_prediction, name="average fit", line=dict(color=PALETTE[1], width=4)))
    fig.add_trace(go.Scatter(x=d.example_x, y=d.example_y, mode="markers", name="one training set",
                             marker=dict(color=PALETTE[3], size=8)))
    fig.update_yaxes(range=[-2.2, 2.2], title="y")
    fig.update_xaxes(title="x")
    return fig


def u_curve_figure(s, degree):
    fig = figure("Error decomposition against degree (log scale)", height=380)
    for name, values, color, dash in [("bias²", s.bias2, PALETTE[0], None), ("variance", s.variance, PALETTE[1], None),
                                      ("noise", np.full(len(s.degrees), s.noise), MUTED, "dot"),
                                      ("test error", s.expected_error, "#111827", None)]:
        fig.add_trace(go.Scatter(x=s.degrees, y=np.maximum(values, 1e-6), name=name, mode="lines+markers",
                                 line=dict(color=color, width=3, dash=dash)))
    mark_x(fig, degree, f"degree {degree}")
    fig.update_yaxes(type="log", title="mean squared error", range=[-4, 2])
    fig.update_xaxes(title="polynomial degree")
    return fig


def train_test_figure(s, degree):
    best = s.best_degree
    fig = figure("Training vs test error", height=380)
    shade_x(fig, [(-0.5, best - 0.5, BAD, 0.07, "underfitting"),
                  (best + 0.5, bv.MAX_DEGREE + 0.5, PALETTE[4], 0.07, "overfitting")])
    fig.add_trace(go.Scatter(x=s.degrees, y=s.train_error, name="train", mode="lines+markers",
                             line=dict(color=GOOD, width=3)))
    fig.add_trace(go.Scatter(x=s.degrees, y=s.expected_error, name="test", mode="lines+markers",
                             line=dict(color="#111827", width=3)))
    mark_x(fig, degree, f"degree {degree}")
    fig.update_yaxes(type="log", title="mean squared error", range=[-2.5, 1.5])
    fig.update_xaxes(title="polynomial degree", range=[-0.5, bv.MAX_DEGREE + 0.5])
    return fig


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        degree = controls.slider("Polynomial degree", "bv_degree", 0, bv.MAX_DEGREE, 3)
        n_train = controls.slider("Training points per set", "bv_n", 10, 200, 30, 5)
        noise = controls.slider("Noise σ", "bv_noise", 0.0, 1.0, 0.3, 0.05)
        n_datasets = controls.log_slider("Training sets drawn", "bv_sets", DATASET_COUNTS, 200)
        seed = controls.slider("Seed", "bv_seed", 0, 20, 0)
    d = decomposition(degree, n_train, noise, n_datasets, seed)
    s = degree_sweep(n_train, noise, n_datasets, seed)
    with charts_col:
        show(fits_figure(d), "bv_fits")
    metric_row({"bias²": f"{d.bias2:.4f}", "variance": f"{d.variance:.4f}", "noise σ²": f"{d.noise:.4f}",
                "bias² + var + σ²": f"{d.bias2 + d.variance + d.noise:.4f}",
                "measured test error": f"{d.expected_error:.4f}"})
    left, right = st.columns(2)
    with left:
        show(u_curve_figure(s, degree), "bv_ucurve")
    with right:
        show(train_test_figure(s, degree), "bv_train_test")

    total = d.bias2 + d.variance + d.noise
    train_falls = bool(np.all(np.diff(s.train_error) <= 1e-9))
    best = s.best_degree
    bigger = decomposition(degree, min(2 * n_train, 400), noise, n_datasets, seed)
    return [
        Claim("Expected test error = bias² + variance + irreducible noise.",
              f"{d.bias2:.4f} + {d.variance:.4f} + {d.noise:.4f} = {total:.4f}; measured on fresh test data: "
              f"{d.expected_error:.4f}", abs(total - d.expected_error) <= 0.05 * d.expected_error + 1e-3),
        Claim("Training error keeps falling as the model grows, while test error is U-shaped: too simple "
              "underfits, too complex overfits.",
              f"training error {'never rises' if train_falls else 'rises somewhere'} from degree 0 to "
              f"{bv.MAX_DEGREE}; test error is lowest at degree {best} "
              f"({s.expected_error[best]:.3f}) and is {s.expected_error[-1]:.3g} at degree {bv.MAX_DEGREE}",
              train_falls and 0 < best < bv.MAX_DEGREE),
        Claim("More training data lowers the variance.",
              f"degree {degree}: variance {d.variance:.4f} with {n_train} points vs {bigger.variance:.4f} "
              f"with {min(2 * n_train, 400)}", bigger.variance < d.variance),
    ]


topic_page("bias_variance", play)
