"""PCA and ICA: principal axes of a correlated cloud, a scree plot on the wine data, the cocktail party."""
import textwrap

import numpy as np
import pandas as pd
import streamlit as st
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import NearestCentroid

from engine import decomposition as dec
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_polylines
from ui.snippet import reproduce
from ui.steps import cluster_marker
from ui.theme import MUTED, PALETTE, figure, show, square_axes
from ui.upload import axis_title, escape_markdown, own_data

SOURCE_LABELS = {"waves": "sine + square wave", "laplace": "spiky (speech-like)", "gaussian": "Gaussian noise"}
SHOWN = 800  # at most this many samples drawn in the time plots (the unmixing uses all of them)
FOLDS = 5    # the scree section's cross-validation: a file's label needs this many rows of each class
MAX_CLASSES = 8  # a file's label column: one colour each


# ---------- 1. The principal axes of a correlated cloud ----------

@st.cache_data(max_entries=64, show_spinner=False)
def cloud(n, rho, seed):
    X = dec.correlated_cloud(n, rho, random_state=seed)
    return X, dec.pca(X, 2)


def cloud_figure(X, fit):
    """The points (dots) with each principal axis drawn ±2 standard deviations from the mean (layout)."""
    shares = ", ".join(f"PC{j + 1} {share:.0%}" for j, share in enumerate(fit.explained_variance_ratio[:2]))
    # The shares go in the title, not the legend: a legend entry is a trace, and a changed trace replots.
    fig = figure(f"Principal axes (variance: {shares})", height=430, margin=dict(t=50),
                 legend=dict(orientation="v", x=0.02, y=0.98, yanchor="top"))
    add_dots(fig, X[:, 0], X[:, 1], PALETTE[5], size=6)
    for j, (axis, var) in enumerate(zip(fit.components, fit.explained_variance)):
        half = 2 * np.sqrt(var) * axis
        add_polylines(fig, [(fit.mean[0] + np.array([-half[0], half[0]]), fit.mean[1] + np.array([-half[1], half[1]]))],
                      f"PC{j + 1}",
                      line=dict(color=(PALETTE[3], PALETTE[0])[j], width=5))
    fig.update_xaxes(range=[-4.5, 4.5], title="x₁")
    fig.update_yaxes(range=[-4.5, 4.5], title="x₂")
    return square_axes(fig)


def scores_figure(fit):
    """The same points in principal-component coordinates: rotated so the axes are the PCs."""
    fig = figure("Rotated onto the PCs (scores)", height=430, margin=dict(t=50))
    add_dots(fig, fit.scores[:, 0], fit.scores[:, 1], PALETTE[0], size=6)
    fig.update_xaxes(range=[-4.5, 4.5], title="PC1 score")
    fig.update_yaxes(range=[-4.5, 4.5], title="PC2 score")
    return square_axes(fig)


@live_part
def correlation_part(control_box, cloud_box, scores_box, metrics_box, n, seed):
    with control_box:
        rho = controls.slider("Correlation between x₁ and x₂", "pca_rho", -0.95, 0.95, 0.8, 0.05,
                              help="Both features have variance 1; the correlation tilts and thins the cloud.")
    X, fit = cloud(n, rho, seed)
    with cloud_box:
        show(cloud_figure(X, fit), "pca_cloud")
    with scores_box:
        show(scores_figure(fit), "pca_scores")
    with metrics_box:
        st.markdown(f"PC1's share of the variance: **{fit.explained_variance_ratio[0]:.3f}** in this sample; "
                    f"**{(1 + abs(rho)) / 2:.3f}** in the population, (1 + |ρ|)/2.")
    score_corr = float(np.corrcoef(fit.scores.T)[0, 1])
    return [Identity("PCA removes correlation: the scores on different principal components are uncorrelated.",
                     f"corr(PC1 score, PC2 score) = {abs(score_corr):.1e}", "0",
                     "the principal axes are orthogonal eigenvectors of the covariance matrix, so the covariance of "
                     "the scores is diagonal")]


def cloud_section():
    controls_col, cloud_col, scores_col = st.columns([1, 1.5, 1.5], gap="small")
    with controls_col:
        control_box = st.container()
        n = controls.slider("Points", "pca_n", 20, 1000, 300, 10)
        seed = controls.slider("Seed", "pca_seed", 0, 20, 0)
        metrics_box = st.container()
    correlation_part(control_box, cloud_col, scores_col, metrics_box, n, seed)


# ---------- 2. Scree plot on a bundled data set ----------

def scree_data(user=None):
    """The data of the scree section: X (n, d) numeric, labels (n,) to colour by, the feature names: the
    bundled wine measurements, or ``user`` = (X, y, names), an uploaded table (y None without a label column)."""
    if user is not None:
        return user
    X, names, y = dec.wine_features()
    return X, y, names


@st.cache_data(max_entries=4, show_spinner=False)
def scree(standardized, user=None):
    X, y, names = scree_data(user)
    Z = dec.standardize(X) if standardized else X
    fit = dec.pca(Z, min(Z.shape))
    two = fit.scores[:, :2]
    accuracy = None if y is None else float(cross_val_score(NearestCentroid(), two, y, cv=FOLDS).mean())
    top = names[int(np.argmax(np.abs(fit.components[0])))]
    return fit, y, accuracy, top, len(names)


def scree_figure(fit):
    ratio = fit.explained_variance_ratio
    k = np.arange(1, len(ratio) + 1)
    fig = figure("Scree plot: share of variance per component", height=400)
    fig.add_trace(dict(type="bar", x=k, y=ratio, name="each component", marker=dict(color=PALETTE[0])))
    fig.add_trace(dict(type="scatter", x=k, y=np.cumsum(ratio), name="cumulative", mode="lines+markers",
                       line=dict(color=PALETTE[1], width=3)))
    fig.add_shape(type="line", x0=0.5, x1=len(ratio) + 0.5, y0=0.9, y1=0.9, line=dict(color=MUTED, dash="dot"))
    fig.update_xaxes(title="principal component", dtick=1 if len(ratio) <= 15 else 5, range=[0.4, len(ratio) + 0.6])
    fig.update_yaxes(title="share of total variance", range=[0, 1.05], tickformat=".0%")
    return fig


def projection_figure(fit, y, classes=None, user=False):
    """The rows on PC1 and PC2, coloured by cultivar (or a file's classes; one colour without a label)."""
    fig = figure("Your rows on the first two components" if user else "The wines on the first two components",
                 height=400)
    if y is None:
        fig.add_trace(dict(type="scatter", x=fit.scores[:, 0], y=fit.scores[:, 1], mode="markers", showlegend=False,
                           marker=dict(size=7, color=PALETTE[0], opacity=0.7), hoverinfo="skip"))
    else:
        text = [f"class {axis_title(classes[c])}" for c in y] if classes else [f"cultivar {c}" for c in y]
        fig.add_trace(dict(type="scatter", x=fit.scores[:, 0], y=fit.scores[:, 1], mode="markers", showlegend=False,
                           marker=cluster_marker(y, size=8), text=text, hoverinfo="text"))
    fig.update_xaxes(title="PC1 score")
    fig.update_yaxes(title="PC2 score")
    return fig


def scree_snippet(standardized, needed, d, share, top, accuracy, own):
    """PCA in scikit-learn on the wine data or the student's table, printing the section's numbers."""
    if own.is_user:
        data = textwrap.indent(f"{own.code}\nnames = {list(own.names)!r}", " " * 8).lstrip()
    else:
        data = "X, y = load_wine(return_X_y=True)\n        names = load_wine().feature_names"
    code = f"""
        import numpy as np
        from sklearn.datasets import load_wine
        from sklearn.decomposition import PCA
        from sklearn.model_selection import cross_val_score
        from sklearn.neighbors import NearestCentroid

        {data}
        if {standardized}:
            X = (X - X.mean(axis=0)) / X.std(axis=0)  # z-scores
        pca = PCA().fit(X)
        ratio = pca.explained_variance_ratio_
        print(f"components for 90 %: {{np.searchsorted(np.cumsum(ratio), 0.9) + 1}} of {{X.shape[1]}}")
        print(f"PC1's share: {{ratio[0]:.3f}}")
        print(f"PC1's largest weight: {{names[np.argmax(np.abs(pca.components_[0]))]}}")
        """
    prints = {"components for 90 %": f"{needed} of {d}", "PC1's share": f"{share:.3f}", "PC1's largest weight": top}
    if accuracy is not None:
        code += f"""
        scores = pca.transform(X)[:, :2]
        print(f"accuracy on PC1-PC2: {{cross_val_score(NearestCentroid(), scores, y, cv={FOLDS}).mean():.2f}}")
        """
        prints["accuracy on PC1-PC2"] = f"{accuracy:.2f}"
    reproduce("pca_ica_scree", code, prints)


def scree_section():
    text_box = st.container()  # the heading first; its text depends on the file, read below
    standardized = controls.toggle("Standardise each feature first (z-scores)", "pca_std", True,
                                   help="Off: each feature keeps its units (in the wine data, proline runs in the "
                                        "hundreds to thousands, the rest mostly below 10).")
    own = own_data("pca", "table", max_classes=MAX_CLASSES, min_per_class=FOLDS, slug="pca_ica")
    X0, y0, names0 = scree_data()
    own.offer(pd.DataFrame(X0, columns=list(names0)).assign(label=y0), "pca_ica_wine.csv")
    user = (own.X, own.y, own.names) if own.is_user else None
    with text_box:
        if own.is_user:
            labelled = (f"The colours are the classes of “{escape_markdown(own.label)}”, which PCA never sees."
                        if own.label else "Choose a label column to colour the rows and score the projection.")
            st.markdown(f"### A scree plot on your data\n\n{len(own.X):,} rows and {len(own.names)} feature columns "
                        f"from your file. {labelled}")
        else:
            st.markdown("### A scree plot on real data\n\nThirteen chemical measurements of 178 wines from three "
                        "cultivars (scikit-learn's bundled wine data). The colours are the cultivars, which PCA never "
                        "sees.")
    fit, y, accuracy, top, d = scree(standardized, user)
    needed = int(np.searchsorted(np.cumsum(fit.explained_variance_ratio), 0.9) + 1)
    word = "class" if own.is_user else "cultivar"
    tiles = {"components for 90 %": f"{needed} of {d}", "PC1's largest weight": top}
    if accuracy is not None:
        tiles[f"{word} accuracy on PC1–PC2"] = f"{accuracy:.2f}"
    scree_col, proj_col = st.columns(2)
    with scree_col:
        show(scree_figure(fit), "pca_scree")
    with proj_col:
        show(projection_figure(fit, y, own.classes if own.is_user else None, own.is_user), "pca_wine")
    metric_row(tiles, help={f"{word} accuracy on PC1–PC2": f"{FOLDS}-fold cross-validated nearest-centroid "
                                                           "accuracy using only the first two component scores."})
    scree_snippet(standardized, needed, d, float(fit.explained_variance_ratio[0]), top, accuracy, own)
    if accuracy is None:  # no label column: nothing says whether classes separate
        return []
    where = ("on your file, the first two components separate its classes" if own.is_user
             else "on the wine data, the first two components separate the three cultivars")
    return [Claim(f"Keep the directions of highest variance: they carry the information ({where}).",
                  f"nearest-centroid accuracy on PC1–PC2 = {accuracy:.2f} (≥ 0.90 counts as separated); PC1 is "
                  f"dominated by {escape_markdown(top) if own.is_user else top}", accuracy >= 0.9)]

# ---------- 3. The cocktail party: PCA vs ICA ----------

@st.cache_data(max_entries=32, show_spinner=False)
def cocktail(kind, n, seed):
    mixed = dec.mixed_signals(n, seed, kind=kind)
    out = {}
    for method in dec.UNMIX_METHODS:
        recovered = dec.unmix(mixed.observed, method, random_state=seed)
        matched, aligned = dec.match_sources(recovered, mixed.sources)
        dependence = float(np.corrcoef(recovered[:, 0] ** 2, recovered[:, 1] ** 2)[0, 1])
        out[method] = (recovered, matched, aligned, dependence, float(np.corrcoef(recovered.T)[0, 1]))
    return mixed, out


def signals_figure(mixed, out):
    """Four rows of two signals each: truth, microphones, PCA's and ICA's unmixing (lined up with the truth)."""
    rows = [("true sources", mixed.sources), ("microphones (mixed)", mixed.observed / mixed.observed.std(axis=0)),
            ("PCA output", out["pca"][2]), ("ICA output", out["ica"][2])]
    fig = figure("Signals over time (outputs put in the sources' order and sign)",
                 height=520, margin=dict(l=150, t=50), showlegend=False)
    every = max(1, len(mixed.time) // SHOWN)
    t = mixed.time[::every]
    ticks = []
    for r, (name, signals) in enumerate(rows):
        base = -6.0 * r
        for j in range(2):
            fig.add_trace(dict(type="scatter", x=t, y=base + 1.3 * j - 0.65 + 0.45 * signals[::every, j], mode="lines",
                               line=dict(color=(PALETTE[0], PALETTE[3])[j], width=1.8), hoverinfo="skip"))
        ticks.append((base, name))
    fig.update_yaxes(tickvals=[b for b, _ in ticks], ticktext=[n for _, n in ticks], showgrid=False, zeroline=False,
                     range=[-21, 3])
    fig.update_xaxes(title="time", range=[float(t[0]), float(t[-1])])
    return fig


def joint_figure(mixed, out):
    """Three scatter panels: what the microphones record, PCA's output, ICA's output."""
    panels = [("microphones", mixed.observed / mixed.observed.std(axis=0)), ("PCA: uncorrelated", out["pca"][0]),
              ("ICA: independent", out["ica"][0])]
    layout, title = {}, dict(xref="paper", yref="paper", y=1.02, yanchor="bottom", showarrow=False, font=dict(size=15))
    notes = []
    for i, (name, _) in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        lo, hi = i / 3 + 0.03, (i + 1) / 3 - 0.03
        layout[f"xaxis{suffix}"] = dict(domain=[lo, hi], range=[-4, 4], showticklabels=False, constrain="domain")
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", range=[-4, 4], showticklabels=False,
                                        scaleanchor=f"x{suffix}", constrain="domain")
        notes.append(dict(text=name, x=(lo + hi) / 2, xanchor="center", **title))
    fig = figure("", height=330, margin=dict(l=20, r=20, t=50, b=20), showlegend=False, annotations=notes, **layout)
    step = max(1, len(mixed.time) // 800)
    for i, (_, signals) in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        fig.add_trace(dict(type="scatter", x=signals[::step, 0], y=signals[::step, 1], mode="markers", hoverinfo="skip",
                           marker=dict(size=4, color=PALETTE[(0, 1, 2)[i]], opacity=0.5),
                           xaxis=f"x{suffix}", yaxis=f"y{suffix}"))
    return fig


def snippet(kind, n, seed):
    sources = {"waves": "s = np.c_[np.sin(2 * np.pi * 1.1 * t), np.sign(np.sin(2 * np.pi * 0.37 * t + 0.5))]",
               "laplace": "s = rng.laplace(size=(n, 2))", "gaussian": "s = rng.standard_normal((n, 2))"}[kind]
    return f"""
        import numpy as np
        from sklearn.decomposition import PCA, FastICA

        n, seed = {n}, {seed}
        rng = np.random.default_rng(seed)
        t = np.linspace(0, 8, n)
        {sources}
        s = (s - s.mean(axis=0)) / s.std(axis=0)          # two independent sources
        A = np.array([[1.0, 0.6], [0.45, 1.0]])           # mixing matrix (not orthogonal)
        x = s @ A.T                                       # what the two microphones record

        def recovery(y):  # |corr| with each source after matching order (sign and scale are free)
            c = np.abs(np.corrcoef(s.T, y.T)[:2, 2:])
            return min(c[0, 0], c[1, 1]) if c[0, 0] + c[1, 1] >= c[0, 1] + c[1, 0] else min(c[0, 1], c[1, 0])

        pca = PCA(2).fit_transform(x)
        ica = FastICA(2, whiten="unit-variance", random_state=seed, max_iter=1000, tol=1e-5).fit_transform(x)
        print(f"PCA recovery: {{recovery(pca):.3f}}")
        print(f"ICA recovery: {{recovery(ica):.3f}}")
        print(f"PCA corr of squares: {{abs(np.corrcoef(pca[:, 0] ** 2, pca[:, 1] ** 2)[0, 1]):.3f}}")
    """


def cocktail_section():
    st.markdown("### The cocktail party: PCA vs ICA\n\nTwo people speak at once and two microphones each record a "
                "different mix. Can we get the two voices back from the two recordings alone?")
    controls_col, chart_col = st.columns([1, 3], gap="large")
    with controls_col:
        kind = controls.choice("Sources", "ica_kind", list(dec.SOURCE_KINDS), labels=SOURCE_LABELS)
        n = controls.slider("Samples", "ica_n", 200, 5000, 2000, 100)
        seed = controls.slider("Seed", "ica_seed", 0, 20, 0, help="Noise sources and FastICA's start.")
    mixed, out = cocktail(kind, n, seed)
    pca_rec, ica_rec = out["pca"][1].min(), out["ica"][1].min()
    pca_dep = abs(out["pca"][3])
    with controls_col:
        metric_row({"PCA recovery": f"{pca_rec:.3f}", "ICA recovery": f"{ica_rec:.3f}"},
                   help={"PCA recovery": "The smaller |correlation| of the two outputs with their matching source "
                                         "(1 = perfect, up to sign and scale)."})
    with chart_col:
        show(signals_figure(mixed, out), "ica_signals")
        show(joint_figure(mixed, out), "ica_joint")
    reproduce("pca_ica", snippet(kind, n, seed),
              {"PCA recovery": f"{pca_rec:.3f}", "ICA recovery": f"{ica_rec:.3f}", "PCA corr of squares": f"{pca_dep:.3f}"})
    return [
        Claim("ICA recovers the independent sources from their mixtures (up to order, sign and scale); PCA does not.",
              f"smaller |correlation| with the matching source: ICA {ica_rec:.3f}, PCA {pca_rec:.3f} "
              "(recovered means ≥ 0.95)", bool(ica_rec >= 0.95 and pca_rec < 0.95)),
        Claim("PCA removes correlation but not higher-order dependence.",
              f"PCA's outputs: corr = {abs(out['pca'][4]):.1e}, but corr of their squares = {pca_dep:.3f} "
              "(> 0.1 counts as dependent)", bool(abs(out["pca"][4]) < 1e-6 and pca_dep > 0.1)),
    ]


topic_page("pca_ica", cloud_section, scree_section, cocktail_section)
