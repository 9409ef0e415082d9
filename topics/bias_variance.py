"""Bias–variance: many polynomial fits, the U-curve of their error, train vs test error."""
import numpy as np
import streamlit as st

from engine import bias_variance as bv
from ui import controls
from ui.page import Claim, Identity, live_part, topic_page
from ui.shapes import add_lines
from ui.snippet import reproduce
from ui.theme import BAD, GOOD, MUTED, PALETTE, figure, mark_x, shade_x, show

CURVES_DRAWN = 40
# Every other grid point (61 of 121) is plenty for a curve 420 px tall, and halves the path text Plotly
# parses on each degree move (41 curves: 90 KB and ~8 ms of shape drawing at full resolution).
DRAWN = slice(None, None, 2)
DATASET_COUNTS = [20, 50, 100, 200, 500]
RIDGE_VALUES = [0.0] + controls.powers_of_ten(-6, 0, per_decade=1)  # 0, 1e-6 … 1


@st.cache_data(max_entries=64, show_spinner=False)
def decomposition(degree, n_train, noise, n_datasets, seed, ridge):
    return bv.decompose(degree, n_train, noise, n_datasets, random_state=seed, ridge=ridge)


@st.cache_data(max_entries=32, show_spinner="Fitting every degree…")
def degree_sweep(n_train, noise, n_datasets, seed, ridge):
    return bv.sweep(bv.MAX_DEGREE, n_train, noise, n_datasets, random_state=seed, ridge=ridge)


def fits_figure(d):
    """The true function and one training set as traces; the fits, which the degree changes, as shapes."""
    penalty = f", ridge λ = {d.ridge:g}" if d.ridge else ""
    fig = figure(f"{CURVES_DRAWN} of the fitted degree-{d.degree} polynomials{penalty}", height=420)
    fig.add_trace(dict(type="scatter", x=d.x_grid, y=bv.true_function(d.x_grid), name="true f(x) = sin 2πx",
                       line=dict(color="#111827", width=3, dash="dash")))
    fig.add_trace(dict(type="scatter", x=d.example_x, y=d.example_y, mode="markers", name="one training set",
                       marker=dict(color=PALETTE[3], size=8)))
    add_lines(fig, d.x_grid[DRAWN], d.predictions[:CURVES_DRAWN, DRAWN], "one fit per training set",
              line=dict(color=PALETTE[0], width=1), opacity=0.3, clip=10)
    # E[ŷ] as bias² estimates it (the mean noise-free fit): the plain mean of the noisy fits carries variance/D and,
    # at a high degree, wanders far from the truth while the table says bias² ≈ 0.
    add_lines(fig, d.x_grid[DRAWN], d.noise_free_mean[DRAWN], "average fit E[ŷ] (mean of the noise-free fits)",
              line=dict(color=PALETTE[1], width=4), clip=10)
    fig.update_yaxes(range=[-2.2, 2.2], title="y")
    fig.update_xaxes(title="x", range=[0, 1])
    return fig


def error_figure(s, degree, n_train):
    """Bias², variance, noise, test and training error against degree, on one log axis."""
    best = s.best_degree
    fig = figure("Error against model complexity (log scale)", height=400)
    if n_train - 1 <= bv.MAX_DEGREE:  # the interpolation threshold: as many coefficients as points
        fig.add_shape(type="line", x0=n_train - 1, x1=n_train - 1, y0=0, y1=1, yref="paper",
                      line=dict(color=PALETTE[4], dash="dot", width=2))
        fig.add_annotation(x=n_train - 1, y=0.02, yref="paper", yanchor="bottom", xanchor="right", showarrow=False,
                           text=f"degree + 1 = n = {n_train} ", font=dict(color=PALETTE[4]))
    shade_x(fig, [(-0.5, best - 0.5, BAD, 0.07, "underfitting"),
                  (best + 0.5, bv.MAX_DEGREE + 0.5, PALETTE[4], 0.07, "overfitting")])
    for name, values, color, dash in [("bias²", s.bias2, PALETTE[0], None), ("variance", s.variance, PALETTE[1], None),
                                      ("noise σ²", np.full(len(s.degrees), s.noise), MUTED, "dot"),
                                      ("training error", s.train_error, GOOD, "dash"),
                                      ("test error", s.expected_error, "#111827", None)]:
        fig.add_trace(dict(type="scatter", x=s.degrees, y=np.maximum(values, 1e-6), name=name, mode="lines+markers",
                           line=dict(color=color, width=3, dash=dash)))
    mark_x(fig, degree, f"degree {degree}", label_side="left" if degree > bv.MAX_DEGREE * 0.75 else "right")
    # Past the interpolation threshold the error can reach 10¹⁵: widen the axis (only the settings move it).
    top = float(np.clip(np.ceil(np.log10(max(np.max(s.expected_error), 1.0))) + 0.5, 1.5, 20.5))
    fig.update_yaxes(type="log", title="mean squared error", range=[-4, top], exponentformat="power")
    fig.update_xaxes(title="polynomial degree", range=[-0.5, bv.MAX_DEGREE + 0.5])
    return fig


@live_part
def degree_part(degree_box, fits_box, error_box, numbers_box, settings):
    """The degree slider and what it moves: the fitted curves, the degree marker, the decomposition, the claims."""
    n_train, noise, n_datasets, seed, ridge = settings
    with degree_box:
        degree = controls.slider("Polynomial degree", "bv_degree", 0, bv.MAX_DEGREE, 3)
    d, s = decomposition(degree, *settings), degree_sweep(*settings)
    with fits_box:
        show(fits_figure(d), "bv_fits")
    with error_box:
        show(error_figure(s, degree, n_train), "bv_errors")
    with numbers_box:
        st.markdown(f"**At degree {degree}**\n\n"
                    f"| component | MSE |\n|---|---:|\n| bias² | {d.bias2:.4g} |\n| + variance | {d.variance:.4g} |\n"
                    f"| + noise σ² | {d.noise:.4g} |\n| **= expected error** | **{d.bias2 + d.variance + d.noise:.4g}** |\n"
                    f"| measured on fresh test data | {d.expected_error:.4g} |\n| training error | {d.train_error:.4g} |")
        snippet(d, n_train, noise, n_datasets, seed)
    return claims(d, s, settings)


def snippet(d, n_train, noise, n_datasets, seed):
    """The same training sets and fits in numpy (and scikit-learn's Ridge when λ > 0)."""
    fit = ("np.linalg.lstsq(design, targets, rcond=None)[0]  # least squares; minimum-norm when points < coefficients"
           if d.ridge == 0 else
           f"Ridge(alpha={d.ridge!r}, fit_intercept=False).fit(design, targets).coef_.T")
    code = f"""
        import numpy as np
        from numpy.polynomial import legendre
        {"from sklearn.linear_model import Ridge" if d.ridge else ""}

        degree, n, noise, sets, seed = {d.degree}, {n_train}, {noise!r}, {n_datasets}, {seed}
        rng = np.random.default_rng(seed)
        x = rng.uniform(0, 1, size=(sets, n))
        y = np.sin(2 * np.pi * x) + rng.normal(0, noise, size=x.shape)
        grid = np.linspace(0, 1, 121)
        features = lambda t: legendre.legvander(2 * t - 1, degree)  # Legendre polynomials on [-1, 1]

        noisy_fits, clean_fits, train_mse = [], [], []
        for xs, ys in zip(x, y):
            design = features(xs)
            targets = np.c_[ys, np.sin(2 * np.pi * xs)]  # the noisy targets and the noise-free ones
            coefs = {fit}
            noisy_fits.append(features(grid) @ coefs[:, 0])
            clean_fits.append(features(grid) @ coefs[:, 1])
            train_mse.append(np.mean((design @ coefs[:, 0] - ys) ** 2))
        noisy_fits, truth = np.array(noisy_fits), np.sin(2 * np.pi * grid)
        # A fit is linear in its targets, so E[fit] is estimated by the mean noise-free fit.
        bias2 = np.mean((np.mean(clean_fits, axis=0) - truth) ** 2)
        variance = np.mean(noisy_fits.var(axis=0, ddof=1))
        fresh = truth + rng.normal(0, noise, size=noisy_fits.shape)  # new noisy targets on the grid
        print(f"bias²: {{bias2:.4g}}")
        print(f"variance: {{variance:.4g}}")
        print(f"test error: {{np.mean((noisy_fits - fresh) ** 2):.4g}}")
        print(f"training error: {{np.mean(train_mse):.4g}}")
    """
    reproduce("bias_variance", code, {"bias²": f"{d.bias2:.4g}", "variance": f"{d.variance:.4g}",
                                      "test error": f"{d.expected_error:.4g}", "training error": f"{d.train_error:.4g}"},
              needs="numpy scikit-learn" if d.ridge else "numpy")


def claims(d, s, settings):
    n_train, noise, n_datasets, seed, ridge = settings
    total = s.bias2 + s.variance + s.noise
    gaps = np.abs(total - s.expected_error) / (s.expected_error + 1e-3)
    worst = int(np.argmax(gaps))
    plain = degree_sweep(n_train, noise, n_datasets, seed, 0.0)  # nested least squares: no penalty
    # Interpolating fits leave rounding dust (~1e-30) that sorts at random: show it as 0.
    train = np.where(plain.train_error < 1e-12 * plain.train_error.max(), 0.0, plain.train_error)
    as_fitted = ", ".join(f"{v:.2g}" for v in train)
    largest_first = ", ".join(f"{v:.2g}" for v in np.sort(train)[::-1])
    best = s.best_degree
    more = min(2 * n_train, 400)
    bigger = decomposition(d.degree, more, noise, n_datasets, seed, ridge)
    checks = [
        Claim("Expected test error = bias² + variance + irreducible noise.",
              f"bias² + variance + σ² against the error measured on fresh test data, at every degree from 0 to "
              f"{bv.MAX_DEGREE}: the largest gap is {gaps[worst]:.1%}, at degree {worst} (estimates from "
              f"{n_datasets} training sets)", bool(gaps[worst] <= 0.05)),
        Identity("Training error of least squares never rises as the degree grows.",
                 f"training error at λ = 0, degree 0 to {bv.MAX_DEGREE}: {as_fitted}",
                 f"the same errors sorted from largest to smallest: {largest_first}",
                 "each degree's polynomials include the previous degree's, so the best fit to the same points can "
                 "only match or improve it; a test set has no such guarantee."),
        Claim("Test error is U-shaped in the degree: too simple underfits, too complex overfits.",
              f"test error is lowest at degree {best} ({s.expected_error[best]:.3g}); {s.expected_error[0]:.3g} at "
              f"degree 0 and {s.expected_error[-1]:.3g} at degree {bv.MAX_DEGREE}", bool(0 < best < bv.MAX_DEGREE)),
        Claim("More training data lowers the variance.",
              f"at degree {d.degree}: variance {d.variance:.4g} with {n_train} points per set vs "
              f"{bigger.variance:.4g} with {more}", bool(bigger.variance < d.variance)),
    ]
    if n_train - 1 <= bv.MAX_DEGREE and ridge == 0:  # with λ > 0 there is no minimum-norm fit to measure
        peak = int(np.argmax(s.expected_error))
        through = s.train_error[n_train - 1:].max()
        checks.append(Claim(
            "With fewer points than coefficients the minimum-norm fit passes through every training point, and test "
            "error peaks where degree + 1 = n (the interpolation threshold).",
            f"n = {n_train}: test error peaks at degree {peak} ({s.expected_error[peak]:.3g}); training error from "
            f"degree {n_train - 1} up is at most {through:.1e}",
            bool(peak == n_train - 1 and through < 1e-6)))
    return checks


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        degree_box = st.container()  # the degree comes first: it is the knob this page is about
        ridge = controls.log_slider("Ridge penalty λ", "bv_ridge", RIDGE_VALUES, 0.0,
                                    help="Adds λ·‖coefficients‖² to the squared error: a second complexity knob. "
                                         "0 is plain least squares.")
        n_train = controls.slider("Training points per set", "bv_n", 5, 200, 30, 5)
        noise = controls.slider("Noise σ", "bv_noise", 0.0, 1.0, 0.3, 0.05)
        n_datasets = controls.log_slider("Training sets drawn", "bv_sets", DATASET_COUNTS, 200)
        seed = controls.slider("Seed", "bv_seed", 0, 20, 0)
    with charts_col:
        fits_box = st.container()
    error_col, numbers_col = st.columns([2.2, 1], gap="large")
    degree_part(degree_box, fits_box, error_col, numbers_col, (n_train, noise, n_datasets, seed, ridge))
    return []


topic_page("bias_variance", play)
