"""One step of a page's first slider (the control the page is about) must not change any chart's trace data.

A chart whose traces change is replotted from nothing in the browser (20–200 ms a chart on this machine); one
whose layout alone changes (shapes, images, annotations, ranges, title) is redrawn in a few ms (see
ui.live_chart and ui.shapes). Typical slips this catches: a legend name that carries a live number (a legend
entry is a trace), points or curves that move with the slider drawn as traces. No page needs an exception any
more: what the first slider moves is drawn as shapes or images on every page.
AppTest reruns the whole script, so this test does not see a fragment that fails to rerun (the browser tests do).
"""
import pytest
from streamlit.testing.v1.element_tree import SelectSlider, Slider

from tests.pages.conftest import chart_figures, exceptions, open_page
from ui.catalog import TOPICS

def first_slider(node):
    """The first slider or select slider in page order (what a student meets first, and what bench/latency.py moves)."""
    if isinstance(node, (Slider, SelectSlider)):
        return node
    for child in getattr(node, "children", {}).values():
        found = first_slider(child)
        if found is not None:
            return found
    return None


def step(widget):
    """Set ``widget`` one step to the right, or to the left at its maximum."""
    if isinstance(widget, SelectSlider):
        options = [float(o) for o in widget.options]  # ui.controls.log_slider: numbers shown with :g
        i = options.index(float(widget.value))
        target = options[i + 1] if i + 1 < len(options) else options[i - 1]
        return widget.set_value(type(widget.value)(target))
    value, size = widget.value, widget.proto.step
    target = value + size if value + size <= widget.max else value - size
    return widget.set_value(type(value)(round(target, 10)))


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_a_first_slider_step_changes_no_chart_data(topic):
    at = open_page(topic.page_path)
    widget = first_slider(at._tree)
    assert widget is not None, "every topic page has a slider"
    before, value = chart_figures(at), widget.value
    step(widget).run()
    assert not exceptions(at), exceptions(at)
    assert first_slider(at._tree).value != value, "the step moved the slider"
    after = chart_figures(at)
    assert len(after) == len(before)
    assert after != before, "the slider moved at least one chart"
    replotted = [i for i, (old, new) in enumerate(zip(before, after)) if new.get("data") != old.get("data")]
    assert not replotted, (f"a step of {widget.key} changed the trace data of chart(s) {replotted}: draw what it "
                           "moves as layout (ui.shapes), keep live numbers out of legend names")
