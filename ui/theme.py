"""Plotly theme and the figure helpers used by more than one page.

Large fonts and a colour-blind-safe palette (Okabe–Ito) so charts read on a classroom projector.
"""
from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ui.live_chart import live_chart

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
NEGATIVE, POSITIVE = "#0072B2", "#D55E00"
GOOD, BAD, MUTED = "#009E73", "#D55E00", "#9AA0A6"

pio.templates["playground"] = go.layout.Template(layout=go.Layout(
    font=dict(size=15, family="Inter, Segoe UI, Helvetica, Arial, sans-serif", color="#1f2937"),
    colorway=PALETTE, paper_bgcolor="white", plot_bgcolor="white",
    # Fixed margins instead of automargin: automargin re-measures text and re-lays out every chart on each
    # redraw (~15 ms a chart in bench/latency.py).
    # ticklabeloverflow="allow": the default ("hide past div") measures every tick label's box to hide those
    # that spill out, which forces a layout of the whole page per label: 18 ms of the CNN grids' redraw.
    xaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", linecolor="#9CA3AF", ticks="outside", automargin=False,
               ticklabeloverflow="allow"),
    yaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", linecolor="#9CA3AF", ticks="outside", automargin=False,
               ticklabeloverflow="allow"),
    title=dict(x=0, y=0.98, yanchor="top", font_size=17),
    legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, bgcolor="rgba(255,255,255,0.6)"),
    margin=dict(l=75, r=20, t=95, b=65), hoverlabel=dict(font_size=14),
))
TEMPLATE = "playground"
# The default for every figure in this process: copying a template into each figure costs ~2 ms.
pio.templates.default = TEMPLATE
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "toImageButtonOptions": {"scale": 2}}


TEMPLATE_LAYOUT = pio.templates[TEMPLATE].to_plotly_json()


def encode_arrays(value, float_dtype: str = "f8"):
    """Numeric numpy arrays → Plotly's base64 typed arrays, everywhere inside ``value``.

    That is the compact form validated figures send; plain ``json`` would write every number as text.
    Small integer arrays (cluster labels) go as int8; float32 arrays stay float32, so a page can halve a
    large surface whose values are only drawn.
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "iubf":
        small_ints = value.dtype.kind in "iub" and (value.size == 0 or np.abs(value).max() < 128)
        dtype = "i1" if small_ints else "f4" if value.dtype == np.float32 else float_dtype  # float32 stays float32
        array = np.ascontiguousarray(value, dtype=dtype)
        spec = {"dtype": array.dtype.str[1:], "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
        if array.ndim > 1:  # a heatmap's z: without its shape Plotly.js reads a flat list of points
            spec["shape"] = ", ".join(map(str, array.shape))
        return spec
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {key: encode_arrays(item, float_dtype) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_arrays(item, float_dtype) for item in value]
    return value


def plain_arrays(value):
    """numpy arrays and numbers → plain lists and numbers, everywhere inside ``value`` (a figure's layout).

    The layout's arrays (tick values, mostly) stay plain, not base64: Plotly.react reads a base64 array as
    a new object on every redraw, so a chart whose ticks came from numpy redrew its axes, ticks and traces
    on every slider move (about 700 DOM changes and 20–30 ms for attention's entropy chart, whose move only
    shifts a dashed line). ui.live_chart puts these arrays into the data revision instead."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: plain_arrays(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_arrays(item) for item in value]
    return value


def _with_text_titles(props: dict) -> dict:
    """Allow ``title="x"`` on axes, as plotly.py does; Plotly.js wants ``title: {text: "x"}``."""
    return {key: {"text": value} if key == "title" and isinstance(value, str) else value for key, value in props.items()}


def _merge(target: dict, updates: dict) -> None:
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


class Figure:
    """A Plotly figure kept as the plain JSON that Plotly.js draws: a list of traces and a layout dict.

    plotly.py's ``go`` objects validate every property as they are built, which cost 5–30 ms per chart
    on every slider move (measured with cProfile); these dicts cost well under 1 ms. Traces are plain
    ``dict(type="scatter", ...)``. ``tests/pages`` validates every chart the pages draw with
    ``go.Figure``, so a misspelt property still fails a test.
    """

    def __init__(self, title: str = "", height: int = 420, **layout):
        self.data: list[dict] = []
        self.frames: list[dict] | None = None
        self.layout: dict = {"template": TEMPLATE_LAYOUT, "title": {"text": title}, "height": height}
        self.update_layout(**layout)

    def add_trace(self, trace: dict) -> Figure:
        self.data.append(trace)
        return self

    def add_traces(self, traces: list[dict]) -> Figure:
        self.data.extend(traces)
        return self

    def update_layout(self, **props) -> Figure:
        props = {key: _with_text_titles(value) if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict) else value
                 for key, value in props.items()}
        _merge(self.layout, props)
        return self

    def update_xaxes(self, **props) -> Figure:
        """Update the first x axis (pass ``xaxis2=…`` to ``update_layout`` for others)."""
        return self.update_layout(xaxis=props)

    def update_yaxes(self, **props) -> Figure:
        """Update the first y axis."""
        return self.update_layout(yaxis=props)

    def add_shape(self, **shape) -> Figure:
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_annotation(self, **annotation) -> Figure:
        self.layout.setdefault("annotations", []).append(annotation)
        return self

    def to_dict(self) -> dict:
        spec = {"data": encode_arrays(self.data), "layout": plain_arrays(self.layout)}
        if self.frames is not None:
            spec["frames"] = self.frames
        return spec


def figure(title: str = "", height: int = 420, **layout) -> Figure:
    """An empty figure in the playground's theme."""
    return Figure(title, height, **layout)


def show(fig: Figure, key: str) -> None:
    """Draw a figure with the playground's theme and a slim mode bar, redrawn in place on later runs."""
    live_chart(fig.to_dict(), key=key, config=CONFIG)


def square_axes(fig: Figure, x: str = "x", y: str = "y") -> Figure:
    """Equal units on the axes ``x`` and ``y`` (e.g. "x2", "y2"), so circles look round and margins look true.

    ``constrain="domain"`` makes Plotly shrink the plot area to keep the units equal. With the default
    (widen an axis range) Plotly writes the widened range back into the figure, so every ``Plotly.react``
    sees a changed range and redraws everything: 20 ms for K-means' scatter even when nothing changed,
    3 ms with this setting (measured standalone in Chromium)."""
    return fig.update_layout(**{"xaxis" + x[1:]: dict(constrain="domain"),
                                "yaxis" + y[1:]: dict(scaleanchor=x, scaleratio=1, constrain="domain")})


def mark_x(fig: Figure, x, text, color="#111827", label_side="right") -> Figure:
    """A dashed vertical line with a label at ``x`` (the current slider value), inside the plot.

    The label sits to the ``label_side`` of the line: "left" near the right end of the axis, where a label on
    the right would be cut off."""
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=color, dash="dash", width=2))
    return fig.add_annotation(x=x, y=1, yref="paper", yanchor="top", text=f" {text} ", showarrow=False,
                              xanchor="left" if label_side == "right" else "right",
                              bgcolor="rgba(255,255,255,0.85)")  # inside the plot: clear of legends and titles


def shade_x(fig: Figure, bands, xref="x") -> Figure:
    """Shade vertical bands, given as (x0, x1, colour, opacity, label or None)."""
    axis = "x domain" if xref == "paper" else xref.replace("x", "y", 1) + " domain"
    for x0, x1, color, opacity, label in bands:
        fig.add_shape(type="rect", xref=xref, x0=x0, x1=x1, yref=axis, y0=0, y1=1, fillcolor=color, opacity=opacity,
                      line=dict(width=0), layer="below")
        if label:
            fig.add_annotation(x=(x0 + x1) / 2, xref=xref, y=1, yref=axis, yanchor="top", text=label, showarrow=False)
    return fig
