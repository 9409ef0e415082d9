"""SVM: decision function, margins and support vectors; C, kernels, γ; hinge loss; C × γ cross-validation;
feature scaling; a degree-2 polynomial feature map that lifts circles into 3-D."""
import textwrap

import numpy as np
import pandas as pd
import streamlit as st

from engine import svm
from engine.datasets import CLASSIFICATION, classification_2d, grid_2d
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_contours, add_heatmap_image, add_rings, legend_entry, mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, NEGATIVE, POSITIVE, figure, show, square_axes
from ui.upload import axis_title, own_data

GRID = 90
CLAIM_GRID_STRIDE = 9
C_VALUES = controls.powers_of_ten(-2, 3)
GAMMA_VALUES = controls.powers_of_ten(-2, 2)
CV_C = controls.powers_of_ten(-2, 3, per_decade=1)      # the heat map's grid: one value per decade
CV_GAMMA = controls.powers_of_ten(-2, 2, per_decade=1)
STRETCH = 10.0  # the stretch toggle multiplies x₁ by this before fitting


def scaling(stretch):
    return np.array([STRETCH if stretch else 1.0, 1.0])


@st.cache_data(max_entries=64, show_spinner=False)
def builtin_data(dataset, noise, n, seed):
    """The built-in data set: points (n, 2) and classes (n,) in {0, 1}."""
    return classification_2d(dataset, n, noise, random_state=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def fit_on_grid(X, y, kernel, C, gamma, degree, stretch):
    """The fit on the points ``X`` (n, 2) with classes ``y`` in {0, 1} (built-in or uploaded), on a grid."""
    scale = scaling(stretch)  # fitted on the stretched features, drawn in the original ones
    fit = svm.fit_svm(X * scale, y, kernel, C, gamma, degree)
    xs, ys, points = grid_2d(X, GRID)
    surface = fit.decision_function(points * scale).reshape(GRID, GRID)
    sv_only = svm.fit_svm(X[fit.support_] * scale, y[fit.support_], kernel, C, gamma, degree)
    probe = points[::CLAIM_GRID_STRIDE]  # the refit is compared on every ninth grid point: enough to see it agree
    sv_change = np.abs(surface.ravel()[::CLAIM_GRID_STRIDE] - sv_only.decision_function(probe * scale)).max()
    split = svm.support_split(fit, X * scale, y)
    smaller_c = svm.fit_svm(X * scale, y, kernel, C / 10, gamma, degree)
    return (X, y, fit.support_, fit.margin_width, fit.train_accuracy, xs, ys, surface, sv_change, split, smaller_c,
            fit.converged)


@st.cache_data(max_entries=32, show_spinner="Cross-validating every C and γ…")
def cv_grid(X, y, kernel, degree, stretch):
    return svm.cv_accuracy_grid(X * scaling(stretch), y, kernel, CV_C, CV_GAMMA, degree, n_folds=3)


@st.cache_data(max_entries=64, show_spinner=False)
def stretch_cv(X, y, kernel, C, gamma, degree):
    """3-fold accuracy at this C and γ on the features as given and with x₁ stretched (same folds)."""
    return tuple(svm.cv_accuracy_grid(X * scaling(stretch), y, kernel, [C], [gamma], degree, n_folds=3).accuracy[0, 0]
                 for stretch in (False, True))


@st.cache_data(max_entries=4, show_spinner=False)
def lifted_circles():
    X, y = classification_2d("circles", 200, 0.15, random_state=1)
    return X, y, svm.separate_lifted(X, y)


def boundary_figure(X, y, support, xs, ys, surface, title, subtitle, names=None, classes=None):
    """Data points as traces; the decision function, its contours and the support vectors as layout.

    C, γ and the kernel change only the layout part, so moving them redraws it without the points."""
    fig = figure(title, height=540, margin=dict(t=125))
    fig.update_layout(title=dict(subtitle=dict(text=subtitle, font=dict(size=13))))
    limit = float(np.clip(np.abs(surface).max(), 1.5, 6))
    add_heatmap_image(fig, xs, ys, surface, "RdBu_r", -limit, limit, opacity=0.55)
    add_contours(fig, xs, ys, surface, 0, "boundary f = 0")
    add_contours(fig, xs, ys, surface, [-1, 1], "margins f = ±1", dash="dash")
    labels = [f"{axis_title(c)} (class {sign}1)" for c, sign in zip(classes, "−+")] if classes else ["class −1", "class +1"]
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


def cv_figure(grid, C, gamma, kernel):
    """Cross-validated accuracy over C × γ as a heat map (a trace: it moves with the data settings only) and the
    current setting as an ✕ (a shape, so moving C redraws only it)."""
    title = "3-fold cross-validated accuracy" + (" (the linear kernel ignores γ)" if kernel == "linear" else "")
    fig = figure(title, height=380, margin=dict(t=60, b=65, r=90))
    fig.add_trace(dict(type="heatmap", x=np.log10(grid.C_values), y=np.log10(grid.gamma_values), z=grid.accuracy,
                       colorscale="Viridis", zmin=0.5, zmax=1.0, texttemplate="%{z:.2f}", name="accuracy",
                       colorbar=dict(title=dict(text="accuracy"), thickness=14),
                       hovertemplate="C = 10^%{x}, γ = 10^%{y}: accuracy %{z:.3f}<extra></extra>"))
    decades = dict(tickmode="array")
    fig.update_xaxes(title="C", tickvals=np.log10(grid.C_values), ticktext=[f"{c:g}" for c in grid.C_values],
                     range=[np.log10(grid.C_values[0]) - 0.5, np.log10(grid.C_values[-1]) + 0.5], **decades)
    fig.update_yaxes(title="γ", tickvals=np.log10(grid.gamma_values), ticktext=[f"{g:g}" for g in grid.gamma_values],
                     range=[np.log10(grid.gamma_values[0]) - 0.5, np.log10(grid.gamma_values[-1]) + 0.5], **decades)
    mark_point(fig, float(np.log10(C)), float(np.log10(gamma)), "current C, γ", color="#FFFFFF", outline="#111827")
    best_c, best_gamma, _ = grid.best
    fig.add_shape(type="rect", x0=np.log10(best_c) - 0.5, x1=np.log10(best_c) + 0.5, y0=np.log10(best_gamma) - 0.5,
                  y1=np.log10(best_gamma) + 0.5, line=dict(color="#D55E00", width=3), name="best cell",
                  **legend_entry(fig, "best cell", mode="markers",
                                 marker=dict(symbol="square-open", size=14, color="#D55E00", line=dict(width=3))))
    fig.update_layout(legend=dict(x=0, y=1.01))
    return fig


def lift_figure(X, y, plane):
    lifted = plane.lifted
    fig = figure("Circles lifted by a degree-2 polynomial feature map", height=460, margin=dict(t=50, l=0, r=0, b=0),
                 legend=dict(x=0, y=0, yanchor="bottom"))  # at the foot: clear of the title
    for value, color, name in [(0, POSITIVE, "outer ring"), (1, NEGATIVE, "inner disc")]:
        members = y == value
        fig.add_trace(dict(type="scatter3d", x=lifted[members, 0], y=lifted[members, 1], z=lifted[members, 2], mode="markers",
                           name=name, marker=dict(size=3.5, color=color)))
    g = np.linspace(-1.3, 1.3, 20)
    gx, gy = np.meshgrid(g, g)
    fig.add_trace(dict(type="surface", x=g, y=g, z=plane.height(gx, gy), opacity=0.45, showscale=False,
                       colorscale=[[0, "#6B7280"], [1, "#6B7280"]], name="separating plane", hoverinfo="skip"))
    fig.update_layout(scene=dict(xaxis=dict(title=dict(text="x₁")), yaxis=dict(title=dict(text="x₂")),
                                 zaxis=dict(title=dict(text="x₁² + x₂²")), camera=dict(eye=dict(x=1.6, y=1.6, z=0.8)),
                                 # set, not "auto": Plotly writes an automatic aspect ratio back and redraws each time
                                 aspectmode="manual", aspectratio=dict(x=1.2, y=1.2, z=0.65)))
    return fig


@live_part
def c_part(c_box, charts_box, settings, source, own):
    """C and all it moves: the fit, its metrics, the charts, the heat map's marker and the claims.

    ``settings`` the data (built-in or the student's file) and the kernel's settings; ``source`` the built-in
    generator's settings, for the snippet; ``own`` what ``own_data`` returned."""
    X, y, kernel, gamma, degree, stretch = settings
    with c_box:
        C = controls.log_slider("C (penalty for margin violations)", "svm_C", C_VALUES, 1.0)
    if own.is_user:  # up to 1,000 points: three fits and 90 cross-validation fits, seconds the first time
        with st.spinner("Fitting the SVM to your data…"):
            fitted = fit_on_grid(X, y, kernel, C, gamma, degree, stretch)
    else:
        fitted = fit_on_grid(X, y, kernel, C, gamma, degree, stretch)
    X, y, support, margin_width, accuracy, xs, ys, surface, sv_change, split, smaller_c, converged = fitted
    grid = cv_grid(X, y, kernel, degree, stretch)
    with charts_box:
        if not converged:
            st.warning(f"The solver stopped after {svm.MAX_ITER:,} iterations without converging, so this boundary "
                       "is only approximate. A polynomial kernel with a large γ or degree is badly conditioned: "
                       "lower γ or the degree.", icon=":material/warning:")
        metric_row({"support vectors": f"{len(support)} of {len(X)}",
                    "margin width": "—" if margin_width is None else f"{margin_width:.3f}",
                    "training accuracy": f"{accuracy:.1%}"},
                   help={"margin width": "2/‖w‖, defined for the linear kernel"
                                         + (" (in the stretched units)" if stretch else "") + "."})
        x_name = "x-axis feature" if own.is_user else "x₁"
        stretched = f", {x_name} stretched ×{STRETCH:g} before fitting" if stretch else ""
        f_values = split.margins * np.where(y == 1, 1, -1)
        score = f"colour: the score f(x), {f_values.min():.1f} to {f_values.max():.1f} on the data — not a probability"
        # No C in the title: the slider shows it, and a title that changes costs Plotly a restyle of the whole
        # layout on every move of C (~10 ms of the browser's CPU, standalone), three times a changed shape.
        show(boundary_figure(X, y, support, xs, ys, surface, f"{kernel} kernel"
                             + (f", γ = {gamma:g}" if kernel != "linear" else "") + stretched, score,
                             *((own.names, own.classes) if own.is_user else ())), "svm_boundary")
        show(loss_figure(split.margins), "svm_loss")
        show(cv_figure(grid, C, gamma, kernel), "svm_cv")
        snippet(*source, kernel, C, gamma, degree, stretch, len(support), accuracy, margin_width, split, own)
    return claims(C, support, margin_width, sv_change, surface, split, smaller_c,
                  stretch_cv(X, y, kernel, C, gamma, degree), own.is_user)


DATA_CODE = {
    "blobs": "X, y = make_blobs(n, centers=[[-1, -1], [1, 1]], cluster_std=0.6 + 2 * noise, random_state=data_seed)",
    "moons": "X, y = make_moons(n, noise=noise, random_state=data_seed)",
    "circles": "X, y = make_circles(n, noise=noise / 2, factor=0.4, random_state=data_seed)",
    "xor": ("X = rng.uniform(-1, 1, size=(n, 2))\n"
            "y = (X[:, 0] * X[:, 1] > 0).astype(int)\n"
            "X = X + rng.normal(0, noise / 2, size=X.shape)"),
}


def snippet(dataset, noise, n, seed, kernel, C, gamma, degree, stretch, n_support, accuracy, margin_width, split,
            own=None):
    """The data set (or the student's file) and the fit in scikit-learn, printing the support vectors,
    accuracy and margin."""
    maker = {"blobs": "make_blobs", "moons": "make_moons", "circles": "make_circles"}.get(dataset)
    imports = f"from sklearn.datasets import {maker}\n        " if maker else ""  # indented like the code below
    data = DATA_CODE[dataset].replace("\n", "\n        ")
    data_code = textwrap.dedent(f"""
        import numpy as np
        {imports}from sklearn.svm import SVC

        n, noise, seed = {n}, {noise!r}, {seed}
        rng = np.random.default_rng(seed)
        data_seed = int(rng.integers(2**31))
        {data}
        """)
    if own is not None and own.is_user:  # the student's file, loaded (and standardised) as the page loaded it
        data_code = f"import numpy as np\nfrom sklearn.svm import SVC\n{own.code}\n"
    code = data_code + textwrap.dedent(f"""
        X = X * [{scaling(stretch)[0]!r}, 1.0]  # x₁ stretched before fitting, without rescaling

        model = SVC(kernel={kernel!r}, C={C!r}, gamma={gamma!r}, degree={degree}, coef0={1.0 if kernel == "poly" else 0.0},
                    max_iter={svm.MAX_ITER}).fit(X, y)
        alpha = np.abs(model.dual_coef_.ravel())  # the support vectors' dual weights, 0 < α ≤ C
        print(f"support vectors: {{len(model.support_)}}")
        print(f"on the margin (0 < α < C): {{np.sum(alpha < {C!r} * (1 - 1e-9))}}")
        print(f"training accuracy: {{model.score(X, y):.4f}}")
        print("margin width: " + (f"{{2 / np.linalg.norm(model.coef_):.4f}}" if {kernel!r} == "linear" else "none"))
    """)
    reproduce("svm", code, {"support vectors": f"{n_support}", "on the margin (0 < α < C)": f"{int(split.free.sum())}",
                            "training accuracy": f"{accuracy:.4f}",
                            "margin width": "none" if margin_width is None else f"{margin_width:.4f}"},
              needs="numpy scikit-learn")


def claims(C, support, margin_width, sv_change, surface, split, smaller_c, stretch_accuracy, user=False):
    change = float(sv_change / max(np.abs(surface).max(), 1e-9))
    fewer = smaller_c.n_support
    inside = int(np.sum(split.bounded))
    on_edge = int(np.sum(split.free))
    misclassified = int(np.sum(split.margins < 0))
    plain, stretched = stretch_accuracy
    return [
        Identity("Only the support vectors decide the boundary: drop every other point and refit, and nothing changes.",
                 "f(x) fitted on all points",
                 f"f(x) refitted on the {len(support)} support vectors alone (largest difference {change:.2%} of "
                 f"its range, the solver's tolerance)",
                 "f(x) = Σ αᵢ yᵢ K(xᵢ, x) + b has αᵢ = 0 off the support, and those points satisfy their constraints "
                 "with room to spare, so removing them leaves the same optimum."),
        Claim("The support vectors are exactly the training points with margin y·f(x) below 1.",
              f"{len(support)} support vectors: {inside} with α = C (inside the street or misclassified, m < 1; "
              f"{misclassified} of them misclassified) and {on_edge} with 0 < α < C sitting on the street's edge "
              f"(m = 1), which the claim leaves out", on_edge == 0),
        Claim("A smaller C tolerates more violations: a wider margin and more support vectors.",
              f"C = {C:g}: {len(support)} support vectors"
              + (f", margin {margin_width:.3f}" if margin_width else "")
              + f"; C = {C / 10:g}: {fewer} support vectors"
              + (f", margin {smaller_c.margin_width:.3f}" if smaller_c.margin_width else ""),
              fewer >= len(support) and (margin_width is None or smaller_c.margin_width >= margin_width - 1e-9)),
        Claim("Features must be on comparable scales: stretching one feature ×10 without rescaling lowers the "
              "cross-validated accuracy.",
              f"3-fold accuracy at this kernel, C and γ: {plain:.3f} as given{' (z-scores)' if user else ''}, "
              f"{stretched:.3f} with {'the x-axis feature' if user else 'x₁'} × {STRETCH:g}",
              bool(stretched <= plain - 0.02)),
    ]


def play():
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        c_box = st.container()  # C first: it is what this page is about, and it reruns only c_part
        kernel = controls.choice("Kernel", "svm_kernel", list(svm.KERNELS), horizontal=True)
        gamma = controls.log_slider("γ (inverse kernel width)", "svm_gamma", GAMMA_VALUES, 1.0,
                                    help="RBF: exp(−γ‖x − x′‖²), so γ = 1/(2σ²) for a kernel of width σ. Large γ: "
                                         "narrow kernels, each point's influence is local and the boundary wiggles.")
        degree = controls.slider("Polynomial degree", "svm_degree", 2, 5, 3)
        data_box = st.container()  # the data set's controls and the stretch toggle: one block, not two
        own = own_data("svm", "features_label", max_rows=1000, standardise=True, slug="svm")
    if own.is_user:  # the generator's controls do nothing for a file; the download offers the default data
        dataset, noise, n, seed = "blobs", 0.2, 160, 0
    else:
        with data_box:
            dataset = controls.choice("Data set", "svm_data", list(CLASSIFICATION),
                                      labels={"blobs": "overlapping blobs", "xor": "XOR"})
            noise = controls.slider("Noise", "svm_noise", 0.0, 0.6, 0.2, 0.05)
            n = controls.slider("Points", "svm_n", 40, 400, 160, 20)
    with data_box:
        x_name = "the x-axis feature" if own.is_user else "x₁"
        stretch = controls.toggle(f"Stretch {'x-axis feature' if own.is_user else 'x₁'} ×{STRETCH:g} (no scaling)",
                                  "svm_stretch", False,
                                  help=f"Fit on 10 × {x_name} and the other feature without standardising: "
                                       f"distances, and so the RBF kernel, are then dominated by {x_name}.")
    if not own.is_user:
        with data_box:
            seed = controls.slider("Seed", "svm_seed", 0, 20, 0)
    X, y = builtin_data(dataset, noise, n, seed)
    own.offer(pd.DataFrame({"x1": X[:, 0].round(4), "x2": X[:, 1].round(4), "label": y}))
    if own.is_user:
        X, y = own.X, own.y
    c_part(c_box, chart_col, (X, y, kernel, gamma, degree, stretch), (dataset, noise, n, seed), own)
    return []


def kernel_lift():
    """The kernel trick in 3-D. It has no controls, so it sits in its own section and no slider redraws it."""
    Xc, yc, plane = lifted_circles()
    # One horizontal container rather than two columns (five blocks): Streamlit re-renders every block of the
    # page twice on each move of C, this section's included.
    with st.container(horizontal=True, gap="large", vertical_alignment="center"):
        show(lift_figure(Xc, yc, plane), "svm_lift")
        st.markdown(
            "**The kernel trick, made visible.** No straight line separates a ring from the disc inside it. "
            "Add a third feature, the squared distance from the centre, and a flat plane does "
            f"(linear SVM in 3-D: {plane.accuracy:.0%} training accuracy). The map (x₁, x₂) → (x₁, x₂, x₁² + x₂²) is "
            "part of a **degree-2 polynomial** feature map: the kernel (x·x′ + 1)² computes inner products of six "
            "such features without building them. It is not the RBF kernel's map, whose feature space has "
            "infinitely many dimensions and cannot be drawn.", width=420)
    return []


topic_page("svm", play, kernel_lift)
