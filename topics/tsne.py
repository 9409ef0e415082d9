"""t-SNE: digits embedded for a perplexity, learning rate and iteration count, beside PCA, with trustworthiness."""
import textwrap
import time
from contextlib import nullcontext

import numpy as np
import pandas as pd
import streamlit as st
from scipy.stats import spearmanr

from engine import embedding
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.snippet import reproduce
from ui.shapes import add_dots
from ui.theme import figure, show
from ui.upload import axis_title, own_data

PERPLEXITIES = [2, 5, 10, 20, 30, 50, 100, 150, 190, 290, 490]
SIZES = [200, 300, 500]
RATES = ["auto", "10", "100", "1000"]
ITERATIONS = [250, 500, 1000]
PCA_DIMS = 20
NEIGHBOURS = 5
PCA_TIMINGS = 5  # the PCA time tile shows the fastest of these runs
TRUST_TARGET = 0.95
MAX_COLUMNS = 65  # an uploaded file: the built-in digits (64 pixels and a label) must fit, as the template
MIN_ROWS = 20  # an uploaded file: trustworthiness with 5 neighbours needs at least 11 points; t-SNE wants more
# Ten digits need ten colours (the theme's palette has eight): Tableau 10, as a stepwise colour scale.
TEN = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#222222")
TEN_SCALE = [[edge, color] for j, color in enumerate(TEN) for edge in (j / 10, (j + 1) / 10)]


def tsne_data(n, seed, user=None):
    """The points to embed and their labels, X (n, d) and y (n,): a random subset of the bundled digits, or
    of ``user`` = (X, y), an uploaded table (y None when it has no label column), at most ``n`` of its rows
    drawn without replacement with this seed (t-SNE on thousands of rows would take minutes)."""
    if user is None:
        return embedding.digits_subset(n, random_state=seed)
    X, y = user
    pick = np.sort(np.random.default_rng(seed).choice(len(X), size=min(n, len(X)), replace=False))
    return X[pick], (None if y is None else y[pick])


def usable_perplexity(perplexity, m):
    """The perplexity used on m points: as set, or at most (m − 1)/3 (the bound of van der Maaten's reference
    code) when a small file has too few rows for it."""
    return float(min(perplexity, max(1, (m - 1) // 3)))


@st.cache_data(max_entries=8, show_spinner=False)
def pca_map(n, seed, user=None):
    X, y = tsne_data(n, seed, user)
    # The first call in a process pays for one-off set-up, not for PCA; of the timed runs (milliseconds each)
    # the fastest is the one a busy server disturbed least.
    embedding.pca_2d(X[:20])
    elapsed = []
    for _ in range(PCA_TIMINGS):
        start = time.perf_counter()
        Y = embedding.pca_2d(X)
        elapsed.append(time.perf_counter() - start)
    return Y, min(elapsed), embedding.trustworthiness(X, Y, NEIGHBOURS)


@st.cache_data(max_entries=48, show_spinner="Running t-SNE for these settings (a few seconds; cached afterwards)…")
def tsne_map(n, seed, perplexity, rate, iterations, pca_first, user=None):
    X, y = tsne_data(n, seed, user)
    start = time.perf_counter()
    Y = embedding.tsne(X, usable_perplexity(perplexity, len(X)) if user is not None else perplexity,
                       random_state=seed, learning_rate=rate if rate == "auto" else float(rate),
                       max_iter=iterations, pca_first=PCA_DIMS if pca_first else None)
    elapsed = time.perf_counter() - start
    gaps = spreads = None
    if y is not None and len(np.unique(y)) >= 3:  # rank correlations need three classes or more
        geometry = embedding.cluster_geometry(X, Y, y)
        gaps = float(spearmanr(geometry.gaps_original, geometry.gaps_embedded)[0])
        spreads = float(spearmanr(geometry.spread_original, geometry.spread_embedded)[0])
    return Y, elapsed, embedding.trustworthiness(X, Y, NEIGHBOURS), gaps, spreads


def map_figure(Y, y, title, classes=None, as_layout=False):
    """The embedded points coloured by class, with each class's label at its centre: the digits, or a file's
    classes (``classes`` their names; ``y`` None for a file without a label column: one colour).

    ``as_layout`` (the t-SNE map, which the perplexity slider moves): the points as dots and the labels as
    annotations, so a move redraws layout without a replot (see ui.shapes), on axes that never move: each
    coordinate is drawn rescaled to [−1, 1] over the points' extent, the view autorange gave, and the axes
    show no numbers either way (a t-SNE map's coordinates have no units). The dots show no hover label; the
    PCA map, which stays put, keeps its hover labels."""
    fig = figure(title, height=460, showlegend=False, margin=dict(l=40, r=10, t=50, b=30))
    names = ([axis_title(c) for c in classes] if classes else [str(d) for d in range(10)]) if y is not None else []
    present = [d for d in range(len(names)) if np.any(y == d)]
    centres = np.array([np.median(Y[y == d], axis=0) for d in present])
    font = dict(size=22 if not classes else 16, color="#111827")
    if as_layout:
        low, high = Y.min(axis=0), Y.max(axis=0)
        middle, half = (low + high) / 2, np.maximum((high - low) / 2, 1e-12)
        Y, centres = (Y - middle) / half, (centres - middle) / half if len(centres) else centres
        add_dots(fig, Y[:, 0], Y[:, 1], TEN[0] if y is None else np.array(TEN)[y], size=6)
        fig.update_layout(annotations=[dict(x=float(cx), y=float(cy), text=names[d], showarrow=False, font=font)
                                       for d, (cx, cy) in zip(present, centres)])
        fig.update_xaxes(range=[-1.05, 1.05])
        fig.update_yaxes(range=[-1.05, 1.05])
    elif y is None:
        fig.add_trace(dict(type="scatter", x=Y[:, 0], y=Y[:, 1], mode="markers", marker=dict(size=6, color=TEN[0]),
                           hoverinfo="skip"))
    else:
        word = "class" if classes else "digit"
        fig.add_trace(dict(type="scatter", x=Y[:, 0], y=Y[:, 1], mode="markers",
                           marker=dict(size=6, color=y, colorscale=TEN_SCALE, cmin=0, cmax=10),
                           text=[f"{word} {names[d]}" for d in y], hoverinfo="text"))
        fig.add_trace(dict(type="scatter", x=centres[:, 0], y=centres[:, 1], mode="text", text=[names[d] for d in present],
                           textfont=font, hoverinfo="skip"))
    fig.update_xaxes(showticklabels=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, zeroline=False)
    return fig


def snippet(n, seed, perplexity, rate, iterations, pca_first, own=None):
    lr = '"auto"' if rate == "auto" else f"{float(rate)}"
    reduce = (f"Xr = PCA({PCA_DIMS}, random_state=seed).fit_transform(X)  # PCA first: the usual speed-up"
              if pca_first else "Xr = X")
    if own is not None and own.is_user:  # the student's file, sampled as the page samples it
        data = textwrap.indent(own.code + textwrap.dedent(f"""
            n, seed = {n}, {seed}
            pick = np.sort(np.random.default_rng(seed).choice(len(X), size=min(n, len(X)), replace=False))
            X = X[pick]  # at most {n} rows: t-SNE on thousands would take minutes""")
            + ("\ny = y[pick]" if own.label else ""), " " * 8).lstrip()
    else:
        data = textwrap.indent(textwrap.dedent(f"""
            from sklearn.datasets import load_digits
            n, seed = {n}, {seed}
            X, y = load_digits(return_X_y=True)
            pick = np.sort(np.random.default_rng(seed).choice(len(X), size=n, replace=False))
            X, y = X[pick].astype(float), y[pick]""").strip(), " " * 8).lstrip()
    return f"""
        import numpy as np
        from sklearn.decomposition import PCA
        from sklearn.manifold import TSNE, trustworthiness

        {data}
        {reduce}
        Y = TSNE(2, perplexity={perplexity}, learning_rate={lr}, max_iter={iterations}, init="pca",
                 random_state=seed, n_jobs=1).fit_transform(Xr)
        P = PCA(2).fit_transform(X)
        print(f"t-SNE trustworthiness: {{trustworthiness(X, Y, n_neighbors={NEIGHBOURS}):.3f}}")
        print(f"PCA trustworthiness: {{trustworthiness(X, P, n_neighbors={NEIGHBOURS}):.3f}}")
    """


@live_part
def perplexity_part(perplexity_box, tsne_box, metrics_box, snippet_box, settings):
    n, seed, rate, iterations, pca_first, own = settings
    user = (own.X, own.y) if own.is_user else None
    with perplexity_box:
        perplexity = controls.log_slider("Perplexity (≈ neighbours each point attends to)", "tsne_perp", PERPLEXITIES,
                                         30, help="Must be below the number of points.")
    X, y = tsne_data(n, seed, user)
    used = usable_perplexity(perplexity, len(X)) if own.is_user else perplexity
    dims = f"{X.shape[1]}-D" if own.is_user else "64-D"
    spinner = "Running t-SNE on your rows (seconds; cached afterwards)…" if own.is_user else None
    with st.spinner(spinner) if spinner else nullcontext():
        Y, seconds, trust, gaps, spreads = tsne_map(n, seed, perplexity, rate, iterations, pca_first, user)
    _, pca_seconds, pca_trust = pca_map(n, seed, user)
    with tsne_box:
        # No perplexity in the title: the slider shows it (and the caption the value used, when a small file
        # lowers it), and a changed title costs Plotly a restyle of the whole layout on every move.
        show(map_figure(Y, y, "t-SNE (non-linear)", own.classes if own.is_user else None, as_layout=True), "tsne_map")
    with metrics_box:
        if own.is_user:
            lowered = (f" Perplexity {perplexity:g} is too large for {len(X)} points, so {used:g} is used, at most "
                       "(points − 1)/3." if used < perplexity else "")
            st.caption(f"Your file: {len(X)} of its {len(own.X):,} rows" + (f" (a random sample with seed {seed}: t-SNE "
                       f"runs on at most {n} rows here)" if len(X) < len(own.X) else "") + f", {X.shape[1]} features "
                       "as z-scores." + lowered)
        pca_label = f"PCA time (best of {PCA_TIMINGS})"
        metric_row({"trustworthiness t-SNE": f"{trust:.3f}", "trustworthiness PCA": f"{pca_trust:.3f}",
                    "t-SNE time": f"{seconds:.2f} s", pca_label: f"{1000 * pca_seconds:.1f} ms"},
                   help={"trustworthiness t-SNE": f"1 = each point's {NEIGHBOURS} nearest neighbours on the map are also "
                                                  f"near it in the {dims} data (no intruders).",
                         "t-SNE time": "One run, timed when these settings first ran (then cached); the server may be "
                                       "busy.",
                         pca_label: f"The fastest of {PCA_TIMINGS} runs, timed when these settings first ran (then "
                                    "cached): one run takes milliseconds, so a single one mostly times a busy server."})
        if gaps is not None:
            st.markdown(f"Rank correlation with the {dims} data: distances **between** "
                        f"{'class' if own.is_user else 'digit'} clusters {gaps:.2f}, "
                        f"cluster **sizes** {spreads:.2f}. Neither is what t-SNE optimises.")
    with snippet_box:
        reproduce("tsne", snippet(n, seed, used, rate, iterations, pca_first, own),
                  {"t-SNE trustworthiness": f"{trust:.3f}", "PCA trustworthiness": f"{pca_trust:.3f}"})
    who = "your rows'" if own.is_user else "the digits'"
    return [Claim(f"t-SNE keeps local neighbourhoods: {who} nearest neighbours on its map are their nearest "
                  f"neighbours in {dims} (trustworthiness ≥ {TRUST_TARGET}).",
                  f"trustworthiness ({NEIGHBOURS} neighbours) t-SNE {trust:.3f}, PCA {pca_trust:.3f}",
                  trust >= TRUST_TARGET)]


def play():
    controls_col, tsne_col, pca_col = st.columns([1, 1.6, 1.6], gap="small")
    with controls_col:
        perplexity_box = st.container()
        size_box = st.container()
        rate = controls.choice("Learning rate", "tsne_lr", RATES)
        iterations = controls.choice("Iterations", "tsne_iter", ITERATIONS, index=1, horizontal=True)
        pca_box = st.container()
        seed = controls.slider("Seed", "tsne_seed", 0, 10, 0,
                               help="Draws another random subset of the rows. t-SNE starts from their PCA map "
                                    "(scikit-learn's default), not from random points.")
        own = own_data("tsne", "table", min_rows=MIN_ROWS, max_classes=10, standardise=True, slug="tsne",
                       max_columns=MAX_COLUMNS)
    with size_box:
        n = controls.choice("Rows embedded (at most)" if own.is_user else "Digits embedded", "tsne_n", SIZES, index=1,
                            horizontal=True)
    with pca_box:
        if own.is_user and own.X.shape[1] <= PCA_DIMS:  # nothing to reduce: the file has no more features than that
            pca_first = False
        else:
            pca_first = controls.toggle(f"PCA to {PCA_DIMS} dims first", "tsne_pca", True,
                                        help=f"Reduce the {own.X.shape[1] if own.is_user else 64} features to "
                                             f"{PCA_DIMS} principal components before t-SNE.")
    X0, y0 = embedding.digits_subset(n, random_state=seed)
    frame = pd.DataFrame(X0, columns=[f"pixel{j}" for j in range(X0.shape[1])]).astype(int)
    own.offer(frame.assign(label=y0))
    user = (own.X, own.y) if own.is_user else None
    Y_pca = pca_map(n, seed, user)[0]
    with pca_col:
        show(map_figure(Y_pca, tsne_data(n, seed, user)[1], "PCA (linear), same " + ("rows" if own.is_user else "digits"),
                        own.classes if own.is_user else None), "tsne_pca_map")
    below = st.container()  # the metrics, then the snippet: one block (Streamlit re-renders each block per move)
    perplexity_part(perplexity_box, tsne_col, below, below, (n, seed, rate, iterations, pca_first, own))


topic_page("tsne", play)
