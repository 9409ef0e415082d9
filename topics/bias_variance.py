"""Bias–variance: many polynomial fits, the U-curve of their error, train vs test error."""
import numpy as np
import streamlit as st

from engine import bias_variance as bv
from ui import controls
from ui.page import Claim, live_part, topic_page
from ui.shapes import add_lines
from ui.theme import BAD, GOOD, MUTED, PALETTE, figure, mark_x, shade_x, show

CURVES_DRAWN = 40
# Every other grid point (61 of 121) is plenty for a curve 420 px tall, and halves the path text Plotly
# parses on each degree move (41 curves: 90 KB and ~8 ms of shape drawing at full resolution).
DRAWN = slice(None, None, 2)
DATASET_COUNTS = [20, 50, 100, 200, 500]


@st.cache_data(max_entries=64, show_spinner=False)
def decomposition(degree, n_train, noise, n_datasets, seed):
    return bv.decompose(degree, n_train, noise, n_datasets, random_state=seed)


@st.cache_data(max_entries=32, show_spinner="Fitting every degree…")
def degree_sweep(n_train, noise, n_datasets, seed):
    return bv.sweep(bv.MAX_DEGREE, n_train, noise, n_datasets, random_state=seed)


def fits_figure(d):
    """The true function and one training set as traces; the fits, which the degree changes, as shapes."""
    fig = figure(f"{CURVES_DRAWN} of the fitted degree-{d.degree} polynomials", height=420)
    fig.add_trace(dict(type="scatter", x=d.x_grid, y=bv.true_function(d.x_grid), name="true f(x) = sin 2πx",
                       line=dict(color="#111827", width=3, dash="dash")))
    fig.add_trace(dict(type="scatter", x=d.example_x, y=d.example_y, mode="markers", name="one training set",
                       marker=dict(color=PALETTE[3], size=8)))
    add_lines(fig, d.x_grid[DRAWN], d.predictions[:CURVES_DRAWN, DRAWN], "one fit per training set",
              line=dict(color=PALETTE[0], width=1), opacity=0.3, clip=10)
    add_lines(fig, d.x_grid[DRAWN], d.mean_prediction[DRAWN], "average fit", line=dict(color=PALETTE[1], width=4), clip=10)
    fig.update_yaxes(range=[-2.2, 2.2], title="y")
    fig.update_xaxes(title="x", range=[0, 1])
    return fig


def error_figure(s, degree):
    """Bias², variance, noise, test and training error against degree, on one log axis."""
    best = s.best_degree
    fig = figure("Error against model complexity (log scale)", height=400)
    shade_x(fig, [(-0.5, best - 0.5, BAD, 0.07, "underfitting"),
                  (best + 0.5, bv.MAX_DEGREE + 0.5, PALETTE[4], 0.07, "overfitting")])
    for name, values, color, dash in [("bias²", s.bias2, PALETTE[0], None), ("variance", s.variance, PALETTE[1], None),
                                      ("noise σ²", np.full(len(s.degrees), s.noise), MUTED, "dot"),
                                      ("training error", s.train_error, GOOD, "dash"),
                                      ("test error", s.expected_error, "#111827", None)]:
        fig.add_trace(dict(type="scatter", x=s.degrees, y=np.maximum(values, 1e-6), name=name, mode="lines+markers",
                           line=dict(color=color, width=3, dash=dash)))
    mark_x(fig, degree, f"degree {degree}")
    fig.update_yaxes(type="log", title="mean squared error", range=[-4, 1.5], exponentformat="power")
    fig.update_xaxes(title="polynomial degree", range=[-0.5, bv.MAX_DEGREE + 0.5])
    return fig


@live_part
def degree_part(degree_box, fits_box, error_box, numbers_box, settings):
    """The degree slider and what it moves: the fitted curves, the degree marker and the decomposition."""
    with degree_box:
        degree = controls.slider("Polynomial degree", "bv_degree", 0, bv.MAX_DEGREE, 3)
    d, s = decomposition(degree, *settings), degree_sweep(*settings)
    with fits_box:
        show(fits_figure(d), "bv_fits")
    with error_box:
        show(error_figure(s, degree), "bv_errors")
    with numbers_box:
        st.markdown(f"**At degree {degree}**\n\n"
                    f"| component | MSE |\n|---|---:|\n| bias² | {d.bias2:.4f} |\n| + variance | {d.variance:.4f} |\n"
                    f"| + noise σ² | {d.noise:.4f} |\n| **= expected error** | **{d.bias2 + d.variance + d.noise:.4f}** |\n"
                    f"| measured on fresh test data | {d.expected_error:.4f} |\n| training error | {d.train_error:.4f} |")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        degree_box = st.container()  # the degree comes first: it is the knob this page is about
        n_train = controls.slider("Training points per set", "bv_n", 10, 200, 30, 5)
        noise = controls.slider("Noise σ", "bv_noise", 0.0, 1.0, 0.3, 0.05)
        n_datasets = controls.log_slider("Training sets drawn", "bv_sets", DATASET_COUNTS, 200)
        seed = controls.slider("Seed", "bv_seed", 0, 20, 0)
    with charts_col:
        fits_box = st.container()
    error_col, numbers_col = st.columns([2.2, 1], gap="large")
    settings = (n_train, noise, n_datasets, seed)
    degree_part(degree_box, fits_box, error_col, numbers_col, settings)

    # The claims hold for every degree, so the degree slider need not recompute them.
    s = degree_sweep(*settings)
    total = s.bias2 + s.variance + s.noise
    gap = float(np.max(np.abs(total - s.expected_error) / (s.expected_error + 1e-3)))
    train_falls = bool(np.all(np.diff(s.train_error) <= 1e-9))
    best = s.best_degree
    more = min(2 * n_train, 400)
    bigger = decomposition(best, more, noise, n_datasets, seed)
    return [
        Claim("Expected test error = bias² + variance + irreducible noise.",
              f"bias² + variance + σ² against the error measured on fresh test data, at every degree from 0 to "
              f"{bv.MAX_DEGREE}: the largest gap is {gap:.1%}", gap <= 0.05),
        Claim("Training error keeps falling as the model grows, while test error is U-shaped: too simple "
              "underfits, too complex overfits.",
              f"training error {'never rises' if train_falls else 'rises somewhere'} from degree 0 to "
              f"{bv.MAX_DEGREE}; test error is lowest at degree {best} "
              f"({s.expected_error[best]:.3f}) and is {s.expected_error[-1]:.3g} at degree {bv.MAX_DEGREE}",
              train_falls and 0 < best < bv.MAX_DEGREE),
        Claim("More training data lowers the variance.",
              f"at degree {best} (the best here): variance {s.variance[best]:.4f} with {n_train} points vs "
              f"{bigger.variance:.4f} with {more}", bigger.variance < s.variance[best]),
    ]


topic_page("bias_variance", play)
