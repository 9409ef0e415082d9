"""ResNet, Inception and DenseNet: gradients through a deep plain stack against a residual one, Inception's naive
module against its 1×1 bottleneck, DenseNet's channel growth, and global average pooling before the one dense layer."""
import numpy as np
import streamlit as st

from engine import architectures as arch
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_lines, log10_axis, mark_point
from ui.snippet import reproduce
from ui.theme import PALETTE, figure, show


@st.cache_data(max_entries=64)
def flows(depth, activation):
    return arch.gradient_flow(depth, False, activation), arch.gradient_flow(depth, True, activation)


@live_part
def depth_part(depth_box, chart_box, metrics_box, activation):
    with depth_box:
        depth = controls.slider("Depth (blocks)", "ca_depth", 2, 50, 20, 1)
    plain, residual = flows(depth, activation)
    fig = figure("Gradient norm of each block's weights", height=400, margin=dict(t=60, b=50))
    blocks = np.arange(1, depth + 1)
    # Both lines change with the depth: layout shapes, so a depth move replots no trace.
    for norms, name, color in ((plain, "plain: h ← act(Wh + b)", PALETTE[1]),
                               (residual, "residual: h ← h + act(Wh + b)", PALETTE[0])):
        logs = np.log10(np.maximum(norms, 1e-46))  # an underflow to 0 sits at the axis floor, not at an unplottable −inf
        add_lines(fig, blocks, logs, name, dict(color=color, width=3))
        add_dots(fig, blocks, logs, color, size=8)
    log10_axis(fig, -45, 10, "‖∂loss/∂W‖ (log scale)")
    fig.update_xaxes(title="block (input side first)", range=[0, 51])
    ratio_plain, ratio_res = plain[0] / plain[-1], residual[0] / residual[-1]
    with chart_box:
        show(fig, "ca_flow")
    with metrics_box:
        metric_row({"plain: first / last block": f"{ratio_plain:.3e}", "residual: first / last block": f"{ratio_res:.3e}"})
        snippet(depth, activation, ratio_plain, ratio_res)
    return [Claim("ResNet's identity shortcuts stop the vanishing gradient: the plain stack's first block gets under "
                  "1% of the last block's gradient, the residual stack's at least 1%.",
                  f"first / last block gradient norm: plain {ratio_plain:.3e}, residual {ratio_res:.3e}",
                  bool(ratio_plain < 0.01 <= ratio_res))]


def snippet(depth, activation, ratio_plain, ratio_res):
    code = f"""
    import torch

    torch.set_num_threads(1)
    depth, width, act = {depth}, 32, torch.{activation}

    def ratio(residual, seed=0):
        torch.manual_seed(seed)
        layers = [torch.nn.Linear(width, width, dtype=torch.float64) for _ in range(depth)]
        h = torch.randn(64, width, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
        for layer in layers:
            h = h + act(layer(h)) if residual else act(layer(h))
        grads = torch.autograd.grad(0.5 * (h ** 2).mean(), [layer.weight for layer in layers])
        return (grads[0].norm() / grads[-1].norm()).item()

    print("plain first/last:", f"{{ratio(False):.3e}}")
    print("residual first/last:", f"{{ratio(True):.3e}}")
    """
    reproduce("cnn_architectures", code, {"plain first/last": f"{ratio_plain:.3e}",
                                          "residual first/last": f"{ratio_res:.3e}"}, needs="torch")


def play():
    st.markdown("### ResNet: gradients through a deep stack\n\nThe same blocks of 32 units, stacked without and with "
                "identity shortcuts; the lines show how much gradient reaches each block's weights.")
    controls_col, chart_col = st.columns([1, 3], gap="large")
    with controls_col:
        depth_box = st.container()
        activation = controls.choice("Activation", "ca_act", list(arch.ACTIVATIONS))
    with chart_col:
        chart_box, metrics_box = st.container(), st.container()
    depth_part(depth_box, chart_box, metrics_box, activation)


def inception_section():
    st.markdown("### Inception: the naive module against the 1×1 bottleneck\n\nFour branches on the same input "
                "(1×1, 3×3, 5×5 convolutions and a 3×3 max-pool), concatenated. The bottleneck puts 1×1 convolutions "
                "before the 3×3 and 5×5 and after the pooling. Defaults: GoogLeNet's inception (3a) on a 28×28 map.")
    chart_col, controls_col = st.columns([3, 1], gap="large")
    with controls_col:
        c_in = controls.slider("Input channels", "ca_in", 16, 512, 192, 16)
        r3 = controls.slider("3×3 reduce (1×1 channels)", "ca_r3", 8, 512, 96, 8)
        r5 = controls.slider("5×5 reduce (1×1 channels)", "ca_r5", 8, 512, 16, 8)
    naive = arch.inception_params(c_in, 64, 128, 32, 32)
    bott = arch.inception_params(c_in, 64, 128, 32, 32, c3_reduce=r3, c5_reduce=r5)
    pixels = 28 * 28
    fig = figure("Cost of one module (log scale)", height=360, margin=dict(t=60, b=50))
    names = ["parameters", "multiply-adds (28×28 map)"]
    for label, cost, color in (("naive", naive, PALETTE[1]), ("1×1 bottleneck", bott, PALETTE[0])):
        fig.add_trace(dict(type="bar", x=names, y=np.log10([cost.params, cost.mult_adds * pixels]), name=label,
                           marker=dict(color=color)))
    log10_axis(fig, 0, 10, "count")
    fig.update_layout(barmode="group")
    with chart_col:
        show(fig, "ca_inception")
        metric_row({"naive multiply-adds": f"{naive.mult_adds * pixels / 1e6:,.0f} M",
                    "bottleneck multiply-adds": f"{bott.mult_adds * pixels / 1e6:,.0f} M",
                    "output channels": f"{naive.out_channels} → {bott.out_channels}"},
                   help={"output channels": "naive (its pooling branch passes every input channel through) → "
                                            "bottleneck (the pooling branch is projected to 32)"})
    return [Claim("The 1×1 bottleneck reduces the Inception module's computation.",
                  f"multiply-adds on a 28×28 map: naive {naive.mult_adds * pixels:,}, bottleneck "
                  f"{bott.mult_adds * pixels:,}", bool(bott.mult_adds < naive.mult_adds))]


def densenet_section():
    st.markdown("### DenseNet: channels grow with every layer\n\nInside a dense block each layer receives the block's "
                "input and the new maps of every earlier layer (concatenated, not added), and adds `growth` maps of "
                "its own.")
    chart_col, controls_col = st.columns([3, 1], gap="large")
    with controls_col:
        c0 = controls.slider("Block input channels", "ca_c0", 8, 256, 64, 8)
        growth = controls.slider("Growth rate k", "ca_k", 4, 64, 32, 4)
        layers = controls.slider("Layers in the block", "ca_layers", 1, 48, 6, 1)
    channels = arch.densenet_channels(c0, growth, layers)
    fig = figure("Input channels of each layer", height=340, margin=dict(t=60, b=50))
    fig.add_trace(dict(type="bar", x=np.arange(1, layers + 1), y=channels, name="input channels",
                       marker=dict(color=PALETTE[2])))
    fig.update_xaxes(title="layer in the block", range=[0, 49])
    fig.update_yaxes(title="channels", range=[0, 256 + 47 * 64])
    with chart_col:
        show(fig, "ca_dense")
        metric_row({"last layer's input": f"{channels[-1]}", "block output": f"{channels[-1] + growth}"})


GAP_CHANNELS = [64, 256, 512, 2048]
GAP_CLASSES = [10, 100, 1000]
MAP_SIDES = np.arange(1, 15)
STRIDE = 32  # ResNet's and GoogLeNet's backbones shrink the input 32-fold: 224 px → 7 × 7


def head_figure(channels, classes, side):
    """Parameters of the head against the feature map's side, flattening vs global average pooling (log scale)."""
    heads = [arch.head_params(channels, s, s, classes) for s in MAP_SIDES]
    fig = figure(f"Parameters of the head: {channels} channels → {classes} classes", height=360, margin=dict(t=60, b=50))
    fig.add_trace(dict(type="scatter", x=MAP_SIDES, y=np.log10([h.flatten for h in heads]), mode="lines+markers",
                       name="flatten → dense", line=dict(color=PALETTE[1], width=3),
                       customdata=[h.flatten for h in heads], hovertemplate="%{customdata:,}"))
    fig.add_trace(dict(type="scatter", x=MAP_SIDES, y=np.log10([h.gap for h in heads]), mode="lines+markers",
                       name="global average pool → dense", line=dict(color=PALETTE[0], width=3),
                       customdata=[h.gap for h in heads], hovertemplate="%{customdata:,}"))
    this = arch.head_params(channels, side, side, classes)
    mark_point(fig, side, np.log10(this.flatten), "this map")
    mark_point(fig, side, np.log10(this.gap), "this map", showlegend=False)
    fig.update_xaxes(title="feature map side H = W", range=[0.5, 14.5], dtick=1)
    return log10_axis(fig, 2, 9, "parameters (weights + biases)")


def inputs_figure(channels, side):
    """What the dense layer must accept, against the input image's side (a backbone of stride 32)."""
    pixels = STRIDE * MAP_SIDES
    fig = figure(f"Inputs of the dense layer (backbone stride {STRIDE})", height=360, margin=dict(t=60, b=50))
    fig.add_trace(dict(type="scatter", x=pixels, y=np.log10(channels * MAP_SIDES ** 2), mode="lines+markers",
                       name="flatten: C·H·W (a new layer per size)", line=dict(color=PALETTE[1], width=3),
                       customdata=channels * MAP_SIDES ** 2, hovertemplate="%{customdata:,}"))
    fig.add_trace(dict(type="scatter", x=pixels, y=np.full(len(pixels), np.log10(channels)), mode="lines+markers",
                       name="GAP: C at every size (one layer fits all)", line=dict(color=PALETTE[0], width=3),
                       customdata=np.full(len(pixels), channels), hovertemplate="%{customdata:,}"))
    mark_point(fig, STRIDE * side, np.log10(channels * side * side), "the size the flatten head was built for")
    fig.update_xaxes(title="input image side (pixels)", range=[0, STRIDE * 14.5])
    return log10_axis(fig, 1, 6, "inputs of the dense layer")


def gap_section():
    st.markdown("### The head: global average pooling before the single dense layer\n\nResNet and GoogLeNet end with "
                "one fully connected layer. Before it, global average pooling (GAP) replaces each of the C feature maps "
                "by its mean over all H × W positions, so the layer sees C numbers instead of the C·H·W of the "
                "flattened map. Defaults: ResNet-18's last map, 512 channels of 7 × 7 for a 224-pixel input, and "
                "ImageNet's 1,000 classes.")
    side_col, channels_col, classes_col = st.columns(3, gap="large")
    with side_col:
        side = controls.slider("Feature map side H = W", "ca_gap_side", 1, 14, 7, 1)
    with channels_col:
        channels = controls.choice("Channels C", "ca_gap_c", GAP_CHANNELS, index=2, horizontal=True)
    with classes_col:
        classes = controls.choice("Classes k", "ca_gap_k", GAP_CLASSES, index=2, horizontal=True)
    heads = arch.head_params(channels, side, side, classes)
    left, right = st.columns(2, gap="large")
    with left:
        show(head_figure(channels, classes, side), "ca_head")
    with right:
        show(inputs_figure(channels, side), "ca_head_inputs")
    metric_row({"flatten → dense": f"{heads.flatten:,}", "GAP → dense": f"{heads.gap:,}",
                "flatten ÷ GAP": f"{heads.flatten / heads.gap:,.1f}×"},
               help={"flatten ÷ GAP": "(C·H·W + 1)/(C + 1): about H·W, and exactly 1 for a 1 × 1 map"})
    gap_snippet(channels, side, classes, heads)
    return [Claim("Global average pooling cuts the parameters of the classifier head (against flattening the feature "
                  "map into the dense layer).",
                  f"{channels}×{side}×{side} map, {classes} classes: flatten → dense {heads.flatten:,} parameters, "
                  f"GAP → dense {heads.gap:,}", bool(heads.gap < heads.flatten))]


def gap_snippet(channels, side, classes, heads):
    code = f"""
    import torch
    from torch import nn

    c, side, k = {channels}, {side}, {classes}
    flatten_head = nn.Sequential(nn.Flatten(), nn.Linear(c * side * side, k))
    gap_head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, k))
    count = lambda m: sum(p.numel() for p in m.parameters())
    print("flatten → dense:", f"{{count(flatten_head):,}}")
    print("GAP → dense:", f"{{count(gap_head):,}}")

    x = torch.randn(2, c, side, side)
    assert torch.allclose(gap_head[0](x)[:, :, 0, 0], x.mean(dim=(2, 3)))   # GAP is the spatial mean
    print("GAP features at a twice larger map:", gap_head[:2](torch.randn(1, c, 2 * side, 2 * side)).shape[1])
    """
    reproduce("cnn_architectures_head", code, {"flatten → dense": f"{heads.flatten:,}", "GAP → dense": f"{heads.gap:,}",
                                          "GAP features at a twice larger map": f"{heads.gap_inputs}"},
              needs="torch")


topic_page("cnn_architectures", play, inception_section, densenet_section, gap_section)
