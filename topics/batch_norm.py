"""Batch normalisation: the same small network trained with and without it, over learning rates; train vs eval mode."""
import numpy as np
import streamlit as st

from engine import batchnorm
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_lines, log10_axis
from ui.snippet import reproduce
from ui.theme import GOOD, MUTED, PALETTE, figure, mark_x, show

LEARNING_RATES = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
EPOCHS, DEPTH, WIDTH, BATCH = 15, 4, 32, 32
TRAINED = 0.3  # a run "trains" at a learning rate when its final training loss is below this
EVAL_LR = 0.1  # the batch-norm network whose evaluation modes the second part compares
BN, PLAIN = PALETTE[2], PALETTE[3]
BINS = np.linspace(-6, 6, 61)


@st.cache_data(max_entries=96, show_spinner=False)
def train_one(lr, use_bn, activation, seed):
    return batchnorm.train_mlp(lr, use_bn, depth=DEPTH, width=WIDTH, epochs=EPOCHS, batch_size=BATCH,
                               activation=activation, random_state=seed)


def sweep(activation, seed):
    """Every learning rate, with and without batch norm: 12 small trainings, each cached once per setting."""
    bar = st.progress(0.0, text="Training 12 small networks (once per setting)…")
    runs = {}
    for i, (lr, use_bn) in enumerate((lr, bn) for lr in LEARNING_RATES for bn in (False, True)):
        bar.progress(i / (2 * len(LEARNING_RATES)), text=f"Training… lr = {lr:g}, batch norm {'on' if use_bn else 'off'}")
        runs[(lr, use_bn)] = train_one(lr, use_bn, activation, seed)
    bar.empty()
    return runs


def final_loss(run):
    return float(run.loss[-1])


def largest_trained_lr(runs, use_bn):
    """The largest learning rate in the sweep whose final training loss is below TRAINED (NaN if none)."""
    good = [lr for lr in LEARNING_RATES if final_loss(runs[(lr, use_bn)]) < TRAINED]
    return max(good) if good else float("nan")


def curves_figure(runs, lr):
    """Left: training loss per epoch at this learning rate. Right: the final loss at every learning rate."""
    fig = figure("", height=420, margin=dict(t=105, b=60), legend=dict(y=1.2),
                 xaxis=dict(domain=[0, 0.45], range=[0, EPOCHS], title="epoch"),
                 yaxis=dict(range=[0, 1.5], title="training cross-entropy"),
                 xaxis2=dict(domain=[0.57, 1], title="learning rate", tickvals=np.log10(LEARNING_RATES),
                             ticktext=[f"{v:g}" for v in LEARNING_RATES], range=[-2.15, 0.63]),
                 yaxis2=dict(anchor="x2", range=[0, 1.5], title="loss after 15 epochs"))
    epochs = np.arange(EPOCHS + 1)
    for use_bn, color, name in ((False, PLAIN, "without batch norm"), (True, BN, "with batch norm")):
        loss = np.clip(runs[(lr, use_bn)].loss, 0, 1.5)
        add_lines(fig, epochs, loss, name, dict(color=color, width=3))
        finals = [min(final_loss(runs[(r, use_bn)]), 1.5) if np.isfinite(final_loss(runs[(r, use_bn)])) else 1.5
                  for r in LEARNING_RATES]
        fig.add_trace(dict(type="scatter", x=np.log10(LEARNING_RATES), y=finals, mode="lines+markers", name=name,
                           showlegend=False, line=dict(color=color, width=3), marker=dict(size=9), xaxis="x2", yaxis="y2"))
    fig.add_shape(type="line", xref="x2", yref="y2", x0=-2.15, x1=0.63, y0=TRAINED, y1=TRAINED,
                  line=dict(color=MUTED, dash="dot"))
    fig.add_shape(type="line", xref="x2", yref="y2 domain", x0=np.log10(lr), x1=np.log10(lr), y0=0, y1=1,
                  line=dict(color="#111827", dash="dash", width=2))
    panel = dict(xref="paper", yref="paper", y=1.0, yanchor="bottom", showarrow=False, font=dict(size=15))
    fig.add_annotation(text=f"Loss per epoch at lr = {lr:g}", x=0, xanchor="left", **panel)
    fig.add_annotation(text="Every learning rate (dotted: “trained”)", x=0.57, xanchor="left", **panel)
    return fig


def ridges_figure(runs, lr):
    """What each hidden layer feeds its activation after training: one histogram ridge per layer, both networks."""
    fig = figure("What each layer feeds its activation after training (all units, training set)", height=380,
                 margin=dict(t=50, b=60),
                 xaxis=dict(domain=[0, 0.47], range=[BINS[0], BINS[-1]], title="without batch norm"),
                 yaxis=dict(range=[0.6, DEPTH + 1.2], tickvals=list(range(1, DEPTH + 1)),
                            ticktext=[f"layer {d}" for d in range(1, DEPTH + 1)]),
                 xaxis2=dict(domain=[0.53, 1], range=[BINS[0], BINS[-1]], title="with batch norm"),
                 yaxis2=dict(anchor="x2", range=[0.6, DEPTH + 1.2], showticklabels=False))
    centres = (BINS[:-1] + BINS[1:]) / 2
    for use_bn, axes, color in ((False, ("x", "y"), PLAIN), (True, ("x2", "y2"), BN)):
        values = runs[(lr, use_bn)].pre_activations
        for layer, row in enumerate(values, start=1):
            counts, _ = np.histogram(np.clip(np.nan_to_num(row, nan=0.0), BINS[0], BINS[-1]), BINS)
            ridge = layer + 0.9 * counts / max(counts.max(), 1)
            add_lines(fig, centres, ridge, "batch norm" if use_bn else "plain", dict(color=color, width=2),
                      xref=axes[0], yref=axes[1], showlegend=False)
    fig.update_layout(showlegend=False)
    return fig


@live_part
def learning_rate_part(lr_box, charts_box, metrics_box, runs, activation, seed):
    with lr_box:
        lr = controls.log_slider("Learning rate", "bn_lr", LEARNING_RATES, 0.1,
                                 help="Plain SGD, 15 epochs, batches of 32; the same start for both networks.")
    with charts_box:
        show(curves_figure(runs, lr), "bn_curves")
        show(ridges_figure(runs, lr), "bn_ridges")
    plain, normed = runs[(lr, False)], runs[(lr, True)]
    with metrics_box:
        metric_row({"loss without BN": f"{final_loss(plain):.3f}", "loss with BN": f"{final_loss(normed):.3f}",
                    "test accuracy without": f"{plain.test_accuracy:.3f}", "with": f"{normed.test_accuracy:.3f}"})
        snippet(activation, seed, lr, plain, normed)
    return []


def snippet(activation, seed, lr, plain, normed):
    act = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU"}[activation]
    code = f"""
    import numpy as np
    import torch
    from sklearn.datasets import make_moons

    torch.set_num_threads(1)
    seed, lr = {seed}, {lr:g}

    def moons(n, random_state):
        X, y = make_moons(n, noise=0.2, random_state=random_state)
        return torch.tensor((X - X.mean(0)) / X.std(0), dtype=torch.float32), torch.tensor(y)

    X, y = moons(256, seed)
    X_test, y_test = moons(256, seed + 1000)

    def train(batch_norm):
        torch.manual_seed(seed)
        layers, n_in = [], 2
        for _ in range({DEPTH}):
            layers += [torch.nn.Linear(n_in, {WIDTH})] + ([torch.nn.BatchNorm1d({WIDTH})] if batch_norm else [])
            layers += [torch.nn.{act}()]
            n_in = {WIDTH}
        model = torch.nn.Sequential(*layers, torch.nn.Linear({WIDTH}, 2))
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        shuffle = torch.Generator().manual_seed(seed)
        for epoch in range({EPOCHS}):
            model.train()
            order = torch.randperm(len(X), generator=shuffle)
            for start in range(0, len(X), {BATCH}):
                batch = order[start:start + {BATCH}]
                opt.zero_grad()
                loss_fn(model(X[batch]), y[batch]).backward()
                opt.step()
        model.eval()                      # running statistics from here on
        with torch.no_grad():
            loss = loss_fn(model(X), y).item()
            accuracy = (model(X_test).argmax(1) == y_test).float().mean().item()
        return loss, accuracy

    for name, flag in [("without BN", False), ("with BN", True)]:
        loss, accuracy = train(flag)
        print(f"loss {{name}}:", f"{{loss:.3f}}")
        print(f"test accuracy {{name}}:", f"{{accuracy:.3f}}")
    """
    prints = {"loss without BN": f"{final_loss(plain):.3f}", "test accuracy without BN": f"{plain.test_accuracy:.3f}",
              "loss with BN": f"{final_loss(normed):.3f}", "test accuracy with BN": f"{normed.test_accuracy:.3f}"}
    reproduce("batch_norm", code, prints, needs="torch numpy scikit-learn")


def eval_figure(run):
    """Test accuracy of the batch-norm network left in training mode, by test batch size, against eval mode."""
    fig = figure(f"Forgetting model.eval(): the batch-norm network trained at lr = {EVAL_LR:g}", height=380)
    sizes = [str(s) for s in batchnorm.TEST_BATCHES]
    for order, color, name in (("shuffled", PALETTE[0], "training mode, shuffled test batches"),
                               ("sorted", PALETTE[1], "training mode, test batches sorted by class")):
        fig.add_trace(dict(type="bar", x=sizes, y=[run.train_mode_accuracy[(s, order)] for s in batchnorm.TEST_BATCHES],
                           name=name, marker=dict(color=color)))
    fig.add_trace(dict(type="scatter", x=sizes, y=[run.test_accuracy] * len(sizes), mode="lines", name="model.eval()",
                       line=dict(color=GOOD, width=3, dash="dash")))
    fig.update_xaxes(title="test batch size", type="category")
    fig.update_yaxes(title="test accuracy", range=[0, 1])
    return fig


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        lr_box = st.container()  # the learning rate comes first: it is what this page is about
        activation = controls.choice("Activation", "bn_act", list(batchnorm.ACTIVATIONS), index=2)
        seed = controls.slider("Seed", "bn_seed", 0, 10, 0)
        st.caption(f"A {DEPTH}-hidden-layer MLP ({WIDTH} units each) on two moons; with batch norm every hidden layer is "
                   "Linear → BatchNorm → activation.")
    with charts_col:
        charts_box = st.container()
        metrics_box = st.container()
    with charts_box:
        runs = sweep(activation, seed)  # outside the live part: a learning-rate move only looks runs up
    learning_rate_part(lr_box, charts_box, metrics_box, runs, activation, seed)
    plain_best, bn_best = largest_trained_lr(runs, False), largest_trained_lr(runs, True)

    st.markdown("### Training mode against evaluation mode\n\nIn training mode batch norm normalises each batch "
                "with that batch's own mean and variance; `model.eval()` switches to the running averages collected "
                "during training, so a prediction no longer depends on what else is in the batch.")
    eval_col, eval_controls = st.columns([3, 1], gap="large")
    with eval_controls:
        size = controls.choice("Test batch size", "bn_test_batch", list(batchnorm.TEST_BATCHES), index=3, horizontal=True)
        order = controls.choice("Test batches", "bn_order", ["shuffled", "sorted"],
                                help="sorted: the test set ordered by class, so each batch holds one class")
    reference = runs[(EVAL_LR, True)]
    with eval_col:
        show(eval_figure(reference), "bn_eval")
    forgotten = reference.train_mode_accuracy[(size, order)]

    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(64, 8)), rng.normal(size=(4, 8))
    changed = batchnorm.scale_invariance(x, w, 10.0)
    fmt = lambda v: "none" if np.isnan(v) else f"{v:g}"  # noqa: E731
    return [
        Claim("Batch normalization enables higher learning rates.",
              f"{activation}: the largest learning rate that trains (loss < {TRAINED}) is {fmt(bn_best)} with batch "
              f"norm and {fmt(plain_best)} without",
              bool(np.isfinite(bn_best) and (np.isnan(plain_best) or bn_best > plain_best))),
        Identity("Batch norm makes a layer blind to the scale of its incoming weights (not to outlier weights).",
                 f"max |BN(x·(10W)ᵀ) − BN(x·Wᵀ)| = {changed:.1e}", "0 (up to ε)",
                 "scaling W scales the batch's mean and standard deviation alike, and BN divides them out."),
        Claim("At test time the batch statistics can stand in for the running ones: forgetting model.eval() is harmless.",
              f"test batches of {size}, {order}: accuracy {forgotten:.3f} in training mode vs {reference.test_accuracy:.3f} "
              "with model.eval()", bool(abs(forgotten - reference.test_accuracy) <= 0.02)),
    ]


topic_page("batch_norm", play)
