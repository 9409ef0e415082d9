"""A move of these pages' first slider redraws layout only: no chart's data and no chart's title change, so the
browser redraws shapes, images and annotations without a replot (see ui.live_chart and ui.shapes), and
axis ranges that stay put are not redrawn either."""
import pytest

from tests.pages.conftest import chart_figures, exceptions, open_page

# page, the first slider's key, whether it is a select slider, its value before and after one step,
# and the indices of the charts whose axis ranges must stay put as well.
MOVES = [("topics/svm.py", "svm_C", True, 1.0, 2.0, (0, 1, 2)),
         ("topics/tsne.py", "tsne_perp", True, 30, 50, (0,)),
         ("topics/activations.py", "act_w", False, 1.0, 1.1, (0,))]  # the depth chart's log axis follows the gradients


def ranges(figure):
    layout = figure["layout"]
    return {name: layout[name].get("range") for name in layout if name.startswith(("xaxis", "yaxis"))}


@pytest.mark.parametrize("page_path, key, select, before, after, still", MOVES, ids=[m[1] for m in MOVES])
def test_a_first_slider_move_changes_layout_only(page_path, key, select, before, after, still):
    at = open_page(page_path, {key: str(before)})
    old = chart_figures(at)
    (at.select_slider(key=key) if select else at.slider(key=key)).set_value(after).run()
    assert not exceptions(at)
    new = chart_figures(at)
    assert len(new) == len(old)
    moved = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    assert moved, "the move changed no chart"
    for i in moved:
        assert new[i]["data"] == old[i]["data"], f"chart {i}: the move changed trace data (a full replot)"
        assert new[i]["layout"].get("title", {}).get("text") == old[i]["layout"].get("title", {}).get("text")
    for i in still:
        assert ranges(new[i]) == ranges(old[i]), f"chart {i}: the move changed an axis range"
