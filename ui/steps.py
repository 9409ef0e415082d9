"""Shared pieces of the step-by-step pages (K-means, EM): clustering controls, colours, Play animation."""
from __future__ import annotations

import numpy as np
import streamlit as st

from engine.datasets import CLUSTERING
from ui import controls
from ui.theme import PALETTE, Figure, encode_arrays

DATASET_LABELS = {"blobs": "round blobs", "uneven": "uneven sizes", "stretched": "stretched clusters"}


def cluster_data_controls(prefix: str, default_dataset: str = "blobs", builtin: bool = True):
    """Data set, true cluster count, k and seed, bound to the URL under ``prefix``.

    With ``builtin`` False (the student's own data is shown) only k and the seed are drawn, and the data set
    and cluster count come back as their defaults."""
    if not builtin:
        return default_dataset, 3, controls.slider("k (clusters to fit)", f"{prefix}_k", 1, 8, 3), \
            controls.slider("Seed", f"{prefix}_seed", 0, 20, 0)
    dataset = controls.choice("Data set", f"{prefix}_data", list(CLUSTERING), index=list(CLUSTERING).index(default_dataset),
                              labels=DATASET_LABELS)
    k_true = controls.slider("Clusters in the data", f"{prefix}_ktrue", 2, 6, 3)
    k = controls.slider("k (clusters to fit)", f"{prefix}_k", 1, 8, 3)
    seed = controls.slider("Seed", f"{prefix}_seed", 0, 20, 0)
    return dataset, k_true, k, seed


def step_slider(prefix: str, labels: list[str]) -> int:
    """A slider over the recorded half-steps, captioned with what the chosen step did."""
    key = f"{prefix}_step"
    # A step kept from a run with more steps (another k, another file) would be past the end: go to the end.
    # The default is then None (= the minimum, 0), since Streamlit warns about a default set beside the state.
    if st.session_state.get(key, 0) > len(labels) - 1:
        st.session_state[key] = len(labels) - 1
    index = controls.slider("Step", key, 0, len(labels) - 1, None,
                            help="Each step is one half of an iteration. Press ▶ on the chart to animate.")
    st.caption(f"Step {index} of {len(labels) - 1}: {labels[index]}")
    return index


MAX_FRAMES = 30  # EM runs ~100 half-steps: every third or fourth is plenty for ▶ Play, and frames are bytes to send
# A stepwise colour scale: label j is drawn in PALETTE[j]. Numeric colours travel as compact binary
# arrays; one CSS colour string per point per frame made EM's animation heavy.
_N = len(PALETTE)
DISCRETE_SCALE = [[edge, color] for j, color in enumerate(PALETTE) for edge in (j / _N, (j + 1) / _N)]


def cluster_marker(labels, size=8) -> dict:
    """Marker dict colouring a scatter trace's points by cluster label (charts that never recolour them)."""
    # No white outline: it costs Plotly a second style pass per point (~5 ms per 300 points per redraw).
    return dict(size=size, color=np.asarray(labels) % _N, colorscale=DISCRETE_SCALE, cmin=0, cmax=_N)


def label_colors(labels) -> np.ndarray:
    """One CSS colour per label (for points drawn as dots and centres drawn as shapes)."""
    return np.array(PALETTE)[np.asarray(labels) % _N]


def frame_indices(n_steps: int) -> list[int]:
    """At most MAX_FRAMES step indices, evenly spread, always with the first and the last."""
    return sorted(set(np.linspace(0, n_steps - 1, min(n_steps, MAX_FRAMES)).round().astype(int).tolist()))


def frame(name: str, step: Figure) -> dict:
    """One animation frame from the figure of one step: its title, shapes and annotations.

    Everything a step changes (the points' colours, centres, ellipses) is layout drawn with ui.shapes, and the
    traces (legend entries) stay put, so a frame is layout only: EM's 30 frames are about 0.3 MB, sent only when
    the data or the settings change (see ui.live_chart)."""
    return {"name": name, "layout": encode_arrays({key: step.layout.get(key, []) for key in ("title", "shapes", "annotations")})}


def add_play(fig: Figure, frames: list[dict], start_step: int, duration_ms: int = 600) -> Figure:
    """Attach ``frames`` (named by step number) with ▶ Play / Pause; the Streamlit step slider scrubs.

    Play runs from the step shown (from the start when that is the last), and Pause then Play resumes.
    A Plotly slider of its own drew 40 tick labels on every redraw and repeated the step slider's job.
    """
    names = [f["name"] for f in frames if int(f["name"]) > start_step] or [f["name"] for f in frames]
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=0, y=-0.12, xanchor="left", yanchor="top",
                          showactive=False, buttons=[
                              dict(label="▶ Play", method="animate",
                                   args=[names, dict(frame=dict(duration=duration_ms, redraw=True), fromcurrent=True,
                                                    transition=dict(duration=0), mode="immediate")]),
                              dict(label="Pause", method="animate",
                                   args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])])])
    fig.update_layout(margin=dict(b=110))
    fig.frames = frames
    return fig


def cluster_data_code(dataset: str, n: int, k_true: int, seed: int) -> str:
    """Numpy code that builds ``engine.datasets.clustering_2d(dataset, n, k_true, seed)``'s X, for the
    "Reproduce in Python" scripts of the clustering pages (which may not import ``engine``)."""
    return f'''
        import numpy as np

        # The page's data set ({DATASET_LABELS[dataset]}), generated exactly as the page does
        rng = np.random.default_rng({seed})
        n, k_true = {n}, {k_true}
        angles = np.linspace(0, 2 * np.pi, k_true, endpoint=False) + rng.uniform(0, 2 * np.pi)
        centers = np.c_[np.cos(angles), np.sin(angles)] * (3.0 + 0.3 * k_true)
        weights = np.r_[6.0, np.ones(k_true - 1)] if {dataset == "uneven"} else np.ones(k_true)
        sizes = rng.multinomial(n - 5 * k_true, weights / weights.sum()) + 5
        stds = np.r_[1.1, np.full(k_true - 1, 0.35)] if {dataset == "uneven"} else np.full(k_true, 0.6)
        X = np.concatenate([rng.normal(c, s, size=(m, 2)) for c, s, m in zip(centers, stds, sizes)])
        truth = np.repeat(np.arange(k_true), sizes)
        if {dataset == "stretched"}:  # long parallel bars, 30 degrees off the axes
            t = np.pi / 6
            rotation = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
            offsets = (np.arange(k_true) - (k_true - 1) / 2) * 1.8
            bar_centers = np.c_[np.zeros(k_true), offsets] @ rotation
            X = np.concatenate([(rng.normal(0, 1, size=(m, 2)) * [2.5, 0.25]) @ rotation + c
                                for c, m in zip(bar_centers, sizes)])
        order = rng.permutation(n)
        X, truth = X[order], truth[order]
        '''
