"""ui.cells: a matrix drawn as a layout image must put each value's colour in its cell, row 0 at the top."""
import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from ui.cells import add_cells, cell_colors, cells_image, colorbar
from ui.theme import figure


def decode(uri: str) -> np.ndarray:
    return np.array(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))


def test_each_cell_is_a_sharp_block_in_its_place_with_row_0_on_top():
    z = np.array([[-1.0, 1.0, 0.0], [1.0, -1.0, np.nan]])
    pixels = decode(cells_image(z, "RdBu", -1, 1, pixels=4))
    assert pixels.shape == (8, 12, 3)
    colors = cell_colors(z, "RdBu", -1, 1)
    for r in range(2):
        for c in range(3):
            assert (pixels[4 * r:4 * r + 4, 4 * c:4 * c + 4] == colors[r, c]).all()
    red, blue = colors[0, 0], colors[0, 1]  # plotly.py's RdBu: low red, high blue
    assert red[0] > red[2] and blue[2] > blue[0]
    assert (colors[1, 2] == 255).all()  # NaN: a blank cell


def test_values_outside_the_range_take_the_end_colours():
    colors = cell_colors([[-5.0, 5.0]], "Blues", 0, 1)
    np.testing.assert_array_equal(colors[0, 0], cell_colors([[0.0]], "Blues", 0, 1)[0, 0])
    np.testing.assert_array_equal(colors[0, 1], cell_colors([[1.0]], "Blues", 0, 1)[0, 0])


def test_cells_span_the_axes_of_their_panel_and_the_figure_validates():
    fig = figure().add_trace(colorbar("RdBu", -3, 3, thickness=12))
    add_cells(fig, np.zeros((4, 6)), "RdBu", -3, 3, x="x2", y="y2")
    (image,) = fig.layout["images"]
    assert (image["xref"], image["yref"], image["x"], image["y"], image["sizex"], image["sizey"]) == ("x2", "y2", -0.5, -0.5, 6, 4)
    assert fig.layout["xaxis2"]["range"] == [-0.5, 5.5] and fig.layout["yaxis2"]["range"] == [3.5, -0.5]
    fig.update_layout(xaxis2=dict(anchor="y2"), yaxis2=dict(anchor="x2"))
    go.Figure(fig.to_dict())  # every property is one Plotly knows
    assert fig.data[0]["marker"]["cmin"] == -3 and fig.data[0]["marker"]["showscale"]
