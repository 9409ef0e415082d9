"""ui.live_chart serves the plotly package's own Plotly.js from static/, so charts never need the network."""
from pathlib import Path

import plotly

from ui import live_chart


def test_plotly_js_is_copied_from_the_plotly_package_once(tmp_path, monkeypatch):
    monkeypatch.setattr(live_chart, "STATIC_DIR", tmp_path / "static")
    live_chart.install_plotly_js.clear()
    copied = live_chart.install_plotly_js()
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert copied == tmp_path / "static" / "plotly.min.js"
    assert copied.read_bytes() == source.read_bytes()
    assert b"plotly.js v" in copied.read_bytes()[:200]
    live_chart.install_plotly_js.clear()
