"""ui.shapes: layout-only drawing must put lines, areas and pixels where the data say."""
import base64
import io
import re

import numpy as np
import pytest
import plotly.graph_objects as go
from PIL import Image

from ui.shapes import (DOTS_LAYER, add_cells, add_contours, add_dots, add_grid_image, add_heatmap_image, add_svg_image,
                       add_polylines, add_rings, add_segments, cell_colors, cells_image, cells_svg, colorbar, contour_path,
                       fill_under, grid_image, heatmap_image, log10_axis, mark_point, polylines_path, svg_path)
from ui.theme import figure

GRID = np.linspace(-2, 2, 81)
XX, YY = np.meshgrid(GRID, GRID)


def path_points(path: str) -> np.ndarray:
    return np.array([[float(a), float(b)] for a, b in re.findall(r"[ML](-?[\d.e+-]+),(-?[\d.e+-]+)", path)])


def test_contour_of_a_circle_lies_on_the_circle():
    points = path_points(contour_path(GRID, GRID, XX ** 2 + YY ** 2 - 1, 0))
    assert len(points) > 50
    np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), 1, atol=0.01)


def test_contours_follow_rows_as_y_and_draw_every_level():
    tilted = YY - 0.5 * XX  # zero on the line y = x / 2
    points = path_points(contour_path(GRID, GRID, tilted, [-1, 1]))
    offsets = points[:, 1] - 0.5 * points[:, 0]
    assert np.all(np.isclose(offsets, -1, atol=1e-6) | np.isclose(offsets, 1, atol=1e-6))
    assert np.isclose(offsets, -1).any() and np.isclose(offsets, 1).any()


def test_a_level_never_reached_hides_its_shape_but_keeps_the_legend():
    fig = add_contours(figure(), GRID, GRID, XX ** 2, 100, "never")
    (shape,) = fig.layout["shapes"]
    assert shape["visible"] is False and fig.data[0]["name"] == "never"


def test_heatmap_image_puts_high_values_red_top_right_and_low_values_blue():
    z = XX + YY  # largest at the top right
    image = Image.open(io.BytesIO(base64.b64decode(heatmap_image(z, "RdBu_r", -4, 4).split(",", 1)[1])))
    assert image.size == (len(GRID), len(GRID))
    top_right, bottom_left = np.array(image.getpixel((80, 0))), np.array(image.getpixel((0, 80)))
    assert top_right[0] > top_right[2] and bottom_left[2] > bottom_left[0]


def test_heatmap_image_spans_the_grid_below_the_traces():
    fig = add_heatmap_image(figure(), GRID, GRID, XX, "RdBu_r", -1, 1, opacity=0.5)
    (image,) = fig.layout["images"]
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-2, 2, 4, 4)
    assert image["layer"] == "below" and image["xanchor"] == "left" and image["yanchor"] == "top"


def test_fill_under_closes_the_area_down_to_zero():
    fig = fill_under(figure(), [0, 1, 2], [1, 2, 1], "red", "area")
    path = fig.layout["shapes"][0]["path"]
    assert path.startswith("M0,0 L0,1") and path.endswith("L2,1 L2,0 Z")


def test_rings_draw_one_closed_circle_per_point():
    fig = add_rings(figure(), [0, 3], [0, 0], 0.5, "rings")
    path = fig.layout["shapes"][0]["path"]
    assert path.count("M") == 2 and path.count("Z") == 2
    points = path_points(path)
    np.testing.assert_allclose(np.hypot(points[:17, 0], points[:17, 1]), 0.5, atol=1e-4)


def test_shapes_join_their_legend_entries_and_make_a_valid_figure():
    fig = figure()
    mark_point(fig, 0.3, 0.7, "threshold")
    mark_point(fig, 0.5, 0.5, "threshold", showlegend=False)
    add_contours(fig, GRID, GRID, XX, 0, "boundary", dash="dash")
    validated = go.Figure(fig.to_dict())
    assert [trace.name for trace in validated.data] == ["threshold", "boundary"]
    assert all(shape.legendgroup in ("threshold", "boundary") and not shape.showlegend for shape in validated.layout.shapes)
    assert validated.layout.shapes[0].xsizemode == "pixel" and validated.layout.shapes[0].xanchor == 0.3


def test_grid_image_colours_each_cell_and_keeps_row_zero_at_the_top():
    codes = np.array([[0, 1, 1], [1, 2, 1], [1, 1, 1]])
    colors = ["#000000", "#0000FF", "#FF0000"]
    image = Image.open(io.BytesIO(base64.b64decode(grid_image(codes, colors, pixels=60).split(",", 1)[1]))).convert("RGB")
    assert image.size == (60, 60)  # 20 pixels a cell
    assert image.getpixel((5, 5)) == (0, 0, 0) and image.getpixel((25, 25)) == (255, 0, 0)
    assert image.getpixel((45, 5)) == (0, 0, 255) and image.getpixel((19, 5)) == (255, 255, 255)  # a gap
    fig = add_grid_image(figure(), codes, colors)
    assert fig.layout["yaxis"]["range"] == [2.5, -0.5] and fig.layout["images"][0]["sizex"] == 3


def test_undefined_values_are_left_out_rather_than_written_into_the_path():
    assert path_points(svg_path([0, 1, 2, 3], [1, np.nan, np.inf, 4])).tolist() == [[0, 1], [3, 4]]
    fig = mark_point(figure(), 0.5, np.nan, "threshold")  # e.g. a recall with no positives in the sample
    assert "shapes" not in fig.layout and fig.data[0]["name"] == "threshold"


def test_polylines_are_separate_subpaths_closed_on_request():
    segments = [([0, 1], [0, 1]), ([2, 3], [2, 2])]
    open_path = add_polylines(figure(), segments, "moved", dict(color="black")).layout["shapes"][0]["path"]
    assert open_path == "M0,0 L1,1 M2,2 L3,2"
    closed = add_polylines(figure(), [([0, 1, 0], [0, 0, 1])], "triangle", dict(color="black"), closed=True)
    assert closed.layout["shapes"][0]["path"] == "M0,0 L1,0 L0,1 Z"
    empty = add_polylines(figure(), [], "nothing", dict(color="black"), showlegend=False)
    assert empty.layout["shapes"][0]["visible"] is False and empty.data == []


def test_an_outlined_cross_draws_the_outline_first_and_wider_with_one_legend_entry():
    fig = mark_point(figure(), 1.0, 2.0, "centres", color="#E69F00", width=4, outline="#111827")
    outline, cross = fig.layout["shapes"]
    assert (outline["line"], cross["line"]) == ({"color": "#111827", "width": 8}, {"color": "#E69F00", "width": 4})
    assert outline["xanchor"] == cross["xanchor"] == 1.0 and len(fig.data) == 1
    assert fig.data[0]["marker"]["color"] == "#111827"


def test_log10_axis_labels_whole_decades_and_covers_the_values():
    for low, high in ((-12.3, 0.0), (-300.0, 0.2), (0.0, 0.0), (-1.5, 250.0)):
        axis = log10_axis(figure(), low, high, "gradient").layout["yaxis"]
        ticks = axis["tickvals"]
        assert len(ticks) <= 9 and all(isinstance(t, int) for t in ticks)
        assert axis["range"][0] <= low and axis["range"][1] >= high
        assert axis["range"][0] < ticks[0] and axis["range"][1] > ticks[-1] and ticks[-1] >= high  # ends on ticks
        assert axis["ticktext"][0] == f"10<sup>{ticks[0]}</sup>" and len(set(np.diff(ticks))) <= 1
    # Values that move a little keep the same axis, so only the shapes are redrawn.
    assert log10_axis(figure(), -12.3, -0.2, "g").layout == log10_axis(figure(), -13.6, -0.9, "g").layout


def test_a_snapped_log10_axis_ends_on_multiples_of_the_snap_and_holds_through_bigger_moves():
    for low, high in ((-12.3, 0.8), (-0.4, 0.0), (-47.0, 3.1), (-1.5, 250.0), (0.0, 0.0)):
        axis = log10_axis(figure(), low, high, "g", snap=5).layout["yaxis"]
        ticks = axis["tickvals"]
        assert ticks[0] % 5 == 0 and ticks[-1] % 5 == 0 and ticks[0] <= low and ticks[-1] >= high
        assert len(ticks) <= 9 and len(set(np.diff(ticks))) <= 1
    # Sigmoid's chain at depth 20 falls by about a decade per 0.1 of w: the unsnapped axis changes, the snapped holds.
    assert log10_axis(figure(), -11.2, 0.4, "g").layout != log10_axis(figure(), -12.1, 0.9, "g").layout
    assert (log10_axis(figure(), -11.2, 0.4, "g", snap=5).layout
            == log10_axis(figure(), -14.6, 4.9, "g", snap=5).layout)
    with pytest.raises(ValueError, match="snap"):
        log10_axis(figure(), -20.0, 0.0, "g", snap=3)


def test_a_grid_on_second_axes_gets_its_own_square_cells():
    fig = add_grid_image(add_grid_image(figure(), np.ones((5, 5)), ["#000000", "#FFFFFF"]),
                         np.ones((2, 3)), ["#000000", "#FFFFFF"], x="x2", y="y2")
    layout = fig.layout
    assert layout["xaxis2"]["range"] == [-0.5, 2.5] and layout["yaxis2"]["range"] == [1.5, -0.5]
    assert layout["yaxis2"]["scaleanchor"] == "x2" and layout["yaxis"]["scaleanchor"] == "x"
    assert [image["xref"] for image in layout["images"]] == ["x", "x2"]
    go.Figure(fig.to_dict())


def test_dots_are_zero_length_subpaths_grouped_by_colour_and_opacity_in_fifths():
    fig = figure("dots")
    add_dots(fig, [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.123456], ["#0072B2", "#E69F00", "#0072B2", "#0072B2"],
             opacity=[1.0, 0.93, 0.41, 0.05])
    shapes = {(s["line"]["color"], s["opacity"]): s for s in fig.layout["shapes"]}
    assert set(shapes) == {("#0072B2", 1.0), ("#E69F00", 1.0), ("#0072B2", 0.4), ("#0072B2", 0.2)}
    assert shapes["#0072B2", 1.0]["path"] == "M1,5Z"
    assert shapes["#0072B2", 0.2]["path"] == "M4,8.123Z"  # 4 significant digits; faint points stay visible
    assert all(s["layer"] == DOTS_LAYER and s["line"]["width"] == 8 for s in shapes.values())
    assert fig.data == []  # no trace: recolouring the points is a layout change


def test_dots_go_on_the_panel_they_are_given():
    fig = add_dots(figure("dots"), [1.0, 3.0], [2.0, 4.0], "#0072B2", opacity=0.62, xref="x2", yref="y2")
    (shape,) = fig.layout["shapes"]
    assert (shape["xref"], shape["yref"], shape["opacity"], shape["path"]) == ("x2", "y2", 0.6, "M1,2ZM3,4Z")


def test_dots_of_one_colour_share_one_shape():
    fig = figure("dots")
    add_dots(fig, np.arange(300.0), np.zeros(300), "#9CA3AF")
    assert len(fig.layout["shapes"]) == 1 and fig.layout["shapes"][0]["path"].count("M") == 300


def decode_png(uri: str) -> np.ndarray:
    return np.array(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))


def test_each_cell_is_a_sharp_block_in_its_place_with_row_0_on_top():
    z = np.array([[-1.0, 1.0, 0.0], [1.0, -1.0, np.nan]])
    pixels = decode_png(cells_image(z, "RdBu", -1, 1, pixels=4))
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


def decode_svg(uri: str) -> str:
    assert uri.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def test_printed_cells_place_each_value_in_its_cell_in_percent_with_legible_text():
    import xml.etree.ElementTree as ET
    z = np.array([[0.0, 1.0], [0.5, np.nan], [0.25, 0.75]])
    text = np.char.mod("%.2f", z)
    root = ET.fromstring(decode_svg(cells_svg(z, "Blues", 0, 1, text, gap=3, font_size=13)))
    assert "viewBox" not in root.attrib and root.get("width") == "100%" and root.get("font-size") == "13"
    ns = "{http://www.w3.org/2000/svg}"
    rects, texts = root.findall(ns + "rect"), root.findall(ns + "text")
    assert len(rects) == len(texts) == 5  # the NaN cell is left empty
    colors = cell_colors(z, "Blues", 0, 1)
    by_place = {(rect.get("x"), rect.get("y")): (rect, label) for rect, label in zip(rects, texts)}
    rect, label = by_place[("50%", "0%")]  # row 0, column 1: the value 1, darkest blue
    assert rect.get("width") == "50%" and float(rect.get("height").rstrip("%")) == pytest.approx(100 / 3, abs=1e-3)
    assert rect.get("fill") == "#{:02X}{:02X}{:02X}".format(*colors[0, 1]) and rect.get("stroke-width") == "3"
    assert (label.text, label.get("x"), label.get("fill")) == ("1.00", "75%", "#FFFFFF")  # white on dark
    rect, label = by_place[("0%", "0%")]
    assert (label.text, label.get("fill")) == ("0.00", "#111827")  # dark on the palest cell
    assert ("50%", f"{100 / 3:.6g}%") not in by_place  # row 1, column 1 was NaN


def test_printed_cells_escape_their_text_and_replace_the_png_in_add_cells():
    fig = add_cells(figure(), np.ones((1, 2)), "Blues", 0, 1, text=[["<b>", "a&b"]])
    (image,) = fig.layout["images"]
    svg = decode_svg(image["source"])
    assert "&lt;b&gt;" in svg and "a&amp;b" in svg and "<b>" not in svg
    assert fig.layout["xaxis"]["range"] == [-0.5, 1.5] and fig.layout["yaxis"]["range"] == [0.5, -0.5]


def test_lines_image_maps_data_units_onto_the_stretched_box_even_on_a_reversed_axis():
    fig = add_svg_image(figure(), [-2.0, 2.0], [10.0, -0.0], lines=[
        ("hit", [([-1.0, 1.0], [0.0, 0.0]), ([0.0, 0.5], [10.0, 10.0])], "#0072B2", 3), ("miss", [], "#D55E00", 3)])
    image = fig.layout["images"][0]
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-2.0, 0.0, 4.0, 10.0)
    assert image["xanchor"] == "left" and image["yanchor"] == "top" and image["sizing"] == "stretch"
    svg = decode_svg(image["source"])
    # y = 0 is the top of a reversed [10, 0] axis, y = 10 its bottom; x = -2 … 2 spans 0 … 1000.
    np.testing.assert_allclose(path_points(svg), [[250, 0], [750, 0], [500, 1000], [625, 1000]])
    assert svg.count("<path") == 1 and 'vector-effect="non-scaling-stroke"' in svg
    assert [trace["name"] for trace in fig.data] == ["hit", "miss"]  # both keep their legend entry
    go.Figure(fig.to_dict())
    for bad in ([1.0, 1.0], [np.nan, 1.0], [0.0, np.inf]):
        with pytest.raises(ValueError, match="x_range"):
            add_svg_image(figure(), bad, [0.0, 1.0])


def test_lines_image_keeps_each_groups_colour_and_starts_a_reversed_x_axis_at_its_left_end():
    fig = add_svg_image(figure(), [2.0, -2.0], [0.0, 1.0], lines=[("a", [([1.0, 0.0], [0.0, 0.0])], "#0072B2", 3),
                                                                  ("b", [([-1.0, -2.0], [1.0, 1.0])], "#D55E00", 2)])
    image = fig.layout["images"][0]
    assert (image["x"], image["sizex"], image["y"], image["sizey"]) == (2.0, 4.0, 1.0, 1.0)
    svg = decode_svg(image["source"])
    paths = re.findall(r'<path d="([^"]+)" stroke="([^"]+)" stroke-width="([^"]+)"', svg)
    assert [(stroke, width) for _, stroke, width in paths] == [("#0072B2", "3"), ("#D55E00", "2")]
    # x = 2 is the left end of the reversed axis (0 in the box), x = -2 the right end (1000); y = 1 the top.
    np.testing.assert_allclose(path_points(paths[0][0]), [[250, 1000], [500, 1000]])
    np.testing.assert_allclose(path_points(paths[1][0]), [[750, 0], [1000, 0]])


def test_svg_image_draws_dots_then_escaped_labels_where_the_data_put_them():
    fig = add_svg_image(figure(), [0.0, 10.0], [0.0, 10.0], lines=[("fit", [([0.0, 10.0], [5.0, 5.0])], "#111827", 2)],
                        dots=[([1.0, np.nan, 5.0], [1.0, 2.0, 5.0], "rgba(0,114,178,0.55)", 8)],
                        labels=[([2.5, 7.5], [10.0, 0.0], ["7", "<b>"], "#0072B2", 0.05)])
    (image,) = fig.layout["images"]
    svg = decode_svg(image["source"])
    assert svg.index("#111827") < svg.index("stroke-linecap") < svg.index("<text")  # lines, dots, labels
    dots = re.search(r'<path d="([^"]+)" stroke="rgba\(0,114,178,0.55\)" stroke-width="8" stroke-linecap="round"', svg)
    assert dots.group(1) == "M100,900ZM500,500Z"  # the NaN point is left out; y runs down in the box
    assert re.findall(r'<text x="([^"]+)" y="([^"]+)">([^<]*)</text>', svg) == [("250", "0", "7"), ("750", "1000", "&lt;b&gt;")]
    assert 'font-size="50"' in svg  # 5 % of the image's height
    assert [trace["name"] for trace in fig.data] == ["fit"]  # dots and labels bring no legend entry
    with pytest.raises(ValueError, match="dots"):
        add_svg_image(figure(), [0.0, 1.0], [0.0, 1.0], dots=[([0.5, 0.2], 0.5, "#000000", 8)])
    with pytest.raises(ValueError, match="labels"):
        add_svg_image(figure(), [0.0, 1.0], [0.0, 1.0], labels=[([0.5, 0.2], [0.5, 0.1], ["only one"], "#000000", 0.05)])


def test_segments_draw_the_finite_two_point_polylines_and_check_their_shape():
    segments = np.random.default_rng(0).normal(size=(30, 2, 3))
    segments[4, 1, 0] = np.nan  # an undefined end: the segment is left out whole
    segments[7, 0, 2] = np.nan  # the third coordinate is not drawn: segment 7 stays
    fig = add_segments(figure(), segments, "SMOTE segment", dict(color="#CC79A7", width=1))
    kept = np.delete(segments, 4, axis=0)
    expected = add_polylines(figure(), [(s[:, 0], s[:, 1]) for s in kept], "SMOTE segment", dict(color="#CC79A7", width=1))
    assert fig.layout["shapes"] == expected.layout["shapes"] and fig.data == expected.data
    assert len(path_points(fig.layout["shapes"][0]["path"])) == 2 * len(kept)
    for empty in (np.empty((0, 2, 3)), []):
        assert add_segments(figure(), empty, "none", dict(width=1)).layout["shapes"][0]["visible"] is False
    for bad in (np.zeros((4, 2, 1)), np.zeros((4, 3, 2)), np.zeros((2, 2))):
        with pytest.raises(ValueError, match="segments"):
            add_segments(figure(), bad, "bad", dict(width=1))


def test_polylines_path_is_the_joined_svg_paths_of_its_lines():
    rng = np.random.default_rng(1)
    lines = [(rng.normal(size=k), rng.normal(size=k)) for k in (2, 5, 1, 3, 0)]
    lines[1][0][2] = np.nan  # left out, as svg_path leaves it out
    lines[3][1][0] = np.inf  # a line's first point too
    lines.insert(2, (np.array([np.nan]), np.array([0.0])))  # a line with nothing to draw adds nothing
    assert polylines_path(lines) == " ".join(filter(None, (svg_path(x, y) for x, y in lines)))
    assert polylines_path([]) == "" and polylines_path([([np.inf], [1.0])]) == ""
    doubled = polylines_path(lines, lambda x, y: (2 * x, y))
    assert doubled == " ".join(filter(None, (svg_path(2 * x, y) for x, y in lines)))
    with pytest.raises(ValueError, match="lines"):
        polylines_path([([0.0, 1.0], [0.0, 1.0, 2.0]), ([0.0, 1.0, 2.0], [0.0, 1.0])])


def test_svg_image_dashes_a_line_group_as_plotly_would_and_says_so_in_its_legend():
    fig = add_svg_image(figure(), [0.0, 1.0], [0.0, 1.0], lines=[
        ("band", [([0.0, 1.0], [0.2, 0.2])], "#9AA0A6", 1.5, "dot"), ("level", [([0.0, 1.0], [0.5, 0.5])], "#111827", 4, "dash"),
        ("solid", [([0.0, 1.0], [0.8, 0.8])], "#0072B2", 3)])
    svg = decode_svg(fig.layout["images"][0]["source"])
    # Plotly's own dash patterns, in multiples of the stroke's width but at least 3 px: dot 1:1, dash 3:3.
    assert re.findall(r'stroke-width="([^"]+)"(?: stroke-dasharray="([^"]+)")?', svg) == [("1.5", "3 3"), ("4", "12 12"),
                                                                                         ("3", "")]
    assert [trace["line"]["dash"] for trace in fig.data] == ["dot", "dash", "solid"]
    with pytest.raises(ValueError, match="dash"):
        add_svg_image(figure(), [0.0, 1.0], [0.0, 1.0], lines=[("x", [([0.0, 1.0], [0.0, 1.0])], "#000000", 2, "dashdot")])
