"""Attention: softmax(QKᵀ/√d_k)·V on a short sentence of toy embeddings; the scaling; a causal mask."""
import numpy as np
import streamlit as st

from engine import attention as att
from ui import controls
from ui.page import Claim, Identity, live_part, topic_page
from ui.shapes import add_cells, colorbar
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, mark_x, show

DIMS = [2, 4, 8, 16, 32, 64, 128, 256, 512]
DEFAULT_SENTENCE = "the cat sat on the mat because it was tired"
SOFT = 0.10  # a row is "nearly one-hot" when its entropy is below 10 % of its maximum, log(keys it sees)
SHOWN_DIMS = 12
VALUE_LIMIT = 3.0  # colour scale of V and the output: embedding entries have variance 1


def sentence_words(text):
    """The one place the page's tokens come from (typed text → bounded list of words)."""
    return att.parse_sentence(text)


@st.cache_data(max_entries=4, show_spinner=False)
def entropy_curves():
    return att.scaling_entropy(DIMS, n_keys=10, n_queries=1000, random_state=0)


def labels(words):
    return [f"{i} {w}" for i, w in enumerate(words)]


def weights_figure(words, weights, mask, scale, d):
    """The weights as cells with each printed in its cell (an image, so a d_k move redraws no trace)."""
    names, ticks = labels(words), list(range(len(words)))
    title = f"softmax(QKᵀ{'/√' + str(d) if scale else ''}) — each row sums to 1"
    fig = figure(title, height=440, margin=dict(l=100, t=70, b=95),
                 xaxis=dict(title="key (attended to)", tickangle=-30, showgrid=False, zeroline=False, tickvals=ticks,
                            ticktext=names),
                 yaxis=dict(title="query", showgrid=False, zeroline=False, tickvals=ticks, ticktext=names))
    fig.add_trace(colorbar("Blues", 0, 1, title=dict(text="weight"), thickness=12))
    return add_cells(fig, np.where(mask, weights, np.nan), "Blues", 0, 1, text=np.char.mod("%.2f", weights))


def entropy_figure(curves, d):
    fig = figure("Random q, k: entropy of 10-key rows", height=380, margin=dict(t=110),
                 legend=dict(y=1.02, orientation="h"))
    fig.add_traces([
        dict(type="scatter", x=np.log2(curves.dims), y=curves.entropy_scaled, name="scaled: q·k/√d_k",
             mode="lines+markers", line=dict(color=PALETTE[0], width=3)),
        dict(type="scatter", x=np.log2(curves.dims), y=curves.entropy_unscaled, name="unscaled: q·k",
             mode="lines+markers", line=dict(color=PALETTE[3], width=3)),
        dict(type="scatter", x=[1, 9], y=[curves.uniform] * 2, name="uniform (log 10)",
             mode="lines", line=dict(color=MUTED, dash="dot")),
    ])
    mark_x(fig, float(np.log2(d)), f"d_k = {d}")
    fig.update_xaxes(title="d_k (log scale)", range=[0.8, 9.2], tickvals=np.log2(DIMS), ticktext=[str(v) for v in DIMS])
    return fig.update_yaxes(title="mean entropy (nats)", range=[0, 2.5])


def output_figure(words, V, output, d):
    """V and the output as cells on one fixed colour scale (±3 sd of an embedding entry; beyond it the colour
    saturates), so a d_k move redraws two images and no trace."""
    k = min(d, SHOWN_DIMS)
    names, ticks = labels(words), list(range(len(words)))
    dim_axis = dict(showgrid=False, zeroline=False, tickvals=list(range(k)))
    fig = figure(f"V (left) and output = weights · V (right), first {k} of {d} dims", height=380,
                 margin=dict(l=100, t=70),
                 xaxis=dict(domain=[0, 0.46], title="dimension of v", **dim_axis),
                 xaxis2=dict(domain=[0.54, 1], title="dimension of the output", anchor="y2", **dim_axis),
                 yaxis=dict(showgrid=False, zeroline=False, tickvals=ticks, ticktext=names),
                 yaxis2=dict(anchor="x2", showticklabels=False, ticks="", showgrid=False, zeroline=False))
    fig.add_trace(colorbar("RdBu_r", -VALUE_LIMIT, VALUE_LIMIT, thickness=12))
    add_cells(fig, V[:, :k], "RdBu_r", -VALUE_LIMIT, VALUE_LIMIT)
    return add_cells(fig, output[:, :k], "RdBu_r", -VALUE_LIMIT, VALUE_LIMIT, x="x2", y="y2")


SNIPPET = '''
import zlib
import numpy as np
import torch
import torch.nn.functional as F

words = {words!r}
d, scale, causal = {d}, {scale}, {causal}
groups = {groups!r}
names = sorted(groups)
group_vec = {{g: np.random.default_rng([0, 1, i]).standard_normal(d) for i, g in enumerate(names)}}

def embed(word):  # 0.8 × shared group direction + 0.6 × the word's own direction, unit variance
    own = np.random.default_rng([0, 2, zlib.crc32(word.encode())]).standard_normal(d)
    mine = [group_vec[g] for g in names if word in groups[g]]
    return 0.8 * np.mean(mine, axis=0) * np.sqrt(len(mine)) + 0.6 * own if mine else own

E = torch.tensor(np.array([embed(w) for w in words]))
n = len(words)
mask = torch.tril(torch.ones(n, n, dtype=torch.bool)) if causal else None
out = F.scaled_dot_product_attention(E, E, E, attn_mask=mask, scale=None if scale else 1.0)
logits = E @ E.T / (d ** 0.5 if scale else 1.0)
if causal:
    logits = logits.masked_fill(~mask, float("-inf"))
weights = torch.softmax(logits, dim=-1)
entropy = -(weights * torch.log(weights.clamp_min(1e-300))).sum(-1)
print(f"mean row entropy: {{entropy.mean().item():.4f}}")
print(f"output[{last}, 0]: {{out[{last}, 0].item():.4f}}")
'''


@live_part
def dim_part(dim_box, weights_box, entropy_box, output_box, snippet_box, settings):
    text, scale, causal = settings
    with dim_box:
        d = controls.log_slider("Embedding size d_k", "att_d", DIMS, 16,
                                help="Each toy embedding has d_k entries of variance 1, so q·k has variance about d_k.")
    words = sentence_words(text)
    n = len(words)
    E = att.toy_embeddings(words, d=d)
    mask = np.tril(np.ones((n, n), bool)) if causal else np.ones((n, n), bool)
    result = att.attention(E, E, E, mask=mask, scale=scale)
    scaled = att.attention(E, E, E, mask=mask, scale=True)
    unscaled = att.attention(E, E, E, mask=mask, scale=False)
    with weights_box:
        show(weights_figure(words, result.weights, mask, scale, d), "att_weights")
    with entropy_box:
        show(entropy_figure(entropy_curves(), d), "att_entropy")
    with output_box:
        show(output_figure(words, E, result.output, d), "att_output")
    entropy = att.row_entropy(result.weights)
    uniform = np.log(np.arange(1, n + 1)) if causal else np.full(n, np.log(n))
    rows = slice(1, None) if causal else slice(None)  # a causal first row has one key: entropy 0 by force
    share = {name: float(np.mean(att.row_entropy(r.weights)[rows] / uniform[rows]))
             for name, r in (("scaled", scaled), ("unscaled", unscaled))}
    of_maximum = ("of each row's maximum, log(i + 1) for row i, averaged over rows 1 to n − 1" if causal
                  else f"of its maximum, log {n}")
    with snippet_box:
        # One line, not tiles: output[n - 1, 0] is in the identity check, the entropy's share of its maximum in the
        # claim check (for these rows and the other scaling).
        st.markdown(f"Mean row entropy of these weights: **{entropy.mean():.4f}** nats (uniform rows over the keys "
                    f"each word may see: {uniform.mean():.4f}; one-hot rows: 0).")
        reproduce("attention", SNIPPET.format(words=words, d=d, scale=scale, causal=causal, groups=att.GROUPS,
                                              last=n - 1),
                  {"mean row entropy": f"{entropy.mean():.4f}", f"output[{n - 1}, 0]": f"{result.output[n - 1, 0]:.4f}"},
                  needs="numpy torch")
    i = n - 1
    by_hand = result.weights[i] @ E
    return [
        Claim("Without the 1/√d_k scaling the softmax saturates as d_k grows: at this d_k the rows are already "
              "nearly one-hot (entropy under 10 % of its maximum).",
              f"unscaled rows at d_k = {d}: mean entropy {share['unscaled']:.0%} {of_maximum}",
              share["unscaled"] < SOFT),
        Claim("With the 1/√d_k scaling, the attention rows stay soft at any d_k (entropy at least 10 % of its "
              "maximum).",
              f"scaled rows at d_k = {d}: mean entropy {share['scaled']:.0%} {of_maximum}", share["scaled"] >= SOFT),
        Identity(f"The output for a query is the weighted average of the rows of V: output_i = Σ_j w_ij v_j "
                 f"(weights · V, not Vᵀ).",
                 f"output[{i}, :3] = {np.array2string(result.output[i, :3], precision=4, separator=', ')}",
                 f"Σ_j w_{i}j v_j[:3] = {np.array2string(by_hand[:3], precision=4, separator=', ')}",
                 "matrix product, row by row: (W V)_i = Σ_j W_ij V_j."),
    ]


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        dim_box = st.container()  # d_k first: the page is about how the scores grow with it
        text = controls.text("Sentence (2–12 words)", "att_text", DEFAULT_SENTENCE, max_chars=120,
                             help="Toy embeddings: cat/dog/it/animal share a direction, so do places, motions, "
                                  "money words and function words. Q = K = V = the embeddings (no learned projections).")
        scale = controls.toggle("Divide by √d_k", "att_scale", True)
        causal = controls.toggle("Causal mask (no looking ahead)", "att_causal", False,
                                 help="Decoder self-attention: word i may attend only to words 0…i.")
    sentence_words(text)  # a bad sentence stops here with a message
    with charts_col:
        weights_box = st.container()
    entropy_col, output_col = st.columns([1, 1.6], gap="medium")
    entropy_box, output_box = entropy_col.container(), output_col.container()
    snippet_box = st.container()
    dim_part(dim_box, weights_box, entropy_box, output_box, snippet_box, (text, scale, causal))


topic_page("attention", play)
