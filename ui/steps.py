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


def label_colors(labels) -> np.ndarray:
    return np.array(PALETTE)[np.asarray(labels) % len(PALETTE)]


def mixed_colors(responsibilities) -> list[str]:
    """Each point's colour blended from the cluster colours by its responsibilities (soft assignment)."""
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in PALETTE[:responsibilities.shape[1]]])
    mixed = responsibilities @ rgb
    return [f"rgb({r:.0f},{g:.0f},{b:.0f})" for r, g, b in mixed]


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


def add_play(fig: go.Figure, frames: list[dict], start: int, duration_ms: int = 600) -> AnimatedFigure:
    """Attach ``frames`` with a ▶ / ⏸ button and a frame slider, starting at frame ``start``."""
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
