"""Activation functions: values, derivatives, saturation, weight and bias, softmax, depth."""
import numpy as np
import streamlit as st

from engine.activations import (ACTIVATIONS, INIT_LABELS, chain_gradients, init_gradient_norms, saturation_input,
                                saturation_mask, softmax)
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_lines, log10_axis
from ui.snippet import reproduce
from ui.theme import PALETTE, figure, shade_x, show

X = np.linspace(-6, 6, 301)  # 0.04 apart: smooth curves, half the points to redraw
SATURATION = 0.05
NAMES = list(ACTIVATIONS)
MAX_LOGITS = 12
GRADIENT_FLOOR, GRADIENT_CEILING = 1e-300, 1e300  # a dead ReLU passes exactly 0: drawn at the floor
SLOPE_RANGE = [-0.35, 1.25]  # every f′ here lies in [−0.17, 1.13]: a fixed range, so moving w or b redraws shapes only
H0 = 0.5
INIT_DEPTH, INIT_WIDTH = 20, 128
TORCH_NAMES = {"sigmoid": "torch.sigmoid", "tanh": "torch.tanh", "relu": "F.relu", "leaky_relu": "F.leaky_relu",
               "elu": "F.elu", "gelu": "F.gelu", "silu": "F.silu", "softplus": "F.softplus"}


def parse_logits(text: str) -> np.ndarray:
    """Comma-separated numbers → array; ValueError naming ``logits`` when the text is not that."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not 2 <= len(parts) <= MAX_LOGITS:
        raise ValueError(f"logits: enter between 2 and {MAX_LOGITS} comma-separated numbers")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError("logits: every entry must be a number, e.g. 2, 1, 0.1") from None
    if not np.all(np.isfinite(values)) or np.abs(values).max() > 1000:
        raise ValueError("logits: use finite numbers between −1000 and 1000")
    return values


def zones(mask):
    """(start, end) x-intervals where ``mask`` is True."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return [(X[a], X[b - 1]) for a, b in zip(edges[::2], edges[1::2])]


def curves_figure(chosen, weight, bias, x_read):
    """Two panels side by side: f(w·x + b) on the left, the unit's own derivative f′(w·x + b) on the right, shaded
    where |f′| < SATURATION — the same quantity in the panel, the shading and the caption.

    The curves are path shapes (ui.shapes): every control here reshapes them, and redrawing shapes costs
    Plotly a fraction of redrawing traces. The price is that they show no hover label."""
    z = weight * X + bias
    fig = figure("", height=450, margin=dict(t=110), legend=dict(y=1.14),  # legend above the panel titles
                 xaxis=dict(domain=[0, 0.46], title="x", range=[X[0], X[-1]]),
                 xaxis2=dict(domain=[0.54, 1], title="x", range=[X[0], X[-1]]),
                 yaxis=dict(range=[-2.2, 3.2]), yaxis2=dict(anchor="x2", range=SLOPE_RANGE),
                 annotations=[dict(text="f(w·x + b)", x=0.23, xref="paper", xanchor="center", y=1.02, yref="paper", showarrow=False,
                                   yanchor="bottom", font=dict(size=16)),
                              dict(text="f′(w·x + b), shaded where |f′| < 0.05", x=0.77, xref="paper",
                                   xanchor="center", y=1.02, yref="paper", showarrow=False, yanchor="bottom",
                                   font=dict(size=16))])
    bands = []
    for name in chosen:
        act, color = ACTIVATIONS[name], PALETTE[NAMES.index(name) % len(PALETTE)]
        line = dict(color=color, width=3)
        add_lines(fig, X, act.f(z), act.label, line, clip=100)
        add_lines(fig, X, act.df(z), act.label, line, clip=100, xref="x2", yref="y2", showlegend=False)
        bands += [(start, end, color, 0.08, None) for start, end in zones(saturation_mask(name, z, SATURATION))]
    for xref in ("x", "x2"):
        fig.add_shape(type="line", xref=xref, x0=x_read, x1=x_read, yref=xref.replace("x", "y") + " domain", y0=0, y1=1,
                      line=dict(color="#111827", width=1.5, dash="dash"))
    return shade_x(fig, bands, xref="x2")


def saturation_text(chosen, weight, bias):
    """Where the sigmoid's and tanh's zones begin, from the closed form: the numbers the shading shows."""
    parts = []
    for name in (n for n in ("sigmoid", "tanh") if n in chosen):
        edge = saturation_input(name, SATURATION)
        label = ACTIVATIONS[name].label
        if weight == 0:
            where = "everywhere" if abs(bias) > edge else "nowhere"
            parts.append(f"{label}: w = 0, so it is flat {where}")
            continue
        a, b = sorted(((-edge - bias) / weight, (edge - bias) / weight))
        parts.append(f"{label}: |w·x + b| > {edge:.2f}, i.e. x < {a:.2f} or x > {b:.2f}")
    return ("Saturated (|f′| < 0.05) where " + "; ".join(parts) + " — at (±edge − b)/w, not at −b/w.") if parts else ""


def depth_figure(chosen, depth, weight, bias):
    """|∂h_n/∂h₀| for n = 0..depth on a log scale, as path shapes: every control here moves them."""
    fig = figure("|∂h_n / ∂h₀| against depth (log scale)", height=380)
    layers = np.arange(depth + 1)  # n = 0 is ∂h₀/∂h₀ = 1, so even one layer draws a line
    grads = [np.nan_to_num(np.r_[1.0, chain_gradients(name, depth, weight, bias, H0)], nan=0.0, posinf=GRADIENT_CEILING)
             for name in chosen]
    logs = [np.log10(np.clip(g, GRADIENT_FLOOR, GRADIENT_CEILING)) for g in grads]
    for name, values in zip(chosen, logs):
        add_lines(fig, layers, values, ACTIVATIONS[name].label, dict(color=PALETTE[NAMES.index(name) % len(PALETTE)], width=3))
    if "sigmoid" in chosen:  # the bound every sigmoid chain obeys
        bound = np.log10(np.clip((abs(weight) / 4) ** layers, GRADIENT_FLOOR, 1.0))
        add_lines(fig, layers, bound, "bound (|w|/4)ⁿ for sigmoid", dict(color="#111827", width=2, dash="dot"))
        logs.append(bound)
    fig.update_xaxes(title="layers n", range=[-0.5, depth + 0.5])
    # w moves the ends by about a decade a step at depth 20: snapping to 5 decades keeps the axis for several moves.
    return log10_axis(fig, min(v.min() for v in logs), max(v.max() for v in logs), "gradient magnitude", snap=5)


def snippet(chosen, weight, bias, x_read, depth):
    """f and f′ at the read point and the gradient through the chain, by torch autograd."""
    z = weight * x_read + bias
    prints = {}
    for name in chosen:
        act = ACTIVATIONS[name]
        prints[f"{name} f"] = f"{float(act.f(z)):.6f}"
        prints[f"{name} f'"] = f"{float(act.df(z)):.6f}"
        prints[f"{name} gradient through {depth} layers"] = f"{chain_gradients(name, depth, weight, bias, H0)[-1]:.4e}"
    calls = ", ".join(f'"{name}": {TORCH_NAMES[name]}' for name in chosen)
    code = f"""
        import torch
        import torch.nn.functional as F

        w, b, depth = {weight!r}, {bias!r}, {depth}
        for name, f in {{{calls}}}.items():
            z = torch.tensor(w * {x_read!r} + b, dtype=torch.float64, requires_grad=True)  # z = w·x + b
            y = f(z)
            (dy,) = torch.autograd.grad(y, z)           # f'(z)
            print(f"{{name}} f: {{y.item():.6f}}")
            print(f"{{name}} f': {{dy.item():.6f}}")
            h0 = torch.tensor({H0}, dtype=torch.float64, requires_grad=True)
            h = h0
            for _ in range(depth):                      # h_l = f(w·h_(l-1) + b)
                h = f(w * h + b)
            (g,) = torch.autograd.grad(h, h0)
            print(f"{{name}} gradient through {{depth}} layers: {{abs(g.item()):.4e}}")
        """
    reproduce("activations", code, prints, needs="torch")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        chosen = controls.multichoice("Activations", "act_show", NAMES, ["sigmoid", "tanh", "relu"],
                                      labels={n: a.label for n, a in ACTIVATIONS.items()})
        weight_box = st.container()  # w first among the sliders: it reruns only weight_part
        bias = controls.slider("Bias b (shifts the input)", "act_b", -5.0, 5.0, 0.0, 0.1,
                               help="The neuron computes f(w·x + b): the bias moves the curve left/right, "
                                    "so the neuron can fire at an input other than 0.")
        x_read = controls.slider("Read f and f′ at x", "act_x", -6.0, 6.0, 1.0, 0.1)
        depth = controls.slider("Layers for the gradient chart", "act_depth", 1, 50, 20)
    if chosen:
        st.markdown("### Gradient surviving n layers\n\nA chain h_l = f(w·h_(l−1) + b) starting at h₀ = 0.5: the chain "
                    "rule multiplies one factor w·f′(w·h_(l−1) + b) per layer. The sigmoid's factor is at most |w|/4 "
                    "(0.75 on this slider), so a sigmoid chain can only vanish here; exploding needs tanh or ReLU "
                    "with |w| > 1.")
    below = st.container()
    weight_part(weight_box, charts_col, below, (chosen, bias, x_read, depth))
    return []


@live_part
def weight_part(weight_box, charts_col, below, settings):
    """The weight and all it moves: both charts, the read-out, the snippet and the claims. Moving w reruns only
    this part, not the section's other controls and text (fewer elements for the browser to update)."""
    chosen, bias, x_read, depth = settings
    with weight_box:
        weight = controls.slider("Weight w (scales the input)", "act_w", -3.0, 3.0, 1.0, 0.1)
    if not chosen:
        with charts_col:
            st.info("Pick at least one activation to draw.")
        return []
    z_read = weight * x_read + bias
    with charts_col:
        show(curves_figure(chosen, weight, bias, x_read), "act_curves")
        st.caption(f"At x = {x_read:g} (z = w·x + b = {z_read:.2f}): " + " · ".join(
            f"{ACTIVATIONS[n].label} f = {float(ACTIVATIONS[n].f(z_read)):.3f}, f′ = {float(ACTIVATIONS[n].df(z_read)):.3f}"
            for n in chosen) + ("  \n" + saturation_text(chosen, weight, bias) if saturation_text(chosen, weight, bias) else ""))

    with below:
        show(depth_figure(chosen, depth, weight, bias), "act_depth_chart")
        snippet(chosen, weight, bias, x_read, depth)

    relu = chain_gradients("relu", depth, weight, bias, H0)[-1]
    sigmoid = chain_gradients("sigmoid", depth, weight, bias, H0)[-1]
    quarter, bound = 0.25 ** depth, (abs(weight) / 4) ** depth
    tanh_x, sigmoid_form = float(np.tanh(x_read)), float(2 * ACTIVATIONS["sigmoid"].f(2 * x_read) - 1)
    return [
        Claim("Sigmoid's derivative is at most 1/4, so each sigmoid layer shrinks the gradient at least 4×: "
              "through n layers it is at most (1/4)ⁿ.",
              f"through {depth} sigmoid layers with w = {weight:g}, b = {bias:g}: {sigmoid:.2e}, against (1/4)ⁿ = "
              f"{quarter:.2e}. The bound that always holds is (|w|/4)ⁿ = {bound:.2e}: the weight multiplies every "
              "factor, and near h = 1/2 (b = −w/2) the factor reaches |w|/4",
              bool(sigmoid <= quarter * (1 + 1e-9))),
        Claim("ReLU does not suffer from vanishing gradients.",
              f"through {depth} ReLU layers with w = {weight:g}, b = {bias:g}: gradient = {relu:.3g}"
              + (" — the units died (input ≤ 0), so exactly nothing flows back" if relu == 0 else
                 " — with |w| < 1 it still vanishes, with |w| > 1 it explodes" if not 0.5 < relu < 2 else ""),
              bool(0.5 < relu < 2.0)),
        Identity("tanh is a rescaled, shifted sigmoid, tanh(x) = 2σ(2x) − 1: the same shape, but centred on 0.",
                 f"tanh({x_read:g}) = {tanh_x:.6f}", f"2σ({2 * x_read:g}) − 1 = {sigmoid_form:.6f}",
                 "(1 − e^(−2x)) / (1 + e^(−2x)) = 2 / (1 + e^(−2x)) − 1. Zero-centred outputs keep the next layer's "
                 "inputs from all being positive, which would make all its weight gradients share one sign."),
    ]


@st.cache_data(max_entries=2, show_spinner=False)
def init_curves():
    return {(name, init): init_gradient_norms(name, init, INIT_DEPTH, INIT_WIDTH)
            for name in ("tanh", "relu") for init in INIT_LABELS}


def init_section():
    curves = init_curves()
    fig = figure(f"Gradient reaching each layer of a random {INIT_WIDTH}-wide, {INIT_DEPTH}-layer network", height=480,
                 legend=dict(orientation="h", y=-0.3, x=0, xanchor="left", yanchor="top"), margin=dict(b=170))
    layers = np.arange(INIT_DEPTH + 1)
    dashes = {"unit": "dot", "xavier": "solid", "he": "dash"}
    logs = []
    for (name, init), norms in curves.items():
        values = np.log10(np.clip(norms, GRADIENT_FLOOR, GRADIENT_CEILING))
        logs.append(values)
        fig.add_trace(dict(type="scatter", x=layers, y=values, mode="lines", name=f"{ACTIVATIONS[name].label}, {INIT_LABELS[init]}",
                           line=dict(color=PALETTE[NAMES.index(name) % len(PALETTE)], dash=dashes[init], width=3)))
    fig.update_xaxes(title="layer l (the gradient flows back from the last layer to l = 0)")
    log10_axis(fig, min(v.min() for v in logs), max(v.max() for v in logs), "‖∂loss/∂h_l‖ ÷ ‖∂loss/∂h_last‖")
    st.markdown("### Initialisation: keeping the per-layer factor near 1\n\nIn a wide layer the factor is not one "
                "weight but the spread of n of them: the variance of the weights sets it. Xavier/Glorot scales them "
                "by 1/n (for square layers) so that tanh's factor stays near 1; He doubles that for ReLU, which "
                "zeroes half its inputs. Unscaled N(0, 1) weights blow gradients up: by about √(n/2) per layer under "
                "ReLU, less under tanh, whose units saturate.")
    show(fig, "act_init_chart")
    return []


def softmax_section():
    st.subheader("Softmax and temperature")
    left, right = st.columns([1, 2], gap="large")
    with left:
        logits_text = controls.text("Logits (comma-separated)", "act_logits", "2, 1, 0.1, -1")
        temperature = controls.log_slider("Temperature T", "act_T", controls.powers_of_ten(-2, 2), 1.0)
    logits = parse_logits(logits_text)
    probs = softmax(logits, temperature)
    with right:
        fig = figure(f"softmax(z / T) at T = {temperature:g}", height=320)
        labels = [f"class {i + 1} (z={v:g})" for i, v in enumerate(logits)]
        fig.add_trace(dict(type="bar", x=labels, y=probs, marker=dict(color=PALETTE[0]), text=[f"{p:.3f}" for p in probs],
                           textposition="outside"))
        fig.update_yaxes(range=[0, 1.15], title="probability")
        show(fig, "act_softmax")
    shifted = softmax(logits + 5.0, temperature)
    entropy = float(-(probs * np.log2(np.clip(probs, 1e-300, 1))).sum())
    metric_row({"largest probability": f"{probs.max():.3f}", "entropy (bits)": f"{entropy:.2f}",
                "uniform would be": f"{np.log2(len(probs)):.2f} bits"})

    def vector(p):
        return "(" + ", ".join(f"{v:.3f}" for v in p) + ")"
    return [Identity("Softmax only sees differences between logits: adding the same number to every logit changes "
                     "nothing (and a temperature T > 0 never changes which class is most likely).",
                     f"softmax(z / T) = {vector(probs)}", f"softmax((z + 5) / T) = {vector(shifted)}",
                     "e^((z_i + c)/T) / Σ_j e^((z_j + c)/T): the factor e^(c/T) cancels; dividing by T > 0 keeps the order "
                     "of the logits.")]


# Three fragments: the softmax controls do not redraw the activation curves, nor the reverse.
topic_page("activations", play, softmax_section, init_section)
