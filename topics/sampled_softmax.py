"""Sampled softmax: cost, bias and spread of the sampled loss against the full softmax, and the proposal."""
import numpy as np
import streamlit as st

from engine import sampled_softmax as ss
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import log10_axis
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, mark_x, show

SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
VOCABS = [5000, 10000, 20000]
BATCH, TRIALS, NOISE = 32, 40, 1.0
NAMES = {"log_uniform": "log-uniform (Zipf) proposal", "uniform": "uniform proposal"}
COLORS = {"log_uniform": PALETTE[0], "uniform": PALETTE[3]}
BIAS_TOLERANCE = 0.01


@st.cache_data(max_entries=8, show_spinner="Drawing 40 samples at every size, for both proposals…")
def spread(vocab, zipf, seed):
    batch = data(vocab, zipf, seed)
    return ss.estimate_spread(batch.logits, batch.target, SIZES, trials=TRIALS, random_state=seed)


@st.cache_data(max_entries=8, show_spinner=False)
def data(vocab, zipf, seed):
    """The one place the page's logits and targets come from."""
    return ss.zipf_batch(vocab=vocab, n=BATCH, zipf=zipf, noise=NOISE, random_state=seed)


def estimate_figure(est, S):
    x = np.log2(est.n_samples)
    fig = figure("Sampled loss over 40 draws: mean ± 1 sd, against the full softmax loss", height=400,
                 legend=dict(y=1.02))
    for p in ss.PROPOSALS:
        lo, hi = est.mean[p] - est.std[p], est.mean[p] + est.std[p]
        fig.add_traces([
            dict(type="scatter", x=np.r_[x, x[::-1]], y=np.r_[hi, lo[::-1]], fill="toself", fillcolor=COLORS[p],
                 opacity=0.18, line=dict(width=0), hoverinfo="skip", showlegend=False),
            dict(type="scatter", x=x, y=est.mean[p], name=NAMES[p], mode="lines+markers",
                 line=dict(color=COLORS[p], width=3), customdata=est.std[p],
                 hovertemplate="S = %{text}: mean %{y:.3f}, sd %{customdata:.3f}<extra></extra>", text=est.n_samples),
        ])
    fig.add_trace(dict(type="scatter", x=x, y=est.uncorrected, name="log-uniform, no log-Q correction",
                       mode="lines+markers", line=dict(color=MUTED, width=2, dash="dot"), text=est.n_samples,
                       hovertemplate="S = %{text}: mean %{y:.3f} without the correction<extra></extra>"))
    fig.add_trace(dict(type="scatter", x=[x[0], x[-1]], y=[est.full, est.full], name="full softmax loss",
                       mode="lines", line=dict(color="#111827", dash="dash", width=2)))
    mark_x(fig, float(np.log2(S)), f"S = {S}")
    low = min(est.full - 3, float(min((est.mean[p] - est.std[p]).min() for p in ss.PROPOSALS)),
              float(est.uncorrected.min()))  # the uncorrected curve may leave the top: it grows like log S
    fig.update_xaxes(title="sampled classes S (log scale)", tickvals=x[::2], ticktext=[str(s) for s in SIZES[::2]],
                     range=[-0.3, x[-1] + 0.3])
    return fig.update_yaxes(title="loss (nats)", range=[np.floor(low), np.ceil(est.full + 1)])


def cost_figure(vocab, hidden, S):
    x = np.log2(SIZES)
    sampled = [np.log10(ss.softmax_cost(vocab, hidden, s).sampled) for s in SIZES]
    full = np.log10(ss.softmax_cost(vocab, hidden, 1).full)
    fig = figure(f"Output-layer multiply–adds per example (V = {vocab:,}, H = {hidden})", height=400, margin=dict(t=110),
                 legend=dict(y=1.02))
    fig.add_traces([
        dict(type="scatter", x=x, y=sampled, name="sampled: (S + 1)·H", mode="lines+markers",
             line=dict(color=PALETTE[2], width=3)),
        dict(type="scatter", x=[x[0], x[-1]], y=[full, full], name="full: V·H", mode="lines",
             line=dict(color="#111827", dash="dash", width=2)),
    ])
    mark_x(fig, float(np.log2(S)), f"S = {S}")
    fig.update_xaxes(title="sampled classes S (log scale)", tickvals=x[::2], ticktext=[str(s) for s in SIZES[::2]],
                     range=[-0.3, x[-1] + 0.3])
    return log10_axis(fig, 2, 8, "multiply–adds (log scale)")


def proposal_figure(batch, vocab):
    rank = np.unique(np.round(np.logspace(0, np.log10(vocab), 150)).astype(int)) - 1
    fig = figure("Proposals Q against the true class frequency", height=400,
                 legend=dict(y=1.02))
    fig.add_trace(dict(type="scatter", x=rank + 1, y=batch.frequency[rank], name="true frequency (this batch)",
                       mode="lines", line=dict(color=MUTED, width=5)))
    for p in ss.PROPOSALS:
        fig.add_trace(dict(type="scatter", x=rank + 1, y=ss.proposal_probs(vocab, p)[rank], name=NAMES[p],
                           mode="lines", line=dict(color=COLORS[p], width=3, dash="dot")))
    fig.update_xaxes(type="log", title="class rank (1 = most frequent word)")
    return fig.update_yaxes(type="log", title="probability", exponentformat="power")


SNIPPET = '''
import numpy as np
import torch
import torch.nn.functional as F
from scipy.special import logsumexp

V, n, zipf, seed, S, proposal = {vocab}, {batch}, {zipf}, {seed}, {S}, "{proposal}"
rng = np.random.default_rng(seed)  # logits: class k has base logit -zipf*log(k+1), plus N(0, 1) noise
logits = -zipf * np.log1p(np.arange(V))[None, :] + {noise} * rng.standard_normal((n, V))
probs = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
target = np.minimum((np.cumsum(probs, axis=1) < rng.random((n, 1))).sum(axis=1), V - 1)

full = F.cross_entropy(torch.tensor(logits), torch.tensor(target))
k = np.arange(V)
q = np.log1p(1 / (k + 1)) / np.log(V + 1) if proposal == "log_uniform" else np.full(V, 1 / V)
draw = np.random.default_rng(0)
samples = np.minimum(np.searchsorted(np.cumsum(q), draw.random(S), side="right"), V - 1)
o = torch.tensor(logits)
true_logit = o[torch.arange(n), torch.tensor(target)]
sampled = o[:, torch.tensor(samples)] - torch.log(torch.tensor(S * q[samples]))  # the log-Q correction
hit = torch.tensor(samples)[None, :] == torch.tensor(target)[:, None]  # accidental hits are dropped
sampled = sampled.masked_fill(hit, float("-inf"))
loss = (torch.logsumexp(torch.cat([true_logit[:, None], sampled], dim=1), dim=1) - true_logit).mean()
print(f"full loss: {{full.item():.4f}}")
print(f"sampled loss: {{loss.item():.4f}}")
'''


@live_part
def samples_part(samples_box, estimate_box, cost_box, snippet_box, settings):
    vocab, zipf, hidden, proposal, seed = settings
    with samples_box:
        S = controls.log_slider("Sampled classes S", "ss_S", SIZES, 64,
                                help="How many classes the sampled softmax scores besides the target.")
    est = spread(vocab, zipf, seed)
    batch = data(vocab, zipf, seed)
    one = ss.sampled_softmax_loss(batch.logits, batch.target, S, proposal=proposal, random_state=0)
    cost = ss.softmax_cost(vocab, hidden, S)
    with estimate_box:
        show(estimate_figure(est, S), "ss_estimate")
    with cost_box:
        show(cost_figure(vocab, hidden, S), "ss_cost")
    i = SIZES.index(S)
    bias, sd = est.bias[proposal][i], est.std[proposal][i]
    with snippet_box:
        metric_row({"full loss": f"{est.full:.4f}", "one sampled draw": f"{one.loss:.4f}",
                    "bias (40 draws)": f"{bias:+.4f}", "cheaper by": f"{cost.ratio:,.0f}×"})
        reproduce("sampled_softmax", SNIPPET.format(vocab=vocab, batch=BATCH, zipf=zipf, seed=seed, S=S, proposal=proposal,
                                                    noise=NOISE),
                  {"full loss": f"{est.full:.4f}", "sampled loss": f"{one.loss:.4f}"}, needs="numpy scipy torch")
    sd_log, sd_uniform = est.std["log_uniform"][i], est.std["uniform"][i]
    return [
        Claim("With the log-Q correction, the sampled softmax loss is a close estimate of the full softmax loss "
              "(bias under 1 % of it).",
              f"{NAMES[proposal]}, S = {S}: mean of 40 draws {est.mean[proposal][i]:.4f} vs full {est.full:.4f} "
              f"(bias {bias:+.4f}, {abs(bias) / est.full:.1%}; sd of one draw {sd:.4f})",
              bool(abs(bias) < BIAS_TOLERANCE * est.full)),
        Claim("A proposal close to the true word frequencies gives a less noisy estimate than sampling "
              "uniformly.",
              f"S = {S}: sd {sd_log:.4f} with the log-uniform proposal vs {sd_uniform:.4f} with the uniform one",
              bool(sd_log < sd_uniform)),
        Identity("Scoring the S sampled classes and the target instead of the whole vocabulary cuts the "
                 "output layer's cost from V·H to (S + 1)·H.",
                 f"{cost.full:,} / {cost.sampled:,} = {cost.ratio:,.1f}",
                 f"V / (S + 1) = {vocab:,} / {min(S, vocab) + 1:,} = {vocab / (min(S, vocab) + 1):,.1f}",
                 "every scored class costs one H-long dot product."),
    ]


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        samples_box = st.container()  # S first: the page is about what sampling fewer classes costs and saves
        proposal = controls.choice("Proposal Q", "ss_q", list(ss.PROPOSALS), labels=NAMES)
        zipf = controls.slider("Word-frequency skew (Zipf exponent; 0 = all words equally likely)", "ss_zipf",
                               0.0, 1.5, 1.0, 0.25)
        vocab = controls.choice("Vocabulary size V", "ss_V", VOCABS, index=1, labels={v: f"{v:,}" for v in VOCABS})
        hidden = controls.log_slider("Hidden size H (cost only)", "ss_H", [128, 256, 512, 1024], 512)
        seed = controls.slider("Seed", "ss_seed", 0, 10, 0)
    with charts_col:
        estimate_box = st.container()
    cost_col, proposal_col = st.columns([1, 1.4], gap="medium")
    cost_box = cost_col.container()
    snippet_box = st.container()
    samples_part(samples_box, estimate_box, cost_box, snippet_box, (vocab, zipf, hidden, proposal, seed))
    with proposal_col:
        show(proposal_figure(data(vocab, zipf, seed), vocab), "ss_proposal")


topic_page("sampled_softmax", play)
