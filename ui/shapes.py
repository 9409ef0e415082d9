"""Layout-only drawing: shaded areas, markers, contour lines, rings and heat maps as layout shapes or images.

Plotly.react redraws every trace when any data array changes (15–30 ms a chart in Chromium), but only the
shapes and images when nothing else did (about 3 ms; see ui.live_chart). So what a page's main slider
moves, and only that, is drawn with these helpers, while the data that stay put (points, curves) stay
traces. Shapes have no hover labels, so keep hover-worthy data in traces.

A path shape's own legend glyph is a hexagon whatever the path, so areas, lines, rings and crosses get their
legend entry from an empty trace drawn in the same style; the shape joins its legend group, so a click
on the entry still hides it.
"""
from __future__ import annotations

import base64
import html
import io
from functools import lru_cache

import contourpy
import numpy as np
from PIL import Image
from plotly.colors import get_colorscale, sample_colorscale

from ui.theme import Figure, square_axes


def svg_path(x, y) -> str:
    """An open SVG polyline through the points (x, y), in the axes' data units, 5 significant digits.

    Points with a NaN or infinite coordinate are left out (SVG has no way to write them)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    finite = np.isfinite(x) & np.isfinite(y)
    points = " L".join(map("{:.5g},{:.5g}".format, x[finite].tolist(), y[finite].tolist()))
    return f"M{points}" if points else ""  # map over lists: twice as fast as formatting numpy scalars


def polylines_path(lines, transform=None, closed: bool = False) -> str:
    """Several polylines, each an (x, y) pair of arrays, as one SVG path: the same text as joining their
    ``svg_path``s with spaces (each ending in " Z" when ``closed``), written in one pass (the CI forest's 100
    intervals one by one cost ~4 ms a move under the profiler).

    ``transform`` maps the concatenated (x, y) arrays to drawing units (an image's box) before writing."""
    pairs = [(np.asarray(x, float).ravel(), np.asarray(y, float).ravel()) for x, y in lines]
    if any(len(a) != len(b) for a, b in pairs):
        raise ValueError("lines: each line needs as many y values as x values")
    if not pairs:
        return ""
    x, y = np.concatenate([a for a, _ in pairs]), np.concatenate([b for _, b in pairs])
    if transform is not None:
        x, y = transform(x, y)
    line = np.repeat(np.arange(len(pairs)), [len(a) for a, _ in pairs])
    finite = np.isfinite(x) & np.isfinite(y)
    x, y, line = x[finite], y[finite], line[finite]
    if not len(x):
        return ""
    prefix = np.where(np.r_[True, line[1:] != line[:-1]], " Z M" if closed else " M", " L")
    prefix[0] = "M"
    return "".join(map("{}{:.5g},{:.5g}".format, prefix.tolist(), x.tolist(), y.tolist())) + (" Z" if closed else "")


def legend_entry(fig: Figure, name: str, **style) -> dict:
    """An empty trace that only draws ``name`` in the legend; returns the keys that tie a shape to it."""
    fig.add_trace(dict(type="scatter", x=[None], y=[None], name=name, legendgroup=name, hoverinfo="skip", **style))
    return dict(legendgroup=name, showlegend=False)


def fill_under(fig: Figure, x, y, color: str, name: str, xref: str = "x", yref: str = "y") -> Figure:
    """Shade the area between the curve (x, y) and y = 0, with a legend entry."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2:
        return fig
    path = svg_path(np.r_[x[0], x, x[-1]], np.r_[0.0, y, 0.0]) + " Z"
    legend = legend_entry(fig, name, mode="markers", marker=dict(symbol="square", size=14, color=color))
    return fig.add_shape(type="path", path=path, xref=xref, yref=yref, fillcolor=color, line=dict(width=0),
                         layer="below", name=name, **legend)


def mark_point(fig: Figure, x: float, y: float, name: str, xref: str = "x", yref: str = "y",
               showlegend: bool = True, size: int = 8, color: str = "#111827", width: int = 3,
               outline: str | None = None) -> Figure:
    """An × of fixed pixel size at (x, y), optionally edged in ``outline``; nothing but its legend entry when x
    or y is undefined (NaN). The legend shows the × in ``outline`` when there is one (one entry for several
    differently coloured crosses)."""
    cross = f"M{-size},{-size} L{size},{size} M{-size},{size} L{size},{-size}"
    legend_color = outline or color
    legend = (legend_entry(fig, name, mode="markers", marker=dict(symbol="x-thin-open", size=2 * size, color=legend_color,
                                                                   line=dict(width=width, color=legend_color)))
              if showlegend else dict(legendgroup=name, showlegend=False))
    if not (np.isfinite(x) and np.isfinite(y)):
        return fig
    where = dict(type="path", path=cross, xref=xref, yref=yref, xsizemode="pixel", ysizemode="pixel", xanchor=x,
                 yanchor=y, name=name, **legend)
    if outline:
        fig.add_shape(line=dict(color=outline, width=width + 4), **where)
    return fig.add_shape(line=dict(color=color, width=width), **where)


def add_polylines(fig: Figure, lines, name: str, line: dict, closed: bool = False, showlegend: bool = True,
                  xref: str = "x", yref: str = "y") -> Figure:
    """Polylines, each an (x, y) pair of arrays (segments, ellipses), as one path shape with a legend entry.

    With ``showlegend=False`` the shape joins the legend entry of the same ``name`` drawn elsewhere; ``xref`` and
    ``yref`` put it on another panel's axes ("x2", "y2")."""
    path = polylines_path(lines, closed=closed)
    legend = (legend_entry(fig, name, mode="lines", line=line) if showlegend
              else dict(legendgroup=name, showlegend=False))
    return fig.add_shape(type="path", path=path or "M0,0", visible=bool(path), xref=xref, yref=yref, name=name,
                         line=line, **legend)


def add_segments(fig: Figure, segments, name: str, line: dict, xref: str = "x", yref: str = "y") -> Figure:
    """Straight segments, an array shaped (k, 2, d) (segment, end, coordinates: the first two are drawn), as one
    path shape with a legend entry.

    The strokes of ``add_polylines`` of the k two-point lines (SMOTE's ~500 segments: ~1 ms against ~3 ms), except
    that a segment with a non-finite end is left out whole (``add_polylines`` would keep a move that draws nothing)."""
    array = np.asarray(segments, float)
    if array.size and (array.ndim != 3 or array.shape[1] != 2 or array.shape[2] < 2):
        raise ValueError(f"segments must be shaped (k, 2, d) with d >= 2, got {array.shape}")
    ends = array[:, :, :2].reshape(-1, 4) if array.size else np.empty((0, 4))
    ends = ends[np.isfinite(ends).all(axis=1)].T.tolist()  # one format call per segment: 3x faster than polylines_path
    path = " ".join(map("M{:.5g},{:.5g} L{:.5g},{:.5g}".format, *ends)) if ends[0] else ""
    return fig.add_shape(type="path", path=path or "M0,0", visible=bool(path), xref=xref, yref=yref, name=name,
                         line=line, **legend_entry(fig, name, mode="lines", line=line))


# add_svg_image's dashes: Plotly's own patterns, in multiples of the stroke's width (at least 3 px)
SVG_DASHES = {"solid": (), "dash": (3, 3), "dot": (1, 1)}


def add_svg_image(fig: Figure, x_range, y_range, lines=(), dots=(), labels=(), xref: str = "x",
                  yref: str = "y") -> Figure:
    """Polylines, dots and text, drawn in that order as one SVG image stretched over fixed axis ranges.

    ``lines`` is a list of (name, lines, color, width) groups, ``lines`` (x, y) pairs of arrays in data units,
    each group with a legend entry; a fifth item, "dash" or "dot", draws a group dashed or dotted. ``dots`` is
    a list of (x, y, color, size) groups: round dots ``size`` px across, no legend entry. ``labels`` is a list
    of (x, y, texts, color, height) groups: bold ``texts`` centred on the points, ``height`` a share of the
    image's height, with a white halo. ``x_range`` and ``y_range`` are the axes' fixed ranges (a reversed one
    too). One image per rectangle: Plotly keys images by their rectangle, so a second image there replaces the
    first.

    A changed path shape is ``calc+arraydraw`` to Plotly: it recomputes the chart and redraws its axes and
    every trace (the CI forest: ~1,000 DOM changes a move), where a changed image swaps one attribute (~60).
    Strokes and dots keep their size in screen pixels (``vector-effect``) though the image is stretched;
    text scales with the image, so label only a square image (``square_axes`` and ranges of equal span). No
    hover, as for shapes. The legend entries label the groups but cannot hide them (the drawing is not a
    trace), and the image lies under the grid lines (Plotly has no layer between them and the traces)."""
    (x0, x1), (y0, y1) = (float(v) for v in x_range), (float(v) for v in y_range)
    if x0 == x1 or y0 == y1 or not np.isfinite([x0, x1, y0, y1]).all():
        raise ValueError(f"x_range and y_range must have two different finite ends, got {x_range} and {y_range}")
    def box(x, y):  # data units → the image's 0 … 1000 box, (x0, y1) at its top left
        return (np.asarray(x, float) - x0) / (x1 - x0) * 1000, (y1 - np.asarray(y, float)) / (y1 - y0) * 1000

    stroke = 'fill="none" vector-effect="non-scaling-stroke"'
    parts = []
    for name, group, color, width, *dash in lines:
        dash = dash[0] if dash else "solid"
        if dash not in SVG_DASHES:
            raise ValueError(f"lines: dash must be one of {', '.join(SVG_DASHES)}, got {dash!r}")
        legend_entry(fig, name, mode="lines", line=dict(color=color, width=width, dash=dash))
        d = polylines_path(group, box)
        if d:
            unit = max(width, 3)
            pattern = (f' stroke-dasharray="{" ".join(f"{unit * k:g}" for k in SVG_DASHES[dash])}"'
                       if dash != "solid" else "")
            parts.append(f'<path d="{d}" stroke="{html.escape(color)}" stroke-width="{width:g}"{pattern} {stroke}/>')
    for x, y, color, size in dots:
        if np.shape(x) != np.shape(y) or np.ndim(x) != 1:
            raise ValueError(f"dots: x and y must be 1-D and of one length, got shapes {np.shape(x)} and {np.shape(y)}")
        bx, by = box(x, y)
        finite = np.isfinite(bx) & np.isfinite(by)
        d = "".join(dot_subpaths(bx[finite], by[finite]))
        if d:  # round caps draw each zero-length subpath as a dot
            parts.append(f'<path d="{d}" stroke="{html.escape(color)}" stroke-width="{size:g}" '
                         f'stroke-linecap="round" {stroke}/>')
    for x, y, texts, color, share in labels:
        texts = list(texts)
        if not np.shape(x) == np.shape(y) == (len(texts),):
            raise ValueError(f"labels: x, y and texts must be 1-D and of one length, got shapes {np.shape(x)}, "
                             f"{np.shape(y)} and {len(texts)} texts")
        bx, by = box(x, y)
        height = share * 1000  # the text's height in box units
        elements = [f'<text x="{a:.4g}" y="{b:.4g}">{html.escape(str(text))}</text>'
                    for a, b, text in zip(bx.tolist(), by.tolist(), texts) if np.isfinite(a) and np.isfinite(b)]
        parts += [f'<g fill="{html.escape(color)}" font-size="{height:.4g}" font-family="sans-serif" font-weight="bold" '
                  f'text-anchor="middle" dominant-baseline="central" stroke="white" stroke-width="{height / 5:.3g}" '
                  'paint-order="stroke">', *elements, "</g>"]
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1000" preserveAspectRatio="none">'
           + "".join(parts) + "</svg>")
    return _add_stretched_image(fig, _svg_uri(svg), xref, yref, x0, y1, abs(x1 - x0), abs(y1 - y0))


def dot_subpaths(x, y) -> list[str]:
    """One zero-length subpath ``Mx,yZ`` per point, 4 significant digits: a stroke with round caps draws a dot."""
    return list(map("M{:.4g},{:.4g}Z".format, np.asarray(x, float).tolist(), np.asarray(y, float).tolist()))


DOTS_LAYER = "between"  # above the grid, below any trace; ui.live_chart's CSS rounds line caps here and only here


def add_dots(fig: Figure, x, y, colors, opacity=None, size: int = 8, xref: str = "x", yref: str = "y") -> Figure:
    """Points as round dots ``size`` px across, one CSS colour (and optionally one opacity) per point.

    Drawn as layout shapes, so recolouring the points (a K-means assignment, an EM E-step) is a layout change
    that Plotly redraws in about 10 ms, where recolouring a scatter trace's markers forces a full replot
    (about 28 ms for EM's 300 points, standalone in Chromium). Each point is a zero-length subpath ``Mx,yZ``
    that a ``size``-wide stroke with round caps draws as a dot; Plotly has no line-cap setting, so the round
    caps come from ui.live_chart's CSS for the dots' shape layer (which also exports dots as polygons). One
    path shape per colour and opacity, the opacity rounded to fifths, on the panel ``xref``/``yref``. Dots have
    no hover labels."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    colors = np.broadcast_to(np.asarray(colors, dtype=object), x.shape)
    levels = np.broadcast_to(1.0 if opacity is None else np.clip(np.round(np.asarray(opacity, float) * 5) / 5, 0.2, 1.0),
                             x.shape)
    points = np.array(dot_subpaths(x, y), dtype=object)
    for color, level in sorted({(c, float(o)) for c, o in zip(colors, levels)}):
        group = (colors == color) & (levels == level)
        fig.add_shape(type="path", path="".join(points[group]), xref=xref, yref=yref, layer=DOTS_LAYER, opacity=level,
                      line=dict(color=color, width=size))
    return fig


def add_lines(fig: Figure, x, ys, name: str, line: dict, opacity: float = 1.0, clip: float = 1e6,
              xref: str = "x", yref: str = "y", showlegend: bool = True) -> Figure:
    """Curves y = ys[i](x), one per row of ``ys``, as one path shape with a legend entry.

    Values are clipped to ±``clip`` (the plot area clips what lies outside the axes anyway). With
    ``showlegend=False`` the shape joins the legend entry of the same ``name`` drawn elsewhere."""
    ys = np.clip(np.atleast_2d(np.asarray(ys, float)), -clip, clip)
    path = " ".join(svg_path(x, row) for row in ys)
    legend = (legend_entry(fig, name, mode="lines", line=line, opacity=opacity) if showlegend
              else dict(legendgroup=name, showlegend=False))
    return fig.add_shape(type="path", path=path, xref=xref, yref=yref, name=name, line=line, opacity=opacity, **legend)


def log10_axis(fig: Figure, low: float, high: float, title: str, axis: str = "yaxis", snap: int = 1) -> Figure:
    """A linear axis over log10 values labelled in powers of ten, for data drawn as shapes.

    Shapes on a Plotly log axis must be given in log10 units anyway, and a linear axis keeps the ticks under
    our control: whole decades, at most about eight of them, written 10⁻⁶ style. Both ends of the range sit
    on ticks, so values that move a little leave the axis as it was and Plotly redraws only the shapes.
    ``snap`` (decades) puts both ends on multiples of it: for values that move by a decade or more each time a
    slider moves, snap=5 changes the axis once every few moves instead of on every one."""
    if snap not in (1, 2, 5, 10):
        raise ValueError(f"snap must be 1, 2, 5 or 10 decades, got {snap}")
    first, last = int(np.floor(low / snap)) * snap, int(np.ceil(high / snap)) * snap
    if last - first < 1:  # all values on one decade: a snap either side
        first, last = first - snap, last + snap
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200)
                if (last - first) / s <= 8 and (snap % s == 0 or s % snap == 0))
    first, last = first - first % step, last + -last % step
    decades = list(range(first, last + 1, step))
    pad = 0.04 * (last - first)
    return fig.update_layout(**{axis: dict(type="linear", range=[first - pad, last + pad], tickvals=decades, title=title,
                                           ticktext=[f"10<sup>{d}</sup>" for d in decades])})


def contour_path(xs, ys, z, levels) -> str:
    """The lines where the gridded surface ``z`` (rows follow ``ys``) crosses each of ``levels``, as one path."""
    generator = contourpy.contour_generator(np.asarray(xs, float), np.asarray(ys, float), np.asarray(z, float),
                                            line_type=contourpy.LineType.Separate)
    lines = [line for level in np.atleast_1d(levels) for line in generator.lines(float(level)) if len(line) > 1]
    return " ".join(svg_path(line[:, 0], line[:, 1]) for line in lines)


def add_contours(fig: Figure, xs, ys, z, levels, name: str, dash: str = "solid", color: str = "#111827",
                 width: float = 2) -> Figure:
    """Contour lines of ``z`` at ``levels`` as one path shape with a legend entry (none if never crossed)."""
    path = contour_path(xs, ys, z, levels)
    line = dict(color=color, width=width, dash=dash)
    return fig.add_shape(type="path", path=path or "M0,0", xref="x", yref="y", name=name, visible=bool(path),
                         line=line, **legend_entry(fig, name, mode="lines", line=line))


def add_rings(fig: Figure, x, y, radius: float, name: str, color: str = "#111827", width: float = 2) -> Figure:
    """Circles of ``radius`` (data units: use with equal axes) around the points, as one path shape."""
    angles = np.linspace(0, 2 * np.pi, 17)
    circle_x, circle_y = radius * np.cos(angles), radius * np.sin(angles)
    path = " ".join(svg_path(a + circle_x, b + circle_y) + " Z" for a, b in zip(np.asarray(x, float), np.asarray(y, float)))
    ring = dict(symbol="circle-open", size=15, color=color, line=dict(width=width, color=color))
    return fig.add_shape(type="path", path=path or "M0,0", xref="x", yref="y", name=name, visible=bool(path),
                         line=dict(color=color, width=width), **legend_entry(fig, name, mode="markers", marker=ring))


def _color_table(colorscale) -> np.ndarray:
    """256 RGB colours sampled along a Plotly colour scale: a name ("RdBu_r") or a list of [position, colour]."""
    return _sampled_scale(colorscale if isinstance(colorscale, str) else tuple(map(tuple, colorscale)))


@lru_cache(maxsize=16)
def _named_scale(name: str) -> tuple:
    """Plotly's colour scale ``name`` as (position, colour) pairs (``get_colorscale`` takes 0.7 ms a call, idle)."""
    return tuple(map(tuple, get_colorscale(name)))


@lru_cache(maxsize=8)
def _sampled_scale(colorscale) -> np.ndarray:
    scale = [list(stop) for stop in (_named_scale(colorscale) if isinstance(colorscale, str) else colorscale)]
    colors = sample_colorscale(scale, np.linspace(0, 1, 256), colortype="tuple")
    return np.round(np.array(colors) * 255).astype(np.uint8)


def _png_uri(image: Image.Image, **save) -> str:
    """``image`` as a PNG data URI (what a layout image's ``source`` takes)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **save)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _svg_uri(svg: str) -> str:
    """An SVG document as a data URI (what a layout image's ``source`` takes)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _add_stretched_image(fig: Figure, source: str, xref: str, yref: str, left: float, top: float, width: float,
                         height: float, **style) -> Figure:
    """Lay ``source`` over the rectangle from (left, top), ``width`` × ``height`` axis units, under the traces."""
    fig.layout.setdefault("images", []).append(dict(
        source=source, xref=xref, yref=yref, x=left, y=top, sizex=width, sizey=height, sizing="stretch",
        xanchor="left", yanchor="top", layer="below", **style))
    return fig


def heatmap_image(z, colorscale: str, zmin: float, zmax: float) -> str:
    """The surface ``z`` (rows follow y upwards) coloured on ``colorscale`` as a PNG data URI."""
    return _png_uri(Image.fromarray(cell_colors(z, colorscale, zmin, zmax)[::-1]))  # image rows run top to bottom


def add_heatmap_image(fig: Figure, xs, ys, z, colorscale: str, zmin: float, zmax: float, opacity: float = 1.0) -> Figure:
    """Paint ``z`` over the rectangle the grid spans, under the traces."""
    return _add_stretched_image(fig, heatmap_image(z, colorscale, zmin, zmax), "x", "y", float(xs[0]), float(ys[-1]),
                                float(xs[-1] - xs[0]), float(ys[-1] - ys[0]), opacity=opacity)


def grid_image(codes, colors, gap_color: str = "#FFFFFF", pixels: int = 480) -> str:
    """A grid of cells coloured ``colors[code]``, with thin gaps between cells, as a PNG data URI.

    Each cell becomes a block of pixels (about ``pixels`` across in all) with a gap of a tenth of a cell
    on its lower-right edges, wide enough to survive the browser scaling the image to the chart. Images
    are cached: a class moving the same sliders asks for the same few grids."""
    codes = np.asarray(codes, np.int8)
    return _grid_image(codes.tobytes(), codes.shape, tuple(colors), gap_color, pixels)


@lru_cache(maxsize=256)
def _grid_image(code_bytes: bytes, shape: tuple, colors: tuple, gap_color: str, pixels: int) -> str:
    codes = np.frombuffer(code_bytes, np.int8).reshape(shape)
    rows, cols = shape
    cell = max(4, pixels // max(rows, cols))
    indices = np.repeat(np.repeat(codes.astype(np.uint8), cell, axis=0), cell, axis=1)
    gap = len(colors)  # the palette's last entry
    width = max(1, cell // 10)
    for offset in range(cell - width, cell):
        indices[offset::cell, :] = gap
        indices[:, offset::cell] = gap
    # A palette image: one byte a pixel, so encoding takes a third of the time an RGB image did.
    image = Image.fromarray(indices, mode="P")
    image.putpalette([int(c[i:i + 2], 16) for c in (*colors, gap_color) for i in (1, 3, 5)])
    return _png_uri(image, compress_level=1)  # flat blocks compress well anyway


def add_grid_image(fig: Figure, codes, colors, x: str = "x", y: str = "y") -> Figure:
    """Draw the cell grid ``codes`` on the axes ``x``, ``y`` with row 0 at the top, cell (r, c) centred on (c, r)."""
    rows, cols = np.shape(codes)
    _add_stretched_image(fig, grid_image(codes, colors), x, y, -0.5, -0.5, cols, rows)
    fig.update_layout(**{"xaxis" + x[1:]: dict(range=[-0.5, cols - 0.5]),
                         "yaxis" + y[1:]: dict(range=[rows - 0.5, -0.5])})  # reversed: row 0 at the top
    return square_axes(fig, x, y)  # square cells; the plot area shrinks to the grid


# Matrices of coloured cells (attention's V and output) drawn as a layout image under a constant colour-bar
# trace: a heatmap trace whose values change replots its chart on every move (~120 → 12 ms a redraw for
# attention's two 10×12 maps). Cell (r, c) is centred on (c, r) with row 0 at the top, like add_grid_image.

def cell_colors(z, colorscale, zmin: float, zmax: float) -> np.ndarray:
    """RGB (uint8, shape z.shape + (3,)) of each value on the colour scale; NaN cells are white."""
    z = np.asarray(z, float)
    scaled = np.clip((np.nan_to_num(z, nan=zmin) - zmin) / (zmax - zmin), 0, 1)
    rgb = _color_table(colorscale)[np.round(scaled * 255).astype(int)]
    rgb[np.isnan(z)] = 255
    return rgb


def cells_image(z, colorscale, zmin: float, zmax: float, pixels: int = 20) -> str:
    """The cells as a PNG data URI, ``pixels`` px per cell so the browser's scaling keeps their edges sharp;
    NaN cells are transparent (the plot's background shows)."""
    z = np.asarray(z, float)
    rgba = np.dstack([cell_colors(z, colorscale, zmin, zmax), np.where(np.isnan(z), 0, 255).astype(np.uint8)])
    return _png_uri(Image.fromarray(np.repeat(np.repeat(rgba, pixels, axis=0), pixels, axis=1), mode="RGBA"),
                    compress_level=1)


def cells_svg(z, colorscale, zmin: float, zmax: float, text, gap: float = 0, font_size: int = 12) -> str:
    """The cells with ``text[i][j]`` printed in each, as an SVG data URI; NaN cells stay empty (transparent).

    Printed numbers are what make a Plotly heat map dear: its ``texttemplate`` redraws about 3,000 DOM nodes
    whenever a value changes (about 50 ms for attention's 10 × 10 weights in Chromium), where a new image is
    one attribute. The SVG has no viewBox: cells are placed in percentages of the box the chart gives the
    image, so the text keeps its size and shape (``font_size`` px) when the cells are not square, and stays
    sharp at any zoom. Text is white on dark cells; ``gap`` px of white separate the cells."""
    z = np.asarray(z, float)
    rows, cols = z.shape
    rgb = cell_colors(z, colorscale, zmin, zmax)
    dark = rgb @ np.array([0.299, 0.587, 0.114]) < 128
    width, height = 100 / cols, 100 / rows
    stroke = f' stroke="#FFFFFF" stroke-width="{gap:g}"' if gap else ""
    cells = []
    for i, j in zip(*np.nonzero(np.isfinite(z))):
        red, green, blue = rgb[i, j]
        cells.append(f'<rect x="{j * width:.6g}%" y="{i * height:.6g}%" width="{width:.6g}%" height="{height:.6g}%" '
                     f'fill="#{red:02X}{green:02X}{blue:02X}"{stroke}/><text x="{(j + 0.5) * width:.6g}%" '
                     f'y="{(i + 0.5) * height:.6g}%" fill="{"#FFFFFF" if dark[i, j] else "#111827"}">'
                     f'{html.escape(str(text[i][j]))}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" font-size="{font_size}" '
           f'font-family="Open Sans, Arial, sans-serif" text-anchor="middle" dominant-baseline="central">'
           + "".join(cells) + "</svg>")
    return _svg_uri(svg)


def add_cells(fig: Figure, z, colorscale, zmin: float, zmax: float, x: str = "x", y: str = "y",
              pixels: int = 20, text=None, gap: float = 0, font_size: int = 12) -> Figure:
    """Draw the matrix ``z`` (rows top to bottom) on the axes ``x``, ``y``; NaN cells show the plot's background.

    With ``text`` (an array of strings shaped like ``z``) each cell prints its entry (``cells_svg``); without,
    the cells are a PNG of ``pixels`` px a cell. Either way a change of values redraws one layout image, not a
    trace. The axes' ranges are fixed to the cells."""
    rows, cols = np.shape(z)
    source = (cells_image(z, colorscale, zmin, zmax, pixels) if text is None
              else cells_svg(z, colorscale, zmin, zmax, text, gap, font_size))
    _add_stretched_image(fig, source, x, y, -0.5, -0.5, cols, rows)
    return fig.update_layout(**{"xaxis" + x[1:]: dict(range=[-0.5, cols - 0.5]),
                                "yaxis" + y[1:]: dict(range=[rows - 0.5, -0.5], autorange=False)})


def colorbar(colorscale: str, zmin: float, zmax: float, **bar) -> dict:
    """An empty trace that draws only the colour bar of ``colorscale`` from ``zmin`` to ``zmax``."""
    return dict(type="scatter", x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                marker=dict(color=[zmin, zmax], cmin=zmin, cmax=zmax,
                            colorscale=[list(stop) for stop in _named_scale(colorscale)],
                            showscale=True, colorbar=bar))
