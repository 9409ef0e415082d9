"""SVM against logistic regression: one data set, both boundaries, a far point, and the syllabus' claims under CV."""
import textwrap

import numpy as np
import pandas as pd
import streamlit as st

from engine import linear_classifiers as lc
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_polylines, mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, NEGATIVE, PALETTE, POSITIVE, figure, mark_x, show, square_axes
from ui.upload import axis_title, own_data

BOX = (-3.5, 6.0)
N = 60
C_VALUES = controls.powers_of_ten(-2, 2)
NOISE_DIMS = [0, 2, 5, 10, 20, 50, 100, 200, 500]
SVM_COLOR, LR_COLOR = PALETTE[4], PALETTE[2]
SHIFT_TOL = 1e-3
MAX_ROWS = 1000  # an uploaded file: two linear fits per move stay fast
DISTANCES = (-1.5, 6.0)  # the extra point's slider range, past class 1's centre


def page_data(seed):
    """The built-in data (X, y): two blobs. One place, so an uploaded data set can replace it later."""
    X, y = lc.blobs_with_far_point(0.0, False, N, random_state=seed)
    return X[:-1], y[:-1]


def centres_of(X, y, user):
    """The two class centres the extra point moves along: the generator's, or a file's class means."""
    return np.array([X[y == 0].mean(axis=0), X[y == 1].mean(axis=0)]) if user else lc.CENTRES


def box_of(X, y, user):
    """The square drawn and measured in: BOX, or for a file one that holds its points and every place the extra
    point can go, in half units."""
    if not user:
        return BOX
    centres = centres_of(X, y, True)
    unit = (centres[1] - centres[0]) / np.linalg.norm(centres[1] - centres[0])
    ends = np.array([centres[1] + d * unit for d in DISTANCES])
    points = np.vstack([X, ends])
    return float(np.floor(points.min() * 2 - 1) / 2), float(np.ceil(points.max() * 2 + 1) / 2)


@st.cache_data(max_entries=128, show_spinner=False)
def fits(distance, mislabel, C, seed, user=None):
    """``user``: an uploaded file's (X, y), which replaces the generator's blobs."""
    X, y = page_data(seed) if user is None else user
    centres = centres_of(X, y, user is not None)
    far = centres[1] + distance * (centres[1] - centres[0]) / np.linalg.norm(centres[1] - centres[0])
    X_all, y_all = np.vstack([X, far]), np.r_[y, 0 if mislabel else 1]
    return X, y, far, lc.fit_pair(X, y, C), lc.fit_pair(X_all, y_all, C)


def line_points(fit, level=0.0, box=BOX):
    """Two ends of the line w·x + b = level across the box (x₂ as a function of x₁)."""
    x1 = np.array(box)
    return x1, (level - fit.b - fit.w[0] * x1) / fit.w[1]


def boundary_figure(X, y, far, mislabel, before, after, box=BOX, names=None, classes=None):
    fig = figure("Both boundaries, with and without the extra point", height=500, margin=dict(t=50, b=60, r=250),
                 legend=dict(orientation="v", x=1.03, xanchor="left", y=1, yanchor="top"))
    labels = [f"class {axis_title(c)}" for c in classes] if classes else ["class 0", "class 1"]
    for value, name, color in zip((0, 1), labels, (NEGATIVE, POSITIVE)):
        members = y == value
        fig.add_trace(dict(type="scatter", x=X[members, 0], y=X[members, 1], mode="markers", name=name,
                           marker=dict(size=8, color=color, opacity=0.8)))
    add_polylines(fig, [line_points(before.svm, box=box), line_points(before.logreg, box=box)],
                  "without the extra point", line=dict(color=MUTED, width=2, dash="dot"))
    add_polylines(fig, [line_points(after.svm, -1, box), line_points(after.svm, 1, box)], "SVM margins f = ±1",
                  line=dict(color=SVM_COLOR, width=1.5, dash="dash"))
    add_polylines(fig, [line_points(after.svm, box=box)], "SVM boundary", line=dict(color=SVM_COLOR, width=3.5))
    add_polylines(fig, [line_points(after.logreg, box=box)], "logistic regression (p = 0.5)",
                  line=dict(color=LR_COLOR, width=3.5))
    mark_point(fig, far[0], far[1], "extra point (labelled " + (labels[0] if mislabel else labels[1]) + ")",
               color=NEGATIVE if mislabel else POSITIVE, outline="#111827", size=9, width=4)
    fig.update_xaxes(range=list(box), title=f"x₁ = {axis_title(names[0])} (z-score)" if names else "x₁")
    fig.update_yaxes(range=list(box), title=f"x₂ = {axis_title(names[1])} (z-score)" if names else "x₂")
    return square_axes(fig)


def loss_figure(far_margins, X, y, after):
    """Left: hinge and logistic loss against the margin, the extra point on both. Right: LR probability vs f_SVM."""
    m = np.linspace(-3, 8, 221)
    fig = figure("Why: the losses at the extra point, and what each model outputs", height=420, margin=dict(b=70),
                 xaxis=dict(domain=[0, 0.46], range=[-3, 8], title="margin m = y·f(x)"),
                 yaxis=dict(range=[-0.2, 4], title="loss"),
                 xaxis2=dict(domain=[0.58, 1], range=[-6, 6], title="SVM decision value f(x)"),
                 yaxis2=dict(anchor="x2", range=[-0.05, 1.05], title="logistic regression P(class 1)"))
    fig.add_trace(dict(type="scatter", x=m, y=np.maximum(0, 1 - m), name="hinge max(0, 1 − m)",
                       line=dict(color=SVM_COLOR, width=3)))
    fig.add_trace(dict(type="scatter", x=m, y=np.logaddexp(0, -m), name="logistic ln(1 + e^−m)",
                       line=dict(color=LR_COLOR, width=3)))
    svm_m, lr_m = far_margins
    mark_point(fig, float(np.clip(svm_m, -3, 8)), max(0.0, 1 - svm_m), "extra point", color=SVM_COLOR)
    mark_point(fig, float(np.clip(lr_m, -3, 8)), float(np.logaddexp(0, -lr_m)), "extra point", color=LR_COLOR,
               showlegend=False)
    # The training points as dots (layout shapes): the extra point refits both models, so every move of its slider
    # moves them, and a scatter trace would force a replot of the whole chart.
    add_dots(fig, after.svm.decision_function(X), lc.sigmoid(after.logreg.decision_function(X)),
             np.where(y == 1, POSITIVE, NEGATIVE), opacity=0.7, size=7, xref="x2", yref="y2")
    return fig


@live_part
def far_part(distance_box, chart_box, loss_box, snippet_box, settings):
    C, seed, own = settings
    user = (own.X, own.y) if own.is_user else None
    with distance_box:
        distance = controls.slider("Extra point: distance past class 1's centre", "svl_dist", *DISTANCES, 0.0, 0.5,
                                   help="The point moves along the line through both class centres (for a file, the "
                                        "class means, in standard deviations). Negative values bring it towards the "
                                        "boundary.")
        mislabel = controls.toggle("Mislabel it (class 0)", "svl_flip", False)
    X, y, far, before, after = fits(distance, mislabel, C, seed, user)
    box = box_of(X, y, own.is_user)
    svm_shift = lc.boundary_shift(after.svm, before.svm, *box)
    lr_shift = lc.boundary_shift(after.logreg, before.logreg, *box)
    label = 0 if mislabel else 1
    sign = 1 if label == 1 else -1
    far_margins = (sign * float(after.svm.decision_function(far[None])[0]),
                   sign * float(after.logreg.decision_function(far[None])[0]))
    with chart_box:
        metric_row({"SVM boundary moved": f"{svm_shift:.4f}", "LR boundary moved": f"{lr_shift:.4f}",
                    "extra point's SVM margin": f"{far_margins[0]:.2f}"},
                   help={"SVM boundary moved": "Largest vertical distance, inside the plot, between the boundary "
                                               "with the extra point and without it."})
        show(boundary_figure(X, y, far, mislabel, before, after, box,
                             *((own.names[:2], own.classes) if own.is_user else ())), "svl_boundary")
    with loss_box:
        show(loss_figure(far_margins, X, y, after), "svl_loss")
    with snippet_box:
        far_snippet(distance, mislabel, C, seed, svm_shift, lr_shift, own, box)
    beyond = far_margins[0] >= 1
    # The syllabus' claim, checked on the extra point. (The old wording, "a correctly classified point outside the
    # margin does not move the SVM", is a theorem: it could only "fail" for a point that broke its own premise.)
    return [Claim("An SVM uses only a few points, its support vectors, while logistic regression uses the entire "
                  "training data: adding the extra point moves logistic regression's boundary but not the SVM's.",
                  f"the extra point's SVM margin is {far_margins[0]:.2f} ({'correct side' if far_margins[0] > 0 else 'wrong side'}"
                  f"{', outside the margin' if beyond else ', inside the margin'}); adding it moves the SVM boundary by "
                  f"{svm_shift:.4f} and logistic regression's by {lr_shift:.4f}",
                  bool(svm_shift < SHIFT_TOL <= lr_shift))]


def far_snippet(distance, mislabel, C, seed, svm_shift, lr_shift, own=None, box=BOX):
    if own is not None and own.is_user:  # the student's file; the extra point moves along its class means
        data = textwrap.indent(f"{own.code}\ncentres = np.array([X[y == 0].mean(axis=0), X[y == 1].mean(axis=0)])",
                               "    ").lstrip()
    else:
        data = textwrap.indent(textwrap.dedent(f"""
            rng = np.random.default_rng({seed})
            centres = np.array([[-1.0, -1.0], [1.0, 1.0]])
            y = np.repeat([0, 1], [{N // 2}, {N - N // 2}])
            X = centres[y] + 0.6 * rng.normal(size=({N}, 2))""").strip(), "    ").lstrip()
    code = f"""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    {data}
    far = centres[1] + {distance} * (centres[1] - centres[0]) / np.linalg.norm(centres[1] - centres[0])
    X_all, y_all = np.vstack([X, far]), np.r_[y, {0 if mislabel else 1}]

    def boundary_heights(model, data, labels):  # x2 of the boundary at x1 = {box[0]} and x1 = {box[1]}
        model.fit(data, labels)
        w, b = model.coef_.ravel(), model.intercept_[0]
        return -(b + w[0] * np.array([{box[0]}, {box[1]}])) / w[1]

    for name, make in [("SVM", lambda: SVC(kernel="linear", C={C})),
                       ("LR", lambda: LogisticRegression(C={C}, max_iter=10_000, tol=1e-8))]:
        shift = np.abs(boundary_heights(make(), X_all, y_all) - boundary_heights(make(), X, y)).max()
        print(f"{{name}} boundary moved: {{shift:.4f}}")
    """
    reproduce("svm_vs_logreg", code, {"SVM boundary moved": f"{svm_shift:.4f}", "LR boundary moved": f"{lr_shift:.4f}"})


def play():
    controls_col, charts_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        distance_box = st.container()  # the extra point first: it is what this section is about
        C = controls.log_slider("C (both models)", "svl_C", C_VALUES, 1.0,
                                help="Inverse regularization strength, the same for the SVM and logistic regression.")
        seed_box = st.container()
        own = own_data("svl", "features_label", max_rows=MAX_ROWS, standardise=True, slug="svm_vs_logreg")
        snippet_box = st.container()
    if own.is_user:  # the seed only draws the built-in blobs; the download offers the default data
        seed = 0
    else:
        with seed_box:
            seed = controls.slider("Seed", "svl_seed", 0, 20, 0)
    X0, y0 = page_data(seed)
    own.offer(pd.DataFrame({"x1": X0[:, 0].round(4), "x2": X0[:, 1].round(4), "label": y0}))
    with charts_col:
        chart_box = st.container()
    loss_box = st.container()
    far_part(distance_box, chart_box, loss_box, snippet_box, (C, seed, own))
    return []


@st.cache_data(max_entries=32, show_spinner="Cross-validating both models at every dimension…")
def cv_sweep(n, C, label_noise, seed):
    rows = []
    for d_noise in NOISE_DIMS:
        X, y = lc.noisy_high_dim(n, d_noise, 1.5, label_noise, random_state=seed)
        rows.append(lc.cv_compare(X, y, C, folds=5, random_state=seed))
    return rows


def cv_figure(rows, d_noise):
    x = np.log10(np.array(NOISE_DIMS) + 2)
    fig = figure("5-fold cross-validated accuracy against the number of features", height=420,
                 xaxis=dict(title="features (2 informative + noise), log scale", tickvals=x,
                            ticktext=[str(d + 2) for d in NOISE_DIMS], range=[x[0] - 0.05, x[-1] + 0.05]),
                 yaxis=dict(title="accuracy", range=[0.3, 1.02]))
    for name, color, cv, train in (("SVM", SVM_COLOR, [r.svm_cv for r in rows], [r.svm_train for r in rows]),
                                   ("logistic regression", LR_COLOR, [r.logreg_cv for r in rows], [r.logreg_train for r in rows])):
        fig.add_trace(dict(type="scatter", x=x, y=cv, name=f"{name}: held out", mode="lines+markers",
                           line=dict(color=color, width=3)))
        fig.add_trace(dict(type="scatter", x=x, y=train, name=f"{name}: training", mode="lines",
                           line=dict(color=color, width=1.5, dash="dash")))
    mark_x(fig, float(np.log10(d_noise + 2)), f"{d_noise + 2} features")
    return fig


def cv_section():
    st.markdown("### Checking the syllabus' claims\n\nTwo classes differ along two features; every other feature is "
                "noise. Both models get the same C and the same folds.")
    controls_col, chart_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        d_noise = controls.log_slider("Noise features", "svl_dnoise", NOISE_DIMS, 100)
        n = controls.slider("Training points", "svl_n", 20, 200, 40, 20)
        C = controls.log_slider("C (both models)", "svl_cvC", C_VALUES, 1.0)
        label_noise = controls.slider("Flipped labels", "svl_lnoise", 0.0, 0.3, 0.0, 0.1)
        seed = controls.slider("Seed", "svl_cvseed", 0, 20, 0)
    rows = cv_sweep(n, C, label_noise, seed)
    r = rows[NOISE_DIMS.index(d_noise)]
    with chart_col:
        show(cv_figure(rows, d_noise), "svl_cv")
        metric_row({"SVM held out": f"{r.svm_cv:.3f}", "LR held out": f"{r.logreg_cv:.3f}",
                    "SVM gap": f"{r.svm_gap:.3f}", "LR gap": f"{r.logreg_gap:.3f}"},
                   help={"SVM gap": "Training minus held-out accuracy: how much the model overfits."})
    with controls_col:
        cv_snippet(d_noise, n, C, label_noise, seed, r)
    features = d_noise + 2
    return [
        Claim("The risk of overfitting is lower for an SVM than for logistic regression.",
              f"{features} features, {n} points, C = {C:g}: training minus held-out accuracy is {r.svm_gap:.3f} for the "
              f"SVM and {r.logreg_gap:.3f} for logistic regression", bool(r.svm_gap < r.logreg_gap)),
        Claim("An SVM works better than logistic regression on high-dimensional data.",
              f"{features} features, {n} points, C = {C:g}: held-out accuracy {r.svm_cv:.3f} (SVM) against "
              f"{r.logreg_cv:.3f} (logistic regression)", bool(r.svm_cv > r.logreg_cv)),
    ]


def cv_snippet(d_noise, n, C, label_noise, seed, r):
    code = f"""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.svm import SVC

    rng = np.random.default_rng({seed})
    n, d_noise = {n}, {d_noise}
    y = rng.permutation(np.repeat([0, 1], [n // 2, n - n // 2]))
    X = rng.normal(size=(n, 2 + d_noise))
    X[:, :2] += (y[:, None] - 0.5) * 1.5
    y = np.where(rng.random(n) < {label_noise}, 1 - y, y)

    folds = StratifiedKFold(5, shuffle=True, random_state={seed})
    for name, model in [("SVM", SVC(kernel="linear", C={C})),
                        ("LR", LogisticRegression(C={C}, max_iter=10_000, tol=1e-8))]:
        result = cross_validate(model, X, y, cv=folds, return_train_score=True)
        print(f"{{name}} held out: {{result['test_score'].mean():.3f}}")
        print(f"{{name}} gap: {{result['train_score'].mean() - result['test_score'].mean():.3f}}")
    """
    # A name of its own: two snippets on one page need different download file names (Streamlit derives the
    # download button's element id from them).
    reproduce("svm_vs_logreg_cv", code, {"SVM held out": f"{r.svm_cv:.3f}", "SVM gap": f"{r.svm_gap:.3f}",
                                      "LR held out": f"{r.logreg_cv:.3f}", "LR gap": f"{r.logreg_gap:.3f}"})


topic_page("svm_vs_logreg", play, cv_section)
