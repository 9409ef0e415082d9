"""A matrix of coloured cells (a heat map) drawn as layout: one image per matrix, and a colour bar.

A Plotly heatmap trace whose values change with a slider forces a full replot of its chart on every move
(trace data changed; see ui.live_chart). Drawn as a layout image under a constant colour-bar trace, the
same picture is a layout-only change: the attention page's two 10×12 heat maps went from about 120 ms to
12 ms a redraw (standalone in Chromium, on a loaded machine). Cells have no hover labels, so use this where
the values are not what the chart is read for. Writing each value in its cell does not pay: 100 shape
labels or annotations cost as much as a heatmap trace's texttemplate (every text element is measured).

Cell (r, c) is centred on (c, r) with row 0 at the top, like ``ui.shapes.add_grid_image``; the axes get
fixed ranges, so label them with ``tickvals=list(range(n))`` and ``ticktext``.
"""
from __future__ import annotations

import base64
import io
from functools import lru_cache

import numpy as np
from PIL import Image
from plotly.colors import get_colorscale, sample_colorscale

from ui.theme import Figure


@lru_cache(maxsize=8)
def _table(colorscale: str) -> np.ndarray:
    colors = sample_colorscale(get_colorscale(colorscale), np.linspace(0, 1, 256), colortype="tuple")
    return np.round(np.array(colors) * 255).astype(np.uint8)


def cell_colors(z, colorscale: str, zmin: float, zmax: float) -> np.ndarray:
    """RGB (uint8, shape z.shape + (3,)) of each value on the colour scale; NaN cells are white."""
    z = np.asarray(z, float)
    scaled = np.clip((np.nan_to_num(z, nan=zmin) - zmin) / (zmax - zmin), 0, 1)
    rgb = _table(colorscale)[np.round(scaled * 255).astype(int)]
    rgb[np.isnan(z)] = 255
    return rgb


def cells_image(z, colorscale: str, zmin: float, zmax: float, pixels: int = 20) -> str:
    """The cells as a PNG data URI, ``pixels`` px per cell so the browser's scaling keeps their edges sharp."""
    rgb = np.repeat(np.repeat(cell_colors(z, colorscale, zmin, zmax), pixels, axis=0), pixels, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def add_cells(fig: Figure, z, colorscale: str, zmin: float, zmax: float, x: str = "x", y: str = "y") -> Figure:
    """Draw the matrix ``z`` (rows top to bottom) on the axes ``x``, ``y``; NaN cells stay white.

    The axes' ranges are fixed to the cells."""
    rows, cols = np.shape(z)
    fig.layout.setdefault("images", []).append(dict(
        source=cells_image(z, colorscale, zmin, zmax), xref=x, yref=y, x=-0.5, y=-0.5, sizex=cols, sizey=rows,
        sizing="stretch", xanchor="left", yanchor="top", layer="below"))
    return fig.update_layout(**{"xaxis" + x[1:]: dict(range=[-0.5, cols - 0.5]),
                                "yaxis" + y[1:]: dict(range=[rows - 0.5, -0.5], autorange=False)})


def colorbar(colorscale: str, zmin: float, zmax: float, **bar) -> dict:
    """An empty trace that draws only the colour bar of ``colorscale`` from ``zmin`` to ``zmax``."""
    return dict(type="scatter", x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                marker=dict(color=[zmin, zmax], cmin=zmin, cmax=zmax, colorscale=get_colorscale(colorscale),
                            showscale=True, colorbar=bar))
