"""Hypothesis drives every widget of every catalog page to random valid values: the page never raises.

FUZZ_EXAMPLES (default 6 per page) sets how many random settings each page gets; try 200 for a long run.
"""
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.pages.conftest import exceptions, open_page
from ui.catalog import TOPICS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
LOGITS = st.lists(st.floats(-50, 50, allow_nan=False).map(lambda v: f"{v:.3g}"), min_size=2, max_size=12).map(", ".join)


# Hypothesis needs the same draws every time: the widgets on a page (and their ranges) depend on other
# widgets, so each example draws one fixed-size pool of fractions in [0, 1] and maps them onto widgets.
POOL = st.lists(st.integers(0, 1000).map(lambda i: i / 1000), min_size=96, max_size=96)


def pick(fraction, options):
    return options[min(int(fraction * len(options)), len(options) - 1)]


def slider_value(fraction, widget):
    steps = round((widget.max - widget.min) / widget.step)
    value = widget.min + round(fraction * steps) * widget.step
    return int(value) if isinstance(widget.value, int) else round(float(value), 10)


def randomise(at, fractions, logits_text):
    """Set every widget on the current page to a valid value chosen by ``fractions``."""
    f = iter(fractions)
    for widget in at.slider:
        widget.set_value(slider_value(next(f), widget))
    for widget in at.select_slider:
        widget.set_value(type(widget.value)(pick(next(f), widget.options)))
    for widget in at.selectbox:
        widget.select_index(widget.options.index(pick(next(f), widget.options)))
    for widget in at.get("button_group"):
        widget.set_value(pick(next(f), widget.options))
    for widget in at.multiselect:
        widget.set_value([option for option in widget.options if next(f) < 0.4])
    for widget in at.toggle:
        widget.set_value(next(f) < 0.5)
    for widget in at.number_input:
        high = min(widget.max, 512)
        widget.set_value(float(round(widget.min + next(f) * (high - widget.min))))
    for widget in at.text_input:
        widget.set_value(logits_text)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_random_valid_widget_values_never_raise(topic):
    at = open_page(topic.page_path)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("FUZZ_RANDOM") is None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(fractions=POOL, logits_text=LOGITS)
    def run(fractions, logits_text):
        randomise(at, fractions, logits_text)
        at.run()
        assert not exceptions(at), exceptions(at)

    run()
