"""ui.theme's plain-dict figures must send what plotly.py itself would send."""
import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import to_typed_array_spec

from ui.theme import Figure, encode_arrays, mark_x, shade_x, square_axes


def test_arrays_encode_like_plotly_including_the_shape_of_a_heatmap():
    for array in (np.linspace(0, 1, 7), np.arange(12.0).reshape(3, 4), np.array([0, 3, 1, 2])):
        ours, plotlys = encode_arrays(array), to_typed_array_spec(array)
        assert ours["bdata"] == plotlys["bdata"] and ours["dtype"] == plotlys["dtype"]
        assert ours.get("shape") == plotlys.get("shape")


def test_figure_dict_is_a_valid_plotly_figure_with_text_axis_titles():
    fig = Figure("title", height=300, xaxis=dict(title="x"))
    fig.add_trace(dict(type="heatmap", z=np.ones((2, 3))))
    fig.update_yaxes(title="y", range=[0, 1])
    square_axes(shade_x(mark_x(fig, 0.5, "here"), [(0, 0.2, "#000", 0.1, "band")]))
    spec = fig.to_dict()
    assert spec["layout"]["xaxis"]["title"] == {"text": "x"} and spec["layout"]["yaxis"]["title"] == {"text": "y"}
    assert spec["layout"]["yaxis"]["scaleanchor"] == "x"
    # Equal units by shrinking the plot area: a widened range would make every Plotly.react a full redraw.
    assert spec["layout"]["xaxis"]["constrain"] == spec["layout"]["yaxis"]["constrain"] == "domain"
    assert len(spec["layout"]["shapes"]) == 2 and len(spec["layout"]["annotations"]) == 2
    validated = go.Figure(spec)
    assert validated.layout.height == 300 and validated.layout.template.layout.font.size == 15


def test_float32_arrays_stay_float32_and_small_labels_go_as_int8():
    assert encode_arrays(np.ones(3, dtype=np.float32))["dtype"] == "f4"
    assert encode_arrays(np.ones(3))["dtype"] == "f8"
    assert encode_arrays(np.array([0, 5, 7]))["dtype"] == "i1"
    assert encode_arrays(np.array([0, 500]))["dtype"] == "f8"
