"""Bagging vs boosting: AdaBoost round by round (weights as point sizes, the stump, its vote, ▶ Play), bootstrap
samples, and what label noise does to each."""
import numpy as np
import streamlit as st

from engine import ensembles as E
from engine.datasets import CLASSIFICATION, classification_2d, grid_2d
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_dots, contour_path, legend_entry
from ui.snippet import reproduce
from ui.snippet_data import classification_2d_code
from ui.steps import add_play, frame
from ui.theme import MUTED, NEGATIVE, PALETTE, POSITIVE, Figure, figure, show, square_axes

MAX_ROUNDS = 30
NOISE_ROUNDS = 100
BAG_SIZES = (1, 5, 25)
GRID = 70
SIZE_BINS = np.array([5, 7, 10, 14, 19, 25])
DROP = 0.05
FIT_BAR = 0.95


@st.cache_data(max_entries=32, show_spinner=False)
def page_data(dataset, n, noise, seed):
    """The built-in training data (X, y). One place, so an uploaded data set can replace it later."""
    return classification_2d(dataset, n, noise, random_state=seed)


@st.cache_data(max_entries=16, show_spinner="Boosting…")
def boosting(dataset, n, noise, seed):
    X, y = page_data(dataset, n, noise, seed)
    rounds = E.adaboost_steps(X, y, MAX_ROUNDS)
    xs, ys, points = grid_2d(X, GRID)
    scores = np.cumsum([r.alpha * np.where(r.predict(points) == 1, 1.0, -1.0) for r in rounds], axis=0)
    paths = [contour_path(xs, ys, s.reshape(GRID, GRID), 0.0) for s in scores]
    return X, y, rounds, xs, ys, paths


def dot_sizes(weights):
    """Point size grows with the square root of its weight (area ∝ weight), binned to a few sizes."""
    relative = np.sqrt(weights * len(weights))  # 1 for the uniform weight
    return SIZE_BINS[np.clip(np.searchsorted([0.5, 0.8, 1.2, 1.8, 2.6], relative), 0, len(SIZE_BINS) - 1)]


def round_layout(fig: Figure, X, y, r, xs, ys, path, t):
    """Everything a round changes, as layout: sized dots, the stump's line, the ensemble boundary, the title."""
    sizes = dot_sizes(r.weights)
    colors = np.where(y == 1, POSITIVE, NEGATIVE)
    for size in np.unique(sizes):
        chosen = sizes == size
        add_dots(fig, X[chosen, 0], X[chosen, 1], colors[chosen], size=int(size))
    if r.feature >= 0:
        line = ([r.threshold, r.threshold], [ys[0], ys[-1]]) if r.feature == 0 else ([xs[0], xs[-1]], [r.threshold, r.threshold])
        fig.add_shape(type="line", x0=line[0][0], x1=line[0][1], y0=line[1][0], y1=line[1][1], xref="x", yref="y",
                      line=dict(color=PALETTE[1], width=4, dash="dash"), legendgroup="stump", showlegend=False)
    fig.add_shape(type="path", path=path or "M0,0", visible=bool(path), xref="x", yref="y",
                  line=dict(color="#111827", width=3), legendgroup="ensemble", showlegend=False)
    fig.update_layout(title=dict(text=f"Round {t}: stump x{r.feature + 1} ≤ {r.threshold:.2f}, ε = {r.error:.3f}, "
                                      f"α = {r.alpha:.2f}; ensemble {r.train_accuracy:.1%} right"))


@st.cache_data(max_entries=16, show_spinner=False)
def animation_frames(dataset, n, noise, seed):
    """The ▶ Play frames, one per round: they depend on the data, not on the round shown, so a round move
    reuses them (building all 30 took most of the move's server time)."""
    X, y, rounds, xs, ys, paths = boosting(dataset, n, noise, seed)
    frames = []
    for i, (r, path) in enumerate(zip(rounds, paths), start=1):
        step = figure("")
        round_layout(step, X, y, r, xs, ys, path, i)
        frames.append(frame(str(i), step))
    return frames


def boost_figure(X, y, rounds, xs, ys, paths, t, frames):
    fig = figure("", height=540, margin=dict(t=60, b=150))
    legend_entry(fig, "this round's stump", mode="lines", line=dict(color=PALETTE[1], width=4, dash="dash"))
    legend_entry(fig, "ensemble boundary so far", mode="lines", line=dict(color="#111827", width=3))
    legend_entry(fig, "point size ∝ its weight", mode="markers", marker=dict(color=MUTED, size=12))
    fig.update_layout(legend=dict(y=-0.22, yanchor="top", x=0))
    round_layout(fig, X, y, rounds[t - 1], xs, ys, paths[t - 1], t)
    add_play(fig, frames, t, duration_ms=700)
    fig.update_xaxes(range=[xs[0], xs[-1]], title="x₁")
    fig.update_yaxes(range=[ys[0], ys[-1]], title="x₂")
    return square_axes(fig)


def rounds_figure(rounds, t):
    steps = np.arange(1, len(rounds) + 1)
    fig = figure("Round by round", height=520, margin=dict(t=60, b=120),
                 yaxis=dict(domain=[0.55, 1], range=[0, 1.02], title="share"),
                 yaxis2=dict(domain=[0, 0.42], title="vote α", rangemode="tozero"),
                 xaxis=dict(anchor="y2", range=[0.5, MAX_ROUNDS + 0.5], title="round"),
                 legend=dict(y=-0.2, yanchor="top"))
    fig.add_trace(dict(type="scatter", x=steps, y=[r.train_accuracy for r in rounds], name="ensemble training accuracy",
                       mode="lines+markers", line=dict(color="#111827", width=3)))
    fig.add_trace(dict(type="scatter", x=steps, y=[r.error for r in rounds], name="stump's weighted error",
                       mode="lines+markers", line=dict(color=PALETTE[1], width=3)))
    fig.add_trace(dict(type="bar", x=steps, y=[r.alpha for r in rounds], name="vote α", yaxis="y2",
                       marker=dict(color=PALETTE[0])))
    fig.add_shape(type="line", x0=t, x1=t, y0=0, y1=1, xref="x", yref="paper", line=dict(color="#111827", dash="dash", width=2))
    return fig


@live_part
def round_part(round_box, boost_box, rounds_box, snippet_box, settings):
    dataset, n, noise, seed = settings
    X, y, rounds, xs, ys, paths = boosting(dataset, n, noise, seed)
    with round_box:
        t = controls.slider("AdaBoost round", "bb_round", 1, MAX_ROUNDS, 1,
                            help="Press ▶ on the chart to play the rounds.")
    t = min(t, len(rounds))
    with boost_box:
        show(boost_figure(X, y, rounds, xs, ys, paths, t, animation_frames(dataset, n, noise, seed)), "bb_boost")
    with rounds_box:
        show(rounds_figure(rounds, t), "bb_rounds")
    with snippet_box:
        snippet(dataset, n, noise, seed, t, rounds[t - 1])
    first, now = rounds[0].train_accuracy, rounds[t - 1].train_accuracy
    # Measured against a bar, not against round 1: "better than one stump" cannot fail except at round 1 itself,
    # where the ensemble is that stump. On XOR the bar is out of reach (sums of stumps are additive in x₁, x₂).
    return [Claim(f"Boosting reduces bias: with enough rounds, boosted stumps fit the training data almost perfectly "
                  f"(over {FIT_BAR:.0%} right).",
                  f"training accuracy after {t} round{'s' if t > 1 else ''}: {now:.3f}; one stump: {first:.3f}",
                  bool(now > FIT_BAR))]


def snippet(dataset, n, noise, seed, t, r):
    code = f"""
    import numpy as np
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.tree import DecisionTreeClassifier
    {classification_2d_code(dataset, n, noise, seed)}
    boost = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators={t}, learning_rate=1.0,
                               random_state=0).fit(X, y)
    print(f"round {t} error: {{boost.estimator_errors_[-1]:.4f}}")
    print(f"round {t} vote: {{boost.estimator_weights_[-1]:.4f}}")
    print(f"training accuracy: {{boost.score(X, y):.4f}}")
    """
    reproduce("bagging_boosting", code, {f"round {t} error": f"{r.error:.4f}", f"round {t} vote": f"{r.alpha:.4f}",
                                         "training accuracy": f"{r.train_accuracy:.4f}"})


@st.cache_data(max_entries=16, show_spinner="Boosting 100 rounds and bagging on the noisy labels…")
def noisy(dataset, n, noise, seed, flipped):
    X, y = page_data(dataset, n, noise, seed)
    X_test, y_test = classification_2d(dataset, 1000, noise, random_state=seed + 1000)
    return E.noise_curves(X, E.flip_labels(y, flipped, random_state=seed), X_test, y_test, NOISE_ROUNDS, BAG_SIZES,
                          random_state=seed)


def bootstrap_figure(X, y, counts):
    """One panel per bootstrap sample: the points it drew (size grows with the number of draws) and, hollow, the
    points it left out, which that model never saw."""
    k = len(counts)
    gap = 0.05
    width = (1 - gap * (k - 1)) / k
    layout = {}
    for b in range(k):
        suffix = "" if b == 0 else str(b + 1)
        layout[f"xaxis{suffix}"] = dict(domain=[b * (width + gap), b * (width + gap) + width], title="x₁",
                                        anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", title="x₂" if b == 0 else None)
    fig = figure("What each bagged model saw: three bootstrap samples (size = times drawn, hollow = left out)",
                 height=340, margin=dict(t=60, b=60), **layout)
    for b, row in enumerate(counts):
        axes = dict(xaxis="x" if b == 0 else f"x{b + 1}", yaxis="y" if b == 0 else f"y{b + 1}")
        seen = row > 0
        fig.add_trace(dict(type="scatter", x=X[~seen, 0], y=X[~seen, 1], mode="markers", name="left out",
                           showlegend=b == 0, legendgroup="out", **axes,
                           marker=dict(size=6, color="rgba(0,0,0,0)", line=dict(color=MUTED, width=1.2))))
        fig.add_trace(dict(type="scatter", x=X[seen, 0], y=X[seen, 1], mode="markers", name="drawn", showlegend=b == 0,
                           legendgroup="in", **axes,
                           marker=dict(size=(4 + 3 * row[seen]).tolist(), color=np.where(y[seen] == 1, POSITIVE, NEGATIVE).tolist(),
                                       opacity=0.75)))
    return fig


def noise_figure(c, flipped):
    fig = figure(f"Test accuracy with {flipped:.0%} of the training labels flipped", height=400,
                 xaxis=dict(type="log", title="rounds (AdaBoost) or models (bagging)", range=[-0.05, 2.05]),
                 yaxis=dict(range=[0.5, 1.0], title="accuracy on 1,000 clean test points"))
    fig.add_trace(dict(type="scatter", x=c.boost_rounds, y=c.boost_test, name="AdaBoost (stumps), test",
                       line=dict(color=PALETTE[1], width=3)))
    fig.add_trace(dict(type="scatter", x=c.boost_rounds, y=c.boost_train, name="AdaBoost, training (noisy labels)",
                       line=dict(color=PALETTE[1], width=1.5, dash="dash")))
    fig.add_trace(dict(type="scatter", x=c.bag_models, y=c.bag_test, name="bagged deep trees, test", mode="lines+markers",
                       line=dict(color=PALETTE[0], width=3)))
    return fig


def play():
    controls_col, charts_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        round_box = st.container()  # the round first: the page is about boosting step by step
        dataset = controls.choice("Data set", "bb_data", list(CLASSIFICATION),
                                  labels={"blobs": "overlapping blobs", "xor": "XOR"}, index=1)
        n = controls.slider("Training points", "bb_n", 40, 300, 150, 10)
        noise = controls.slider("Noise", "bb_noise", 0.0, 0.6, 0.2, 0.05)
        seed = controls.slider("Seed", "bb_seed", 0, 20, 0)
        flipped = controls.slider("Flipped training labels", "bb_flip", 0.0, 0.3, 0.0, 0.05,
                                  help="Label noise for the comparison chart below.")
        snippet_box = st.container()
    with charts_col:
        boost_box = st.container()
    rounds_box = st.container()
    round_part(round_box, boost_box, rounds_box, snippet_box, (dataset, n, noise, seed))
    counts = E.bootstrap_counts(n, 3, random_state=seed)
    c = noisy(dataset, n, noise, seed, flipped)
    clean = noisy(dataset, n, noise, seed, 0.0)
    st.markdown("### Bagging and label noise\n\n"
                f"Bagging trains each model on a bootstrap sample: {n} draws with replacement. The first three samples "
                f"leave out {', '.join(f'{np.mean(row == 0):.0%}' for row in counts)} of the points and repeat others "
                f"up to {counts.max()} times; each model sees a different data set, and averaging them cancels their "
                "differences. Boosting instead reweights the same data towards what it got wrong, which includes "
                "every flipped label.")
    show(bootstrap_figure(*page_data(dataset, n, noise, seed), counts), "bb_bootstrap")
    show(noise_figure(c, flipped), "bb_noise_chart")
    peak, last = float(c.boost_test.max()), float(c.boost_test[-1])
    clean_drop = float(clean.boost_test.max() - clean.boost_test[-1])
    metric_row({"AdaBoost peak (test)": f"{peak:.3f}", f"after {len(c.boost_test)} rounds": f"{last:.3f}",
                f"bagging, {BAG_SIZES[-1]} trees": f"{c.bag_test[-1]:.3f}"})
    # The fall is set against the fall on the same data with clean labels: on XOR boosted stumps lose accuracy
    # with rounds even without noise, which says nothing about noisy labels.
    return [Claim("Boosting can overfit noisy labels: with more rounds its test accuracy falls well below its peak "
                  f"(by more than {DROP:.0%} beyond what it falls with clean labels).",
                  f"{flipped:.0%} of labels flipped: peak {peak:.3f} at round {int(np.argmax(c.boost_test)) + 1}, "
                  f"{last:.3f} after {len(c.boost_test)} rounds (a fall of {peak - last:.3f}; with clean labels "
                  f"{clean_drop:.3f})", bool(peak - last - clean_drop > DROP))]


topic_page("bagging_boosting", play)
