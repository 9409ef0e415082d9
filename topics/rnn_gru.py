"""RNN, GRU, LSTM: gradient through time against distance, exploding gradients and clipping, a GRU's gates."""
import numpy as np
import streamlit as st

from engine import recurrent
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_cells, add_lines, colorbar, log10_axis
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, show

GAINS = [0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0]
CELLS = {"rnn": ("plain RNN (tanh)", PALETTE[3]), "gru": ("GRU", PALETTE[0]), "lstm": ("LSTM", PALETTE[2])}
FLOOR, CEILING = -14, 8  # log10 range of the gradient chart, fixed so a gain move redraws only the curves
HIDDEN, CLIP = 32, 1.0
MEMORY_STEPS, WRITE_AT = 16, 2


@st.cache_data(max_entries=128, show_spinner="Backpropagating through time…")
def three_cells(gain, gate_bias, steps, seed):
    """The three cells at one setting (~0.1 s; computing every gain up front made a cold first visit slow)."""
    return {cell: recurrent.gradient_through_time(cell, steps=steps, hidden=HIDDEN, random_state=seed, gain=gain,
                                                  gate_bias=gate_bias)
            for cell in CELLS}


def gradient_figure(results, steps):
    fig = figure("How much of the gradient reaches a step d steps back: ‖∂h_T/∂h_(T−d)‖", height=400,
                 legend=dict(y=1.02))
    for cell, (name, color) in CELLS.items():
        r = results[cell]
        add_lines(fig, r.distance, np.clip(np.log10(np.maximum(r.norm, 1e-300)), FLOOR, CEILING)[None],
                  name, dict(color=color, width=3))
    fig.add_shape(type="line", x0=0, x1=steps, y0=0, y1=0, line=dict(color=MUTED, dash="dot", width=2))
    fig.add_annotation(x=steps, y=0, xanchor="right", yanchor="bottom", text="norm 1", showarrow=False)
    fig.update_xaxes(title="distance back in time d", range=[0, steps])
    return log10_axis(fig, FLOOR, CEILING, "gradient norm (log scale)")


def states_figure(states):
    fig = figure("Plain RNN: hidden units over time (±1 = saturated tanh: almost no gradient passes)", height=300,
                 margin=dict(t=60, b=55))
    # The states change with the gain: cells drawn as a layout image under a fixed colour bar, so no replot.
    fig.add_trace(colorbar("RdBu_r", -1, 1, title=dict(text="h"), thickness=12))
    add_cells(fig, states.T, "RdBu_r", -1, 1)
    fig.update_xaxes(title="time step t", showgrid=False, zeroline=False)
    return fig.update_yaxes(title="unit", showgrid=False, zeroline=False)


@live_part
def gain_part(gain_box, gradient_box, states_box, snippet_box, settings):
    gate_bias, steps, seed, keep, memory = settings
    with gain_box:
        gain = controls.log_slider("Recurrent weight gain (scale of W_hh)", "rnn_gain", GAINS, 1.0,
                                   help="Each recurrent weight block is gain × a random orthogonal matrix.")
    results = three_cells(gain, gate_bias, steps, seed)
    with gradient_box:
        show(gradient_figure(results, steps), "rnn_gradient")
    with states_box:
        show(states_figure(results["rnn"].states), "rnn_states")
        far = {cell: results[cell].norm[0] for cell in CELLS}
        metric_row({f"{CELLS[c][0]} ‖∂h_T/∂h_0‖": f"{v:.2e}" for c, v in far.items()})
    with snippet_box:
        prints = {f"{cell} norm": f"{results[cell].norm[0]:.3e}" for cell in CELLS}
        prints["gru h_T"] = f"{memory.h[-1]:.4f}"
        reproduce("rnn_gru", SNIPPET.format(steps=steps, hidden=HIDDEN, seed=seed, gain=gain, gate_bias=gate_bias,
                                            keep=keep, memory_seed=0, memory_steps=MEMORY_STEPS, write_at=WRITE_AT),
                  prints, needs="numpy torch")
    g = results["rnn"].grad_h0
    clipped = recurrent.clip_by_norm(g, CLIP)
    norm, cosine = np.linalg.norm(g), float(g @ clipped / (np.linalg.norm(g) * np.linalg.norm(clipped) + 1e-300))
    # "Carried" = arriving at a usable size: a gradient that vanished (10⁻¹⁰) or exploded (10⁶) over the
    # sequence is not carried, so the distance from norm 1 in decades is compared, not the raw norms.
    off = {cell: abs(float(np.log10(max(far[cell], 1e-300)))) for cell in ("lstm", "rnn")}
    return [
        Claim("An LSTM carries the gradient further back in time than a plain RNN (the notes' fix for vanishing "
              "gradients): over the whole sequence its gradient stays closer to norm 1, neither vanishing nor "
              "exploding as much.",
              f"‖∂h_T/∂h_0‖ over all T = {steps} steps: LSTM {far['lstm']:.2e} ({off['lstm']:.1f} decades from 1) "
              f"vs RNN {far['rnn']:.2e} ({off['rnn']:.1f} decades from 1)",
              bool(off["lstm"] < off["rnn"])),
        Claim("A plain RNN's gradient explodes (grows past 1 over the whole sequence) exactly when its recurrent "
              "gain is above 1.",
              f"gain {gain:g}: ‖∂h_T/∂h_0‖ = {far['rnn']:.2e}",
              bool((gain > 1) == (far["rnn"] > 1))),
        Identity("Clipping by norm (τ = 1) multiplies every component of the gradient by the same factor "
                 "min(1, τ/‖g‖): it caps the step and keeps the direction.",
                 f"‖clip(g)‖ = {np.linalg.norm(clipped):.4g}, cos(g, clip(g)) = {cosine:.4f}",
                 f"min(‖g‖, τ) = {min(norm, CLIP):.4g}, 1.0000",
                 "g for the RNN's ∂(Σ h_T)/∂h_0; a positive rescaling never turns a vector."),
    ]


SNIPPET = '''
import numpy as np
import torch

torch.set_num_threads(1)
T, H, seed, gain, gate_bias = {steps}, {hidden}, {seed}, {gain}, {gate_bias}
x = torch.randn(T, H, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)

def make(kind):  # gain × orthogonal recurrent blocks, zero biases but the GRU update / LSTM forget gate
    torch.manual_seed(seed)
    cell = {{"rnn": torch.nn.RNNCell, "gru": torch.nn.GRUCell, "lstm": torch.nn.LSTMCell}}[kind](H, H).double()
    with torch.no_grad():
        for b in range(cell.weight_hh.shape[0] // H):
            torch.nn.init.orthogonal_(cell.weight_hh[b * H:(b + 1) * H], gain=gain)
            torch.nn.init.orthogonal_(cell.weight_ih[b * H:(b + 1) * H], gain=1.0)
        cell.bias_ih.zero_(); cell.bias_hh.zero_()
        if kind != "rnn":
            cell.bias_ih[H:2 * H] = gate_bias
    return cell

for kind in ["rnn", "gru", "lstm"]:
    cell = make(kind)
    def h_T(s0):  # the last hidden state as a function of the first state (h, c for the LSTM)
        s = s0
        for t in range(T):
            s = torch.cat(cell(x[t], (s[:H], s[H:]))) if kind == "lstm" else cell(x[t], s)
        return s[:H]
    J = torch.autograd.functional.jacobian(h_T, torch.zeros(2 * H if kind == "lstm" else H, dtype=torch.float64))
    print(f"{{kind}} norm: {{torch.linalg.matrix_norm(J, ord=2).item():.3e}}")

# the one-unit GRU of the gates chart: reset open, z = sigmoid(keep - 24 * write), n = tanh(2 * value)
gru = torch.nn.GRUCell(2, 1).double()
with torch.no_grad():
    gru.weight_ih.copy_(torch.tensor([[0.0, 0.0], [0.0, -24.0], [2.0, 0.0]]))
    gru.weight_hh.zero_(); gru.bias_hh.zero_()
    gru.bias_ih.copy_(torch.tensor([5.0, {keep}, 0.0]))
values = np.random.default_rng({memory_seed}).uniform(-1, 1, {memory_steps})
h = torch.zeros(1, dtype=torch.float64)
for t, v in enumerate(values):
    h = gru(torch.tensor([v, float(t == {write_at})], dtype=torch.float64), h)
print(f"gru h_T: {{h.item():.4f}}")
'''


def memory_figure(memory, step):
    t = np.arange(len(memory.h))
    fig = figure("A one-unit GRU asked to remember the value at the write step", height=360, legend=dict(y=1.02))
    fig.add_traces([
        dict(type="bar", x=t, y=memory.values, name="input value", marker=dict(color=MUTED), opacity=0.6),
        dict(type="scatter", x=t, y=memory.z, name="update gate z (share kept)", mode="lines+markers",
             line=dict(color=PALETTE[1], width=3, dash="dot")),
        dict(type="scatter", x=t, y=memory.h, name="state h", mode="lines+markers", line=dict(color=PALETTE[0], width=4)),
    ])
    fig.add_shape(type="line", x0=-0.5, x1=len(t) - 0.5, y0=memory.written, y1=memory.written,
                  line=dict(color=PALETTE[0], dash="dash", width=1.5))
    fig.add_annotation(x=memory.write_at, y=-1.1, text="write", showarrow=False, font=dict(color=PALETTE[3]))
    fig.add_shape(type="rect", x0=step - 0.45, x1=step + 0.45, y0=-1.2, y1=1.2, fillcolor="rgba(0,0,0,0.08)",
                  line=dict(width=0), layer="below")
    fig.update_xaxes(title="time step t", range=[-0.6, len(t) - 0.4], dtick=1)
    return fig.update_yaxes(range=[-1.2, 1.2])


def gates_figure(memory, step):
    h_before = memory.h[step - 1] if step else 0.0
    labels = ["reset r", "update z", "candidate n", "h before", "h after"]
    values = [memory.r[step], memory.z[step], memory.n[step], h_before, memory.h[step]]
    fig = figure(f"Step {step}: h = (1 − z)·n + z·h_before", height=280, margin=dict(l=110, t=50, b=40))
    fig.add_trace(dict(type="bar", x=values, y=labels, orientation="h", text=[f"{v:+.3f}" for v in values],
                       textposition="auto", marker=dict(color=[MUTED, PALETTE[1], PALETTE[4], PALETTE[0], PALETTE[0]])))
    return fig.update_xaxes(range=[-1.1, 1.1]).update_yaxes(range=[len(labels) - 0.5, -0.5])


@live_part
def step_part(step_box, left, right, memory):
    with step_box:
        step = controls.slider("Step through the sequence", "rnn_step", 0, MEMORY_STEPS - 1, WRITE_AT)
    with left:
        show(memory_figure(memory, step), "rnn_memory")
    with right:
        show(gates_figure(memory, step), "rnn_gates")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        gain_box = st.container()  # the gain first: it is what makes gradients vanish or explode
        gate_bias = controls.slider("Gate bias (GRU update gate, LSTM forget gate)", "rnn_bias", -2.0, 4.0, 1.0, 0.5,
                                    help="Positive: the gate starts out keeping the old state.")
        steps = controls.slider("Sequence length T", "rnn_T", 10, 100, 50, 10)
        seed = controls.slider("Seed (weights and inputs)", "rnn_seed", 0, 10, 0)
    with charts_col:
        gradient_box, states_box = st.container(), st.container()
    st.markdown("### A GRU's gates, step by step\n\nThe inputs are a random value and a *write* flag. The update "
                "gate is wired so that it opens (z ≈ 0) on the write flag and otherwise keeps z = σ(keep bias); the "
                "candidate n = tanh(2·value) is what the state takes in at the write step (dashed line).")
    memory_controls, memory_charts = st.columns([1, 3], gap="large")
    memory_left, memory_right = memory_charts.container(), memory_charts.container()
    with memory_controls:
        step_box = st.container()
        keep = controls.slider("Keep bias of the update gate", "rnn_keep", -2.0, 8.0, 6.0, 0.5,
                               help="z = σ(keep bias) at every step without the write flag.")
    memory = recurrent.gru_memory(keep_bias=keep, steps=MEMORY_STEPS, write_at=WRITE_AT, random_state=0)
    step_part(step_box, memory_left, memory_right, memory)
    snippet_box = st.container()
    gain_part(gain_box, gradient_box, states_box, snippet_box, (gate_bias, steps, seed, keep, memory))
    drift = abs(memory.h[-1] - memory.written) / abs(memory.written)
    return [Claim("The update gate lets a GRU hold a value across many steps (it keeps 90 % or more of it "
                  "to the end of the sequence).",
                  f"written {memory.written:+.3f}, state at the last step {memory.h[-1]:+.3f} "
                  f"(off by {100 * drift:.0f} %), with z = σ({keep:g}) = {1 / (1 + np.exp(-keep)):.3f}",
                  bool(drift <= 0.1))]


topic_page("rnn_gru", play)
