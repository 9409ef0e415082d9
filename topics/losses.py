"""Losses: MSE, MAE and Huber against the error with their gradients, lines fitted by each while an outlier moves;
log loss and hinge against the margin, and what a confidently wrong answer costs."""
import numpy as np
import streamlit as st

from engine import losses as L
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_polylines, mark_point
from ui.snippet import reproduce
from ui.theme import PALETTE, figure, mark_x, show

COLORS = {"mse": PALETTE[0], "mae": PALETTE[3], "huber": PALETTE[2], "log_loss": PALETTE[2], "hinge": PALETTE[4]}
REGRESSION = ("mse", "mae", "huber")
OUTLIER_XS = [2.5, 5.0, 10.0, 20.0, 30.0]
X_RANGE = [-1.0, 31.0]
N = 20
SHORT = {"mse": "MSE", "mae": "MAE", "huber": "Huber"}


def page_data(outlier_x, outlier_y, noise, seed):
    """The points (x, y), the outlier last. One place, so other data could replace it later."""
    return L.line_with_outlier(N, outlier_x, outlier_y, noise, random_state=seed)


@st.cache_data(max_entries=256, show_spinner=False)
def fits(outlier_x, outlier_y, noise, seed):
    x, y = page_data(outlier_x, outlier_y, noise, seed)
    with_outlier = {k: L.fit_line(x, y, k) for k in REGRESSION}
    without = {k: L.fit_line(x[:-1], y[:-1], k) for k in REGRESSION}
    return x, y, with_outlier, without


def shift(a, b):
    """Largest vertical gap between two lines over the bulk of the data, x in [0, 5]."""
    xs = np.array([0.0, 5.0])
    return float(np.abs((a.slope - b.slope) * xs + a.intercept - b.intercept).max())


def fit_figure(x, y, with_outlier, without):
    fig = figure("Lines fitted by each loss", height=420, margin=dict(t=50, b=60, r=230),
                 legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top"))
    fig.add_trace(dict(type="scatter", x=x[:-1], y=y[:-1], mode="markers", name="data",
                       marker=dict(size=8, color="#374151")))
    ends = np.array(X_RANGE)
    add_polylines(fig, [(ends, without["mse"].slope * ends + without["mse"].intercept)], "any fit, without the outlier",
                  line=dict(color="#9AA0A6", width=2, dash="dot"))
    for key in REGRESSION:
        fit = with_outlier[key]
        add_polylines(fig, [(ends, fit.slope * ends + fit.intercept)], L.LOSSES[key].name,
                      line=dict(color=COLORS[key], width=3.5 if key != "huber" else 2.5,
                                dash="dash" if key == "huber" else None))
    mark_point(fig, x[-1], y[-1], "outlier (drag it with the sliders)", color="#111827", size=9, width=4)
    fig.update_xaxes(range=X_RANGE, title="x")
    fig.update_yaxes(range=[-15, 35], title="y")
    return fig


def loss_figure(residuals):
    """Each regression loss (left) and its gradient (right) against the error, the outlier's error marked."""
    e = np.linspace(-6, 6, 241)
    fig = figure("Loss and gradient against the error ŷ − y (the outlier's error marked)", height=400,
                 xaxis=dict(domain=[0, 0.46], range=[-6, 6], title="error ŷ − y"), yaxis=dict(range=[-0.5, 12], title="loss"),
                 xaxis2=dict(domain=[0.56, 1], range=[-6, 6], title="error ŷ − y"),
                 yaxis2=dict(anchor="x2", range=[-6, 6], title="gradient d loss / d ŷ"))
    for key in REGRESSION:
        loss = L.LOSSES[key]
        fig.add_trace(dict(type="scatter", x=e, y=loss.curve(e), name=loss.name, line=dict(color=COLORS[key], width=3)))
        fig.add_trace(dict(type="scatter", x=e, y=loss.slope(e), showlegend=False, xaxis="x2", yaxis="y2",
                           line=dict(color=COLORS[key], width=3, shape="linear"), name=loss.name))
        r = float(np.clip(residuals[key], -6, 6))
        mark_point(fig, r, float(min(loss.curve(r), 12)), "outlier's error", showlegend=key == "mse", color=COLORS[key])
        mark_point(fig, r, float(loss.slope(r)), "outlier's error", xref="x2", yref="y2", showlegend=False,
                   color=COLORS[key])
    return fig


@live_part
def outlier_part(y_box, fit_box, loss_box, snippet_box, settings):
    outlier_x, noise, seed = settings
    with y_box:
        outlier_y = controls.slider("Outlier: y", "loss_oy", -10.0, 30.0, 15.0, 1.0)
    x, y, with_outlier, without = fits(outlier_x, outlier_y, noise, seed)
    moved = {k: shift(with_outlier[k], without[k]) for k in REGRESSION}
    residuals = {k: with_outlier[k].slope * x[-1] + with_outlier[k].intercept - y[-1] for k in REGRESSION}
    with fit_box:
        metric_row({f"{SHORT[k]} line moved": f"{moved[k]:.3f}" for k in REGRESSION},
                   help={"MSE line moved": "Largest vertical gap, over x from 0 to 5, between the line fitted with the "
                                           "outlier and the one fitted without it."})
        show(fit_figure(x, y, with_outlier, without), "loss_fit")
    with loss_box:
        show(loss_figure(residuals), "loss_curves")
    with snippet_box:
        snippet(outlier_x, outlier_y, noise, seed, with_outlier, moved)
    return [Claim("MAE is good with outliers: one outlier moves the MAE line less than the MSE line.",
                  f"outlier at ({outlier_x:g}, {outlier_y:g}): the MAE line moved by {moved['mae']:.3f}, the MSE line by "
                  f"{moved['mse']:.3f} (Huber {moved['huber']:.3f})", bool(moved["mae"] < moved["mse"]))]


def snippet(outlier_x, outlier_y, noise, seed, with_outlier, moved):
    code = f"""
    import numpy as np
    from scipy.optimize import minimize
    from sklearn.linear_model import LinearRegression, QuantileRegressor

    rng = np.random.default_rng({seed})
    x = np.linspace(0, 5, {N})
    y = 1 + 0.8 * x + {noise} * rng.normal(size={N})
    x, y = np.r_[x, {outlier_x}], np.r_[y, {outlier_y}]  # the outlier

    def fit(loss, x, y):
        X = x[:, None]
        if loss == "mse":
            m = LinearRegression().fit(X, y)
        elif loss == "mae":  # the median regression minimises the mean absolute error
            m = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(X, y)
        else:  # Huber with delta = 1 (scikit-learn's HuberRegressor also rescales the residuals, so minimise directly)
            huber = lambda r: np.where(np.abs(r) <= 1, 0.5 * r**2, np.abs(r) - 0.5)
            t = minimize(lambda t: huber(t[0] * x + t[1] - y).mean(), np.polyfit(x, y, 1), method="Nelder-Mead",
                         options=dict(xatol=1e-10, fatol=1e-12, maxiter=20_000)).x
            return t[0], t[1]
        return m.coef_[0], m.intercept_

    for loss in ("mse", "mae", "huber"):
        a, b = fit(loss, x, y)
        a0, b0 = fit(loss, x[:-1], y[:-1])
        moved = np.abs((a - a0) * np.array([0.0, 5.0]) + b - b0).max()
        print(f"{{loss}} slope: {{a:.3f}}")
        print(f"{{loss}} line moved: {{moved:.3f}}")
    """
    prints = {}
    for key in REGRESSION:
        prints[f"{key} slope"] = f"{with_outlier[key].slope:.3f}"
        prints[f"{key} line moved"] = f"{moved[key]:.3f}"
    reproduce("losses", code, prints)


def play():
    controls_col, charts_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        y_box = st.container()  # the outlier first: it is what this section is about
        outlier_x = controls.log_slider("Outlier: x", "loss_ox", OUTLIER_XS, 2.5,
                                        help="The other points have x between 0 and 5. Far out in x, a point has "
                                             "leverage: it can tilt the line.")
        noise = controls.slider("Noise on the other points", "loss_noise", 0.0, 2.0, 0.5, 0.25)
        seed = controls.slider("Seed", "loss_seed", 0, 20, 0)
        snippet_box = st.container()
    with charts_col:
        fit_box = st.container()
    loss_box = st.container()
    outlier_part(y_box, fit_box, loss_box, snippet_box, (outlier_x, noise, seed))
    return []


def classification_figure(score):
    """Log loss and hinge against the margin for a positive example, the current score marked (as layout)."""
    m = np.linspace(-6, 6, 241)
    fig = figure("Positive example (y = 1): loss (solid), gradient (dotted) against m = s", height=400,
                 xaxis=dict(range=[-6, 6], title="score s  (p = σ(s) is the predicted probability of the true class)"),
                 yaxis=dict(range=[-1.3, 7.5], title="loss; gradient d loss / d s"))
    fig.add_trace(dict(type="scatter", x=m, y=(m <= 0).astype(float), name="0–1 loss", line=dict(color="#9AA0A6", shape="hv")))
    for key in ("log_loss", "hinge"):
        loss = L.LOSSES[key]
        fig.add_trace(dict(type="scatter", x=m, y=loss.curve(m), name=loss.name, line=dict(color=COLORS[key], width=3)))
        # The gradient: log loss's −σ(−s) never reaches 0 (every point keeps a pull); hinge's is −1 until s = 1, then 0.
        fig.add_trace(dict(type="scatter", x=m, y=loss.slope(m), name=f"{loss.name}: gradient", showlegend=False,
                           line=dict(color=COLORS[key], width=2, dash="dot")))
        mark_point(fig, score, float(loss.curve(score)), f"at s = {score:g}", showlegend=key == "hinge", color=COLORS[key])
    mark_x(fig, score, f"s = {score:g}, p = {float(L._sigmoid(score)):.3f}")
    return fig


def classification_section():
    st.markdown("### Classification losses\n\nOne positive example. Move its score from confidently right to "
                "confidently wrong and compare what log loss and hinge loss charge for it.")
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        score = controls.slider("Score s of the positive example", "loss_s", -6.0, 6.0, 0.5, 0.25)
    p = float(L._sigmoid(score))
    log_loss = L.LOSSES["log_loss"].value([1.0], [p])
    hinge = L.LOSSES["hinge"].value([1.0], [score])
    with chart_col:
        show(classification_figure(score), "loss_class")
    with controls_col:
        metric_row({"p(true class)": f"{p:.3f}", "log loss": f"{log_loss:.3f}", "hinge": f"{hinge:.3f}"})
    right_sign = score > 0
    return [
        # The syllabus' rule read both ways (zero cost for the right sign, a cost for the wrong one), so the verdict
        # means something at every score rather than holding vacuously for every wrong sign.
        Claim("Hinge loss is zero whenever the prediction has the correct sign, and positive only when it is wrong.",
              f"score {score:g}: the sign is {'correct' if right_sign else 'wrong'} and the hinge loss is {hinge:.3f}",
              bool((hinge == 0) == right_sign)),
        Identity("Log loss of the predicted probability p = σ(s) is the logistic loss of the margin: −ln p = ln(1 + e^−s).",
                 f"−ln {p:.4f} = {log_loss:.4f}", f"ln(1 + e^{-score:g}) = {float(np.logaddexp(0, -score)):.4f}",
                 "σ(s) = 1 / (1 + e^−s), so −ln σ(s) = ln(1 + e^−s): a confident wrong answer (s ≪ 0) costs about |s|, "
                 "without limit as p → 0."),
    ]


topic_page("losses", play, classification_section)
