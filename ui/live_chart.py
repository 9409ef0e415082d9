"""A Plotly chart that redraws in place: ``Plotly.react`` on a chart that stays mounted.

``st.plotly_chart`` (Streamlit 1.67) puts the figure itself into the element's identity, so a chart whose
data changed is a new element: React unmounts the old one and Plotly draws the new one from nothing
(``Plotly.newPlot``). In Chrome traces that cost 40–70 ms of main thread per chart on every slider move.
This Streamlit custom component (``st.components.v2``) keeps one element per ``key`` and hands each new
figure to ``Plotly.react``, which diffs it against the one on screen and redraws only what changed.

Plotly.js comes from the plotly Python package (``plotly/package_data/plotly.min.js``), copied once
into ``static/`` and served by Streamlit's static file serving: nothing is fetched from the internet.
"""
from __future__ import annotations

import shutil
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

export default function ({ parentElement, data }) {
  const chart = parentElement.querySelector(".playground-chart");
  // A rerun sends every chart of its fragment again; one whose figure did not change is left alone.
  const text = new TextDecoder().decode(data);
  if (text === chart.playgroundText) return cleanup(chart);
  chart.playgroundText = text;
  const { figure, plotly_src } = JSON.parse(text);
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


def live_chart(spec: dict, key: str, config: dict) -> None:
    """Draw a Plotly figure spec (``{"data", "layout", "frames"?}``) under ``key``, redrawn in place.

    The figure travels as orjson bytes: a dict would be JSON-encoded twice by Streamlit (once for the
    browser, once sorted for the element's identity) with the slower ``json`` module. orjson also
    writes NaN as null, which JSON.parse accepts and Plotly draws as a gap.
    """
    figure = {**spec, "config": {**config, "responsive": True}}
    payload = orjson.dumps({"figure": figure, "plotly_src": _plotly_src()}, option=orjson.OPT_SERIALIZE_NUMPY)
    _component(key=key, data=payload)
