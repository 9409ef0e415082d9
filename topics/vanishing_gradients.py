"""Vanishing and exploding gradients: per-layer gradient norms of a deep MLP by autograd, and clipping by norm."""
import numpy as np
import streamlit as st

from engine import gradients
from ui import controls
from ui.page import Claim, Identity, live_part, topic_page
from ui.shapes import add_lines, log10_axis
from ui.snippet import reproduce
from ui.theme import PALETTE, figure, show

WIDTH = 32
MAX_DEPTH = 50
CLIP_DEPTH, CLIP_GAIN = 10, 1.5
SWEEP = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50]
COLORS = {"sigmoid": PALETTE[0], "tanh": PALETTE[1], "relu": PALETTE[2]}
INIT_NAMES = {"default": "default", "Xavier": "xavier", "He": "he"}  # shown (and in the URL) → engine name
GAINS = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0]
MAX_NORMS = [0.01, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4]
FLOOR, CEILING = -30.0, 30.0  # log10 range drawn


@st.cache_data(max_entries=64, show_spinner=False)
def norms(depth, activation, init, gain, seed):
    return gradients.layer_gradient_norms(depth, WIDTH, activation, init, seed, gain=gain)


@st.cache_data(max_entries=16, show_spinner="Differentiating 45 networks, once per setting…")
def sweeps(init, gain, seed):
    return {a: gradients.depth_sweep(SWEEP, WIDTH, a, init, seed, gain=gain) for a in gradients.ACTIVATIONS}


def log10(values):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.clip(np.nan_to_num(np.log10(values), nan=FLOOR, neginf=FLOOR, posinf=CEILING), FLOOR, CEILING)


def layers_figure(per_activation, depth):
    """‖∂loss/∂W_l‖ for each layer l, one line per activation (log scale), as shapes."""
    fig = figure(f"‖∂loss/∂W‖ per layer, {depth} layers", height=400)
    layers = np.arange(1, depth + 1)
    logs = {a: log10(v) for a, v in per_activation.items()}
    for activation, values in logs.items():
        add_lines(fig, layers, values, activation, dict(color=COLORS[activation], width=3))
        if depth == 1:  # a single point draws no line
            fig.add_trace(dict(type="scatter", x=[1], y=values, mode="markers", showlegend=False,
                               marker=dict(color=COLORS[activation], size=10)))
    fig.update_xaxes(title="layer (1 = input layer)", range=[0.5, max(depth, 2) + 0.5])
    low = min(v.min() for v in logs.values())
    high = max(v.max() for v in logs.values())
    return log10_axis(fig, low, high, "‖∂loss/∂W‖")


def sweep_figure(ratios, depth):
    """First-layer over last-layer gradient norm against depth, one line per activation; the current depth marked."""
    fig = figure("First layer ÷ last layer, by depth", height=400)
    logs = {a: log10(v) for a, v in ratios.items()}
    for activation, values in logs.items():
        fig.add_trace(dict(type="scatter", x=SWEEP, y=values, name=activation, mode="lines+markers",
                           line=dict(color=COLORS[activation], width=3), customdata=ratios[activation],
                           hovertemplate="depth %{x}: %{customdata:.2e}<extra>" + activation + "</extra>"))
    fig.add_shape(type="line", x0=depth, x1=depth, yref="y domain", y0=0, y1=1, line=dict(color="#111827", dash="dash"))
    fig.update_xaxes(title="depth (layers)", range=[0, MAX_DEPTH + 1])
    low = min(v.min() for v in logs.values())
    high = max(v.max() for v in logs.values())
    return log10_axis(fig, min(low, -1), max(high, 1), "ratio")


@live_part
def depth_part(depth_box, layers_box, sweep_box, settings):
    init, gain, seed = settings
    with depth_box:
        depth = controls.slider("Depth (linear layers)", "vg_depth", 1, MAX_DEPTH, 20)
    per_activation = {a: norms(depth, a, init, gain, seed) for a in gradients.ACTIVATIONS}
    with layers_box:
        show(layers_figure(per_activation, depth), "vg_layers")
    with sweep_box:
        show(sweep_figure(sweeps(init, gain, seed), depth), "vg_sweep")
    relu = per_activation["relu"]
    ratio = relu[0] / relu[-1]
    return [Claim("ReLU does not have the vanishing gradient problem (unlike sigmoid and tanh).",
                  f"{depth} ReLU layers, {init} init, gain {gain:g}: first layer's gradient ÷ last layer's "
                  f"= {ratio:.2e} (vanishing: below 0.1)", bool(ratio >= 0.1))]


def clip_figure(before, by_norm, by_value, max_norm):
    fig = figure(f"Each layer's gradient norm before and after clipping at {max_norm:g}", height=380)
    layers = np.arange(1, len(before) + 1)
    for name, grads, color in (("before", before, "#9AA0A6"), ("clip by global norm", by_norm, PALETTE[2]),
                               ("clip each value", by_value, PALETTE[3])):
        fig.add_trace(dict(type="scatter", x=layers, y=log10([np.linalg.norm(g) for g in grads]), name=name,
                           mode="lines+markers", line=dict(color=color, width=3)))
    fig.update_xaxes(title="layer")
    values = log10([np.linalg.norm(g) for g in before + by_norm + by_value])
    return log10_axis(fig, values.min(), values.max(), "‖gradient‖")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        depth_box = st.container()  # depth comes first: it is what this page is about
        init = INIT_NAMES[controls.choice("Initialisation", "vg_init", list(INIT_NAMES),
                                          help="default: torch's own (uniform, variance 1/(3·fan-in)); Xavier (Glorot): "
                                               "2/(fan-in + fan-out); He (Kaiming): 2/fan-in.")]
        gain = controls.log_slider("Weight gain (× every initial weight)", "vg_gain", GAINS, 1.0,
                                   help="Above 1 the weights are larger than the initialisation intends: gradient norms grow (tanh, ReLU).")
        seed = controls.slider("Seed", "vg_seed", 0, 10, 0)
        st.caption(f"An MLP of square {WIDTH}×{WIDTH} linear layers with the activation between them, on a random batch "
                   "of 64; loss: mean squared error to a random target.")
    with charts_col:
        left, right = st.columns(2, gap="medium")
    depth_part(depth_box, left, right, (init, gain, seed))

    st.markdown(f"### Clipping exploding gradients\n\nClipping by global norm rescales *all* gradients by one factor "
                "when their combined norm exceeds the threshold, so the update keeps its direction and only gets "
                f"shorter. Clipping each value separately cuts the large entries and leaves the small ones: the "
                f"direction changes. Here: a ReLU network of {CLIP_DEPTH} layers, He init with every weight × {CLIP_GAIN:g} (it explodes).")
    clip_col, clip_controls = st.columns([3, 1], gap="large")
    with clip_controls:
        max_norm = controls.log_slider("Clip threshold", "vg_clip", MAX_NORMS, 1.0,
                                       help="max_norm for the global norm; the same number as the value limit.")
    depth = CLIP_DEPTH
    before = gradients.layer_gradients(depth, WIDTH, "relu", "he", seed, gain=CLIP_GAIN)
    by_norm = gradients.clip_by_global_norm(before, max_norm)
    by_value = gradients.clip_by_value(before, max_norm)
    with clip_col:
        show(clip_figure(before, by_norm, by_value, max_norm), "vg_clip_chart")
    total = gradients.global_norm(before)
    cos_norm, cos_value = gradients.cosine(before, by_norm), gradients.cosine(before, by_value)
    with clip_col:
        snippet(depth, seed, max_norm, total, gradients.global_norm(by_norm), cos_value)
    return [
        Identity("Clipping by global norm keeps the gradient's direction.",
                 f"cos(before, after) = {cos_norm:.6f}", "1",
                 "every gradient is multiplied by the same positive factor min(1, max_norm / ‖g‖)."),
        Claim("Clipping the gradient's values (instead of its norm) also keeps its direction.",
              f"global norm {total:.3g}, clip at ±{max_norm:g}: cos(before, after value clipping) = {cos_value:.4f}",
              bool(cos_value > 0.999)),
    ]


def snippet(depth, seed, max_norm, total, clipped_total, cos_value):
    code = f"""
    import torch

    torch.manual_seed({seed})
    depth, width = {depth}, {WIDTH}
    x = torch.randn(64, width, dtype=torch.float64)
    target = torch.randn(64, width, dtype=torch.float64)
    layers = [torch.nn.Linear(width, width).double() for _ in range(depth)]
    with torch.no_grad():
        for layer in layers:                    # He init, then every weight × {CLIP_GAIN:g}: it explodes
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
            layer.weight.mul_({CLIP_GAIN:g})
    h = x
    for i, layer in enumerate(layers):
        h = layer(h)
        if i < depth - 1:
            h = torch.relu(h)
    torch.mean((h - target) ** 2).backward()

    grads = [layer.weight.grad.clone() for layer in layers]
    flat = torch.cat([g.ravel() for g in grads])
    weights = [layer.weight for layer in layers]
    total = torch.nn.utils.clip_grad_norm_(weights, max_norm={max_norm:g})
    clipped = torch.cat([w.grad.ravel() for w in weights])
    by_value = flat.clamp(-{max_norm:g}, {max_norm:g})
    print("global norm before:", f"{{total.item():.4g}}")
    print("global norm after:", f"{{clipped.norm().item():.4g}}")
    print("cos after value clipping:", f"{{torch.nn.functional.cosine_similarity(flat, by_value, dim=0).item():.4f}}")
    """
    reproduce("vanishing_gradients", code, {"global norm before": f"{total:.4g}", "global norm after": f"{clipped_total:.4g}",
                                            "cos after value clipping": f"{cos_value:.4f}"}, needs="torch numpy")


topic_page("vanishing_gradients", play)
