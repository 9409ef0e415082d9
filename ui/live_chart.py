"""A Plotly chart that redraws in place: ``Plotly.react`` on a chart that stays mounted.

``st.plotly_chart`` (Streamlit 1.67) puts the figure itself into the element's identity, so a chart whose
data changed is a new element: React unmounts the old one and Plotly draws the new one from nothing
(``Plotly.newPlot``). In Chrome traces that cost 40–70 ms of main thread per chart on every slider move.
This Streamlit custom component (``st.components.v2``) keeps one element per ``key`` and hands each new
figure to ``Plotly.react``, which diffs it against the one on screen and redraws only what changed.

Plotly.react can only skip the expensive part (recomputing and redrawing every trace) when it knows the
data did not change: ``layout.datarevision`` says so, and it is honoured only for plain JS arrays, not for
the base64 typed arrays the figure travels in. So the server stamps each figure with a hash of its data and
the browser unpacks the typed arrays before drawing. Plotly.react never compares the layout's own data
arrays (tick values and texts, category orders) either: it trusts ``datarevision`` for them too, so they
travel as plain lists (``ui.theme.plain_arrays``) and go into the hash. Plotly also replots everything when
``layout.template`` is a new object, so the browser keeps the first template object while its text is the
same. A move that changes only shapes, annotations or images (a threshold line, an operating point) then
costs about 3 ms of Plotly instead of 15–20 ms (measured on the bias–variance error chart).

What the browser already holds is not sent again: the server remembers, per chart, the data and ▶ Play
frames it sent, and a section's rerun sends only the parts that changed. A chart mounted anew asks for
the rest through a trigger, which reruns its section.

Plotly.js comes from the plotly Python package (``plotly/package_data/plotly.min.js``), served the way
Streamlit serves a components-v2 component's own assets: the component is registered with an asset
directory (the plotly package's ``package_data``), and Streamlit answers
``/_stcore/bidi-components/<component>/plotly.min.js`` from it. That route is Streamlit's own, behind the
same login as the app on a private Community Cloud app (packaged components load their scripts through
it), unlike ``/app/static/``, and nothing is written to disk at run time or fetched from the internet. A
chart that cannot load Plotly.js says so in its place instead of staying blank.
"""
from __future__ import annotations

import functools
import zlib
from pathlib import Path

import orjson
import plotly
import streamlit as st
from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

PLOTLY_JS = "plotly.min.js"
PLOTLY_ASSETS = Path(plotly.__file__).resolve().parent / "package_data"
# A manifest-backed component's name is "<manifest>.<component>"; its asset directory is served by Streamlit.
COMPONENT = "ml_playground.chart"

# One shared <script> loads Plotly.js for every chart of the session. Streamlit calls the default export
# on mount and again with every new figure; it redraws with Plotly.react.
_JS = """
function plotlyLoaded(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__playgroundPlotly) {
    window.__playgroundPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(script);
    });
  }
  return window.__playgroundPlotly;
}

// Plotly's typed-array specs → plain arrays (see the module docstring: datarevision needs them).
const TYPED = { f8: Float64Array, f4: Float32Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array,
                u2: Uint16Array, i4: Int32Array, u4: Uint32Array };
function plainArrays(value) {
  if (Array.isArray(value)) return value.map(plainArrays);
  if (value && typeof value === "object") {
    if (typeof value.bdata === "string" && TYPED[value.dtype]) return decodeArray(value);
    for (const key in value) value[key] = plainArrays(value[key]);
  }
  return value;
}
function decodeArray({ bdata, dtype, shape }) {
  const bytes = Uint8Array.from(atob(bdata), (c) => c.charCodeAt(0));
  const flat = Array.from(new TYPED[dtype](bytes.buffer));
  if (!shape) return flat;
  const cols = Number(String(shape).split(",")[1]);
  return Array.from({ length: flat.length / cols }, (_, row) => flat.slice(row * cols, (row + 1) * cols));
}

// Dots (ui.shapes.add_dots) are zero-length subpaths in the "between" shape layer, round only through this
// component's CSS. A downloaded image has no CSS, so the camera button exports each dot as a 12-gon instead.
function dotsAsPolygons(gd) {
  const ring = Array.from({ length: 12 }, (_, k) => [Math.cos(k * Math.PI / 6), Math.sin(k * Math.PI / 6)]);
  return (gd.layout.shapes || []).map((shape) => {
    if (shape.layer !== "between" || !/^M[^LZ]+Z/.test(shape.path || "")) return shape;
    const axis = (ref, letter) => gd._fullLayout[letter + "axis" + (ref || letter).slice(1)];
    const radius = shape.line.width / 2;
    const [rx, ry] = [radius / Math.abs(axis(shape.xref, "x")._m), radius / Math.abs(axis(shape.yref, "y")._m)];
    const path = shape.path.match(/M[^MZ]+/g).map((point) => {
      const [x, y] = point.slice(1).split(",").map(Number);
      return "M" + ring.map(([c, s]) => `${x + rx * c},${y + ry * s}`).join("L") + "Z";
    }).join("");
    return { ...shape, path, fillcolor: shape.line.color, fillrule: "nonzero", line: { width: 0 } };  // overlaps stay filled
  });
}
let downloadButton;  // one object for every chart: Plotly.react replots everything when the config changes
function withDownloadButton(Plotly, config) {
  downloadButton = downloadButton || {
    name: "toImage", title: "Download plot as a PNG", icon: Plotly.Icons.camera,
    click: (gd) => Plotly.downloadImage({ data: gd.data, layout: { ...gd.layout, shapes: dotsAsPolygons(gd) } },
      { format: "png", filename: "newplot", width: gd._fullLayout.width, height: gd._fullLayout.height,
        ...gd._context.toImageButtonOptions }),
  };
  return { ...config, modeBarButtonsToRemove: [...(config.modeBarButtonsToRemove || []), "toImage"],
           modeBarButtonsToAdd: [downloadButton] };
}

export default function ({ parentElement, data, setTriggerValue }) {
  const chart = parentElement.querySelector(".playground-chart");
  // A rerun sends every chart of its fragment again; one whose figure did not change is left alone.
  const text = new TextDecoder().decode(data);
  if (text === chart.playgroundText) return cleanup(chart);
  const { figure, plotly_src, frames_revision } = JSON.parse(text);
  // The server leaves out the data and the frames when this chart already holds them (same revision).
  // A chart that lost them (it was mounted anew) asks once for everything; a rerun sends it.
  const lacksData = figure.layout.datarevision !== chart.playgroundDataRevision && !figure.data;
  const lacksFrames = frames_revision !== undefined && frames_revision !== chart.playgroundFramesRevision && !figure.frames;
  if (lacksData || lacksFrames) {
    if (chart.playgroundAskedFor !== text) setTriggerValue("resend", true);
    chart.playgroundAskedFor = text;
    return cleanup(chart);
  }
  chart.playgroundText = text;
  if (figure.layout.datarevision !== chart.playgroundDataRevision)
    [chart.playgroundData, chart.playgroundDataRevision] = [plainArrays(figure.data), figure.layout.datarevision];
  figure.data = chart.playgroundData;
  // Frames left out (or unchanged) stay as they are: Plotly.react replaces frames only when given some.
  if (frames_revision === chart.playgroundFramesRevision) delete figure.frames;
  chart.playgroundFramesRevision = frames_revision;
  const templateText = JSON.stringify(figure.layout.template);
  if (templateText === chart.playgroundTemplateText) figure.layout.template = chart.playgroundTemplate;
  else [chart.playgroundTemplate, chart.playgroundTemplateText] = [figure.layout.template, templateText];
  chart.style.minHeight = (figure.layout.height || 450) + "px";  // no jump while Plotly.js loads
  plotlyLoaded(plotly_src).then((Plotly) => {
    if (chart.playgroundText !== text) return;  // a newer figure has arrived meanwhile
    return Plotly.react(chart, { ...figure, config: withDownloadButton(Plotly, figure.config) });
  }).catch(() => {
    chart.style.minHeight = "";
    chart.innerHTML = '<div role="alert" class="playground-chart-error"></div>';
    chart.firstChild.textContent = "This chart could not be drawn: the browser could not load Plotly.js from " +
      plotly_src + ". Reload the page; if it stays blank, the server is not serving the app's component " +
      "assets (see the README's Deploy section).";
  });
  return cleanup(chart);
}

// Streamlit calls the cleanup on unmount, or at once when newer data overtook this call; purge (which
// also drops the responsive resize listener) only a chart that has left the page.
function cleanup(chart) {
  return () => { if (window.Plotly && !chart.isConnected) window.Plotly.purge(chart); };
}
"""

# Each chart is its own compositing layer with paint containment: a redraw repaints that chart alone, and the
# page's four or five re-renders around it on each move no longer repaint the charts. Median slider moves
# 5–20 % faster on six of the slowest pages in alternating A/B runs (README, Performance point 14).
_CSS = """
.playground-chart { width: 100%; will-change: transform; contain: layout paint; }
.playground-chart .layer-between .shapelayer path { stroke-linecap: round; }
.playground-chart-error { padding: 1rem; border: 1px solid #D55E00; border-radius: 0.5rem; color: #9A3412; background: #FFF7ED; }
"""


def register_chart_component():
    """Register the chart component with the plotly package's ``package_data`` as its asset directory.

    A components-v2 package declares its asset directory in its pyproject.toml; this app is not an
    installed package, so it hands Streamlit the same manifest directly (Streamlit 1.67's component
    manager, the one its manifest scanner feeds). The manifest comes first: registering it later would
    replace the component's inline code with a placeholder.
    """
    manager = get_bidi_component_manager()
    if manager.get_component_path(COMPONENT) is None:
        manifest_name, component_name = COMPONENT.split(".")
        manager.register_from_manifest(
            ComponentManifest(manifest_name, "1", [ComponentConfig(component_name, PLOTLY_ASSETS.name)]),
            PLOTLY_ASSETS.parent)
    return st.components.v2.component(
        COMPONENT,
        html='<div class="playground-chart" data-testid="playgroundChart"></div>',
        css=_CSS,
        js=_JS,
        isolate_styles=False,  # Plotly.js styles its mode bar and hover labels from the page's <head>
    )


_component = register_chart_component()


def plotly_src() -> str:
    """Where the browser loads Plotly.js: this component's asset route, under the server's base path."""
    base = st.get_option("server.baseUrlPath").strip("/")
    return ("/" + base if base else "") + f"/_stcore/bidi-components/{COMPONENT}/{PLOTLY_JS}"


def chart_payload(spec: dict, config: dict, held: tuple[int, int | None] | None = None) -> tuple[bytes, tuple[int, int | None]]:
    """The bytes one chart sends, and the (data, frames) revisions the browser holds once it has them.

    The figure's layout is stamped with ``datarevision``, a hash of the data and of the layout's data
    arrays (``layout_data_arrays``), so Plotly.react knows when only the rest of the layout changed;
    ``frames_revision`` is a hash of the animation frames. ``held`` are the
    revisions the browser already holds for this chart: data or frames with those revisions are left
    out, since the browser keeps what it unpacked. Resending unchanged parts was the largest cost of a
    step move on the EM page (290 KB of ▶ Play frames each time; its median move went from about 130 ms
    to 75 ms without them).

    orjson rather than a dict payload: a dict would be JSON-encoded twice by Streamlit (once for the
    browser, once sorted for the element's identity) with the slower ``json`` module. orjson also writes
    NaN as null, which JSON.parse accepts and Plotly draws as a gap.
    """
    options = orjson.OPT_SERIALIZE_NUMPY
    data = orjson.dumps(spec["data"], option=options)
    frames = orjson.dumps(spec["frames"], option=options) if spec.get("frames") else None
    data_revision = zlib.crc32(orjson.dumps(layout_data_arrays(spec["layout"]), option=options), zlib.crc32(data))
    revisions = (data_revision, zlib.crc32(frames) if frames else None)
    held_data, held_frames = held or (None, None)
    figure = {"layout": {**spec["layout"], "datarevision": revisions[0]}, "config": {**config, "responsive": True}}
    if revisions[0] != held_data:
        figure["data"] = orjson.Fragment(data)
    if frames and revisions[1] != held_frames:
        figure["frames"] = orjson.Fragment(frames)
    payload = {"figure": figure, "plotly_src": plotly_src()}
    if frames:
        payload["frames_revision"] = revisions[1]
    return orjson.dumps(payload, option=options), revisions


# Layout attributes that Plotly.react, like trace data, never compares: it redraws them only on a new datarevision.
LAYOUT_DATA_ARRAYS = ("tickvals", "ticktext", "categoryarray")
# Layout parts without any of them; skipped when collecting (shapes can hold thousands of paths).
_NO_DATA_ARRAYS = ("shapes", "annotations", "images", "template", "title")


def layout_data_arrays(layout) -> list:
    """The layout's tick lists and category orders, with where they sit, for the data revision."""
    found = []
    if isinstance(layout, dict):
        for key, value in layout.items():
            if key in LAYOUT_DATA_ARRAYS:
                found.append((key, value))
            elif key not in _NO_DATA_ARRAYS and isinstance(value, (dict, list)):
                found.append((key, layout_data_arrays(value)))
    elif isinstance(layout, list):
        found.extend(layout_data_arrays(item) for item in layout if isinstance(item, (dict, list)))
    return found


# Per session: chart key → the (data, frames) revisions last sent to the browser.
_HELD = "_playground_charts_held"


def forget_held_charts() -> None:
    """Send every chart whole on this run. Called on each full run: a page visit mounts its charts anew,
    while a fragment rerun (a slider inside a section) redraws charts that stay mounted."""
    st.session_state[_HELD] = {}


def live_chart(spec: dict, key: str, config: dict) -> None:
    """Draw a Plotly figure spec (``{"data", "layout", "frames"?}``) under ``key``, redrawn in place.

    Sends only what the browser does not hold yet (see ``chart_payload``); a chart that was mounted anew
    since (so lacks them) triggers a rerun that sends it everything."""
    held = st.session_state.setdefault(_HELD, {})
    payload, held[key] = chart_payload(spec, config, held.get(key))
    _component(key=key, data=payload, on_resend_change=functools.partial(_forget_held_chart, key))


def _forget_held_chart(key: str) -> None:
    st.session_state.get(_HELD, {}).pop(key, None)
