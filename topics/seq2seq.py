"""Seq2seq: a GRU encoder–decoder reversing digit strings, with and without attention."""
import numpy as np
import streamlit as st

from engine import seq2seq
from ui import controls
from ui.page import Claim, live_part, topic_page
from ui.shapes import legend_entry
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, mark_x, show

KIND_NAMES = {"plain": "no attention (fixed-size state)", "attention": "with attention"}
KIND_COLORS = {"plain": PALETTE[3], "attention": PALETTE[0]}
DEFAULT_DIGITS = "31415926"


@st.cache_resource(show_spinner="Loading the two trained models (first visit only)…")
def models():
    return seq2seq.load_models()


@st.cache_data(max_entries=2, show_spinner="Scoring both models on 200 random strings of every length…")
def scores():
    return seq2seq.accuracy_by_length(models())


def typed_digits(text):
    """The one place the page's input string comes from (typed text → validated digits)."""
    return seq2seq.parse_digits(text)


def accuracy_figure(acc, length):
    fig = figure("Strings reversed exactly (200 per length)", height=380, margin=dict(t=110), legend=dict(y=1.02))
    for kind in seq2seq.KINDS:
        fig.add_trace(dict(type="scatter", x=acc.lengths, y=acc.sequence[kind], name=KIND_NAMES[kind],
                           mode="lines+markers", line=dict(color=KIND_COLORS[kind], width=3),
                           hovertemplate="length %{x}: %{y:.1%}<extra></extra>"))
    mark_x(fig, length, f"length {length}")
    fig.update_xaxes(title="length of the digit string", range=[0.5, seq2seq.MAX_LEN + 0.5], dtick=1)
    return fig.update_yaxes(title="exact-match accuracy", range=[-0.02, 1.05], tickformat=".0%")


def position_figure(acc, length):
    i = int(np.flatnonzero(acc.lengths == length)[0])
    positions = np.arange(1, length + 1)
    fig = figure(f"Length {length}: correct digits by position", height=380, margin=dict(t=110), legend=dict(y=1.02))
    # Grouped bars as rectangles under fixed legend entries: the length moves every bar, and bar traces would
    # replot the chart on every move.
    width = 0.8 / len(seq2seq.KINDS)  # Plotly's grouped bars: a group fills 80 % of its category
    for j, kind in enumerate(seq2seq.KINDS):
        legend = legend_entry(fig, KIND_NAMES[kind], mode="markers",
                              marker=dict(symbol="square", size=14, color=KIND_COLORS[kind]))
        for position, share in zip(positions, acc.position[kind][i, :length]):
            left = position - 0.4 + j * width
            fig.add_shape(type="rect", x0=left, x1=left + width, y0=0, y1=float(share), fillcolor=KIND_COLORS[kind],
                          line=dict(width=0), layer="below", **legend)
    fig.add_shape(type="line", x0=0.5, x1=length + 0.5, y0=0.1, y1=0.1, line=dict(color=MUTED, dash="dot"))
    fig.add_annotation(x=0.5, y=0.1, xanchor="left", yanchor="bottom", text="chance", showarrow=False,
                       bgcolor="rgba(255,255,255,0.8)")
    fig.update_xaxes(title="output position (1 = last digit read)", dtick=1, range=[0.5, length + 0.5])
    return fig.update_yaxes(title="share correct", range=[0, 1.05], tickformat=".0%")


@live_part
def length_part(length_box, accuracy_box, position_box, acc):
    with length_box:
        length = controls.slider("Length of the digit string", "s2s_len", 1, seq2seq.MAX_LEN, 10,
                                 help="Both models were trained on random strings of 1 to 12 digits.")
    i = int(np.flatnonzero(acc.lengths == length)[0])
    plain, attended = acc.sequence["plain"][i], acc.sequence["attention"][i]
    with accuracy_box:
        show(accuracy_figure(acc, length), "s2s_accuracy")
    with position_box:
        show(position_figure(acc, length), "s2s_positions")
    return [Claim("A fixed-size encoder state is a bottleneck: at this length, attention reverses clearly more "
                  "strings correctly (by 10 points or more) than the plain encoder–decoder.",
                  f"length {length}: {attended:.1%} with attention vs {plain:.1%} without",
                  bool(attended - plain >= 0.10))]


def alignment_figure(digits, weights, output):
    inputs = [f"{j}: {d}" for j, d in enumerate(digits)]
    outputs = [f"{i}: {d}" for i, d in enumerate(output)] + (["end"] if len(weights) > len(output) else [])
    fig = figure("Attention model: where each output step looks in the input", height=420,
                 margin=dict(l=90, b=80))
    fig.add_trace(dict(type="heatmap", z=weights, x=inputs, y=outputs[:len(weights)], zmin=0, zmax=1,
                       colorscale="Blues", reversescale=True, colorbar=dict(title=dict(text="weight"), thickness=12),
                       hovertemplate="output %{y} ← input %{x}: %{z:.2f}<extra></extra>"))
    fig.update_xaxes(title="input position: digit", showgrid=False)
    return fig.update_yaxes(title="output step: digit", range=[len(weights) - 0.5, -0.5], showgrid=False)


SNIPPET = '''
import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
# The page's weights: assets/models/seq2seq.pt in the playground's repository (trained by scripts/train_seq2seq.py)
state = torch.load("assets/models/seq2seq.pt", map_location="cpu", weights_only=True)
SOS, EOS, H = 10, 11, 32

class Seq2Seq(nn.Module):
    def __init__(self, attention):
        super().__init__()
        self.attention = attention
        self.embed_in, self.embed_out = nn.Embedding(12, 16), nn.Embedding(12, 16)
        self.encoder, self.decoder = nn.GRU(16, H, batch_first=True), nn.GRUCell(16, H)
        self.out = nn.Linear(2 * H if attention else H, 12)

    @torch.no_grad()
    def reverse(self, digits):
        outputs, h = self.encoder(self.embed_in(torch.tensor([digits])))
        h, token, result = h[0], torch.tensor([SOS]), []
        for _ in range(len(digits) + 1):
            h = self.decoder(self.embed_out(token), h)
            if self.attention:  # scaled dot-product attention over the encoder's outputs
                w = torch.softmax(outputs[0] @ h[0] / H ** 0.5, dim=0)
                logits = self.out(torch.cat([h, (w @ outputs[0])[None]], dim=-1))
            else:
                logits = self.out(h)
            token = logits.argmax(-1)
            if token.item() == EOS:
                break
            result.append(token.item())
        return "".join(map(str, result))

digits = [int(c) for c in "{digits}"]
for kind in ["plain", "attention"]:
    model = Seq2Seq(kind == "attention")
    model.load_state_dict({{k: v.float() for k, v in state[kind].items()}})
    print(f"{{kind}} output: {{model.reverse(digits)}}")
'''


def play():
    controls_col, charts_col = st.columns([1, 4], gap="medium")
    with controls_col:
        length_box = st.container()  # the length first: the bottleneck shows as strings get longer
    acc = scores()
    with charts_col:
        left, right = st.columns(2)
        accuracy_box, position_box = left.container(), right.container()
    length_part(length_box, accuracy_box, position_box, acc)

    st.markdown("### Try your own string\n\nBoth models decode greedily, one digit per step, until they emit the "
                "end token. The plain model sees the input only through the encoder's last 32-number state; the "
                "attention model looks back at all the encoder's states at every step.")
    input_col, heat_col = st.columns([1, 2], gap="large")
    with input_col:
        text = controls.text(f"Digits to reverse (1–{seq2seq.MAX_LEN})", "s2s_digits", DEFAULT_DIGITS, max_chars=40)
        digits = typed_digits(text)
        results = {kind: seq2seq.reverse_digits(models()[kind], digits) for kind in seq2seq.KINDS}
        shown = {kind: "".join(map(str, r.output)) or "(nothing)" for kind, r in results.items()}
        target = "".join(map(str, digits[::-1]))
        st.markdown(f"**Input** `{''.join(map(str, digits))}` → **reversal** `{target}`\n\n"
                    + "\n\n".join(f"**{KIND_NAMES[k]}:** `{shown[k]}` "
                                  + (":green[✓]" if results[k].correct else ":red[✗]") for k in seq2seq.KINDS))
        st.caption(f"The plain model must carry {len(digits)} digits in a state of {seq2seq.HIDDEN} numbers.")
    with heat_col:
        show(alignment_figure(digits, results["attention"].weights, results["attention"].output), "s2s_alignment")
    reproduce("seq2seq", SNIPPET.format(digits="".join(map(str, digits))),
              {f"{kind} output": shown[kind] if results[kind].output.size else "" for kind in seq2seq.KINDS},
              needs="numpy torch")


topic_page("seq2seq", play)
