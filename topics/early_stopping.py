"""Early stopping: train, validation and test loss of a network that overfits 20 noisy points; patience."""
import numpy as np
import streamlit as st

from engine import early_stopping as es
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_lines
from ui.snippet import reproduce
from ui.theme import GOOD, MUTED, PALETTE, figure, mark_x, shade_x, show

N_TRAIN, WIDTH, LR = 20, 64, 0.02


@st.cache_data(max_entries=16, show_spinner="Training the network (once per setting)…")
def run(max_epochs, noise, seed):
    """The whole training, recorded every epoch; patience only decides where to stop, so it is not part of the key."""
    return es.train_with_early_stopping(patience=max_epochs, max_epochs=max_epochs, random_state=seed, n_train=N_TRAIN,
                                        noise=noise, width=WIDTH, lr=LR)


def losses_figure(result, stopped, best):
    fig = figure("Loss after every epoch (log scale)", height=420)
    epochs = np.arange(len(result.train_loss))
    for values, name, color, dash in ((result.train_loss, "training", PALETTE[0], "solid"),
                                      (result.val_loss, "validation", PALETTE[1], "solid"),
                                      (result.test_loss, "test (never used for choosing)", MUTED, "dot")):
        fig.add_trace(dict(type="scatter", x=epochs, y=values, name=name, mode="lines", line=dict(color=color, width=3, dash=dash)))
    shade_x(fig, [(stopped, epochs[-1], "#9CA3AF", 0.15, None)])
    mark_x(fig, best, f"best epoch {best}", color=GOOD)
    fig.add_shape(type="line", x0=stopped, x1=stopped, yref="y domain", y0=0, y1=0.85, line=dict(color="#111827", width=2))
    fig.add_annotation(x=stopped, y=0.85, yref="y domain", text=f" stops at {stopped}", showarrow=False, xanchor="left",
                       yanchor="bottom", bgcolor="rgba(255,255,255,0.85)")
    low = min(result.train_loss.min(), result.val_loss.min())
    high = max(result.val_loss.max(), result.test_loss.max(), result.train_loss[:5].max())
    fig.update_xaxes(title="epoch", range=[0, epochs[-1]])
    ticks = controls.powers_of_ten(-4, 3)  # 1-2-5 labels, uncluttered
    fig.update_yaxes(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks], title="mean squared error", range=[np.floor(np.log10(low) * 2) / 2, np.ceil(np.log10(high) * 2) / 2])
    return fig


def fit_figure(result, best):
    fig = figure("The fitted curve: restored best weights against the last epoch's", height=420)
    fig.add_trace(dict(type="scatter", x=result.grid_x, y=es.truth(result.grid_x), name="truth sin(3x)", mode="lines",
                       line=dict(color=MUTED, width=2, dash="dash")))
    fig.add_trace(dict(type="scatter", x=result.x_train, y=result.y_train, name="training points", mode="markers",
                       marker=dict(color=PALETTE[0], size=9)))
    fig.add_trace(dict(type="scatter", x=result.x_val, y=result.y_val, name="validation points", mode="markers",
                       marker=dict(color=PALETTE[1], size=9, symbol="diamond")))
    fig.add_trace(dict(type="scatter", x=result.grid_x, y=result.predictions[-1], name="last epoch", mode="lines",
                       line=dict(color=PALETTE[3], width=2)))
    add_lines(fig, result.grid_x, result.predictions[best], "best epoch (restored)", dict(color=GOOD, width=4))
    values = np.r_[result.y_train, result.y_val]
    fig.update_xaxes(title="x", range=[-1.05, 1.05])
    fig.update_yaxes(title="y", range=[np.floor(values.min() - 0.3), np.ceil(values.max() + 0.3)])
    return fig


@live_part
def patience_part(patience_box, loss_box, fit_box, metrics_box, settings):
    max_epochs, noise, seed = settings
    with patience_box:
        patience = controls.slider("Patience (epochs without improvement)", "es_patience", 1, 100, 10,
                                   help="Stop once the validation loss has not strictly improved for this many epochs; "
                                        "then restore the weights of the best validation epoch.")
    result = run(max_epochs, noise, seed)
    stopped, best = es.stopping_point(result.val_loss, patience)
    with loss_box:
        show(losses_figure(result, stopped, best), "es_losses")
    with fit_box:
        show(fit_figure(result, best), "es_fit")
    restored, last = result.test_loss[best], result.test_loss[-1]
    overall = int(np.argmin(result.val_loss))
    with metrics_box:
        metric_row({"stops at epoch": f"{stopped}", "best epoch": f"{best}", "test MSE, restored": f"{restored:.4f}",
                    "test MSE, last epoch": f"{last:.4f}"})
        snippet(patience, max_epochs, noise, seed, stopped, best, restored, last)
    return [
        Claim("Early stopping (restoring the best validation epoch's weights) gives a lower test error than training "
              "to the last epoch.",
              f"test MSE {restored:.4f} at the restored epoch {best} vs {last:.4f} after epoch {len(result.val_loss) - 1}",
              bool(restored < last)),
        Claim("Stop when the validation error starts increasing: with this patience that is the lowest validation "
              "loss of the whole run.",
              f"patience {patience} stops at epoch {stopped} with its best at epoch {best}; the whole run's lowest "
              f"validation loss is at epoch {overall}", bool(best == overall)),
    ]


def snippet(patience, max_epochs, noise, seed, stopped, best, restored, last):
    code = f"""
    import numpy as np
    import torch

    torch.set_num_threads(1)
    seed, noise, n = {seed}, {noise:g}, {N_TRAIN}

    def data(count, random_state):
        rng = np.random.default_rng(random_state)
        x = rng.uniform(-1.0, 1.0, count)
        return x, np.sin(3 * x) + rng.normal(0.0, noise, count)

    x, y = data(3 * n, seed)                      # first n: training, next n: validation
    x_test, y_test = data(500, seed + 1)
    column = lambda a: torch.tensor(a, dtype=torch.float32).reshape(-1, 1)
    x_train, y_train = column(x[:n]), column(y[:n])
    grid = np.linspace(-1.0, 1.0, 120)            # where the page draws the fitted curve
    everything = column(np.r_[x[:2 * n], x_test, grid])  # all inputs in one pass, as the page does

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(1, {WIDTH}), torch.nn.Tanh(), torch.nn.Linear({WIDTH}, {WIDTH}),
                                torch.nn.Tanh(), torch.nn.Linear({WIDTH}, 1))
    opt = torch.optim.Adam(model.parameters(), lr={LR:g})
    patience, best_val, since, stopped = {patience}, np.inf, 0, None
    val_curve, test_curve = [], []
    for epoch in range({max_epochs}):
        opt.zero_grad()
        torch.mean((model(x_train) - y_train) ** 2).backward()
        opt.step()
        with torch.no_grad():
            out = model(everything)[:, 0].numpy()
        val_curve.append(np.mean((out[n:2 * n] - y[n:2 * n].astype(np.float32)) ** 2))
        test_curve.append(np.mean((out[2 * n:2 * n + 500] - y_test.astype(np.float32)) ** 2))
        if stopped is None:
            if val_curve[-1] < best_val:
                best_val, since, best = val_curve[-1], 0, epoch   # a real loop would save the weights here
            else:
                since += 1
                if since >= patience:
                    stopped = epoch                               # ...and restore them here
    stopped = {max_epochs} - 1 if stopped is None else stopped
    print("stops at epoch:", stopped)
    print("best epoch:", best)
    print("test MSE, restored:", f"{{test_curve[best]:.4f}}")
    print("test MSE, last epoch:", f"{{test_curve[-1]:.4f}}")
    """
    reproduce("early_stopping", code, {"stops at epoch": f"{stopped}", "best epoch": f"{best}",
                                       "test MSE, restored": f"{restored:.4f}", "test MSE, last epoch": f"{last:.4f}"},
              needs="torch numpy")


def play():
    controls_col, charts_col = st.columns([1, 3], gap="large")
    with controls_col:
        patience_box = st.container()  # patience comes first: it is what this page is about
        max_epochs = controls.slider("Epochs to train", "es_epochs", 100, 500, 300, 50)
        noise = controls.slider("Noise σ", "es_noise", 0.0, 0.8, 0.4, 0.05)
        seed = controls.slider("Seed", "es_seed", 0, 10, 0)
        st.caption(f"A 1 → {WIDTH} → {WIDTH} → 1 tanh network (about 4,300 weights) on {N_TRAIN} training points, "
                   f"Adam, learning rate {LR:g}, full batch.")
    with charts_col:
        loss_box = st.container()
        fit_box = st.container()
        metrics_box = st.container()
    patience_part(patience_box, loss_box, fit_box, metrics_box, (max_epochs, noise, seed))


topic_page("early_stopping", play)
