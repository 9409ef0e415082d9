"""SGD and mini-batches: descent paths over the MSE surface of a line fit, the loss per epoch, gradient noise."""
import numpy as np
import streamlit as st

from engine import optim
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_lines, add_polylines, log10_axis
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, mark_x, show, square_axes

LEARNING_RATES = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6]
BATCH_SIZES = [2, 5, 10, 20, 50]
SIZES = [50, 100, 200]
NOISE_BATCHES = [1, 2, 5, 10, 20, 50, 100, 200]
MAX_DRAWN = 1500  # points per drawn path: a single-example path has up to 20,000 steps
COLORS = {"full": PALETTE[0], "mini": PALETTE[1], "single": "rgba(213,94,0,0.55)"}  # single: see-through, it scribbles


def page_data(n, noise, seed):
    """The one place the page's (X, y) come from: a data uploader can replace this function."""
    return optim.regression_data(n, noise, random_state=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def surface(n, noise, seed):
    X, y = page_data(n, noise, seed)
    w_star, b_star, minimum = optim.least_squares(X, y)
    ws = np.linspace(min(0.0, w_star) - 1.5, max(0.0, w_star) + 1.5, 121)
    bs = np.linspace(min(0.0, b_star) - 1.5, max(0.0, b_star) + 1.5, 121)
    return ws, bs, optim.loss_surface(X, y, ws, bs), (w_star, b_star, minimum), optim.hessian_max_eigenvalue(X)


@st.cache_data(max_entries=64, show_spinner=False)
def paths(n, noise, seed, batch, lr, epochs, momentum):
    """Full-batch, mini-batch and single-example descent from (0, 0) with the same settings."""
    X, y = page_data(n, noise, seed)
    return {kind: optim.descent_path(X, y, size, lr, epochs, momentum=momentum, random_state=seed)
            for kind, size in (("full", n), ("mini", batch), ("single", 1))}


@st.cache_data(max_entries=32, show_spinner=False)
def noise_curve(n, noise, seed):
    X, y = page_data(n, noise, seed)
    w_star, b_star, _ = optim.least_squares(X, y)
    sizes = [b for b in NOISE_BATCHES if b <= n]
    return optim.gradient_noise(X, y, w_star, b_star, sizes, draws=400, random_state=seed)


def first_true(mask):
    """Index of the first True in ``mask``, or its last index when there is none."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else len(mask) - 1


def thin(values, limit=MAX_DRAWN):
    """Every k-th row (and the last), so a drawn path has at most about ``limit`` points."""
    k = max(1, len(values) // limit)
    return np.r_[values[::k], values[-1:]] if (len(values) - 1) % k else values[::k]


def descent_figure(ws, bs, grid, best, results, batch, n):
    """Left: the MSE contours with the three paths (layout shapes). Right: the full-data loss per epoch (log)."""
    w_star, b_star, minimum = best
    start = float(optim_start_loss(ws, bs, grid))
    top = np.log10(start) + 1.0
    bottom = np.log10(max(minimum, 1e-6)) - 0.1
    fig = figure("", height=520, margin=dict(t=80, b=60, l=70, r=20),
                 xaxis=dict(domain=[0, 0.5], range=[ws[0], ws[-1]], title="slope w"),
                 yaxis=dict(range=[bs[0], bs[-1]], title="intercept b"),
                 xaxis2=dict(domain=[0.62, 1], title="epoch (passes over the data)"),
                 yaxis2=dict(anchor="x2"),
                 legend=dict(y=1.08))
    fig.add_trace(dict(type="contour", x=ws, y=bs, z=np.log10(grid), showscale=False, name="MSE contours",
                       contours=dict(coloring="lines", start=float(np.log10(minimum * 1.1)),
                                     end=float(np.log10(grid.max())), size=0.2),
                       line=dict(width=1), colorscale=[[0, "#9CA3AF"], [1, "#9CA3AF"]], hoverinfo="skip"))
    fig.add_trace(dict(type="scatter", x=[w_star], y=[b_star], mode="markers", name="least squares",
                       marker=dict(symbol="star", size=16, color="#111827")))
    epochs_axis = 0.0
    labels = {"full": f"full batch ({n})", "mini": f"mini-batch ({batch})", "single": "single example (1)"}
    span = max(ws[-1] - ws[0], bs[-1] - bs[0])
    for kind in ("single", "mini", "full"):  # the noisiest underneath
        result = results[kind]
        # A diverging path is drawn until it first leaves the chart (with a margin) and its loss until it
        # passes the top: beyond that Plotly would draw huge zig-zags across the whole panel.
        outside = (np.abs(result.path[:, 0] - ws.mean()) > span) | (np.abs(result.path[:, 1] - bs.mean()) > span)
        drawn = thin(result.path[:first_true(outside) + 1])
        line = dict(color=COLORS[kind], width=3 if kind != "single" else 1.2)
        add_polylines(fig, [(drawn[:, 0], drawn[:, 1])], labels[kind], line)
        steps = np.arange(len(result.loss)) / result.steps_per_epoch
        with np.errstate(invalid="ignore"):
            keep = thin(np.arange(first_true(~(np.log10(np.maximum(result.loss, 1e-12)) <= top)) + 1))
        logs = np.clip(np.log10(np.maximum(result.loss[keep], 1e-12)), bottom, top)
        add_lines(fig, steps[keep], logs, labels[kind], line, xref="x2", yref="y2", showlegend=False)
        epochs_axis = max(epochs_axis, steps[-1])
    fig.add_shape(type="line", xref="x2", yref="y2", x0=0, x1=epochs_axis, y0=np.log10(max(minimum, 1e-6)),
                  y1=np.log10(max(minimum, 1e-6)), line=dict(color="#111827", dash="dot", width=1.5))
    fig.update_layout(xaxis2=dict(range=[0, epochs_axis]), yaxis2=dict(zeroline=False))
    log10_axis(fig, bottom, top, "full-data MSE (log scale)", axis="yaxis2")
    panel = dict(xref="paper", yref="paper", y=1.0, yanchor="bottom", showarrow=False, font=dict(size=15))
    fig.add_annotation(text="Paths over the MSE surface", x=0.0, xanchor="left", **panel)
    fig.add_annotation(text="Full-data MSE after each step", x=0.62, xanchor="left", **panel)
    return square_axes(fig)


def optim_start_loss(ws, bs, grid):
    """The MSE at the start (0, 0), read from the grid (0 is always on it)."""
    return grid[np.argmin(np.abs(bs)), np.argmin(np.abs(ws))]


def noise_figure(result, batch):
    """Root-mean-square distance of a mini-batch gradient from the full gradient, against batch size (log–log).

    Both axes are linear axes over log10 values (ui.shapes.log10_axis), so the batch-size marker is a plain shape.
    b = n is left out: its noise is exactly zero, which a log scale cannot draw."""
    fig = figure("Gradient noise at the least-squares point", height=400)
    keep = result.exact > 0
    sizes, sampled, exact = result.batch_sizes[keep].astype(float), result.sampled[keep], result.exact[keep]
    x = np.log10(sizes)
    reference = np.log10(sampled[0] / np.sqrt(sizes))
    fig.add_trace(dict(type="scatter", x=x, y=reference, name="1/√b from b = 1", mode="lines",
                       line=dict(color=MUTED, dash="dash", width=2), hoverinfo="skip"))
    fig.add_trace(dict(type="scatter", x=x, y=np.log10(exact), name="exact (drawn without replacement)", mode="lines",
                       line=dict(color=PALETTE[0], width=3), customdata=exact, hovertemplate="%{customdata:.3g}"))
    fig.add_trace(dict(type="scatter", x=x, y=np.log10(sampled), name="measured (400 batches each)", mode="markers",
                       marker=dict(size=10, color=PALETTE[1]), customdata=sampled, hovertemplate="%{customdata:.3g}"))
    fig.update_xaxes(title="batch size b", tickvals=x, ticktext=[f"{v:g}" for v in sizes], range=[-0.1, x[-1] + 0.1])
    mark_x(fig, float(np.log10(batch)), f"b = {batch}")
    low = min(np.log10(exact).min(), reference.min())
    fig.update_yaxes(zeroline=False)
    return log10_axis(fig, low, np.log10(sampled[0]), "RMS ‖batch gradient − full gradient‖")


def epoch_tail_mean(result):
    """Mean full-data MSE over the last epoch's steps (NaN once diverged)."""
    return float(np.mean(result.loss[-result.steps_per_epoch:]))


@live_part
def learning_rate_part(lr_box, chart_box, metrics_box, settings):
    """The learning rate and what it moves: the three paths, their loss curves, the convergence check."""
    n, noise, seed, batch, epochs, momentum = settings
    with lr_box:
        lr = controls.log_slider("Learning rate", "sgd_lr", LEARNING_RATES, 0.1,
                                 help="Step size. Past the “stable while lr <” value, 2(1 + μ)/λ_max, full-batch descent diverges.")
    ws, bs, grid, best, top_eigen = surface(n, noise, seed)
    results = paths(n, noise, seed, batch, lr, epochs, momentum)
    limit = 2 * (1 + momentum) / top_eigen
    with chart_box:
        show(descent_figure(ws, bs, grid, best, results, batch, n), "sgd_paths")
    mini = results["mini"]
    w_star, b_star, minimum = best
    tail = epoch_tail_mean(mini)
    with metrics_box:
        metric_row({"minimum MSE": f"{minimum:.4f}", "mini-batch, last epoch": "diverged" if mini.diverged else f"{tail:.4f}",
                    "stable while lr <": f"{limit:.3f}"},
                   help={"stable while lr <": "2(1 + momentum)/λ_max, λ_max the largest curvature of the MSE: "
                                               "above it full-batch descent overshoots further every step."})
        snippet(n, noise, seed, batch, lr, epochs, momentum, results, minimum)
    excess = (tail - minimum) / minimum if minimum > 0 else np.nan
    still_falling = not mini.diverged and mini.loss[-1] < mini.loss[-1 - min(len(mini.loss) - 1, 3 * mini.steps_per_epoch)] * 0.99
    if mini.diverged:
        measured = f"the mini-batch path (b = {batch}, lr = {lr:g}) diverged"
    else:
        measured = (f"mini-batch b = {batch}, lr = {lr:g}: mean MSE over the last epoch {tail:.4f} vs minimum "
                    f"{minimum:.4f}, {100 * excess:.2f} % above it"
                    + (" — and still falling: give it more epochs" if still_falling else
                       " — it hovers there, kicked about by noisy batch gradients" if excess >= 0.01 else ""))
    return [Claim("With a constant learning rate, stochastic (mini-batch) gradient descent ends at the minimum of the loss.",
                  measured, bool(not mini.diverged and excess < 0.01))]


def snippet(n, noise, seed, batch, lr, epochs, momentum, results, minimum):
    def fmt(value):
        return f"{value:.5g}"
    code = f"""
    import numpy as np

    n, noise, seed = {n}, {noise:g}, {seed}
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 2.0, n)
    y = 2.0 * x + 1.0 + rng.normal(0.0, noise, n)

    def descend(batch, lr={lr:g}, epochs={epochs}, momentum={momentum:g}):
        rng = np.random.default_rng(seed)              # a fresh shuffle every epoch
        w = b = vw = vb = 0.0
        for epoch in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch):
                i = order[start:start + batch]
                r = y[i] - (w * x[i] + b)
                gw, gb = -2 * np.mean(r * x[i]), -2 * np.mean(r)   # gradient of the batch MSE
                vw, vb = momentum * vw + gw, momentum * vb + gb    # torch.optim.SGD's momentum
                w, b = w - lr * vw, b - lr * vb
                if not (abs(w) <= 1e6 and abs(b) <= 1e6):
                    return float("nan"), float("nan")         # diverged
        return w, b

    def mse(w, b):
        return np.mean((y - (w * x + b)) ** 2)

    w_ls, b_ls = np.polyfit(x, y, 1)
    print("minimum MSE:", f"{{mse(w_ls, b_ls):.5g}}")
    for name, batch in [("full batch", n), ("mini-batch", {batch}), ("single example", 1)]:
        w, b = descend(batch)
        print(f"{{name}} final MSE:", f"{{mse(w, b):.5g}}")
    """
    prints = {"minimum MSE": fmt(minimum)}
    for name, kind in (("full batch", "full"), ("mini-batch", "mini"), ("single example", "single")):
        prints[f"{name} final MSE"] = fmt(results[kind].loss[-1])
    reproduce("sgd", code, prints, needs="torch numpy")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        lr_box = st.container()  # the learning rate comes first: it is what this page is about
        batch = controls.log_slider("Mini-batch size", "sgd_batch", BATCH_SIZES, 10,
                                    help="The orange path. Blue always uses every point, red one point a step.")
        momentum = controls.slider("Momentum μ", "sgd_mom", 0.0, 0.95, 0.0, 0.05,
                                   help="v ← μ·v + gradient; step −lr·v (torch.optim.SGD's form).")
        epochs = controls.slider("Epochs", "sgd_epochs", 1, 100, 20)
        n = controls.choice("Points", "sgd_n", SIZES, index=1, horizontal=True)
        noise = controls.slider("Noise σ around y = 2x + 1", "sgd_noise", 0.0, 2.0, 0.5, 0.1)
        seed = controls.slider("Seed", "sgd_seed", 0, 20, 0)
    batch = min(batch, n)
    with charts_col:
        chart_box = st.container()
        metrics_box = st.container()
    learning_rate_part(lr_box, chart_box, metrics_box, (n, noise, seed, batch, epochs, momentum))

    noise_col, text_col = st.columns([3, 2], gap="large")
    result = noise_curve(n, noise, seed)
    with noise_col:
        show(noise_figure(result, batch), "sgd_noise_chart")
    at = int(np.searchsorted(result.batch_sizes, batch))
    ratio, reference = result.sampled[at] / result.sampled[0], 1 / np.sqrt(batch)
    with text_col:
        st.markdown("### Why mini-batches are noisy\n\nEach batch's gradient is an average of the gradients of the "
                    "points in it: an estimate of the full gradient. At the least-squares point the full gradient "
                    "is zero, so all that is left is the noise. Averaging b independent points divides its spread "
                    "by √b; drawing them *without replacement* from n points shrinks it faster still, to nothing "
                    "at b = n.")
    return [Claim("The noise of a mini-batch gradient shrinks like 1/√(batch size).",
                  f"b = {batch} of n = {n}: measured noise / noise at b = 1 = {ratio:.3f}; 1/√b = {reference:.3f} "
                  f"({100 * (ratio / reference - 1):+.1f} %)", bool(abs(ratio / reference - 1) < 0.1))]


topic_page("sgd", play)
