"""ui.live_chart: Plotly.js from the plotly package as the component's own asset; only changed parts are sent."""
from pathlib import Path

import numpy as np
import orjson
import plotly

from ui import live_chart
from ui.theme import Figure


def test_plotly_js_is_the_chart_components_asset_from_the_plotly_package():
    """Served by Streamlit's component-asset route, not /app/static/ (which a private Cloud app redirects)."""
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert live_chart.PLOTLY_ASSETS / live_chart.PLOTLY_JS == source.resolve()
    assert b"plotly.js v" in source.read_bytes()[:200]
    assert live_chart.plotly_src() == f"/_stcore/bidi-components/{live_chart.COMPONENT}/plotly.min.js"


def test_datarevision_changes_with_the_data_but_not_with_the_layout():
    def revision(y, threshold):
        spec = {"data": [{"type": "scatter", "y": np.asarray(y, float)}],
                "layout": {"shapes": [{"type": "line", "x0": threshold, "x1": threshold}]}}
        figure = orjson.loads(live_chart.chart_payload(spec, {"displaylogo": False})[0])["figure"]
        assert figure["data"][0]["y"] == list(y) and figure["config"]["responsive"] is True
        return figure["layout"]["datarevision"]

    assert revision([1, 2], 0.1) == revision([1, 2], 0.9)
    assert revision([1, 2], 0.1) != revision([1, 3], 0.1)


def test_frames_travel_with_a_revision_that_changes_only_with_them():
    def payload(frames, title):
        spec = {"data": [], "layout": {"title": {"text": title}}, "frames": frames}
        return orjson.loads(live_chart.chart_payload(spec, {})[0])

    first, second = payload([{"name": "0", "data": []}], "step 1"), payload([{"name": "0", "data": []}], "step 2")
    assert first["figure"]["frames"] == [{"name": "0", "data": []}]
    assert first["frames_revision"] == second["frames_revision"]
    assert payload([{"name": "1", "data": []}], "step 1")["frames_revision"] != first["frames_revision"]
    assert "frames_revision" not in payload(None, "no animation")


def test_parts_the_browser_holds_are_left_out_and_the_rest_is_sent():
    spec = {"data": [{"type": "scatter", "y": np.arange(3.0)}], "layout": {"title": {"text": "step 1"}},
            "frames": [{"name": "0", "data": [{"y": [1.0]}]}]}
    first, held = live_chart.chart_payload(spec, {})
    again, held_again = live_chart.chart_payload({**spec, "layout": {"title": {"text": "step 2"}}}, {}, held)
    assert held_again == held
    figure = orjson.loads(again)["figure"]
    assert "data" not in figure and "frames" not in figure
    assert figure["layout"]["title"]["text"] == "step 2"
    assert figure["layout"]["datarevision"] == held[0] and orjson.loads(again)["frames_revision"] == held[1]
    assert len(again) < len(first)

    new_data = orjson.loads(live_chart.chart_payload({**spec, "data": [{"type": "scatter", "y": [5.0]}]}, {}, held)[0])
    assert new_data["figure"]["data"] == [{"type": "scatter", "y": [5.0]}] and "frames" not in new_data["figure"]
    whole = orjson.loads(live_chart.chart_payload(spec, {}, None)[0])["figure"]
    assert "data" in whole and "frames" in whole


def test_tick_lists_travel_plain_and_change_the_data_revision():
    """Plotly.react never compares layout data arrays itself: a base64 tick list looked new on every redraw
    (axes and traces redrawn), and a changed plain one would be missed without a new datarevision."""
    def payload(ticks, threshold):
        fig = Figure("ticks").add_trace(dict(type="scatter", y=np.arange(3.0)))
        fig.update_layout(xaxis=dict(tickvals=np.log2(ticks), ticktext=[str(t) for t in ticks]))
        fig.add_shape(type="line", x0=threshold, x1=threshold, y0=0, y1=1)
        return orjson.loads(live_chart.chart_payload(fig.to_dict(), {})[0])["figure"]["layout"]

    layout = payload([2, 4, 8], 1.0)
    assert layout["xaxis"]["tickvals"] == [1.0, 2.0, 3.0]
    assert layout["datarevision"] == payload([2, 4, 8], 2.0)["datarevision"]
    assert layout["datarevision"] != payload([2, 4, 16], 1.0)["datarevision"]
