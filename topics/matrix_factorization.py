"""Matrix factorisation: SGD fills the gaps of a ratings matrix; k, learning rate, regularisation, RMSE per epoch.

What k (the first slider) moves is drawn as layout, so the browser redraws without replotting every trace: the
completed matrix is a PNG (the observed and true ones stay heatmaps, with their hover), the RMSE curves are
path shapes and the items numbered dots in one SVG image, on axes whose range moves only in steps.
"""
import numpy as np
import streamlit as st

from engine import recommender
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_cells, add_lines, add_svg_image
from ui.snippet import reproduce
from ui.theme import BAD, GOOD, MUTED, PALETTE, figure, show, square_axes

RATES = [0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
REGS = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
USERS, ITEMS, RANK, NOISE = 60, 40, 3, 0.1
STARS = [[0.0, "#D7191C"], [0.25, "#FDAE61"], [0.5, "#FFFFBF"], [0.75, "#ABD9E9"], [1.0, "#2C7BB6"]]  # 1 → 5 stars
SETTLED = 0.05  # training RMSE moving less than this share of itself, and of its fall, over the last 5 epochs: settled
FITS = 0.5  # a training RMSE under this fits the ratings (their spread is about 1; the noise 0.1)
GAP = 1.5  # held-out RMSE within this factor of the training RMSE counts as generalising
CELL_PX = 8  # pixels per cell of the completed matrix's image: flat blocks that stay sharp when the browser scales it
ITEM_LABEL = 0.04  # the items' numbers above their dots, as a share of the items plot's height (~12 px)
ITEM_RANGES = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0)  # the items chart's half-width snaps to one of these


def ratings_data(density, seed):
    """The ratings matrix (users × items, NaN where unrated) and the true complete one.

    One place, so other data (an uploaded table, issue 17) can replace the synthetic ratings."""
    ratings = recommender.synthetic_ratings(USERS, ITEMS, RANK, density, NOISE, random_state=seed)
    return ratings.observed, ratings.full


@st.cache_data(max_entries=96, show_spinner="Training by stochastic gradient descent…")
def train(density, seed, k, lr, reg, epochs):
    R, _ = ratings_data(density, seed)
    return recommender.factorize(R, k, lr=lr, reg=reg, epochs=epochs, test_fraction=0.2, random_state=seed)


def stars(z):
    """Ratings (centred on 0) as stars, 3 + rating, clipped to the colour scale's 0.5 … 5.5."""
    return np.where(np.isnan(z), np.nan, np.clip(3 + z, 0.5, 5.5))


def matrices_figure(R, fit, full):
    """Observed ratings with their gaps, the model's completed matrix, and the truth, as stars (3 + rating).

    The observed and true matrices do not depend on the model: they stay heatmap traces (with hover). The
    completed one, which every k, rate or λ changes, is an image on the middle panel's axes."""
    users, items = R.shape
    panels = ["observed (grey = unrated)", "P Qᵀ: diverged" if fit.diverged else "completed by P Qᵀ", "true ratings"]
    title = dict(xref="paper", yref="paper", y=1.01, yanchor="bottom", showarrow=False, font=dict(size=15))
    layout = {}
    for i in range(3):
        suffix = "" if i == 0 else str(i + 1)
        layout[f"xaxis{suffix}"] = dict(domain=[i / 3 + 0.01, (i + 1) / 3 - 0.03], showticklabels=False, ticks="",
                                        showgrid=False, zeroline=False, range=[-0.5, items - 0.5],
                                        title="items" if i == 1 else "")
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", range=[users - 0.5, -0.5], showticklabels=False, ticks="",
                                        showgrid=False, zeroline=False, title="users" if i == 0 else "")
    fig = figure("", height=380, margin=dict(l=40, r=10, t=40, b=40), plot_bgcolor="#6B7280",  # grey: unrated
                 annotations=[dict(text=name, x=(i + 0.45) / 3, xanchor="center", **title)
                              for i, name in enumerate(panels)], **layout)
    for i, z in ((0, R), (2, full)):
        suffix = "" if i == 0 else str(i + 1)
        fig.add_trace(dict(type="heatmap", z=stars(z), zmin=0.5, zmax=5.5, colorscale=STARS,
                           showscale=i == 2, colorbar=dict(title=dict(text="stars"), len=0.9, thickness=14),
                           xaxis=f"x{suffix}", yaxis=f"y{suffix}", hovertemplate="user %{y}, item %{x}: %{z:.2f}<extra></extra>"))
    # The completed matrix's hover: which user and item a cell is (its colour gives the value). Constant data,
    # so this trace never forces a replot; the matrix itself is the image below.
    fig.add_trace(dict(type="heatmap", z=np.zeros((users, items)), opacity=0, showscale=False, xaxis="x2", yaxis="y2",
                       hovertemplate="user %{y}, item %{x}<extra></extra>"))
    return add_cells(fig, stars(fit.prediction), STARS, 0.5, 5.5, x="x2", y="y2", pixels=CELL_PX)


def rmse_figure(fit, epochs):
    """Both RMSE curves as path shapes (k moves them); the noise level, which nothing here moves, as a trace."""
    fig = figure("RMSE after each epoch", height=420, legend=dict(x=0.98, xanchor="right", y=0.98, yanchor="top",
                                                                   orientation="v"), margin=dict(t=50))
    x = np.arange(1, epochs + 1)
    add_lines(fig, x, fit.train_rmse, "training ratings", line=dict(color=GOOD, width=3))
    add_lines(fig, x, fit.test_rmse, "held-out ratings", line=dict(color=BAD, width=3))
    fig.add_trace(dict(type="scatter", x=[1, epochs], y=[NOISE, NOISE], name="noise level", mode="lines",
                       line=dict(color=MUTED, dash="dot")))
    fig.update_xaxes(title="epoch", range=[0, epochs + 1])
    fig.update_yaxes(title="RMSE", range=[0, 1.3])
    return fig


def items_figure(fit):
    """Each item's vector qⱼ on the two directions along which the items spread most, a dot with its number.

    The dots and numbers are one SVG image on equal axes, so a move of k swaps one image: as a scatter trace with
    hover it redrew the whole chart, axes and ticks, each move (~800 DOM changes, 13 ms of Plotly.react). Both
    axes span ±the smallest of ITEM_RANGES that holds every item and its number, so they move only in steps."""
    title = "Items' vectors qⱼ on their two main directions"
    if fit.Q.shape[1] < 2 or fit.diverged:
        fig = figure(title, height=420, margin=dict(t=50), xaxis=dict(visible=False), yaxis=dict(visible=False))
        return fig.add_annotation(showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                                  text="training diverged: no factors to plot" if fit.diverged else
                                  "k = 1: one factor, nothing to plot in two dimensions")
    view = recommender.latent_map(fit.Q)
    fig = figure(f"{title} ({view.share:.0%} of their spread)", height=420, margin=dict(t=50))
    reach = float(np.abs(view.coords).max())
    # A number's top sits 0.12 × half above its dot (centre 0.08, half its height 0.04): keep it inside the axes.
    half = next((r for r in ITEM_RANGES if reach + 0.15 * r <= r), float(np.ceil(reach / 0.85)))
    x, y = view.coords.T
    add_svg_image(fig, [-half, half], [-half, half], dots=[(x, y, PALETTE[0], 7)],
                  labels=[(x, y + ITEM_LABEL * 2 * half, range(len(x)), PALETTE[0], ITEM_LABEL)])
    fig.update_xaxes(title="main direction 1", zeroline=True, range=[-half, half])
    fig.update_yaxes(title="main direction 2", zeroline=True, range=[-half, half])
    return square_axes(fig)


def snippet(density, seed, k, lr, reg, epochs):
    return f"""
        import numpy as np

        rng = np.random.default_rng({seed})
        users, items, rank, density, noise = {USERS}, {ITEMS}, {RANK}, {density}, {NOISE}
        U = rng.normal(0, rank ** -0.25, size=(users, rank))
        V = rng.normal(0, rank ** -0.25, size=(items, rank))
        full = U @ V.T                                            # true ratings, rank 3, centred on 0
        mask = rng.uniform(size=(users, items)) < density
        mask[np.arange(users), rng.integers(items, size=users)] = True
        R = np.where(mask, full + rng.normal(0, noise, size=full.shape), np.nan)

        rng = np.random.default_rng({seed})                      # split, start and order of the SGD
        rows, cols = np.nonzero(~np.isnan(R))
        order = rng.permutation(len(rows))
        n_test = int(round(0.2 * len(rows)))
        test, train = order[:n_test], np.sort(order[n_test:])
        k, lr, reg, epochs = {k}, {lr}, {reg}, {epochs}
        P = rng.normal(0, 0.1, size=(users, k))
        Q = rng.normal(0, 0.1, size=(items, k))
        rmse = lambda idx: np.sqrt(np.mean((R[rows[idx], cols[idx]] - np.sum(P[rows[idx]] * Q[cols[idx]], 1)) ** 2))
        for epoch in range(epochs):
            for t in train[rng.permutation(len(train))]:
                i, j = rows[t], cols[t]
                e = R[i, j] - P[i] @ Q[j]                          # error on one known rating
                P[i], Q[j] = P[i] + lr * (e * Q[j] - reg * P[i]), Q[j] + lr * (e * P[i] - reg * Q[j])
            if not np.isfinite(rmse(train)) or rmse(train) > 1e6:
                print("diverged at epoch", epoch + 1)
                break
        print(f"train RMSE: {{rmse(train):.4f}}")
        print(f"test RMSE: {{rmse(test):.4f}}")
    """


def final(values):
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if len(finite) else float("nan")


@live_part
def factors_part(k_box, matrices_box, curves_box, items_box, metrics_box, settings):
    density, seed, lr, reg, epochs = settings
    with k_box:
        k = controls.slider("k: latent factors", "mf_k", 1, 12, 3,
                            help=f"The ratings were made from {RANK} hidden tastes (plus noise).")
    R, full = ratings_data(density, seed)
    fit = train(density, seed, k, lr, reg, epochs)
    with matrices_box:
        show(matrices_figure(R, fit, full), "mf_matrices")
    with curves_box:
        show(rmse_figure(fit, epochs), "mf_rmse")
    with items_box:
        show(items_figure(fit), "mf_items")
    train_final, test_final = final(fit.train_rmse), final(fit.test_rmse)
    unseen = ~(fit.train_mask | fit.test_mask)
    gaps_rmse = float(np.sqrt(np.mean((fit.prediction[unseen] - full[unseen]) ** 2))) if not fit.diverged else np.nan
    with metrics_box:
        metric_row({"train RMSE": "diverged" if fit.diverged else f"{train_final:.4f}",
                    "test RMSE": "diverged" if fit.diverged else f"{test_final:.4f}",
                    "error on the gaps": "—" if fit.diverged else f"{gaps_rmse:.3f}"},
                   help={"error on the gaps": "RMSE against the true ratings on the entries nobody rated."})
        printed = ({"train RMSE": f"{train_final:.4f}", "test RMSE": f"{test_final:.4f}"} if not fit.diverged else
                   {"diverged at epoch": str(int(np.sum(np.isfinite(fit.train_rmse))) + 1)})
        reproduce("matrix_factorization", snippet(density, seed, k, lr, reg, epochs), printed, needs="numpy")
    first = float(fit.train_rmse[0])
    tail = fit.train_rmse[np.isfinite(fit.train_rmse)][-6:]  # the last five epoch-to-epoch moves
    moved = float(tail.max() - tail.min())
    fall = first - train_final
    settled = (not fit.diverged) and fall > 0 and moved < SETTLED * train_final and moved < SETTLED * fall
    fits = (not fit.diverged) and train_final < FITS
    ratio = test_final / train_final if not fit.diverged and train_final > 0 else np.inf
    return [
        Claim("With a small enough learning rate, SGD converges: the training error falls and settles.",
              ("the error blew up: training diverged" if fit.diverged else
               f"training RMSE {first:.3f} after epoch 1 → {train_final:.3f} after epoch {epochs}; over the last 5 "
               f"epochs it moved {moved:.4f}, {moved / train_final:.1%} of its level and "
               f"{moved / fall if fall > 0 else np.inf:.1%} of its fall (settled: both under {SETTLED:.0%})"),
              bool(settled)),
        Claim(f"The model generalises: it fits its training ratings (RMSE under {FITS}) and predicts held-out ones "
              f"nearly as well (held-out RMSE within {GAP}× the training RMSE).",
              "diverged: no model" if fit.diverged else
              f"training {train_final:.3f} ({'fits' if fits else 'does not fit'}), held-out {test_final:.3f}: "
              f"{ratio:.2f}×", bool(fits and ratio <= GAP)),
    ]


def play():
    controls_col, matrices_col = st.columns([1, 3], gap="large")
    with controls_col:
        k_box = st.container()
        lr = controls.log_slider("Learning rate", "mf_lr", RATES, 0.05, help="Too large and each step overshoots.")
        reg = controls.log_slider("Regularisation λ", "mf_reg", REGS, 0.02,
                                  help="Penalty λ(‖pᵢ‖² + ‖qⱼ‖²) that keeps the factors small.")
        epochs = controls.slider("Epochs", "mf_epochs", 10, 120, 60, 10)
        density = controls.slider("Share of ratings known", "mf_density", 0.1, 0.9, 0.5, 0.1)
        seed = controls.slider("Seed", "mf_seed", 0, 10, 0)
    with matrices_col:
        metrics_box, matrices_box = st.container(), st.container()
    curves_col, items_col = st.columns(2)
    factors_part(k_box, matrices_box, curves_col, items_col, metrics_box, (density, seed, lr, reg, epochs))


topic_page("matrix_factorization", play)
