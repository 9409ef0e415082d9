"""CNN output size: the formula with numbers substituted, a sliding-window grid, and layer stacks."""
import numpy as np
import pandas as pd
import streamlit as st

from engine.cnn import PRESET_NOTES, PRESETS, conv_breakdown, conv_transpose_output_size, stack_shapes
from ui import controls
from ui.page import Claim, metric_row, topic_page
from ui.shapes import add_grid_image
from ui.snippet import reproduce
from ui.theme import figure, show

PRESET_IDS = {"lenet": "LeNet-5", "alexnet": "AlexNet (first layers)", "vgg": "VGG block", "resnet": "ResNet stem"}
CELL = {"padding": 0, "input": 1, "unused": 2, "window": 3, "centre": 4}
COLORS = ["#E5E7EB", "#BFDBFE", "#FCA5A5", "#F59E0B", "#B45309"]
SHAPE_KEYS = ("cnn_in_c", "cnn_in_h", "cnn_in_w")
LAYER_COLUMNS = ["type", "out_channels", "kernel", "stride", "padding", "dilation", "groups", "bias"]
MID_OPTIONS = [0.5, 1.0, 1.5, 2.0]


def window_grid(b, row, col):
    """Codes for every cell of the padded input: padding, input, never read by any window, or under the window."""
    n = b.padded
    grid = np.full((n, n), CELL["input"])
    grid[:b.padding, :] = grid[n - b.padding:, :] = CELL["padding"]
    grid[:, :b.padding] = grid[:, n - b.padding:] = CELL["padding"]
    unread = list(b.unread_input)  # the far edge the stride misses, and cells between taps
    if unread:
        grid[unread, :] = np.where(grid[unread, :] == CELL["input"], CELL["unused"], grid[unread, :])
        grid[:, unread] = np.where(grid[:, unread] == CELL["input"], CELL["unused"], grid[:, unread])
    taps = row * b.stride + np.arange(b.kernel) * b.dilation, col * b.stride + np.arange(b.kernel) * b.dilation
    grid[np.ix_(*taps)] = CELL["window"]
    return grid


def calculator_figure(b, row, col):
    """The padded input with the window of output cell (row, col), beside the output grid: one figure, so
    a slider move is one redraw. The grids are images (layout, not traces: a few milliseconds to redraw)."""
    fig = figure("", height=440, margin=dict(t=90, l=40, r=10, b=10),
                 xaxis=dict(domain=[0, 0.6]), xaxis2=dict(domain=[0.7, 1], anchor="y2"), yaxis2=dict(anchor="x2"))
    add_grid_image(fig, window_grid(b, row, col), COLORS)
    add_grid_image(fig, np.full((b.output, b.output), CELL["input"]), COLORS, x="x2", y="y2")
    fig.add_shape(type="rect", xref="x2", yref="y2", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                  line=dict(color="#B45309", width=4))
    for axis, side in (("", b.padded), ("2", b.output)):
        axes = dict(showgrid=False, zeroline=False, showticklabels=side <= 20)
        fig.update_layout(**{f"xaxis{axis}": dict(side="top", **axes), f"yaxis{axis}": dict(constraintoward="top", **axes)})
    titles = ((0.3, f"Padded input {b.padded}×{b.padded}: window of output ({row}, {col})"),
              (0.85, f"Output {b.output}×{b.output}"))
    for x, text in titles:  # above the tick labels, which sit on top
        fig.add_annotation(text=text, x=x, xref="paper", xanchor="center", y=1, yref="paper", yshift=35,
                           yanchor="bottom", showarrow=False, font=dict(size=16))
    return fig


def apply_preset():
    """When the preset changes, load its input shape into the (URL-bound) shape fields."""
    for key, size in zip(SHAPE_KEYS, PRESETS[PRESET_IDS[st.session_state.cnn_preset]][0]):
        st.session_state[key] = float(size)


def calculator():
    st.subheader("One convolution, one axis")
    controls_col, grid_col = st.columns([1.1, 3.3], gap="large")
    with controls_col:
        size = controls.slider("Input size W", "cnn_W", 1, 32, 7)
        kernel = controls.slider("Kernel K", "cnn_K", 1, 11, 3)
        padding = controls.slider("Padding P", "cnn_P", 0, 5, 0)
        stride = controls.slider("Stride S", "cnn_S", 1, 5, 1)
        dilation = controls.slider("Dilation D", "cnn_D", 1, 4, 1)
    try:
        b = conv_breakdown(size, kernel, padding, stride, dilation)
    except ValueError as error:
        with grid_col:
            st.error(f"Nothing fits: {error}", icon=":material/block:")
        return None
    with controls_col:
        row = controls.slider("Output row", "cnn_row", 0, 31, 0, help="Which output cell's window to draw.")
        col = controls.slider("Output column", "cnn_col", 0, 31, 0)
        row, col = min(row, b.output - 1), min(col, b.output - 1)
    with grid_col:
        show(calculator_figure(b, row, col), "cnn_grid")
        # One caption rather than four metric tiles: every element here is redrawn on each slider move.
        st.caption(":blue-background[input] · :gray-background[padding] · :orange-background[kernel taps for the "
                   "chosen output cell]" + (" · :red-background[input no window ever reads]" if b.unread_input else "")
                   + f"  \nKernel span D(K−1)+1 = **{b.span}** · padded input W+2P = **{b.padded}** · "
                   f"cells left over = **{b.remainder}**")
    # Plain text, not KaTeX: typesetting this on every slider move cost ~15 ms (the notes' Key formula
    # section shows the formula typeset).
    back = conv_transpose_output_size(b.output, kernel, padding, stride, dilation, output_padding=b.remainder)
    st.markdown(f"#### O = ⌊(W + 2P − D(K − 1) − 1) / S⌋ + 1\n#### &nbsp;&nbsp;&nbsp;= ⌊({size} + 2·{padding} − "
                f"{dilation}·({kernel} − 1) − 1) / {stride}⌋ + 1 = ⌊{b.numerator} / {stride}⌋ + 1 = {b.output}\n\n"
                f"**Going back up:** a transposed convolution (ConvTranspose2d) with the same K, P, S, D gives "
                f"(O − 1)·S − 2P + D(K − 1) + 1 + output_padding = {back - b.remainder} + output_padding; "
                f"output_padding = {b.remainder} restores W = {back}. Every W from {back - b.remainder} to "
                f"{back - b.remainder + stride - 1} shrinks to the same O, so the inverse needs that hint.")
    edge = [i for i in b.unread_input if i >= b.padded - b.remainder]
    between = [i for i in b.unread_input if i not in edge]
    if between:
        st.info(f"The windows skip cells: {len(between)} input row(s) and column(s) lie between taps and are never "
                "read" + (f" — the stride S = {stride} is longer than the kernel's span D(K − 1) + 1 = {b.span}"
                          if b.gaps else " — the dilation leaves holes that no other window fills")
                + ". Their values cannot affect the output at all.", icon=":material/grid_off:")
    if b.remainder:
        st.info(f"The stride does not divide evenly: {b.numerator} mod {stride} = {b.remainder}, so the last "
                f"{b.remainder} row(s) and column(s) of the padded input are under no window and the formula rounds "
                "down. " + (f"{len(edge)} of them are real input, which frameworks silently drop." if edge else
                            "All of them are padding, so no input is lost."), icon=":material/content_cut:")
    reproduce("cnn_calculator", f"""
        import torch

        conv = torch.nn.Conv2d(1, 1, kernel_size={kernel}, stride={stride}, padding={padding}, dilation={dilation})
        out = conv(torch.zeros(1, 1, {size}, {size})).shape[-1]
        print(f"output size: {{out}}")
        up = torch.nn.ConvTranspose2d(1, 1, kernel_size={kernel}, stride={stride}, padding={padding}, dilation={dilation},
                                      output_padding={b.remainder})
        print(f"transposed back: {{up(torch.zeros(1, 1, out, out)).shape[-1]}}")
        """, {"output size": str(b.output), "transposed back": str(back)}, needs="torch")
    return b


def stack():
    st.subheader("Shapes through a stack of layers")
    left, right = st.columns([1, 3], gap="large")
    with left:
        preset = controls.choice("Preset", "cnn_preset", list(PRESET_IDS), labels=PRESET_IDS, on_change=apply_preset)
        for key, size in zip(SHAPE_KEYS, PRESETS[PRESET_IDS[preset]][0]):
            st.session_state.setdefault(key, float(size))
        channels = controls.integer("Input channels C", "cnn_in_c", 1, 2048)
        height = controls.integer("Input height H", "cnn_in_h", 1, 1024)
        width = controls.integer("Input width W", "cnn_in_w", 1, 1024)
    with right:
        st.caption("Edit any cell, or add and delete rows. Types: conv, maxpool, avgpool.")
        rows = pd.DataFrame(PRESETS[PRESET_IDS[preset]][1]).reindex(columns=LAYER_COLUMNS)
        rows["bias"] = rows["bias"].astype(object).where(rows["bias"].notna(), True).astype(bool)
        table = st.data_editor(
            rows,
            key=f"cnn_layers_{preset}", num_rows="dynamic", hide_index=True, width="stretch",
            column_config={"type": st.column_config.SelectboxColumn("type", options=["conv", "maxpool", "avgpool"], required=True),
                           "bias": st.column_config.CheckboxColumn("bias", help="conv layers: add one bias per output channel"),
                           **{c: st.column_config.NumberColumn(c, min_value=0 if c == "padding" else 1, max_value=4096, step=1)
                              for c in LAYER_COLUMNS[1:-1]}})
    layers = [{k: v for k, v in row.items() if not (isinstance(v, float) and np.isnan(v)) and v is not None}
              for row in table.to_dict("records")]
    try:
        shapes = stack_shapes((channels, height, width), layers)
    except ValueError as error:
        st.error(f"This stack does not work: {error}", icon=":material/block:")
        return None
    rows = [{"layer": s.label, "input (C, H, W)": str(s.in_shape), "output (C, H, W)": str(s.out_shape),
             "parameters": f"{s.params:,}", "multiply–adds": f"{s.macs:,}",
             "receptive field": f"{s.receptive_field}×{s.receptive_field}", "note": layer_note(s)} for s in shapes]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(f"**{PRESET_IDS[preset]} vs the paper:** {PRESET_NOTES[PRESET_IDS[preset]]} Parameters: "
               "C_out·(C_in/g·K² + 1); multiply–adds: H_out·W_out·C_out·(C_in/g)·K² (bias not counted, pooling 0).")
    if shapes:
        fig = figure("Feature-map side length (top) and channels (bottom) through the stack", height=400)
        labels = ["input"] + [s.label for s in shapes]
        fig.add_trace(dict(type="bar", x=labels, y=[height] + [s.out_shape[1] for s in shapes], name="height H", marker=dict(color="#0072B2")))
        fig.add_trace(dict(type="scatter", x=labels, y=[channels] + [s.out_shape[0] for s in shapes], name="channels C",
                           yaxis="y2", mode="lines+markers", line=dict(color="#E69F00", width=3)))
        # Two panels on one x axis, not a second y axis overlaid on the first: Plotly redraws a chart with an
        # overlaid axis whole on every rerun, even when nothing in it changed.
        fig.update_layout(xaxis=dict(anchor="y2"), yaxis=dict(title="H", domain=[0.55, 1], rangemode="tozero"),
                          yaxis2=dict(title="C", domain=[0, 0.45], anchor="x", rangemode="tozero"))
        show(fig, "cnn_stack_chart")
        metric_row({"total parameters": f"{sum(s.params for s in shapes):,}",
                    "total multiply–adds": f"{sum(s.macs for s in shapes):,}",
                    "final receptive field": f"{shapes[-1].receptive_field} px"})
        stack_snippet((channels, height, width), layers, shapes)
    return channels


def layer_note(s):
    if s.unread:
        return f"{s.unread} input row(s)/column(s) never read"
    if s.uneven:
        return "floor: the leftover cells are padding"
    return ""


def torch_layer_code(layer, shape) -> str:
    kind, kernel = layer["type"], int(layer["kernel"])
    stride, padding = int(layer.get("stride") or (1 if kind == "conv" else kernel)), int(layer.get("padding", 0))
    if kind == "conv":
        return (f"nn.Conv2d({shape.in_shape[0]}, {shape.out_shape[0]}, {kernel}, stride={stride}, padding={padding}, "
                f"dilation={int(layer.get('dilation', 1))}, groups={shape.groups}, bias={bool(layer.get('bias', True))}, "
                "device='meta')")
    cls = "nn.MaxPool2d" if kind == "maxpool" else "nn.AvgPool2d"
    return f"{cls}({kernel}, stride={stride}, padding={padding})"


def stack_snippet(input_shape, layers, shapes):
    listing = ",\n            ".join(torch_layer_code(layer, s) for layer, s in zip(layers, shapes))
    code = f"""
        import torch
        from torch import nn

        layers = [
            {listing},
        ]
        x = torch.zeros(1, *{tuple(input_shape)}, device="meta")  # shapes only, no arithmetic
        for i, layer in enumerate(layers, 1):
            x = layer(x)
            print(f"layer {{i}} output: {{tuple(x.shape[1:])}}")
            print(f"layer {{i}} parameters: {{sum(p.numel() for p in layer.parameters()):,}}")
        print(f"total parameters: {{sum(p.numel() for layer in layers for p in layer.parameters()):,}}")
        """
    prints = {}
    for i, s in enumerate(shapes, 1):
        prints[f"layer {i} output"] = str(s.out_shape)
        prints[f"layer {i} parameters"] = f"{s.params:,}"
    prints["total parameters"] = f"{sum(s.params for s in shapes):,}"
    reproduce("cnn_stack", code, prints, needs="torch")  # a second name: two identical download buttons would clash


def calculator_section():
    b = calculator()
    if b is None:
        return []
    notes_formula = (b.size - b.kernel + 2 * b.padding) / b.stride + 1
    return [Claim("The output size is (W − K + 2P)/S + 1.",
                  f"that formula gives {notes_formula:g}; the true size is {b.output}"
                  + (" (it ignores dilation)" if b.dilation > 1 else "")
                  + (" (it must be floored)" if not float(notes_formula).is_integer() else ""),
                  notes_formula == b.output)]


def stack_section():
    channels = stack()
    if not channels:
        return []
    ratio = controls.log_slider("Middle channels of the 3×3 pair (× C)", "cnn_mid", MID_OPTIONS, 1.0,
                                help="VGG keeps the width: C → C → C. A wider middle layer costs more parameters.")
    middle = max(1, int(round(ratio * channels)))
    two = stack_shapes((channels, 32, 32), [{"type": "conv", "kernel": 3, "out_channels": middle, "padding": 1},
                                            {"type": "conv", "kernel": 3, "out_channels": channels, "padding": 1}])
    one = stack_shapes((channels, 32, 32), [{"type": "conv", "kernel": 5, "out_channels": channels, "padding": 2}])
    p2, p1 = sum(s.params for s in two), one[0].params
    return [Claim("Two stacked 3×3 convolutions see as much as one 5×5 with fewer parameters (VGG's idea).",
                  f"C = {channels} → {middle} → {channels}: receptive fields {two[-1].receptive_field} vs "
                  f"{one[0].receptive_field}; parameters {p2:,} vs {p1:,}. Seeing as much is not being as expressive: "
                  f"without the ReLU between them the pair is one 5×5 filter that must factor through {middle} "
                  f"channels ({18 * channels * middle:,} weights against {25 * channels * channels:,}), so it cannot "
                  "express every 5×5 filter; VGG's gain includes the extra non-linearity",
                  two[-1].receptive_field == one[0].receptive_field and p2 < p1)]


# Two fragments: the calculator's sliders never rerun the layer table, and editing the table never
# redraws the sliding-window grids.
topic_page("cnn_output_size", calculator_section, stack_section)
