"""Naive Bayes: per-feature Gaussians per class, priors, the posterior map, and what correlated features do to it."""
import textwrap

import numpy as np
import pandas as pd
import streamlit as st
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from engine import naive_bayes as nb
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_contours, add_dots, add_heatmap_image, add_lines, legend_entry, mark_point
from ui.snippet import reproduce
from ui.theme import NEGATIVE, PALETTE, POSITIVE, figure, show, square_axes
from ui.upload import HOLDOUT, MIN_PER_CLASS, axis_title, holdout, holdout_code, own_data

BOX = (-4.5, 4.5)
GRID = 80
N_TEST = 4000
SHOWN_TEST = 600
SEPARATION = 2.0
CALIBRATION_TOL = 0.03
AUC_TOL = 0.01
MAX_ROWS = 2000   # an uploaded file
BINS = 10         # an uploaded file's calibration chart: held-out rows binned by naive Bayes' P(class 1)


def truth(rho, direction, prior):
    """The distribution the data come from: class means ±(1, direction)·SEPARATION/2, correlation rho."""
    return nb.two_gaussians(rho, [SEPARATION, direction * SEPARATION], prior)


def page_data(rho, direction, prior, n, seed):
    """The built-in training data (X, y). One place, so an uploaded data set can replace it later."""
    return truth(rho, direction, prior).sample(n, random_state=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def results(rho, direction, prior, n, seed):
    true = truth(rho, direction, prior)
    X, y = page_data(rho, direction, prior, n, seed)
    fit = nb.fit_gaussian_nb(X, y)
    X_test, y_test = true.sample(N_TEST, random_state=seed + 1000)
    p_nb, p_true = fit.predict_proba(X_test)[:, 1], true.posterior(X_test)
    xs = ys = np.linspace(*BOX, GRID)
    points = np.c_[np.tile(xs, GRID), np.repeat(ys, GRID)]
    surface = fit.predict_proba(points)[:, 1].reshape(GRID, GRID)
    true_surface = true.posterior(points).reshape(GRID, GRID)
    numbers = dict(confidence=float(np.maximum(p_nb, 1 - p_nb).mean()),
                   accuracy=float(np.mean((p_nb >= 0.5) == y_test)),
                   bayes_accuracy=float(np.mean((p_true >= 0.5) == y_test)),
                   auc_nb=float(roc_auc_score(y_test, p_nb)), auc_true=float(roc_auc_score(y_test, p_true)))
    return X, y, fit, p_nb[:SHOWN_TEST], p_true[:SHOWN_TEST], xs, ys, surface, true_surface, numbers


def user_box(X):
    """A square box holding every point of a file (z-scores), at least BOX, in half units."""
    half = max(BOX[1], float(np.ceil(np.abs(X).max() * 2 + 1) / 2))
    return -half, half


@st.cache_data(max_entries=16, show_spinner=False)
def user_results(X, y):
    """Naive Bayes on an uploaded file: fitted on 70 % of its rows, scored on the 30 % held out (no true
    posterior is known, so there is no best boundary and no best AUC). Shaped like ``results``."""
    X_fit, X_new, y_fit, y_new = holdout(X, y)
    fit = nb.fit_gaussian_nb(X_fit, y_fit)
    p_nb = fit.predict_proba(X_new)[:, 1]
    xs = ys = np.linspace(*user_box(X), GRID)
    points = np.c_[np.tile(xs, GRID), np.repeat(ys, GRID)]
    surface = fit.predict_proba(points)[:, 1].reshape(GRID, GRID)
    numbers = dict(confidence=float(np.maximum(p_nb, 1 - p_nb).mean()), accuracy=float(np.mean((p_nb >= 0.5) == y_new)),
                   auc_nb=float(roc_auc_score(y_new, p_nb)), held_out=len(y_new))
    return X_fit, y_fit, fit, p_nb, y_new, xs, ys, surface, None, numbers


def reliability_figure(p_nb, y_new, positive="class 1"):
    """A file's held-out rows binned by naive Bayes' P(class 1): each bin's mean prediction against the share
    of class 1 in it (marker area ∝ rows in the bin)."""
    bins = np.minimum((p_nb * BINS).astype(int), BINS - 1)
    used = np.unique(bins)
    predicted = np.array([p_nb[bins == b].mean() for b in used])
    observed = np.array([y_new[bins == b].mean() for b in used])
    counts = np.array([np.sum(bins == b) for b in used])
    fig = figure("Held-out rows: predicted against observed", height=420, margin=dict(t=50),
                 xaxis=dict(range=[-0.03, 1.03], title=f"naive Bayes' P({positive} | x), bin mean"),
                 yaxis=dict(range=[-0.03, 1.03], title=f"share of {positive} in the bin"),
                 legend=dict(x=0.02, xanchor="left", y=0.98, yanchor="top", bgcolor="rgba(255,255,255,0.8)"))
    fig.add_trace(dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", name="calibrated (y = x)",
                       line=dict(color="#9CA3AF", dash="dash", width=2)))
    fig.add_trace(dict(type="scatter", x=predicted, y=observed, mode="markers+lines", name=f"{len(p_nb)} held-out rows, "
                       f"{BINS} bins", marker=dict(size=6 + 18 * np.sqrt(counts / counts.max()), color=PALETTE[0]),
                       line=dict(color=PALETTE[0], width=1), text=[f"{c} rows" for c in counts],
                       hovertemplate="P %{x:.2f}, observed %{y:.2f}, %{text}<extra></extra>"))
    return square_axes(fig)


def map_figure(X, y, xs, ys, surface, true_surface, probe, names=None, classes=None):
    positive = axis_title(classes[1]) if classes else "class 1"
    fig = figure(f"Naive Bayes' posterior P({positive} | x)", height=560, margin=dict(t=110))
    add_heatmap_image(fig, xs, ys, surface, "RdBu_r", -0.5, 1.5, opacity=0.6)
    add_contours(fig, xs, ys, surface, 0.5, "naive Bayes boundary")
    if true_surface is not None:  # the built-in generator's; a file has no known truth
        add_contours(fig, xs, ys, true_surface, 0.5, "best boundary (true model)", dash="dash", color=PALETTE[3])
    labels = [f"class {axis_title(c)}" for c in classes] if classes else ["class 0", "class 1"]
    for name, color in zip(labels, (NEGATIVE, POSITIVE)):
        legend_entry(fig, name, mode="markers", marker=dict(size=6, color=color, opacity=0.8))
    # The points move with ρ: layout shapes, so a move redraws no trace.
    add_dots(fig, X[:, 0], X[:, 1], np.where(y == 1, POSITIVE, NEGATIVE), opacity=0.8, size=6)
    mark_point(fig, probe[0], probe[1], "probe point x", color="#111827")
    fig.update_xaxes(range=[xs[0], xs[-1]], title=axis_names(names)[0])
    fig.update_yaxes(range=[ys[0], ys[-1]], title=axis_names(names)[1])
    return square_axes(fig)


def axis_names(names):
    """x₁ and x₂, or for a file x₁ = its first chosen column and x₂ = its second (z-scores)."""
    if not names:
        return "x₁", "x₂"
    return tuple(f"{sub} = {axis_title(name)} (z-score)" for sub, name in zip(("x₁", "x₂"), names))


def densities_figure(fit, probe, box=BOX, names=None, classes=None):
    """One panel per feature: each class's fitted Gaussian P(x_j | C_k), with the probe's value marked."""
    grid = np.linspace(*box, 161)
    x1, x2 = axis_names(names)
    labels = [f"class {axis_title(c)}" for c in classes] if classes else ["class 0", "class 1"]
    densities = norm.pdf(grid[:, None, None], fit.means, np.sqrt(fit.variances))  # (grid, class, feature)
    top = float(np.ceil(densities.max() * 1.1 * 10) / 10)  # in tenths, so the axes stay put as ρ moves
    fig = figure("Per-feature Gaussians P(xⱼ | class), probe dashed", height=420, margin=dict(t=50),
                 xaxis=dict(domain=[0, 1], range=list(box), title=x1, anchor="y"),
                 yaxis=dict(domain=[0.64, 1], range=[0, top], title="density"),
                 xaxis2=dict(domain=[0, 1], range=list(box), title=x2, anchor="y2"),
                 yaxis2=dict(domain=[0, 0.4], range=[0, top], title="density"))
    for j, (xaxis, yaxis) in enumerate((("x", "y"), ("x2", "y2"))):
        for k, (name, color) in enumerate(zip(labels, (NEGATIVE, POSITIVE))):
            add_lines(fig, grid, densities[:, k, j], name, dict(color=color, width=3), showlegend=j == 0,
                      xref=xaxis, yref=yaxis)
        fig.add_shape(type="line", x0=probe[j], x1=probe[j], y0=0, y1=1, xref=xaxis, yref=f"{yaxis} domain",
                      line=dict(color="#111827", dash="dash", width=2))
    return fig


def calibration_figure(p_nb, p_true):
    fig = figure("Honest probabilities lie on the diagonal", height=420, margin=dict(t=50),
                 xaxis=dict(range=[0, 1], title="true P(class 1 | x)"),
                 yaxis=dict(range=[0, 1], title="naive Bayes' P(class 1 | x)"),
                 legend=dict(x=0.02, xanchor="left", y=0.98, yanchor="top", bgcolor="rgba(255,255,255,0.8)"))
    fig.add_trace(dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", name="calibrated (y = x)",
                       line=dict(color="#9CA3AF", dash="dash", width=2)))
    legend_entry(fig, f"{len(p_nb)} test points", mode="markers", marker=dict(size=5, color=PALETTE[0], opacity=0.6))
    add_dots(fig, p_true, p_nb, PALETTE[0], opacity=0.6, size=5)
    return square_axes(fig)


@live_part
def correlation_part(rho_box, map_box, side_box, calibration_box, snippet_box, settings):
    direction, prior, n, seed, own = settings
    with rho_box:
        if not own.is_user:  # ρ shapes the generator's classes; a file brings its own correlation
            rho = controls.slider("Correlation ρ of x₁ and x₂ within each class", "nb_rho", -0.9, 0.9, 0.8, 0.1,
                                  help="Naive Bayes assumes 0: the features independent given the class.")
        probe = (controls.slider("Probe x₁", "nb_px", -3.0, 3.0, 0.5, 0.25),
                 controls.slider("Probe x₂", "nb_py", -3.0, 3.0, 1.0, 0.25))
    if own.is_user:
        X, y, fit, p_nb, p_true, xs, ys, surface, true_surface, m = user_results(own.X, own.y)
        names, classes = own.names[:2], own.classes
        new = f"the {m['held_out']} held-out rows of your file"
        within = [np.corrcoef(X[y == k].T)[0, 1] if np.sum(y == k) > 2 else np.nan for k in (0, 1)]
    else:
        X, y, fit, p_nb, p_true, xs, ys, surface, true_surface, m = results(rho, direction, prior, n, seed)
        names = classes = None
        new = "4,000 new points"
    with map_box:
        tiles = {"confidence": f"{m['confidence']:.3f}", "accuracy": f"{m['accuracy']:.3f}", "AUC": f"{m['auc_nb']:.3f}"}
        if not own.is_user:
            tiles["best AUC"] = f"{m['auc_true']:.3f}"
        metric_row(tiles, help={"confidence": f"Naive Bayes' mean of max(P(class 0 | x), P(class 1 | x)) on {new}.",
                                "accuracy": f"Naive Bayes' accuracy on the same {new}.",
                                "AUC": f"Naive Bayes' AUC on {new}: how well it ranks them.",
                                "best AUC": "AUC of the true posterior, which knows ρ: the best possible ranking."})
        show(map_figure(X, y, xs, ys, surface, true_surface, probe, names, classes), "nb_map")
        if own.is_user:
            st.caption(f"Your file: fitted on {len(y)} of its rows; the other {m['held_out']} ({HOLDOUT:.0%}, stratified) "
                       "are held out as new points. Correlation of the two features within each class, the "
                       f"dependence naive Bayes ignores: {within[0]:.2f} and {within[1]:.2f}. No true model is known "
                       "for a file, so there is no best boundary or best AUC to compare with.")
    with side_box:
        show(densities_figure(fit, probe, (xs[0], xs[-1]), names, classes), "nb_densities")
    with calibration_box:
        show(reliability_figure(p_nb, p_true, axis_title(own.classes[1])) if own.is_user
             else calibration_figure(p_nb, p_true), "nb_calibration")
    with snippet_box:
        if own.is_user:
            user_snippet(own, m)
        else:
            snippet(rho, direction, prior, n, seed, m)
    # The identity at the probe: the engine's posterior against the product of the densities on screen.
    joint = [np.prod(norm.pdf(probe, fit.means[k], np.sqrt(fit.variances[k]))) * fit.priors[k] for k in range(2)]
    posterior = float(fit.predict_proba([probe])[0, 1])
    gap = m["confidence"] - m["accuracy"]
    checks = [
        Identity("P(C₁ | x) = P(x₁ | C₁) P(x₂ | C₁) P(C₁) / Σₖ P(x₁ | Cₖ) P(x₂ | Cₖ) P(Cₖ) at the probe point "
                 "(the numerator is the joint P(C₁, x) under the naive model, not P(x | C₁)).",
                 f"P(C₁ | x) = {posterior:.4f}",
                 f"{joint[1]:.4g} / ({joint[0]:.4g} + {joint[1]:.4g}) = {joint[1] / (joint[0] + joint[1]):.4f}",
                 "Bayes' rule: the joint P(x | C)·P(C) = P(C, x) divided by its sum over classes, P(x)."),
        Claim("Naive Bayes' probabilities can be taken at face value: its average confidence on new points is "
              "within 3 points of its accuracy.",
              f"mean confidence {m['confidence']:.3f}, accuracy {m['accuracy']:.3f} (gap {gap:+.3f})",
              bool(abs(gap) <= CALIBRATION_TOL)),
    ]
    if own.is_user:  # the comparison needs the true posterior, which only the built-in generator has
        return checks
    return checks + [
        Claim("Even when the independence assumption is wrong, naive Bayes ranks new points as well as the true "
              "posterior (AUC within 0.01).",
              f"AUC {m['auc_nb']:.3f} against the true posterior's {m['auc_true']:.3f}",
              bool(m["auc_true"] - m["auc_nb"] <= AUC_TOL)),
    ]


def play():
    controls_col, map_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        rho_box = st.container()  # the correlation first: this page is about the independence assumption
        generator_box = st.container()
        own = own_data("nb", "features_label", max_rows=MAX_ROWS, standardise=True, slug="naive_bayes",
                       min_per_class=MIN_PER_CLASS)
        snippet_box = st.container()
    if own.is_user:  # the generator's controls do nothing for a file; the download offers the default data
        direction, prior, n, seed = 1.0, 0.5, 200, 0
    else:
        with generator_box:
            direction = controls.slider("Class shift along x₂ (relative to x₁)", "nb_dir", -1.0, 1.0, 1.0, 0.25,
                                        help="1: the classes differ equally in both features; 0: only in x₁.")
            prior = controls.slider("Share of class 1, P(C₁)", "nb_prior", 0.1, 0.9, 0.5, 0.05)
            n = controls.slider("Training points", "nb_n", 20, 1000, 200, 20)
            seed = controls.slider("Seed", "nb_seed", 0, 20, 0)
    # ρ is read in its own live part below; the template takes its value as last set (the file name says which).
    rho = float(st.session_state.get("nb_rho", 0.8))
    X0, y0 = page_data(rho, direction, prior, n, seed)
    own.offer(pd.DataFrame({"x1": X0[:, 0].round(4), "x2": X0[:, 1].round(4), "label": y0}),
              f"naive_bayes_builtin_rho_{rho:g}.csv")
    if own.is_user:
        st.markdown("### The fitted Gaussians, and are the probabilities honest?\n\nLeft: each class's Gaussian for "
                    "each feature, cut by the probe point. Right: your held-out rows, binned by naive Bayes' "
                    "probability of the second class; up, that class's share of the rows in each bin. Bins below the "
                    "diagonal at the right and above it at the left are overconfidence.")
    else:
        st.markdown("### The fitted Gaussians, and are the probabilities honest?\n\nLeft: each class's Gaussian for "
                    "each feature, cut by the probe point. Right: each dot is a new point from the true distribution; "
                    "across, the posterior of the model that knows ρ; up, naive Bayes'. Dots bent towards the "
                    "corners are overconfidence.")
    side_col, calibration_box = st.columns(2, gap="large")
    correlation_part(rho_box, map_col, side_col, calibration_box, snippet_box, (direction, prior, n, seed, own))


def snippet(rho, direction, prior, n, seed, m):
    code = f"""
    import numpy as np
    from scipy.stats import multivariate_normal
    from sklearn.metrics import roc_auc_score
    from sklearn.naive_bayes import GaussianNB

    rho, prior, shift = {rho}, {prior}, np.array([{SEPARATION}, {direction * SEPARATION}])
    means, cov = np.array([-shift / 2, shift / 2]), np.array([[1, rho], [rho, 1]])

    def sample(n, seed):
        rng = np.random.default_rng(seed)
        y = (rng.random(n) < prior).astype(int)
        return rng.standard_normal((n, 2)) @ np.linalg.cholesky(cov).T + means[y], y

    X, y = sample({n}, {seed})
    model = GaussianNB().fit(X, y)
    X_new, y_new = sample({N_TEST}, {seed + 1000})
    p = model.predict_proba(X_new)[:, 1]
    joint = [multivariate_normal(m, cov).pdf(X_new) * w for m, w in zip(means, [1 - prior, prior])]
    p_true = joint[1] / (joint[0] + joint[1])
    print(f"mean confidence: {{np.maximum(p, 1 - p).mean():.3f}}")
    print(f"accuracy: {{np.mean((p >= 0.5) == y_new):.3f}}")
    print(f"AUC naive Bayes: {{roc_auc_score(y_new, p):.3f}}")
    print(f"AUC true posterior: {{roc_auc_score(y_new, p_true):.3f}}")
    """
    prints = {"mean confidence": f"{m['confidence']:.3f}", "accuracy": f"{m['accuracy']:.3f}",
              "AUC naive Bayes": f"{m['auc_nb']:.3f}", "AUC true posterior": f"{m['auc_true']:.3f}"}
    reproduce("naive_bayes", code, prints)


def user_snippet(own, m):
    """GaussianNB on the student's file, split as the page splits it."""
    data = textwrap.indent(f"{own.code}\n{holdout_code()}", "    ").lstrip()
    code = f"""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from sklearn.naive_bayes import GaussianNB
    {data}
    model = GaussianNB().fit(X_fit, y_fit)
    p = model.predict_proba(X_new)[:, 1]
    print(f"mean confidence: {{np.maximum(p, 1 - p).mean():.3f}}")
    print(f"accuracy: {{np.mean((p >= 0.5) == y_new):.3f}}")
    print(f"AUC naive Bayes: {{roc_auc_score(y_new, p):.3f}}")
    """
    reproduce("naive_bayes", code, {"mean confidence": f"{m['confidence']:.3f}", "accuracy": f"{m['accuracy']:.3f}",
                                    "AUC naive Bayes": f"{m['auc_nb']:.3f}"})


topic_page("naive_bayes", play)
