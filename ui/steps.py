"""Shared pieces of the step-by-step pages (K-means, EM): clustering controls, colours, Play animation."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from engine.datasets import CLUSTERING
from ui import controls
from ui.theme import PALETTE

DATASET_LABELS = {"blobs": "round blobs", "uneven": "uneven sizes", "stretched": "stretched clusters"}


def cluster_data_controls(prefix: str, default_dataset: str = "blobs"):
    """Data set, true cluster count, k and seed, bound to the URL under ``prefix``."""
    dataset = controls.choice("Data set", f"{prefix}_data", list(CLUSTERING), index=list(CLUSTERING).index(default_dataset),
                              labels=DATASET_LABELS)
    k_true = controls.slider("Clusters in the data", f"{prefix}_ktrue", 2, 6, 3)
    k = controls.slider("k (clusters to fit)", f"{prefix}_k", 1, 8, 3)
    seed = controls.slider("Seed", f"{prefix}_seed", 0, 20, 0)
    return dataset, k_true, k, seed


def step_slider(prefix: str, labels: list[str]) -> int:
    """A slider over the recorded half-steps, captioned with what the chosen step did."""
    index = controls.slider("Step", f"{prefix}_step", 0, len(labels) - 1, 0,
                            help="Each step is one half of an iteration. Press ▶ on the chart to animate.")
    st.caption(f"Step {index} of {len(labels) - 1}: {labels[index]}")
    return index


MAX_FRAMES = 40
# A stepwise colour scale: label j is drawn in PALETTE[j]. Numeric colours travel as compact binary
# arrays; one CSS colour string per point per frame made EM's animation heavy.
_N = len(PALETTE)
DISCRETE_SCALE = [[edge, color] for j, color in enumerate(PALETTE) for edge in (j / _N, (j + 1) / _N)]


def cluster_marker(labels, opacity=None, size=8) -> dict:
    """Marker dict colouring points by cluster label; ``opacity`` (per point) can show certainty."""
    marker = dict(size=size, color=np.asarray(labels) % _N, colorscale=DISCRETE_SCALE, cmin=0, cmax=_N,
                  line=dict(width=0.5, color="white"))
    if opacity is not None:
        marker["opacity"] = opacity
    return marker


def label_colors(labels) -> np.ndarray:
    """One CSS colour per label (for the few markers, such as centres, drawn individually)."""
    return np.array(PALETTE)[np.asarray(labels) % _N]


def frame_indices(n_steps: int) -> list[int]:
    """At most MAX_FRAMES step indices, evenly spread, always with the first and the last."""
    return sorted(set(np.linspace(0, n_steps - 1, min(n_steps, MAX_FRAMES)).round().astype(int).tolist()))


class AnimatedFigure(go.Figure):
    """A figure whose animation frames stay plain dicts.

    Plotly validates every trace of every ``go.Frame`` (about 5 ms each); an EM run has ~100 frames of
    ~20 traces, which cost seconds per rerun. ``st.plotly_chart`` serialises a figure through
    ``to_dict()``, so appending the raw frames there sends the same JSON without that cost.
    """

    def __init__(self, figure: go.Figure, frames: list[dict]):
        super().__init__(figure)
        self._raw_frames = frames

    def to_dict(self):
        return {**super().to_dict(), "frames": self._raw_frames}


def frame(name: str, data: list[dict], title: str) -> dict:
    """One animation frame: trace dicts (same order as the figure's traces) and its title."""
    return {"name": name, "data": data, "layout": {"title": {"text": title}}}


def add_play(fig: go.Figure, frames: list[dict], start_step: int, duration_ms: int = 600) -> AnimatedFigure:
    """Attach ``frames`` (named by step number) with ▶ / Pause and a frame slider at ``start_step``."""
    steps = [int(f["name"]) for f in frames]
    start = min(range(len(steps)), key=lambda i: abs(steps[i] - start_step))
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=0, y=-0.16, xanchor="left", yanchor="top",
                          showactive=False, buttons=[
                              dict(label="▶ Play", method="animate",
                                   args=[None, dict(frame=dict(duration=duration_ms, redraw=True), fromcurrent=True,
                                                    transition=dict(duration=0))]),
                              dict(label="Pause", method="animate",
                                   args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])])],
        sliders=[dict(active=start, x=0.2, y=-0.13, len=0.8, currentvalue=dict(prefix="frame "), pad=dict(t=0),
                      steps=[dict(label=f["name"], method="animate",
                                  args=[[f["name"]], dict(mode="immediate", frame=dict(duration=0, redraw=True))])
                             for f in frames])])
    fig.update_layout(margin=dict(b=130))
    return AnimatedFigure(fig, frames)
