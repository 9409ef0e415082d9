"""Activation functions: values, derivatives, saturation, weight and bias, softmax, depth."""
import numpy as np
import streamlit as st

from engine.activations import ACTIVATIONS, chain_gradients, saturation_mask, softmax
from ui import controls
from ui.page import Claim, metric_row, topic_page
from ui.shapes import add_lines, log10_axis
from ui.theme import PALETTE, figure, shade_x, show

X = np.linspace(-6, 6, 301)  # 0.04 apart: smooth curves, half the points to redraw
SATURATION = 0.05
NAMES = list(ACTIVATIONS)
MAX_LOGITS = 12
GRADIENT_FLOOR, GRADIENT_CEILING = 1e-300, 1e300  # a dead ReLU passes exactly 0: drawn at the floor


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


def curves_figure(chosen, weight, bias):
    """Two panels side by side: f(w·x + b) on the left, its x-derivative on the right.

    The curves are path shapes (ui.shapes): every control here reshapes them, and redrawing shapes costs
    Plotly a fraction of redrawing traces. The price is that they show no hover label."""
    z = weight * X + bias
    slopes = {name: weight * ACTIVATIONS[name].df(z) for name in chosen}
    low, high = min(-0.6, *(s.min() for s in slopes.values())), max(1.6, *(s.max() for s in slopes.values()))
    # Whole halves: a small move of w or b then leaves the axis alone, and Plotly redraws only the shapes.
    low, high = np.floor(2 * low) / 2, np.ceil(2 * high) / 2
    pad = 0.05 * (high - low)
    fig = figure("", height=450, margin=dict(t=110), legend=dict(y=1.14),  # legend above the panel titles
                 xaxis=dict(domain=[0, 0.46], title="x", range=[X[0], X[-1]]),
                 xaxis2=dict(domain=[0.54, 1], title="x", range=[X[0], X[-1]]),
                 yaxis=dict(range=[-2.2, 3.2]), yaxis2=dict(anchor="x2", range=[low - pad, high + pad]),
                 annotations=[dict(text="f(w·x + b)", x=0.23, xref="paper", xanchor="center", y=1.02, yref="paper", showarrow=False,
                                   yanchor="bottom", font=dict(size=16)),
                              dict(text="its slope: w·f′(w·x + b)", x=0.77, xref="paper", xanchor="center", y=1.02, yref="paper",
                                   showarrow=False, yanchor="bottom", font=dict(size=16))])
    bands = []
    for name in chosen:
        act, color = ACTIVATIONS[name], PALETTE[NAMES.index(name) % len(PALETTE)]
        line = dict(color=color, width=3)
        add_lines(fig, X, act.f(z), act.label, line, clip=100)
        add_lines(fig, X, slopes[name], act.label, line, clip=100, xref="x2", yref="y2", showlegend=False)
        bands += [(start, end, color, 0.08, None) for start, end in zones(saturation_mask(name, z, SATURATION))]
    return shade_x(fig, bands, xref="x2")


def depth_figure(chosen, depth, weight, bias):
    """|∂h_n/∂h₀| for n = 0..depth on a log scale, as path shapes: every control here moves them."""
    fig = figure("|∂h_n / ∂h₀| against depth (log scale)", height=380)
    layers = np.arange(depth + 1)  # n = 0 is ∂h₀/∂h₀ = 1, so even one layer draws a line
    grads = [np.nan_to_num(np.r_[1.0, chain_gradients(name, depth, weight, bias, 0.5)], nan=0.0, posinf=GRADIENT_CEILING)
             for name in chosen]
    logs = [np.log10(np.clip(g, GRADIENT_FLOOR, GRADIENT_CEILING)) for g in grads]
    for name, values in zip(chosen, logs):
        add_lines(fig, layers, values, ACTIVATIONS[name].label, dict(color=PALETTE[NAMES.index(name) % len(PALETTE)], width=3))
    fig.update_xaxes(title="layers n", range=[-0.5, depth + 0.5])
    return log10_axis(fig, min(v.min() for v in logs), max(v.max() for v in logs), "gradient magnitude")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        chosen = controls.multichoice("Activations", "act_show", NAMES, ["sigmoid", "tanh", "relu"],
                                      labels={n: a.label for n, a in ACTIVATIONS.items()})
        weight = controls.slider("Weight w (scales the input)", "act_w", -3.0, 3.0, 1.0, 0.1)
        bias = controls.slider("Bias b (shifts the input)", "act_b", -5.0, 5.0, 0.0, 0.1,
                               help="The neuron computes f(w·x + b): the bias moves the curve left/right, "
                                    "so the neuron can fire at an input other than 0.")
        depth = controls.slider("Layers for the gradient chart", "act_depth", 1, 50, 20)
    if not chosen:
        st.info("Pick at least one activation to draw.")
        return []
    with charts_col:
        show(curves_figure(chosen, weight, bias), "act_curves")
        st.caption(f"Shaded: saturation zones, where |f′| < {SATURATION} and almost no gradient flows back. "
                   f"The boundary moves to x = −b/w when you change the bias.")

    st.subheader("Gradient surviving n layers")
    st.caption("A chain h_l = f(w·h_(l−1) + b) starting at h₀ = 0.5; the chain rule multiplies one w·f′ per layer.")
    show(depth_figure(chosen, depth, weight, bias), "act_depth_chart")

    sigmoid_max = float(ACTIVATIONS["sigmoid"].df(X).max())
    relu = chain_gradients("relu", depth, weight, bias, 0.5)[-1]
    sigmoid = chain_gradients("sigmoid", depth, weight, bias, 0.5)[-1]
    return [
        Claim("Sigmoid's derivative never exceeds 0.25, so each sigmoid layer shrinks the gradient by at least 4× "
              "unless the weights are larger than 4.",
              f"max σ′(x) on the chart = {sigmoid_max:.4f}; through {depth} layers with w = {weight:g}, "
              f"the gradient is {sigmoid:.2e}", sigmoid_max <= 0.25 + 1e-12),
        Claim("ReLU does not suffer from vanishing gradients.",
              f"through {depth} ReLU layers with w = {weight:g}, b = {bias:g}: gradient = {relu:.3g}"
              + (" — the units died (input ≤ 0), so exactly nothing flows back" if relu == 0 else ""),
              bool(0.5 < relu < 2.0)),
    ]


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

    return [Claim("Softmax only sees differences between logits: adding the same number to every logit changes "
                  "nothing, and the temperature never changes which class is most likely.",
                  f"largest change after adding 5 to every logit: {np.abs(shifted - probs).max():.1e}; most likely "
                  f"class at T = {temperature:g}: class {probs.argmax() + 1}, from the raw logits: class {logits.argmax() + 1}",
                  bool(np.abs(shifted - probs).max() < 1e-9 and probs.argmax() == logits.argmax()))]


# Two fragments: the softmax controls do not redraw the activation curves, nor the reverse.
topic_page("activations", play, softmax_section)
