"""Eager vs graph: one tiny network run op by op (every intermediate printed) and captured as a torch.fx graph;
Sequential against functional wiring; a Python `if` on the data that a traced graph bakes in."""
import re
import textwrap

import numpy as np
import streamlit as st
from plotly.colors import get_colorscale

from engine import graphs
from ui import controls
from ui.page import Claim, Identity, live_part, topic_page
from ui.shapes import add_cells, legend_entry, mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, mark_x, shade_x, show

SHIFTS = np.round(np.arange(-2.0, 2.0001, 0.1), 1)
MODEL_LABELS = {"chain": "Sequential", "skip": "Skip", "branch": "If"}  # also the URL values
OP_STYLE = {  # op → (colour, what it is, in a student's words)
    "placeholder": (PALETTE[2], "placeholder (the input)"),
    "call_module": (PALETTE[0], "call_module (a layer)"),
    "call_function": (PALETTE[1], "call_function (torch.relu, +, …)"),
    "call_method": (PALETTE[4], "call_method (x.sum(), …)"),
    "get_attr": (MUTED, "get_attr (a parameter)"),
    "output": ("#111827", "output"),
}
DIVERGING = [[1 - at, color] for at, color in reversed(get_colorscale("RdBu"))]  # ColorBrewer: blue < 0 < red
CELL_LIMIT = 3.0  # the colour scale of the intermediates saturates at ±3
TOLERANCE = 1e-9
TF1_TABLE = """**TensorFlow 1 in today's terms**

| TensorFlow 1 (graph first) | Today (PyTorch; TensorFlow 2) | On this page |
|---|---|---|
| `x = tf.placeholder(tf.float64, [4])`: an input that holds nothing until fed | an fx `placeholder` node | node `x`, green |
| `tf.Variable`: state kept between runs (the weights) | `nn.Parameter` inside a module | the weights of l1, l2, l3 |
| `sess.run(y, feed_dict={x: value})`; only fetched tensors can be seen | `graph_module(value)`; eagerly, any tensor can be printed | the dashed line; the cells |
| graphs by default; eager only if you opt in with `tf.enable_eager_execution()` (1.x) | eager by default; `tf.function`, `torch.compile`, `torch.fx` capture a graph on request | the DAG and its code |
"""


@st.cache_data(max_entries=64, show_spinner="Tracing the model with torch.fx…")
def captured(model, seed, example_shift):
    """The graph to draw: symbolic_trace's, or for the branch model fx's refusal and the example-traced graph."""
    example = graphs.toy_input(example_shift)
    try:
        return graphs.capture_graph(example, model=model, random_state=seed), None
    except ValueError as error:  # symbolic tracing cannot decide an `if` on the data
        return graphs.trace_with_example(example, example, model=model, random_state=seed), str(error)


@st.cache_data(max_entries=64, show_spinner=False)
def sweep(model, seed, example_shift):
    return graphs.output_sweep(SHIFTS, example_shift, model=model, random_state=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def eager_runs(model, seed):
    """The eager run at every s of the slider (41 small runs, ~50 ms): a move then only looks one up."""
    return {float(shift): graphs.run_eager(graphs.toy_input(shift), model=model, random_state=seed) for shift in SHIFTS}


def eager_at(model, seed, shift):
    runs = eager_runs(model, seed)
    if float(shift) in runs:
        return runs[float(shift)]
    return graphs.run_eager(graphs.toy_input(shift), model=model, random_state=seed)


def at_input(model, seed, example_shift, shift):
    """What the input slider moves: the eager run, and the outputs of the traced graph, of symbolic_trace's
    graph (None for the branch model) and of the Sequential stack, read from the sweep over every s."""
    result = sweep(model, seed, example_shift)
    i = int(np.argmin(np.abs(result.shifts - shift)))
    if abs(result.shifts[i] - shift) > 1e-9:  # not on the slider's grid: compute it
        x, example = graphs.toy_input(shift), graphs.toy_input(example_shift)
        traced = graphs.trace_with_example(x, example, model=model, random_state=seed).output
        symbolic = None if model == "branch" else graphs.capture_graph(x, model=model, random_state=seed).output
        stacked = graphs.run_as_sequential(x, random_state=seed)
    else:
        traced, stacked = result.traced[i], result.sequential[i]
        symbolic = None if result.symbolic is None else result.symbolic[i]
    return eager_at(model, seed, shift), traced, symbolic, stacked


def pair(values):
    return f"({values[0]:.4f}, {values[1]:.4f})"


def intermediates_figure(eager, shift, rows):
    """Every value of the eager run as a row of cells with the number printed in each (the output row has 2): an
    image, so a move of the input redraws no trace."""
    n = len(eager.names)
    z = np.full((rows, 4), np.nan)
    for row, values in enumerate(eager.values):
        z[row, :len(values)] = values
    title = f"Eager: every intermediate at s = {shift:g}, printed as it is computed"
    if eager.branch:
        title += f" (the if took {eager.branch})"
    fig = figure(title, height=390, margin=dict(l=90, r=20, t=60, b=55),
                 xaxis=dict(range=[-0.5, 3.5], tickvals=[0, 1, 2, 3], title="entry", showgrid=False, zeroline=False),
                 yaxis=dict(range=[rows - 0.5, -0.5], tickvals=list(range(n)), ticktext=list(eager.names),
                            showgrid=False, zeroline=False))
    return add_cells(fig, z, DIVERGING, -CELL_LIMIT, CELL_LIMIT, text=np.char.mod("%.3f", z), gap=3, font_size=14)


def sweep_figure(result, shift, example_shift, eager, model, y_range):
    """Both outputs against the input shift: eager, the graph traced at the example, the Sequential stack."""
    fig = figure("Outputs against the input: eager vs traced graph vs Sequential stack", height=390,
                 margin=dict(t=95, b=60),
                 xaxis=dict(domain=[0, 0.46], range=[-2.05, 2.05], title="input shift s"),
                 xaxis2=dict(domain=[0.54, 1], range=[-2.05, 2.05], title="input shift s"),
                 yaxis=dict(range=y_range, title="output[0]"),
                 yaxis2=dict(anchor="x2", range=y_range, title="output[1]"))
    eager_x, eager_y = result.shifts, result.eager
    if model == "branch":  # the eager model jumps where the if switches: leave a gap instead of a steep line
        cut = int(np.searchsorted(eager_x, 0.0, side="right"))
        eager_x, eager_y = np.insert(eager_x, cut, np.nan), np.insert(eager_y, cut, np.nan, axis=0)
    styles = (("eager model", eager_x, eager_y, dict(color="#111827", width=3)),
              (f"graph traced at s = {example_shift:g}", result.shifts, result.traced,
               dict(color=PALETTE[1], width=3, dash="dash")),
              ("Sequential stack", result.shifts, result.sequential, dict(color=PALETTE[0], width=2, dash="dot")))
    for unit, (xaxis, yaxis) in enumerate((("x", "y"), ("x2", "y2"))):
        for name, xs, values, line in styles:
            fig.add_trace(dict(type="scatter", x=xs, y=values[:, unit], name=name, mode="lines", line=line,
                               xaxis=xaxis, yaxis=yaxis, showlegend=unit == 0, legendgroup=name,
                               hovertemplate=f"s = %{{x}}<br>{name}: %{{y:.4f}}<extra></extra>"))
    if model == "branch":
        for xref in ("x", "x2"):
            shade_x(fig, [(-2.05, 0.0, MUTED, 0.15, None)], xref=xref)
        for xref in ("x", "x2"):
            fig.add_annotation(x=-1.0, y=0.03, xref=xref, yref="y domain" if xref == "x" else "y2 domain",
                               yanchor="bottom", showarrow=False, text="x.sum() ≤ 0: tanh", font=dict(color="#4B5563"))
    example_line = dict(color=PALETTE[1], dash="dot", width=2)
    legend = legend_entry(fig, "tracing example", mode="lines", line=example_line)
    for xref, unit in (("x", 0), ("x2", 1)):
        fig.add_shape(type="line", x0=example_shift, x1=example_shift, y0=0, y1=1, xref=xref,
                      yref="y domain" if xref == "x" else "y2 domain", line=example_line, **legend)
        mark_point(fig, shift, float(eager.output[unit]), "eager at s", xref=xref, yref="y" if unit == 0 else "y2",
                   showlegend=False)
    mark_x(fig, shift, f"s = {shift:g}")
    fig.add_shape(type="line", x0=shift, x1=shift, y0=0, y1=1, xref="x2", yref="y2 domain",
                  line=dict(color="#111827", dash="dash", width=2))
    return fig


def graph_layout(nodes):
    """Depth of every node (longest path from the input) as x, spread over y when several share a depth."""
    depth = {}
    for node in nodes:
        depth[node.name] = 1 + max((depth[a] for a in node.args), default=-1)
    by_depth = {}
    for node in nodes:
        by_depth.setdefault(depth[node.name], []).append(node.name)
    position = {}
    for d, names in by_depth.items():
        for i, name in enumerate(names):
            position[name] = (float(d), (len(names) - 1) / 2 - i)
    return position


def dag_figure(graph, title):
    """The captured graph as a DAG: nodes by depth, edges as arrows (a skip arcs over the nodes it jumps),
    coloured by op type, hover with target and shape."""
    position = graph_layout(graph.nodes)
    width = max(x for x, _ in position.values())
    fig = figure(title, height=330, margin=dict(l=10, r=10, t=40, b=10),
                 legend=dict(orientation="h", y=0.02, yanchor="bottom", x=0),
                 xaxis=dict(range=[-0.6, width + 0.6], visible=False),
                 yaxis=dict(range=[-2.0, 1.5], visible=False))
    for node in graph.nodes:
        x1, y1 = position[node.name]
        for arg in node.args:
            x0, y0 = position[arg]
            span = x1 - x0
            if span > 1:  # a skip: an arc over the nodes in between
                t = np.linspace(0, 1, 30)
                xs, ys = x0 + t * span, y0 + (y1 - y0) * t + 0.35 * span * np.sin(np.pi * t)
                fig.add_trace(dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color=PALETTE[1], width=3),
                                   hoverinfo="skip", showlegend=False))
                start = (xs[-4], ys[-4])
            else:
                start = (x0, y0)
            fig.add_annotation(x=x1, y=y1, ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
                               text="", showarrow=True, arrowhead=2, arrowsize=1.3, arrowwidth=2, standoff=17,
                               startstandoff=0 if span > 1 else 17, arrowcolor=PALETTE[1] if span > 1 else "#6B7280")
    for op, (color, label) in OP_STYLE.items():
        members = [n for n in graph.nodes if n.op == op]
        if not members:
            continue
        fig.add_trace(dict(
            type="scatter", mode="markers+text", name=label, x=[position[n.name][0] for n in members],
            y=[position[n.name][1] for n in members], text=[n.name for n in members], textposition="bottom center",
            textfont=dict(size=15), marker=dict(size=30, color=color, line=dict(color="white", width=2)),
            hovertext=[f"<b>{n.name}</b><br>op: {n.op}<br>target: {n.target}<br>reads: {', '.join(n.args) or '—'}"
                       f"<br>shape: {n.shape}" for n in members], hoverinfo="text"))
    return fig


def snippet_code(model, seed, shift, example_shift):
    header = f'''
        import numpy as np
        import torch
        from torch import nn

        torch.set_num_threads(1)
        seed, shift, example_shift = {seed}, {shift!r}, {example_shift!r}
        pattern = np.array([0.5, -1.0, 0.75, -0.25])  # sums to 0, so x sums to 4 * shift
        rng = np.random.default_rng(seed)
        layers = {{}}
        for name, n_out, n_in in [("l1", 4, 4), ("l2", 4, 4), ("l3", 2, 4)]:
            layer = nn.Linear(n_in, n_out, dtype=torch.float64)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(rng.normal(0.0, 0.7, (n_out, n_in))))
                layer.bias.copy_(torch.from_numpy(rng.normal(0.0, 0.3, n_out)))
            layers[name] = layer
        sequential = nn.Sequential(layers["l1"], nn.ReLU(), layers["l2"], nn.ReLU(), layers["l3"])
    '''
    body = {
        "chain": '''
        model = sequential  # Keras-style: each layer feeds the next
        ''',
        "skip": '''
        class Skip(nn.Module):  # functional style: forward wires the layers, here with a skip connection
            def __init__(self):
                super().__init__()
                self.l1, self.l2, self.l3 = layers["l1"], layers["l2"], layers["l3"]

            def forward(self, x):
                h = self.l2(torch.relu(self.l1(x)))
                return self.l3(torch.relu(h + x))

        model = Skip()
        ''',
        "branch": '''
        class Branch(nn.Module):
            def __init__(self):
                super().__init__()
                self.l1, self.l2, self.l3 = layers["l1"], layers["l2"], layers["l3"]

            def forward(self, x):
                h = self.l2(torch.relu(self.l1(x)))
                if x.sum() > 0:  # a Python if on the data
                    return self.l3(torch.relu(h))
                return self.l3(torch.tanh(h))

        model = Branch()
        ''',
    }[model]
    if model == "branch":
        capture = (
            "    # torch.fx.symbolic_trace(model) raises TraceError here. torch.jit.trace (deprecated, but it shows\n"
            "    # the trap) runs the example once and keeps the branch it took; it warns the if became a constant.\n"
            "    graph = torch.jit.trace(model, example)\n")
    else:
        capture = ("    graph = torch.fx.symbolic_trace(model)  # a GraphModule: placeholder, calls, output\n"
                   "    print(f\"graph nodes: {len(graph.graph.nodes)}\")\n")
    tail = ("x = torch.from_numpy(shift + pattern)\n"
            "example = torch.from_numpy(example_shift + pattern)\n"
            "with torch.no_grad():\n" + capture +
            "    eager, captured, stacked = model(x), graph(x), sequential(x)\n"
            "for name, out in ((\"eager\", eager), (\"graph\", captured), (\"Sequential\", stacked)):\n"
            "    print(f\"{name} out[0]: {out[0].item():.4f}\")\n"
            "    print(f\"{name} out[1]: {out[1].item():.4f}\")\n")
    return textwrap.dedent(header) + textwrap.dedent(body) + tail


@live_part
def input_part(input_box, cells_box, sweep_box, numbers_box, settings):
    model, seed, example_shift = settings
    with input_box:
        shift = controls.slider("Input shift s: x = s + (0.5, −1, 0.75, −0.25)", "eg_x", -2.0, 2.0, 0.5, 0.1,
                                help="x sums to 4·s, so the `if x.sum() > 0` of the third model takes ReLU for s > 0 "
                                     "and tanh for s ≤ 0.")
    eager, traced, symbolic, stacked = at_input(model, seed, example_shift, shift)
    decisions = captured(model, seed, example_shift)[0].decisions
    result = sweep(model, seed, example_shift)
    every = np.concatenate([result.eager.ravel(), result.traced.ravel(), result.sequential.ravel()])
    y_range = [float(np.floor(every.min() * 2 - 0.5) / 2), float(np.ceil(every.max() * 2 + 0.5) / 2)]
    rows = 7  # the longest eager run (the skip model): the cells keep their size across models
    with cells_box:
        show(intermediates_figure(eager, shift, rows), "eg_cells")
    with sweep_box:
        show(sweep_figure(result, shift, example_shift, eager, model, y_range), "eg_sweep")
    with numbers_box:
        st.markdown(f"**Outputs at s = {shift:g}:** eager model **{pair(eager.output)}** · graph traced at "
                    f"s = {example_shift:g} **{pair(traced)}** · the same layers in an `nn.Sequential` (l1, ReLU, l2, "
                    f"ReLU, l3) **{pair(stacked)}**")
        prints = {}
        for name, out in (("eager", eager.output), ("graph", traced), ("Sequential", stacked)):
            prints |= {f"{name} out[0]": f"{out[0]:.4f}", f"{name} out[1]": f"{out[1]:.4f}"}
        if model != "branch":
            prints = {"graph nodes": str(len(captured(model, seed, example_shift)[0].nodes))} | prints
        reproduce("eager_vs_graph", snippet_code(model, seed, shift, example_shift), prints, needs="torch numpy")

    gap = float(np.abs(traced - eager.output).max())
    seq_gap = float(np.abs(stacked - eager.output).max())
    baked = "" if not decisions else (f"; the traced graph has {'relu' if decisions[0] else 'tanh'} baked in, "
                                      f"this input's if took {eager.branch}")
    checks = [
        Claim("A graph captured by tracing the model on one example input computes what the eager model computes "
              "on another input.",
              f"traced at s = {example_shift:g}, run at s = {shift:g}: eager {pair(eager.output)}, graph {pair(traced)}, "
              f"largest gap {gap:.2g}{baked}", gap <= TOLERANCE),
        Claim("Stacking the model's layers in a Sequential (each layer feeding only the next) reproduces the model.",
              f"Sequential {pair(stacked)} vs model {pair(eager.output)}: largest gap {seq_gap:.2g}",
              seq_gap <= TOLERANCE),
    ]
    if symbolic is not None:
        checks.append(Identity(
            "Without control flow on the data, the GraphModule that torch.fx.symbolic_trace records computes what "
            "the eager module computes.",
            f"eager {pair(eager.output)}", f"GraphModule {pair(symbolic)}",
            "forward applies the same operations whatever the input, and the graph holds exactly those operations, "
            "so replaying it on x repeats the eager computation step for step."))
    return checks


def play():
    controls_col, charts_col = st.columns([1, 2.4], gap="large")
    with controls_col:
        input_box = st.container()
        model = controls.choice("Model", "eg_model", list(graphs.MODELS), labels=MODEL_LABELS, horizontal=True,
                                help="Sequential: an nn.Sequential chain. Skip: a functional-style forward that adds x back "
                                     "(a skip connection). If: a forward whose `if` depends on x.sum().")
        example_shift = controls.slider("Example input used for tracing (its s)", "eg_ex", -2.0, 2.0, 1.0, 0.1,
                                        help="Tracing runs the model once on this input and records what it did.")
        seed = controls.slider("Weights seed", "eg_seed", 0, 20, 0)
    with charts_col:
        cells_box, sweep_box = st.container(), st.container()
    numbers_box = st.container()
    graph, refusal = captured(model, seed, example_shift)
    input_part(input_box, cells_box, sweep_box, numbers_box, (model, seed, example_shift))

    if refusal is None:
        title = ("fx.symbolic_trace(model): a straight chain" if model == "chain" else
                 "fx.symbolic_trace(model): add reads l2 and x")
    else:
        branch = "relu" if graph.decisions[0] else "tanh"
        title = f"Traced at s = {example_shift:g}: only the {branch} branch"
    graph_col, code_col = st.columns([1.4, 1], gap="large")
    with graph_col:
        show(dag_figure(graph, title), "eg_dag")
    with code_col:
        note = ("fx prints the captured graph back as Python:" if refusal is None else
                f"**symbolic_trace refuses:** {refusal.split(': ', 1)[1]}. Traced on the example instead, "
                "the `if` is gone from the code:")
        st.markdown(note)
        st.code(re.sub(r";  [\w, =]+ = None", "", graph.code), language="python")  # fx's freeing of temporaries
    st.markdown(TF1_TABLE)


topic_page("eager_vs_graph", play)
