"""Generative against discriminative: naive Bayes and logistic regression on learning curves, and sampling."""
import numpy as np
import streamlit as st

from engine import generative as gen
from engine import naive_bayes as nb
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_contours, add_dots, add_polylines, mark_point
from ui.snippet import reproduce
from ui.theme import NEGATIVE, PALETTE, POSITIVE, figure, mark_x, show, square_axes

SIZES = [10, 15, 20, 30, 50, 80, 120, 200, 300, 500, 1000]
NOISE_FEATURES = [0, 10, 20, 40]  # pure-noise features added to the two informative ones
REPEATS = 20
N_TEST = 4000
N_SHOWN = 400          # real points and generated points in the sampling chart
BOX = (-4.5, 4.5)
GRID = 61
PLATEAU_TOL = 0.01     # "reached its asymptote": within one point of error of its value at the largest n
ENDS_LOWER_BY = 0.005  # "ends lower": by more than half a point of error at the largest n
CORRELATION_TOL = 0.2
PROBE = (1.0, 0.0)
NB_COLOR, LR_COLOR, BAYES_COLOR = PALETTE[1], PALETTE[2], "#111827"


@st.cache_data(max_entries=32, show_spinner="Fitting both models on 440 training sets…")
def curves(dataset, noise, seed):
    return gen.learning_curves(dataset, SIZES, d_noise=noise, n_repeats=REPEATS, n_test=N_TEST, random_state=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def fits_at(dataset, noise, n, seed, draw):
    """The first training set of size n on the curve, both models fitted to it, and naive Bayes' samples.

    With noise features the charts show the plane of x₁ and x₂ with every noise feature at 0, its mean."""
    true = gen.truth(dataset)
    X, y = gen.training_set(true, n, noise, 0, seed)
    model = nb.fit_gaussian_nb(X, y)
    w, b = gen.fit_logistic_batch(X[None], y[None])
    xs = np.linspace(*BOX, GRID)
    grid = np.c_[np.tile(xs, GRID), np.repeat(xs, GRID), np.zeros((GRID * GRID, noise))]
    surface = gen.log_odds(model, grid).reshape(GRID, GRID)
    X_gen, y_gen = gen.sample_from_gaussian_nb(model, N_SHOWN, random_state=[draw, n, seed])
    return X, y, model, (w[0], float(b[0])), xs, surface, X_gen, y_gen


@st.cache_data(max_entries=8, show_spinner=False)
def real_points(dataset, seed):
    return gen.draw(gen.truth(dataset), N_SHOWN, random_state=[seed, 1, 0])


def log_n(n):
    return np.log10(np.asarray(n, dtype=float))


def curve_figure(c, n):
    ticks = [10, 20, 50, 100, 200, 500, 1000]
    errors = np.r_[c.nb_error, c.lr_error, c.bayes_test_error]
    low, high = np.floor(errors.min() * 20 - 0.2) / 20, np.ceil(errors.max() * 20 + 0.2) / 20
    fig = figure("Test error against the training size (mean of 20 training sets)", height=440, margin=dict(t=115),
                 xaxis=dict(title="training points n (log scale)", tickvals=log_n(ticks), ticktext=list(map(str, ticks)),
                            range=[log_n(SIZES[0]) - 0.05, log_n(SIZES[-1]) + 0.05]),
                 yaxis=dict(title="test error", range=[max(0.0, low), high]))
    fig.add_trace(dict(type="scatter", x=log_n([SIZES[0], SIZES[-1]]), y=[c.bayes_test_error] * 2, mode="lines",
                       name="best possible (the true posterior's rule)", line=dict(color=BAYES_COLOR, dash="dot", width=2)))
    for name, error, se, color, key in (("naive Bayes (generative)", c.nb_error, c.nb_se, NB_COLOR, "nb"),
                                        ("logistic regression (discriminative)", c.lr_error, c.lr_se, LR_COLOR, "lr")):
        fig.add_trace(dict(type="scatter", x=log_n(c.sizes), y=error, name=name, mode="lines+markers",
                           error_y=dict(type="data", array=se, visible=True, thickness=1), line=dict(color=color, width=3),
                           hovertemplate="n = %{text}: error %{y:.3f}<extra></extra>", text=list(map(str, c.sizes))))
        plateau = c.plateau(key, PLATEAU_TOL)
        fig.add_trace(dict(type="scatter", x=log_n([plateau]), y=[error[list(c.sizes).index(plateau)]], mode="markers",
                           name=f"{name.split(' (')[0]} reaches its asymptote", showlegend=key == "nb",
                           marker=dict(symbol="circle-open", size=18, color=color, line=dict(width=3, color=color))))
    i = SIZES.index(n)
    mark_x(fig, float(log_n(n)), f"n = {n}", label_side="left" if n >= 300 else "right")
    mark_point(fig, float(log_n(n)), float(c.nb_error[i]), "at the chosen n", color=NB_COLOR, outline="#111827")
    mark_point(fig, float(log_n(n)), float(c.lr_error[i]), "at the chosen n", color=LR_COLOR, outline="#111827",
               showlegend=False)
    return fig


def boundary_figure(true, X, y, xs, surface, lr, n):
    fig = figure(f"Both boundaries at n = {n}", height=540, margin=dict(t=40, l=60, r=10, b=150),
                 legend=dict(y=-0.2, yanchor="top"))
    add_dots(fig, X[:, 0], X[:, 1], np.where(y == 1, POSITIVE, NEGATIVE), opacity=np.full(len(y), 0.8), size=7)
    for value, name, color in ((0, "class 0", NEGATIVE), (1, "class 1", POSITIVE)):  # legend entries for the dots
        fig.add_trace(dict(type="scatter", x=[None], y=[None], mode="markers", name=name, marker=dict(color=color, size=8)))
    add_contours(fig, xs, xs, surface, 0.0, "naive Bayes", color=NB_COLOR, width=3.5)
    w, b = lr
    x1 = np.array(BOX)
    add_polylines(fig, [(x1, -(b + w[0] * x1) / w[1])] if abs(w[1]) > 1e-9 else [([-b / w[0]] * 2, list(BOX))],
                  "logistic regression", line=dict(color=LR_COLOR, width=3.5))
    w_true = np.linalg.solve(true.cov, true.means[1] - true.means[0])  # the Bayes boundary: w·x = 0 (means ±shift/2)
    fig.add_trace(dict(type="scatter", x=list(x1), y=list(-w_true[0] * x1 / w_true[1]), mode="lines", hoverinfo="skip",
                       name="best possible", line=dict(color=BAYES_COLOR, dash="dot", width=2)))
    fig.update_xaxes(range=list(BOX), title="x₁")
    fig.update_yaxes(range=list(BOX), title="x₂")
    return square_axes(fig)


def ellipse(mean, cov, scale=2.0):
    angles = np.linspace(0, 2 * np.pi, 73)
    points = mean[:, None] + scale * np.linalg.cholesky(cov) @ np.vstack([np.cos(angles), np.sin(angles)])
    return points[0], points[1]


def samples_figure(true, X_real, y_real, model, X_gen, y_gen):
    fig = figure("Real points beside points sampled from naive Bayes", height=540, margin=dict(t=40, l=60, r=10, b=150),
                 legend=dict(y=-0.2, yanchor="top"),
                 xaxis=dict(domain=[0, 0.48], range=list(BOX), title="x₁", dtick=2),
                 yaxis=dict(range=list(BOX), title="x₂", dtick=2),
                 xaxis2=dict(domain=[0.52, 1], range=list(BOX), title="x₁", dtick=2),
                 yaxis2=dict(anchor="x2", range=list(BOX), showticklabels=False, dtick=2))
    for xref, text in (("x domain", "real data"), ("x2 domain", "sampled from naive Bayes")):
        fig.add_annotation(x=0.5, xref=xref, y=BOX[1], yref="y", yanchor="top", text=f"<b>{text}</b>", showarrow=False,
                           bgcolor="rgba(255,255,255,0.85)")
    for value, name, color in ((0, "class 0", NEGATIVE), (1, "class 1", POSITIVE)):
        members = y_real == value
        fig.add_trace(dict(type="scatter", x=X_real[members, 0], y=X_real[members, 1], mode="markers", name=name,
                           marker=dict(size=5, color=color, opacity=0.5)))
    true_lines = [ellipse(m, true.cov) for m in true.means]
    for xaxis, yaxis in (("x", "y"), ("x2", "y2")):
        for k, (x, y) in enumerate(true_lines):
            fig.add_trace(dict(type="scatter", x=x, y=y, mode="lines", xaxis=xaxis, yaxis=yaxis, hoverinfo="skip",
                               name="true 2σ", legendgroup="true", showlegend=xaxis == "x" and k == 0,
                               line=dict(color="#374151", width=2.5, dash="dash")))
    # The generated points and the fitted model's own ellipses move with n and the draw: layout shapes.
    add_dots(fig, X_gen[:, 0], X_gen[:, 1], np.where(y_gen == 1, POSITIVE, NEGATIVE), opacity=0.6, size=5,
             xref="x2", yref="y2")
    fitted = [ellipse(model.means[k, :2], np.diag(model.variances[k, :2])) for k in range(2)]
    add_polylines(fig, fitted, "naive Bayes' 2σ", dict(color="#111827", width=3), xref="x2", yref="y2")
    return square_axes(square_axes(fig), "x2", "y2")


def within_class_correlation(X, y):
    return [float(np.corrcoef(X[y == k, 0], X[y == k, 1])[0, 1]) for k in (0, 1)]


@live_part
def size_part(n_box, curve_box, boundary_box, samples_box, snippet_box, settings):
    dataset, noise, seed, draw = settings
    with n_box:
        n = controls.log_slider("Training points n", "gd_n", SIZES, 30,
                                help="Marks this size on both learning curves and fits both models to one training "
                                     "set of this size for the charts below.")
    c = curves(dataset, noise, seed)
    true = gen.truth(dataset)
    X, y, model, lr, xs, surface, X_gen, y_gen = fits_at(dataset, noise, n, seed, draw)
    X_real, y_real = real_points(dataset, seed)
    i = SIZES.index(n)
    with curve_box:
        metric_row({"naive Bayes error": f"{c.nb_error[i]:.3f}", "logistic regression error": f"{c.lr_error[i]:.3f}",
                    "best possible": f"{c.bayes_test_error:.3f}"},
                   help={"naive Bayes error": f"Mean test error over {REPEATS} training sets of n points, each scored "
                                              f"on the same {N_TEST:,} new points.",
                         "best possible": f"Error of the rule that knows the true distribution, on the same "
                                          f"{N_TEST:,} points. On average it is the Bayes error Φ(−Δ/2) = "
                                          f"{c.bayes_error:.3f}, below which no classifier goes."})
        show(curve_figure(c, n), "gd_curves")
    with boundary_box:
        show(boundary_figure(true, X, y, xs, surface, lr, n), "gd_boundaries")
    with samples_box:
        show(samples_figure(true, X_real, y_real, model, X_gen, y_gen), "gd_samples")
    with snippet_box:
        snippet(dataset, noise, seed, n, c)
    nb_plateau, lr_plateau = c.plateau("nb", PLATEAU_TOL), c.plateau("lr", PLATEAU_TOL)
    real_r, gen_r = within_class_correlation(X_real, y_real), within_class_correlation(X_gen, y_gen)
    gap = max(abs(a - b) for a, b in zip(real_r, gen_r))
    probe = np.r_[PROBE, np.zeros(noise)]  # the noise features at their mean, 0
    z = float(gen.log_odds(model, [probe])[0])
    posterior = float(model.predict_proba([probe])[0, 1])
    return [
        Claim("Naive Bayes reaches its asymptote with fewer examples than logistic regression (each curve's asymptote "
              "taken as its error at the largest n; reached = within one point of error of it from then on).",
              f"naive Bayes from n = {nb_plateau}, logistic regression from n = {lr_plateau}",
              bool(nb_plateau < lr_plateau)),
        Claim("Logistic regression ends lower than naive Bayes: at the largest n its test error is lower by more than "
              "half a point.",
              f"at n = {SIZES[-1]}: logistic regression {c.lr_error[-1]:.3f}, naive Bayes {c.nb_error[-1]:.3f} "
              f"(difference {c.nb_error[-1] - c.lr_error[-1]:+.3f})",
              bool(c.nb_error[-1] - c.lr_error[-1] > ENDS_LOWER_BY)),
        Claim("A generative model models the actual distribution of each class: points sampled from the fitted naive "
              "Bayes have the real data's within-class correlation (within 0.2).",
              f"correlation of x₁ and x₂ in class 0 / class 1: real {real_r[0]:+.2f} / {real_r[1]:+.2f}, sampled "
              f"{gen_r[0]:+.2f} / {gen_r[1]:+.2f}", bool(gap <= CORRELATION_TOL)),
        Identity("Naive Bayes' posterior at x₁ = 1, x₂ = 0 (any noise features at 0) is the logistic function of its log-odds z = ln P(x, y=1) − "
                 "ln P(x, y=0): the form logistic regression fits directly.",
                 f"P(y=1 | x) = {posterior:.4f}", f"σ({z:.3f}) = {float(gen.posterior_from_log_odds(z)):.4f}",
                 "Bayes' rule with two classes: P(1 | x) = P(x, 1) / (P(x, 0) + P(x, 1)) = 1 / (1 + e^(−z))."),
    ]


def play():
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        n_box = st.container()  # the training size first: the page is about error against n
        dataset = controls.choice("Features within each class", "gd_data", list(gen.DATASETS), horizontal=True,
                                  help="Two Gaussian classes either way. Independent: naive Bayes' assumption holds. "
                                       "Correlated (ρ = 0.8): it does not, while logistic regression's (log-odds "
                                       "linear in x) still holds.")
        noise = controls.choice("Pure-noise features added", "gd_noise", NOISE_FEATURES, horizontal=True,
                                help="Features drawn N(0, 1) for both classes: no information about the class, "
                                     "but both models must estimate their parameters. Charts show x₁ and x₂ with "
                                     "the noise features at 0.")
        seed = controls.slider("Seed of the training sets", "gd_seed", 0, 20, 0)
        draw = controls.slider("Draw new samples", "gd_draw", 0, 20, 0,
                               help="A new sample from the fitted naive Bayes, the model itself unchanged.")
        snippet_box = st.container()
    with chart_col:
        curve_box = st.container()
    boundary_box, samples_box = st.columns([1, 1.55], gap="medium")
    size_part(n_box, curve_box, boundary_box, samples_box, snippet_box, (dataset, noise, seed, draw))


def snippet(dataset, noise, seed, n, c):
    rho = gen.CORRELATION[dataset]
    sizes = sorted({n, SIZES[-1]})
    code = f"""
    import numpy as np
    from scipy.stats import norm
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB

    rho, noise, seed = {rho}, {noise}, {seed}  # noise: features that carry no information
    shift = np.array({list(gen.SHIFT)})
    means, cov = np.array([-shift / 2, shift / 2]), np.array([[1, rho], [rho, 1]])

    def draw(n, rng):  # half of each class
        y = np.repeat([0, 1], [n // 2, n - n // 2])
        X = rng.standard_normal((n, 2)) @ np.linalg.cholesky(cov).T + means[y]
        return np.hstack([X, rng.standard_normal((n, noise))]), y

    X_test, y_test = draw({N_TEST}, np.random.default_rng([seed, 0, 0]))
    for n in {sizes}:
        errors = {{"naive Bayes": [], "logistic regression": []}}
        for r in range({REPEATS}):
            X, y = draw(n, np.random.default_rng([seed, n, r + 1]))
            errors["naive Bayes"].append(np.mean(GaussianNB().fit(X, y).predict(X_test) != y_test))
            lr = LogisticRegression(C=1.0, tol=1e-8, max_iter=10_000).fit(X, y)
            errors["logistic regression"].append(np.mean(lr.predict(X_test) != y_test))
        for name, values in errors.items():
            print(f"{{name}} error at n={{n}}: {{np.mean(values):.3f}}")
    w = np.linalg.solve(cov, shift)  # the true posterior's rule: class 1 where w·x > 0
    print(f"best possible on the test points: {{np.mean((X_test[:, :2] @ w > 0) != y_test):.3f}}")
    print(f"Bayes error: {{norm.cdf(-np.sqrt(shift @ w) / 2):.3f}}")
    """
    prints = {}
    for size in sizes:
        i = SIZES.index(size)
        prints[f"naive Bayes error at n={size}"] = f"{c.nb_error[i]:.3f}"
        prints[f"logistic regression error at n={size}"] = f"{c.lr_error[i]:.3f}"
    prints["best possible on the test points"] = f"{c.bayes_test_error:.3f}"
    prints["Bayes error"] = f"{c.bayes_error:.3f}"
    reproduce("generative_discriminative", code, prints)


topic_page("generative_discriminative", play)
