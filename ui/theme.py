"""Plotly theme and the figure helpers used by more than one page.

Large fonts and a colour-blind-safe palette (Okabe–Ito) so charts read on a classroom projector.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
NEGATIVE, POSITIVE = "#0072B2", "#D55E00"
GOOD, BAD, MUTED = "#009E73", "#D55E00", "#9AA0A6"

pio.templates["playground"] = go.layout.Template(layout=go.Layout(
    font=dict(size=15, family="Inter, Segoe UI, Helvetica, Arial, sans-serif", color="#1f2937"),
    colorway=PALETTE, paper_bgcolor="white", plot_bgcolor="white",
    # Fixed margins instead of automargin: automargin re-measures text and re-lays out every chart on each
    # redraw (~15 ms a chart in bench/latency.py).
    xaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", linecolor="#9CA3AF", ticks="outside", automargin=False),
    yaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", linecolor="#9CA3AF", ticks="outside", automargin=False),
    title=dict(x=0, y=0.98, yanchor="top", font_size=17),
    legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, bgcolor="rgba(255,255,255,0.6)"),
    margin=dict(l=75, r=20, t=95, b=65), hoverlabel=dict(font_size=14),
))
TEMPLATE = "playground"
# The default for every figure in this process: copying a template into each figure costs ~2 ms.
pio.templates.default = TEMPLATE
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "toImageButtonOptions": {"scale": 2}}


def figure(title: str = "", height: int = 420, **layout) -> go.Figure:
    """An empty figure in the playground's theme."""
    return go.Figure(layout=dict(title=dict(text=title), height=height, **layout))


def show(fig: go.Figure, key: str) -> None:
    """Draw a figure with the playground's theme (not Streamlit's) and a slim mode bar."""
    st.plotly_chart(fig, key=key, theme=None, config=CONFIG)


def square_axes(fig: go.Figure) -> go.Figure:
    """Equal units on x and y, so circles look round and margins look true."""
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def mark_x(fig, x, text, color="#111827"):
    """A dashed vertical line with a label at ``x`` (the current slider value).

    Built as a plain shape and annotation: ``add_vline`` costs ~5× more per call.
    """
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=color, dash="dash", width=2))
    fig.add_annotation(x=x, y=1, yref="paper", yanchor="top", xanchor="left", text=f" {text}", showarrow=False,
                       bgcolor="rgba(255,255,255,0.85)")  # inside the plot: clear of legends and titles
    return fig


def shade_x(fig, bands, xref="x"):
    """Shade vertical bands, given as (x0, x1, colour, opacity, label or None), in one layout update.

    ``add_vrect`` validates each band separately (~10 ms apiece); one list of shape dicts costs ~1 ms.
    """
    axis = "x domain" if xref == "paper" else xref.replace("x", "y", 1) + " domain"
    shapes = [dict(type="rect", xref=xref, x0=x0, x1=x1, yref=axis, y0=0, y1=1, fillcolor=color, opacity=opacity,
                   line_width=0, layer="below") for x0, x1, color, opacity, _ in bands]
    labels = [dict(x=(x0 + x1) / 2, xref=xref, y=1, yref=axis, yanchor="top", text=label, showarrow=False)
              for x0, x1, _, _, label in bands if label]
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes, annotations=list(fig.layout.annotations) + labels)
    return fig

