"""Convolution and pooling: a kernel slides over a photograph, pooling shrinks the feature map; shifting the input
shifts the feature map (equivariance) while a global max-pool stays put (invariance); conv against dense parameters."""
import numpy as np
import streamlit as st

from engine import conv
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_lines, heatmap_image, log10_axis, mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, show, square_axes

SIDE = 64
KERNEL_NAMES = {"Edge": "edge", "Blur": "blur", "Sharpen": "sharpen", "Custom": None}  # shown (and in the URL) → engine
POOLS = {"max": "max", "average": "avg"}
ROW = 30  # the feature-map row drawn as a profile (through the cameraman's coat and tripod)


def parse_kernel(text):
    """Nine numbers separated by commas or spaces, row by row; each between −100 and 100."""
    parts = text.replace(",", " ").replace(";", " ").split()
    if len(parts) != 9:
        raise ValueError(f"your own kernel needs 9 numbers (row by row), got {len(parts)}")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError("your own kernel must contain only numbers") from None
    if not np.all(np.isfinite(values)) or np.abs(values).max() > 100:
        raise ValueError("each number of your own kernel must be finite and between −100 and 100")
    return values.reshape(3, 3)


def image_layout(fig, n, titles):
    """``n`` square image panels side by side, without ticks."""
    gap = 0.04
    width = (1 - gap * (n - 1)) / n
    for i, title in enumerate(titles):
        suffix = "" if i == 0 else str(i + 1)
        fig.update_layout(**{f"xaxis{suffix}": dict(domain=[i * (width + gap), i * (width + gap) + width],
                                                     showticklabels=False, showgrid=False, zeroline=False, ticks="",
                                                     title=title, range=[0, 1], fixedrange=True),
                             f"yaxis{suffix}": dict(showticklabels=False, showgrid=False, zeroline=False, ticks="",
                                                    range=[0, 1], fixedrange=True, anchor=f"x{suffix}")})
        square_axes(fig, f"x{suffix}", f"y{suffix}")
    return fig


def add_image(fig, panel, z, colorscale, zmin, zmax):
    suffix = "" if panel == 0 else str(panel + 1)
    fig.layout.setdefault("images", []).append(
        dict(source=heatmap_image(np.asarray(z)[::-1], colorscale, zmin, zmax), xref=f"x{suffix}", yref=f"y{suffix}",
             x=0, y=1, sizex=1, sizey=1, sizing="stretch", layer="below", xanchor="left", yanchor="top"))


@st.cache_data(max_entries=64)
def maps(kernel_bytes, shift, pool_kind, pool_size):
    kernel = np.frombuffer(kernel_bytes).reshape(3, 3)
    image, base = conv.camera(SIDE, shift), conv.camera(SIDE, 0)
    feature, feature0 = conv.conv2d(image, kernel), conv.conv2d(base, kernel)
    pooled = conv.pool2d(feature, pool_size, kind=pool_kind)
    pooled0 = conv.pool2d(feature0, pool_size, kind=pool_kind)
    return image, feature, feature0, pooled, pooled0


def overlap(shifted, original, shift):
    """The parts of the two maps that show the same content: shifted[:, j + s] against original[:, j]."""
    if shift >= 0:
        return shifted[:, shift:], original[:, :original.shape[1] - shift]
    return shifted[:, :shift], original[:, -shift:]


def row_values(feature_map):
    """The first four values of the profile row, as the identity compares them pixel by pixel."""
    return ", ".join(f"{v:.4f}" for v in feature_map[ROW, :4])


@live_part
def shift_part(controls_box, images_box, profile_box, metrics_box):
    with controls_box:
        shift = controls.slider("Shift the input (pixels to the right)", "cp_shift", -conv.MAX_SHIFT, conv.MAX_SHIFT,
                                4, 1, help="Move the camera's window: the photograph's content slides right (or left).")
        name = controls.choice("Kernel", "cp_kernel", list(KERNEL_NAMES),
                               help="Edge: Sobel's vertical-edge kernel. Blur: the 3×3 mean. Custom: type your own.")
        if name == "Custom":
            kernel = parse_kernel(controls.text("Your 3×3 kernel (row by row)", "cp_own", "0 1 0 1 -4 1 0 1 0",
                                                help="Nine numbers, e.g. a Laplacian: 0 1 0 1 -4 1 0 1 0", max_chars=120))
        else:
            kernel = conv.KERNELS[KERNEL_NAMES[name]]
        pool_kind = POOLS[controls.choice("Pooling", "cp_pool", list(POOLS), horizontal=True)]
        pool_size = controls.slider("Pool size (stride = size)", "cp_size", 1, 4, 2, 1)
    image, feature, feature0, pooled, pooled0 = maps(np.ascontiguousarray(kernel, dtype=float).tobytes(), shift,
                                                     pool_kind, pool_size)
    scale = max(float(np.abs(feature0).max()), 1e-12)
    colors = ("Greys_r", 0.0, scale) if feature0.min() >= 0 else ("RdBu", -scale, scale)
    fig = image_layout(figure("Input → feature map → pooled map", height=330, margin=dict(t=40, b=40, l=10, r=10)), 3,
                       [f"input {SIDE}×{SIDE}, shifted {shift}", f"feature map {feature.shape[0]}×{feature.shape[1]}",
                        f"{pool_kind} pooled {pooled.shape[0]}×{pooled.shape[1]}"])
    add_image(fig, 0, image, "Greys_r", 0.0, 1.0)
    add_image(fig, 1, feature, *colors)
    add_image(fig, 2, pooled, *colors)
    with images_box:
        show(fig, "cp_maps")

    profile = figure(f"Feature map, row {ROW}: the unshifted input against the input shifted by {shift}", height=320,
                     margin=dict(t=80, b=50))
    columns = np.arange(feature.shape[1])
    profile.add_trace(dict(type="scatter", x=columns, y=feature0[ROW], name="map of the unshifted input", mode="lines",
                           line=dict(color=MUTED, width=2)))
    # The shifted profile moves with the shift: a layout shape under a fixed legend name, so no trace replots.
    add_lines(profile, columns, feature[ROW], "map of the shifted input", dict(color=PALETTE[0], width=2))
    profile.update_xaxes(title="column", range=[0, feature.shape[1] - 1])
    profile.update_yaxes(title="feature value", range=[-1.05 * scale if feature0.min() < 0 else 0, 1.05 * scale])
    with profile_box:
        show(profile, "cp_profile")

    moved, kept = overlap(feature, feature0, shift)
    change = float(np.abs(feature - feature0).max())
    global0, global1 = float(feature0.max()), float(feature.max())
    upsampled = np.kron(pooled, np.ones((pool_size, pool_size)))
    covered = feature[:upsampled.shape[0], :upsampled.shape[1]]
    lost = float(np.abs(covered - upsampled).max())
    with metrics_box:
        metric_row({"largest change of the map": f"{change:.4f}",
                    "global max: unshifted → shifted": f"{global0:.4f} → {global1:.4f}",
                    "kept by pooling": f"{pooled.size} of {feature.size}"},
                   help={"largest change of the map": "max |feature map of the shifted input − feature map "
                                                               "of the unshifted input|, pixel by pixel"})
        snippet(kernel, shift, pool_kind, pool_size, change, global0, global1, pooled)
    claims = [
        Claim("Convolution is translation invariant: shifting the input leaves the feature map unchanged.",
              f"largest pixel change of the feature map after a {shift}-pixel shift: {change:.4f} "
              f"(the map's values reach {scale:.3f})", bool(change < 1e-9)),
        Identity("Convolution is translation-equivariant: the feature map of the shifted input is the shifted "
                 "feature map (where both see the same pixels).",
                 f"conv(shifted input), row {ROW}, columns {max(shift, 0)}–{max(shift, 0) + 3}: {row_values(moved)}",
                 f"conv(input), row {ROW}, columns {max(-shift, 0)}–{max(-shift, 0) + 3}, moved by {shift}: "
                 f"{row_values(kept)} (largest difference over all {moved.size:,} overlapping pixels: "
                 f"{float(np.abs(moved - kept).max()):.1e})",
                 "every output pixel applies the same kernel to its own window, so moving the window's content "
                 "moves the output with it"),
        Claim("Pooling gives translation invariance: a global max-pool of the feature map is unchanged when the "
              "input shifts.", f"global max {global0:.4f} unshifted, {global1:.4f} after a {shift}-pixel shift",
              bool(abs(global1 - global0) < 1e-9)),
    ]
    if pool_kind == "max":  # the notes' claim is about max pooling; average pooling is not measured against it
        claims.append(Claim("Max pooling keeps the maximum activation, so no information is lost.",
                            f"max pooling of size {pool_size} keeps {pooled.size} of {feature.size} values; spreading "
                            f"each pooled value back over its window misses the feature map by up to {lost:.4f}",
                            bool(lost < 1e-9)))
    return claims


def snippet(kernel, shift, pool_kind, pool_size, change, global0, global1, pooled):
    rows = ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in kernel)
    pool = "max_pool2d" if pool_kind == "max" else "avg_pool2d"
    code = f"""
    import numpy as np
    import torch
    import torch.nn.functional as F
    from skimage import data

    torch.set_num_threads(1)
    small = data.camera().astype(float).reshape(128, 4, 128, 4).mean(axis=(1, 3)) / 255.0
    shift, side = {shift}, {SIDE}

    def window(s):                       # the content moves s pixels to the right
        return torch.tensor(small[8:8 + side, 24 - s:24 - s + side])[None, None]

    kernel = torch.tensor([{rows}], dtype=torch.float64)[None, None]
    f0 = F.conv2d(window(0), kernel)     # cross-correlation, no padding
    f1 = F.conv2d(window(shift), kernel)
    pooled = F.{pool}(f1, {pool_size})
    print("largest change of the feature map:", f"{{(f1 - f0).abs().max().item():.4f}}")
    print("global max, unshifted:", f"{{f0.max().item():.4f}}")
    print("global max, shifted:", f"{{f1.max().item():.4f}}")
    print("pooled map size:", pooled.numel())
    """
    reproduce("conv_pooling", code, {"largest change of the feature map": f"{change:.4f}",
                                     "global max, unshifted": f"{global0:.4f}", "global max, shifted": f"{global1:.4f}",
                                     "pooled map size": str(pooled.size)}, needs="torch numpy scikit-image")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        controls_box = st.container()
    with charts_col:
        images_box, profile_box, metrics_box = st.container(), st.container(), st.container()
    shift_part(controls_box, images_box, profile_box, metrics_box)


def params_section():
    st.markdown("### Parameters: convolution against a dense layer\n\nA dense layer joins every input value to every "
                "output value; a convolution reuses one small kernel per output channel at every position. Both "
                "map the same input to an output of the same size (stride 1, no padding).")
    chart_col, controls_col = st.columns([3, 1], gap="large")
    with controls_col:
        side = controls.slider("Image side (pixels)", "cp_side", 3, 128, 28, 1)
        channels = controls.choice("Input channels", "cp_in", [1, 3], labels={1: "1 (grey)", 3: "3 (RGB)"},
                                   horizontal=True)
        out_channels = controls.slider("Output channels", "cp_out", 1, 64, 8, 1)
        kernel = controls.slider("Kernel size", "cp_k", 1, 7, 3, 1)
    if kernel > side:
        raise ValueError(f"the kernel ({kernel}) cannot be larger than the image side ({side})")
    result = conv.layer_params((channels, side, side), out_channels, kernel)
    sides = np.arange(kernel, 129)
    counts = [conv.layer_params((channels, s, s), out_channels, kernel) for s in sides]
    fig = figure("Parameters against image size", height=380, margin=dict(t=50, b=50))
    fig.add_trace(dict(type="scatter", x=sides, y=np.log10([c.dense for c in counts]), name="dense layer", mode="lines",
                       line=dict(color=PALETTE[1], width=3)))
    fig.add_trace(dict(type="scatter", x=sides, y=np.log10([c.conv for c in counts]), name="convolution", mode="lines",
                       line=dict(color=PALETTE[0], width=3)))
    log10_axis(fig, 0, 11, "parameters (weights + biases), log scale")
    fig.update_xaxes(title="image side (pixels)", range=[0, 128])
    mark_point(fig, side, np.log10(result.dense), "this setting")
    mark_point(fig, side, np.log10(result.conv), "this setting", showlegend=False)
    with chart_col:
        show(fig, "cp_params")
        metric_row({"convolution": f"{result.conv:,}", "dense layer": f"{result.dense:,}",
                    "output": "×".join(map(str, result.output_shape))})
    return [Claim("A convolution has fewer parameters than the dense layer with the same input and output sizes.",
                  f"convolution {result.conv:,} against dense {result.dense:,} parameters",
                  bool(result.conv < result.dense))]


topic_page("conv_pooling", play, params_section)
