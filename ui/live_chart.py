"""A Plotly chart that redraws in place: ``Plotly.react`` on a chart that stays mounted.

``st.plotly_chart`` (Streamlit 1.67) puts the figure itself into the element's identity, so a chart whose
data changed is a new element: React unmounts the old one and Plotly draws the new one from nothing
(``Plotly.newPlot``). In Chrome traces that cost 40–70 ms of main thread per chart on every slider move.
This Streamlit custom component (``st.components.v2``) keeps one element per ``key`` and hands each new
figure to ``Plotly.react``, which diffs it against the one on screen and redraws only what changed.

Plotly.react can only skip the expensive part (recomputing and redrawing every trace) when it knows the
data did not change: ``layout.datarevision`` says so, and it is honoured only for plain JS arrays, not for
the base64 typed arrays the figure travels in. So the server stamps each figure with a hash of its data and
the browser unpacks the typed arrays before drawing. Plotly also replots everything when
``layout.template`` is a new object, so the browser keeps the first template object while its text is the
same. A move that changes only shapes, annotations or images (a threshold line, an operating point) then
costs about 3 ms of Plotly instead of 15–20 ms (measured on the bias–variance error chart).

Plotly.js comes from the plotly Python package (``plotly/package_data/plotly.min.js``), copied once
into ``static/`` and served by Streamlit's static file serving: nothing is fetched from the internet.
"""
from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import orjson
import streamlit as st

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
PLOTLY_JS = "plotly.min.js"

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

export default function ({ parentElement, data }) {
  const chart = parentElement.querySelector(".playground-chart");
  // A rerun sends every chart of its fragment again; one whose figure did not change is left alone.
  const text = new TextDecoder().decode(data);
  if (text === chart.playgroundText) return cleanup(chart);
  chart.playgroundText = text;
  const { figure, plotly_src, frames_revision } = JSON.parse(text);
  // Unchanged data (same revision) reuses the arrays already unpacked, so only the layout is new work.
  if (figure.layout.datarevision !== chart.playgroundDataRevision)
    [chart.playgroundData, chart.playgroundDataRevision] = [plainArrays(figure.data), figure.layout.datarevision];
  figure.data = chart.playgroundData;
  // Animation frames (▶ Play) rarely change with the step shown: hand them over only when they did.
  if (figure.frames && frames_revision === chart.playgroundFramesRevision) delete figure.frames;
  chart.playgroundFramesRevision = frames_revision;
  const templateText = JSON.stringify(figure.layout.template);
  if (templateText === chart.playgroundTemplateText) figure.layout.template = chart.playgroundTemplate;
  else [chart.playgroundTemplate, chart.playgroundTemplateText] = [figure.layout.template, templateText];
  chart.style.minHeight = (figure.layout.height || 450) + "px";  // no jump while Plotly.js loads
  plotlyLoaded(plotly_src).then((Plotly) => {
    if (chart.playgroundText !== text) return;  // a newer figure has arrived meanwhile
    return Plotly.react(chart, figure);
  }).catch((error) => { chart.textContent = String(error); });
  return cleanup(chart);
}

// Streamlit calls the cleanup on unmount, or at once when newer data overtook this call; purge (which
// also drops the responsive resize listener) only a chart that has left the page.
function cleanup(chart) {
  return () => { if (window.Plotly && !chart.isConnected) window.Plotly.purge(chart); };
}
"""

_component = st.components.v2.component(
    "playground_chart",
    html='<div class="playground-chart" data-testid="playgroundChart"></div>',
    css=".playground-chart { width: 100%; }",
    js=_JS,
    isolate_styles=False,  # Plotly.js styles its mode bar and hover labels from the page's <head>
)


@st.cache_resource(show_spinner=False)
def install_plotly_js() -> Path:
    """Copy the plotly package's Plotly.js into ``static/`` (once; again after a plotly upgrade)."""
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    target = STATIC_DIR / PLOTLY_JS
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        STATIC_DIR.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
    return target


def _plotly_src() -> str:
    base = st.get_option("server.baseUrlPath").strip("/")
    return ("/" + base if base else "") + "/app/static/" + PLOTLY_JS


def chart_payload(spec: dict, config: dict) -> bytes:
    """The bytes one chart sends: its figure (data, layout stamped with ``datarevision``, config) and Plotly.js's URL.

    orjson rather than a dict payload: a dict would be JSON-encoded twice by Streamlit (once for the
    browser, once sorted for the element's identity) with the slower ``json`` module. orjson also writes
    NaN as null, which JSON.parse accepts and Plotly draws as a gap. ``layout.datarevision`` is a hash of
    the data, so Plotly.react knows when only the layout changed; ``frames_revision``, a hash of the
    animation frames, lets the browser skip re-adding frames that did not change.
    """
    data = orjson.dumps(spec["data"], option=orjson.OPT_SERIALIZE_NUMPY)
    figure = {**spec, "data": orjson.Fragment(data), "layout": {**spec["layout"], "datarevision": zlib.crc32(data)},
              "config": {**config, "responsive": True}}
    payload = {"figure": figure, "plotly_src": _plotly_src()}
    if spec.get("frames"):
        frames = orjson.dumps(spec["frames"], option=orjson.OPT_SERIALIZE_NUMPY)
        figure["frames"], payload["frames_revision"] = orjson.Fragment(frames), zlib.crc32(frames)
    return orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY)


def live_chart(spec: dict, key: str, config: dict) -> None:
    """Draw a Plotly figure spec (``{"data", "layout", "frames"?}``) under ``key``, redrawn in place."""
    _component(key=key, data=chart_payload(spec, config))
