"""L1 and L2 regularization: coefficient paths against α, exact zeros, and the diamond-versus-circle picture."""
import numpy as np
import streamlit as st

from engine import regularization as reg
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import legend_entry, log10_axis, mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, show, square_axes

ALPHAS = controls.powers_of_ten(-3, 3)
PATH_ALPHAS = np.logspace(-3, 3, 61)
LOG_RANGE = [-3.2, 3.2]
N, D = 60, 8
PENALTY_LABELS = {"l1": "L1 (lasso)", "l2": "L2 (ridge)", "elasticnet": "elastic net"}
SHORT_LABELS = {"l1": "L1", "l2": "L2", "elasticnet": "elastic net"}
PICTURE_COEF = (2.0, 0.5)
RIDGE_NOTE = "ridge's α multiplies ‖w‖² against the *summed* squared error, lasso's the mean / 2"


@st.cache_data(max_entries=32, show_spinner=False)
def data(n_informative, noise, correlation, seed):
    """The page's regression data (X, y) and the true coefficients."""
    sample = reg.sparse_regression(N, D, n_informative, noise, correlation, random_state=seed)
    return sample.X, sample.y, sample.true_coef


@st.cache_data(max_entries=32, show_spinner="Fitting the path…")
def path(n_informative, noise, correlation, seed, penalty, l1_ratio):
    X, y, _ = data(n_informative, noise, correlation, seed)
    return reg.coefficient_path(X, y, penalty, PATH_ALPHAS, l1_ratio)


@st.cache_data(max_entries=128, show_spinner=False)
def fits_at(alpha, n_informative, noise, correlation, seed, l1_ratio):
    """Lasso, ridge and elastic net at one α: (coefs (3, d), lasso's sweeps)."""
    X, y, _ = data(n_informative, noise, correlation, seed)
    fits = [reg.coefficient_path(X, y, p, [alpha], l1_ratio) for p in reg.PENALTIES]
    return np.vstack([f.coefs for f in fits]), int(fits[0].n_iter[0])


@st.cache_data(max_entries=64, show_spinner=False)
def pictures(alpha, noise, correlation, seed):
    sample = reg.sparse_regression(N, 2, 2, noise, correlation, random_state=seed, true_coef=PICTURE_COEF)
    return [reg.constraint_picture(sample.X, sample.y, p, alpha) for p in ("l1", "l2")]


def path_figure(p, true_coef, alpha, penalty, l1_ratio):
    """Coefficients (top) and the count of exact zeros (bottom) against log10 α; the current α as a shape."""
    x = np.log10(p.alphas)
    name = PENALTY_LABELS[penalty] + (f", l1_ratio = {l1_ratio:g}" if penalty == "elasticnet" else "")
    fig = figure(f"Coefficient path: {name}", height=520, margin=dict(t=95, b=65),
                 xaxis=dict(anchor="y2", range=LOG_RANGE), yaxis=dict(domain=[0.34, 1], title="coefficient"),
                 yaxis2=dict(domain=[0, 0.24], title="exact zeros", range=[-0.5, D + 0.5], tickvals=[0, D // 2, D]))
    for j in range(D):
        informative = true_coef[j] != 0
        fig.add_trace(dict(type="scatter", x=x, y=p.coefs[:, j], mode="lines", legendgroup="inf" if informative else "noise",
                           name="informative feature" if informative else "noise feature", showlegend=j in (0, D - 1),
                           line=dict(color=PALETTE[j % 4] if informative else MUTED, width=3 if informative else 1.5,
                                     dash=None if informative else "dot"),
                           hovertemplate=f"feature {j}<br>log10 α = %{{x:.2f}}<br>w = %{{y:.3f}}<extra></extra>"))
    fig.add_trace(dict(type="scatter", x=x, y=p.n_zero, mode="lines", line=dict(color="#111827", width=2.5, shape="hv"),
                       name="exact zeros", yaxis="y2", showlegend=False))
    limit = float(np.ceil(np.abs(p.coefs).max() + 0.25))
    fig.update_yaxes(range=[-limit, limit])
    log10_axis(fig, -3, 3, "α (log scale)", axis="xaxis")
    fig.update_layout(xaxis=dict(range=LOG_RANGE))
    mark = np.log10(alpha)
    fig.add_shape(type="line", x0=mark, x1=mark, y0=0, y1=1, xref="x", yref="paper", line=dict(color="#111827", dash="dash", width=2))
    fig.add_annotation(x=mark, y=1, yref="paper", yanchor="top", xanchor="left", text=f" α = {alpha:g}", showarrow=False,
                       bgcolor="rgba(255,255,255,0.85)")
    return fig


def picture_figure(l1, l2, alpha, box):
    """Left: L1 diamond; right: L2 disc; each with the loss ellipse through the penalised solution (all layout)."""
    (x0, x1), (y0, y1) = box
    fig = figure(f"Loss contours meet the constraint (α = {alpha:g}, both penalties on the lasso's scale)", height=500,
                 margin=dict(t=70, b=120), legend=dict(y=-0.2, yanchor="top"),
                 xaxis=dict(domain=[0, 0.46], range=[x0, x1], title="w₁"), yaxis=dict(range=[y0, y1], title="w₂"),
                 xaxis2=dict(domain=[0.54, 1], range=[x0, x1], title="w₁"), yaxis2=dict(anchor="x2", range=[y0, y1]))
    square_axes(fig, "x", "y")
    square_axes(fig, "x2", "y2")
    corners = np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]])
    angles = np.linspace(0, 2 * np.pi, 121)
    regions = {"x": l1.budget * corners.T, "x2": l2.budget * np.array([np.cos(angles), np.sin(angles)])}
    contour_line = dict(color=PALETTE[0], width=2.5)
    region_line = dict(color=PALETTE[3], width=3)
    legend_entry(fig, "‖w‖ ≤ budget", mode="lines", line=region_line)
    legend_entry(fig, "loss contour through the solution", mode="lines", line=contour_line)
    for xref, fit in (("x", l1), ("x2", l2)):
        yref = "y" if xref == "x" else "y2"
        region = regions[xref]
        path = " ".join(f"{'M' if i == 0 else 'L'}{a:.4g},{b:.4g}" for i, (a, b) in enumerate(region.T)) + " Z"
        fig.add_shape(type="path", path=path, xref=xref, yref=yref, fillcolor="rgba(213,94,0,0.15)", line=region_line,
                      legendgroup="‖w‖ ≤ budget", showlegend=False)
        contour = fit.contour
        cpath = " ".join(f"{'M' if i == 0 else 'L'}{a:.4g},{b:.4g}" for i, (a, b) in enumerate(contour))
        fig.add_shape(type="path", path=cpath, xref=xref, yref=yref, line=contour_line,
                      legendgroup="loss contour through the solution", showlegend=False)
        mark_point(fig, fit.ols[0], fit.ols[1], "least squares (no penalty)", xref=xref, yref=yref,
                   showlegend=xref == "x", color=MUTED, size=7)
        mark_point(fig, fit.coef[0], fit.coef[1], "penalised solution", xref=xref, yref=yref, showlegend=xref == "x",
                   color="#111827", size=8)
    for xref, text in (("x domain", "L1: diamond |w₁| + |w₂| ≤ t"), ("x2 domain", "L2: disc w₁² + w₂² ≤ t², ridge at n·α")):
        fig.add_annotation(x=0.5, xref=xref, y=1.0, yref="paper", yanchor="bottom", text=text, showarrow=False)
    return fig


def picture_box(noise, correlation, seed):
    """Axis ranges that hold the least-squares point and the origin, in whole units (still while α moves)."""
    l1, _ = pictures(1e-3, noise, correlation, seed)
    low = np.floor(np.minimum(l1.ols, 0) - 1.0)
    high = np.ceil(np.maximum(l1.ols, 0) + 1.0)
    return (low[0], high[0]), (low[1], high[1])


@live_part
def alpha_part(alpha_box, metrics_box, path_box, picture_box_, snippet_box, settings):
    n_informative, noise, correlation, seed, penalty, l1_ratio = settings
    with alpha_box:
        alpha = controls.log_slider("α (penalty strength)", "reg_alpha", ALPHAS, 0.1,
                                    help="Larger α pulls the coefficients harder towards zero. " + RIDGE_NOTE + ".")
    X, y, true_coef = data(n_informative, noise, correlation, seed)
    coefs, sweeps = fits_at(alpha, n_informative, noise, correlation, seed, l1_ratio)
    zeros = (coefs == 0).sum(axis=1)
    with metrics_box:
        metric_row({"lasso: exact zeros": f"{zeros[0]} of {D}", "ridge: exact zeros": f"{zeros[1]} of {D}",
                    "elastic net: exact zeros": f"{zeros[2]} of {D}"})
    with path_box:
        show(path_figure(path(n_informative, noise, correlation, seed, penalty, l1_ratio), true_coef, alpha, penalty,
                         l1_ratio), "reg_path")
    with picture_box_:
        l1, l2 = pictures(alpha, noise, correlation, seed)
        show(picture_figure(l1, l2, alpha, picture_box(noise, correlation, seed)), "reg_picture")
        st.caption(f"Two features, true w = {PICTURE_COEF}, same noise and correlation. L1 solution "
                   f"w = ({l1.coef[0]:.3f}, {l1.coef[1]:.3f}); L2 solution w = ({l2.coef[0]:.3f}, {l2.coef[1]:.3f}). "
                   f"Cost on the 8-feature data at this α: lasso took {sweeps} coordinate-descent sweeps "
                   f"(tolerance {reg.TOL:g}); ridge is one {D}×{D} linear solve.")
    kept = np.flatnonzero(coefs[0]).tolist()
    informative = np.flatnonzero(true_coef).tolist()
    with snippet_box:
        snippet(alpha, n_informative, noise, correlation, seed, l1_ratio, zeros, kept, coefs)
    return [
        Claim("L1 regularization sets some coefficients exactly to zero.",
              f"lasso at α = {alpha:g}: {zeros[0]} of {D} coefficients are exactly 0", bool(zeros[0] >= 1)),
        Claim("Lasso performs feature selection: it keeps the informative features and drops the rest.",
              f"lasso at α = {alpha:g} keeps features {kept or 'none'}; the informative ones are {informative or 'none'}",
              kept == informative),
    ]


def snippet(alpha, n_informative, noise, correlation, seed, l1_ratio, zeros, kept, coefs):
    code = f"""
    import numpy as np
    from sklearn.linear_model import ElasticNet, Lasso, Ridge

    rng = np.random.default_rng({seed})
    n, d, k, noise, rho = {N}, {D}, {n_informative}, {noise}, {correlation}
    X = np.sqrt(rho) * rng.normal(size=(n, 1)) + np.sqrt(1 - rho) * rng.normal(size=(n, d))
    w = np.zeros(d)
    w[:k] = np.maximum(3.0 - 0.5 * np.arange(k), 0.5) * (-1.0) ** np.arange(k)
    y = X @ w + noise * rng.normal(size=n)

    alpha = {alpha}
    lasso = Lasso(alpha=alpha, tol=1e-10, max_iter=100_000).fit(X, y)
    ridge = Ridge(alpha=alpha).fit(X, y)
    enet = ElasticNet(alpha=alpha, l1_ratio={l1_ratio}, tol=1e-10, max_iter=100_000).fit(X, y)
    print("lasso zeros:", int(np.sum(lasso.coef_ == 0)))
    print("ridge zeros:", int(np.sum(ridge.coef_ == 0)))
    print("elastic net zeros:", int(np.sum(enet.coef_ == 0)))
    print("lasso keeps:", np.flatnonzero(lasso.coef_).tolist())
    print("ridge smallest |w|:", f"{{np.abs(ridge.coef_).min():.4f}}")
    """
    prints = {"lasso zeros": str(zeros[0]), "ridge zeros": str(zeros[1]), "elastic net zeros": str(zeros[2]),
              "lasso keeps": str(kept), "ridge smallest |w|": f"{np.abs(coefs[1]).min():.4f}"}
    reproduce("regularization", code, prints)


def play():
    controls_col, charts_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        alpha_box = st.container()  # α first: it is what the page is about, and it reruns only alpha_part
        penalty = controls.choice("Path for", "reg_penalty", list(reg.PENALTIES), labels=SHORT_LABELS, horizontal=True)
        l1_ratio = controls.slider("Elastic net l1_ratio", "reg_l1ratio", 0.1, 0.9, 0.5, 0.1,
                                   help="The share of the penalty that is L1; the rest is L2.")
        n_informative = controls.slider("Informative features (of 8)", "reg_inf", 1, D, 3)
        noise = controls.slider("Noise σ", "reg_noise", 0.0, 5.0, 1.0, 0.5)
        correlation = controls.slider("Correlation between features", "reg_corr", 0.0, 0.9, 0.3, 0.1)
        seed = controls.slider("Seed", "reg_seed", 0, 20, 0)
        snippet_box = st.container()
    with charts_col:
        metrics_box, path_box = st.container(), st.container()
    picture_col = st.container()
    alpha_part(alpha_box, metrics_box, path_box, picture_col, snippet_box,
               (n_informative, noise, correlation, seed, penalty, l1_ratio))
    return []


topic_page("regularization", play)
