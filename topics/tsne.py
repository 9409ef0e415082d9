"""t-SNE: digits embedded for a perplexity, learning rate and iteration count, beside PCA, with trustworthiness."""
import time

import numpy as np
import streamlit as st
from scipy.stats import spearmanr

from engine import embedding
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.snippet import reproduce
from ui.theme import figure, show

PERPLEXITIES = [2, 5, 10, 20, 30, 50, 100, 150, 190, 290, 490]
SIZES = [200, 300, 500]
RATES = ["auto", "10", "100", "1000"]
ITERATIONS = [250, 500, 1000]
PCA_DIMS = 20
NEIGHBOURS = 5
TRUST_TARGET = 0.95
# Ten digits need ten colours (the theme's palette has eight): Tableau 10, as a stepwise colour scale.
TEN = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#222222")
TEN_SCALE = [[edge, color] for j, color in enumerate(TEN) for edge in (j / 10, (j + 1) / 10)]


def tsne_data(n, seed):
    """The points to embed and their labels, X (n, 64) and y (n,): a random subset of the bundled digits.

    One place, so an uploaded table (issue 17) can replace it."""
    return embedding.digits_subset(n, random_state=seed)


@st.cache_data(max_entries=8, show_spinner=False)
def pca_map(n, seed):
    X, y = tsne_data(n, seed)
    embedding.pca_2d(X[:20])  # warm-up: the first call in a process pays for one-off set-up, not for PCA
    start = time.perf_counter()
    Y = embedding.pca_2d(X)
    elapsed = time.perf_counter() - start
    return Y, elapsed, embedding.trustworthiness(X, Y, NEIGHBOURS)


@st.cache_data(max_entries=48, show_spinner="Running t-SNE for these settings (a few seconds; cached afterwards)…")
def tsne_map(n, seed, perplexity, rate, iterations, pca_first):
    X, y = tsne_data(n, seed)
    start = time.perf_counter()
    Y = embedding.tsne(X, perplexity, random_state=seed, learning_rate=rate if rate == "auto" else float(rate),
                       max_iter=iterations, pca_first=PCA_DIMS if pca_first else None)
    elapsed = time.perf_counter() - start
    geometry = embedding.cluster_geometry(X, Y, y)
    gaps = float(spearmanr(geometry.gaps_original, geometry.gaps_embedded)[0])
    spreads = float(spearmanr(geometry.spread_original, geometry.spread_embedded)[0])
    return Y, elapsed, embedding.trustworthiness(X, Y, NEIGHBOURS), gaps, spreads


def map_figure(Y, y, title):
    """The embedded digits coloured by class, with each class's label at its centre."""
    fig = figure(title, height=460, showlegend=False, margin=dict(l=40, r=10, t=50, b=30))
    fig.add_trace(dict(type="scatter", x=Y[:, 0], y=Y[:, 1], mode="markers", marker=dict(size=6, color=y, colorscale=TEN_SCALE, cmin=0, cmax=10),
                       text=[f"digit {d}" for d in y], hoverinfo="text"))
    centres = np.array([np.median(Y[y == d], axis=0) for d in range(10)])
    fig.add_trace(dict(type="scatter", x=centres[:, 0], y=centres[:, 1], mode="text", text=[str(d) for d in range(10)],
                       textfont=dict(size=22, color="#111827"), hoverinfo="skip"))
    fig.update_xaxes(showticklabels=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, zeroline=False)
    return fig


def snippet(n, seed, perplexity, rate, iterations, pca_first):
    lr = '"auto"' if rate == "auto" else f"{float(rate)}"
    reduce = (f"Xr = PCA({PCA_DIMS}, random_state=seed).fit_transform(X)  # PCA first: the usual speed-up"
              if pca_first else "Xr = X")
    return f"""
        import numpy as np
        from sklearn.datasets import load_digits
        from sklearn.decomposition import PCA
        from sklearn.manifold import TSNE, trustworthiness

        n, seed = {n}, {seed}
        X, y = load_digits(return_X_y=True)
        pick = np.sort(np.random.default_rng(seed).choice(len(X), size=n, replace=False))
        X, y = X[pick].astype(float), y[pick]
        {reduce}
        Y = TSNE(2, perplexity={perplexity}, learning_rate={lr}, max_iter={iterations}, init="pca",
                 random_state=seed, n_jobs=1).fit_transform(Xr)
        P = PCA(2).fit_transform(X)
        print(f"t-SNE trustworthiness: {{trustworthiness(X, Y, n_neighbors={NEIGHBOURS}):.3f}}")
        print(f"PCA trustworthiness: {{trustworthiness(X, P, n_neighbors={NEIGHBOURS}):.3f}}")
    """


@live_part
def perplexity_part(perplexity_box, tsne_box, metrics_box, snippet_box, settings):
    n, seed, rate, iterations, pca_first = settings
    with perplexity_box:
        perplexity = controls.log_slider("Perplexity (≈ neighbours each point attends to)", "tsne_perp", PERPLEXITIES,
                                         30, help="Must be below the number of points.")
    y = tsne_data(n, seed)[1]
    Y, seconds, trust, gaps, spreads = tsne_map(n, seed, perplexity, rate, iterations, pca_first)
    _, pca_seconds, pca_trust = pca_map(n, seed)
    with tsne_box:
        show(map_figure(Y, y, f"t-SNE, perplexity {perplexity:g}"), "tsne_map")
    with metrics_box:
        metric_row({"trustworthiness t-SNE": f"{trust:.3f}", "trustworthiness PCA": f"{pca_trust:.3f}",
                    "t-SNE time": f"{seconds:.2f} s", "PCA time": f"{1000 * pca_seconds:.1f} ms"},
                   help={"trustworthiness t-SNE": f"1 = each point's {NEIGHBOURS} nearest neighbours on the map are also "
                                                  "near it in the 64-D data (no intruders).",
                         "t-SNE time": "Measured when these settings first ran (then cached); the server may be busy."})
        st.markdown(f"Rank correlation with the 64-D data: distances **between** digit clusters {gaps:.2f}, "
                    f"cluster **sizes** {spreads:.2f}. Neither is what t-SNE optimises.")
    with snippet_box:
        reproduce("tsne", snippet(n, seed, perplexity, rate, iterations, pca_first),
                  {"t-SNE trustworthiness": f"{trust:.3f}", "PCA trustworthiness": f"{pca_trust:.3f}"})
    return [Claim("t-SNE keeps local neighbourhoods: the digits' nearest neighbours on its map are their nearest "
                  f"neighbours in 64-D (trustworthiness ≥ {TRUST_TARGET}).",
                  f"trustworthiness ({NEIGHBOURS} neighbours) t-SNE {trust:.3f}, PCA {pca_trust:.3f}",
                  trust >= TRUST_TARGET)]


def play():
    controls_col, tsne_col, pca_col = st.columns([1, 1.6, 1.6], gap="small")
    with controls_col:
        perplexity_box = st.container()
        n = controls.choice("Digits embedded", "tsne_n", SIZES, index=1, horizontal=True)
        rate = controls.choice("Learning rate", "tsne_lr", RATES)
        iterations = controls.choice("Iterations", "tsne_iter", ITERATIONS, index=1, horizontal=True)
        pca_first = controls.toggle(f"PCA to {PCA_DIMS} dims first", "tsne_pca", True,
                                    help="Reduce the 64 pixel features to 20 principal components before t-SNE.")
        seed = controls.slider("Seed", "tsne_seed", 0, 10, 0,
                               help="Draws another random subset of the digits. t-SNE starts from their PCA map "
                                    "(scikit-learn's default), not from random points.")
    Y_pca = pca_map(n, seed)[0]
    with pca_col:
        show(map_figure(Y_pca, tsne_data(n, seed)[1], "PCA (linear), same digits"), "tsne_pca_map")
    metrics_box, snippet_box = st.container(), st.container()
    perplexity_part(perplexity_box, tsne_col, metrics_box, snippet_box, (n, seed, rate, iterations, pca_first))


topic_page("tsne", play)
