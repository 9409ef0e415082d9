"""Triplet loss: anchor, positive and negative in a 2-D embedding, the easy / semi-hard / hard zones, and a tiny
embedding network trained with triplet loss in torch."""
import numpy as np
import streamlit as st

from engine import triplet
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_dots, mark_point
from ui.snippet import reproduce
from ui.theme import BAD, GOOD, MUTED, PALETTE, figure, show, square_axes

LIMIT = 4.0
ZONES = {"hard": "rgba(213,94,0,0.22)", "semi-hard": "rgba(230,159,0,0.22)", "easy": "rgba(0,158,115,0.10)"}
MARGINS = [0.1, 0.2, 0.5, 1.0, 2.0]


def circle(radius, color):
    return dict(type="circle", xref="x", yref="y", x0=-radius, y0=-radius, x1=radius, y1=radius, fillcolor=color,
                line=dict(width=1, color="rgba(0,0,0,0.25)"), layer="below")


def plane_figure(positive, negative, margin, kind):
    """The anchor at the origin, the zones around it (shapes) and the positive and negative (shapes)."""
    d_ap, d_an = np.linalg.norm(positive), np.linalg.norm(negative)
    fig = figure(f"The negative is {kind}", height=520, margin=dict(t=130, b=50))
    fig.update_layout(xaxis=dict(range=[-LIMIT, LIMIT], title="embedding 1"), yaxis=dict(range=[-LIMIT, LIMIT], title="embedding 2"),
                      shapes=[dict(type="rect", xref="x", yref="y", x0=-LIMIT, y0=-LIMIT, x1=LIMIT, y1=LIMIT,
                                   fillcolor=ZONES["easy"], line=dict(width=0), layer="below"),
                              circle(d_ap + margin, "white"), circle(d_ap + margin, ZONES["semi-hard"]),
                              circle(d_ap, "white"), circle(d_ap, ZONES["hard"])])
    for name, color in (("hard: d(a,n) ≤ d(a,p)", ZONES["hard"]), ("semi-hard: inside the margin", ZONES["semi-hard"]),
                        ("easy: loss 0", ZONES["easy"])):
        fig.add_trace(dict(type="scatter", x=[None], y=[None], mode="markers", name=name,
                           marker=dict(symbol="square", size=14, color=color)))
    add_dots(fig, [0.0], [0.0], ["#111827"], size=14)
    add_dots(fig, [positive[0]], [positive[1]], [GOOD], size=14)
    add_dots(fig, [negative[0]], [negative[1]], [BAD], size=14)
    for text, (x, y), shift in (("anchor", (0.0, 0.0), -16), ("positive", positive, 16), ("negative", negative, 16)):
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, yshift=shift, font=dict(size=14))
    return square_axes(fig)


def loss_figure(d_ap, d_an, margin):
    """The loss against d(a, n) for this d(a, p) and margin: correct (solid) and the notes' swapped form (dashed)."""
    fig = figure("Loss against d(anchor, negative)", height=520, margin=dict(t=130, b=50))
    x = np.linspace(0, 2 * LIMIT, 200)
    fig.add_trace(dict(type="scatter", x=x, y=np.maximum(0, d_ap - x + margin), name="max(0, d(a,p) − d(a,n) + margin)",
                       mode="lines", line=dict(color=PALETTE[0], width=3)))
    fig.add_trace(dict(type="scatter", x=x, y=np.maximum(0, x - d_ap + margin), name="notes: max(0, d(a,n) − d(a,p) + margin)",
                       mode="lines", line=dict(color=MUTED, width=2, dash="dash")))
    fig.add_shape(type="rect", x0=d_ap, x1=d_ap + margin, yref="y domain", y0=0, y1=1, fillcolor=ZONES["semi-hard"],
                  line=dict(width=0), layer="below")
    fig.add_shape(type="rect", x0=0, x1=d_ap, yref="y domain", y0=0, y1=1, fillcolor=ZONES["hard"], line=dict(width=0),
                  layer="below")
    mark_point(fig, d_an, max(0.0, d_ap - d_an + margin), "this triplet")
    fig.update_xaxes(title="d(a, n)", range=[0, 2 * LIMIT])
    fig.update_yaxes(title="loss", range=[0, 2 * LIMIT])
    return fig


@live_part
def negative_part(negative_box, plane_box, loss_box, metrics_box, positive, margin):
    with negative_box:
        nx = controls.slider("Negative: embedding 1", "tl_nx", -3.5, 3.5, 2.5, 0.1)
        ny = controls.slider("Negative: embedding 2", "tl_ny", -3.5, 3.5, 1.5, 0.1)
    negative = np.array([nx, ny])
    anchor = np.zeros(2)
    d_ap, d_an = (float(v[0]) for v in triplet.distances(anchor, positive, negative))
    loss = triplet.triplet_loss(anchor, positive, negative, margin)
    kind = triplet.negative_kind(anchor, positive, negative, margin)
    notes_loss = max(0.0, d_an - d_ap + margin)
    with plane_box:
        show(plane_figure(positive, negative, margin, kind), "tl_plane")
    with loss_box:
        show(loss_figure(d_ap, d_an, margin), "tl_loss")
    with metrics_box:
        metric_row({"d(a, p)": f"{d_ap:.2f}", "d(a, n)": f"{d_an:.2f}", "triplet loss": f"{loss:.2f}",
                    "notes' formula": f"{notes_loss:.2f}"})
    needs_fixing = loss > 0
    return [Claim("The notes' loss max(0, d(a,n) − d(a,p) + margin) charges a loss exactly when the triplet still needs "
                  "fixing (the negative is not yet a margin farther than the positive).",
                  f"{kind} negative: triplet loss {loss:.2f}, notes' formula {notes_loss:.2f}",
                  bool((notes_loss > 0) == needs_fixing))]


@st.cache_data(max_entries=16, show_spinner="Training a tiny embedding network (once per setting)…")
def trained(margin, spread, seed):
    return triplet.train_embedding(margin, spread, 40, seed)


def embedding_figure(result):
    fig = figure("Held-out points in the 2-D embedding: before and after training", height=420,
                 xaxis=dict(domain=[0, 0.46], title="before"), yaxis=dict(),
                 xaxis2=dict(domain=[0.54, 1], title="after 40 epochs"), yaxis2=dict(anchor="x2"))
    for c in range(3):
        pick = result.labels == c
        for points, axes in ((result.before, ("x", "y")), (result.after, ("x2", "y2"))):
            fig.add_trace(dict(type="scatter", x=points[pick, 0], y=points[pick, 1], mode="markers", name=f"class {c}",
                               showlegend=axes[0] == "x", marker=dict(color=PALETTE[c], size=7), xaxis=axes[0], yaxis=axes[1]))
    return square_axes(square_axes(fig), "x2", "y2")


def training_section():
    st.markdown("### Training an embedding with triplet loss\n\nThree classes in 8 dimensions, told apart only by two "
                "of them; the other six are loud noise. A tiny network (8 → 16 → 2) is trained on random triplets "
                "(anchor, a point of its class, a point of another class).")
    chart_col, controls_col = st.columns([3, 1], gap="large")
    with controls_col:
        margin = controls.log_slider("Training margin", "tl_train_margin", MARGINS, 1.0)
        spread = controls.slider("Class spread", "tl_spread", 0.5, 3.0, 1.0, 0.25,
                                 help="How wide each class is in its two informative coordinates (their means are 3 apart).")
        seed = controls.slider("Seed", "tl_seed", 0, 10, 0)
    result = trained(margin, spread, seed)
    with chart_col:
        show(embedding_figure(result), "tl_embedding")
        metric_row({"ordered triplets before": f"{result.ordered_before:.3f}", "after": f"{result.ordered_after:.3f}",
                    "last epoch's loss": f"{result.loss[-1]:.3f}"},
                   help={"ordered triplets before": "Share of 600 held-out triplets whose positive is nearer the anchor "
                                                    "than the negative."})
        snippet(margin, spread, seed, result)
    return [Claim("Training with triplet loss puts same-class points nearer each other than points of other classes.",
                  f"held-out triplets with d(a, p) < d(a, n): {result.ordered_before:.3f} before, "
                  f"{result.ordered_after:.3f} after training (success: at least 0.9)",
                  bool(result.ordered_after >= 0.9))]


def snippet(margin, spread, seed, result):
    code = f"""
    import numpy as np
    import torch

    torch.set_num_threads(1)
    seed, spread, margin = {seed}, {spread:g}, {margin:g}
    rng = np.random.default_rng(seed)
    y = np.arange(300) % 3
    means = 3.0 * np.array([[1.0, 0.0], [-0.5, 0.866], [-0.5, -0.866]])
    signal = means[y] + rng.normal(0.0, spread, (300, 2))
    X = np.c_[signal, rng.normal(0.0, 3.0, (300, 6))]      # 2 informative + 6 noise coordinates

    def triplets(labels, count, rng):
        rows = []
        for a in rng.integers(0, len(labels), count):
            same = np.flatnonzero((labels == labels[a]) & (np.arange(len(labels)) != a))
            other = np.flatnonzero(labels != labels[a])
            rows.append((a, same[rng.integers(len(same))], other[rng.integers(len(other))]))
        return np.array(rows)

    y_train, y_held = y[:150], y[150:]
    x_train = torch.tensor(X[:150], dtype=torch.float32)
    x_held = torch.tensor(X[150:], dtype=torch.float32)
    tests = triplets(y_held, 600, np.random.default_rng(seed + 1))
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)

    def ordered():
        with torch.no_grad():
            e = net(x_held).numpy().astype(float)
        d_ap = np.linalg.norm(e[tests[:, 0]] - e[tests[:, 1]], axis=1)
        d_an = np.linalg.norm(e[tests[:, 0]] - e[tests[:, 2]], axis=1)
        return np.mean(d_ap < d_an)

    print("ordered triplets before:", f"{{ordered():.3f}}")
    rng = np.random.default_rng(seed)                      # a fresh generator for the training triplets
    for epoch in range(40):
        idx = torch.as_tensor(triplets(y_train, 256, rng))
        opt.zero_grad()
        out = net(x_train)
        loss = torch.nn.functional.triplet_margin_loss(out[idx[:, 0]], out[idx[:, 1]], out[idx[:, 2]], margin=margin)
        loss.backward()
        opt.step()
    print("ordered triplets after:", f"{{ordered():.3f}}")
    print("last epoch's loss:", f"{{loss.item():.3f}}")
    """
    reproduce("triplet_loss", code, {"ordered triplets before": f"{result.ordered_before:.3f}",
                                     "ordered triplets after": f"{result.ordered_after:.3f}",
                                     "last epoch's loss": f"{result.loss[-1]:.3f}"}, needs="torch numpy")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        negative_box = st.container()  # the negative comes first: moving it is what this page is about
        px = controls.slider("Positive: embedding 1", "tl_px", -3.5, 3.5, 1.0, 0.1)
        py = controls.slider("Positive: embedding 2", "tl_py", -3.5, 3.5, 0.0, 0.1)
        margin = controls.log_slider("Margin", "tl_margin", MARGINS, 1.0)
    with charts_col:
        plane_col, loss_col = st.columns(2, gap="medium")
        metrics_box = st.container()
    negative_part(negative_box, plane_col, loss_col, metrics_box, np.array([px, py]), margin)


topic_page("triplet_loss", play, training_section)
