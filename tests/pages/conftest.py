"""Helpers for AppTest page tests: open a page the way a user does, through app.py's navigation."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.live_chart import COMPONENT

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def open_page(page_path: str, query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if page_path != "topics/home.py":
        at.switch_page(page_path).run()
    return at


def chart_figures(at: AppTest) -> list[dict]:
    """The Plotly figures the page drew through ``ui.live_chart``, as the browser receives them."""
    return [json.loads(element.proto.bytes)["figure"] for element in at.get("bidi_component")
            if element.proto.component_name == COMPONENT]


def exceptions(at: AppTest) -> list[str]:
    return [e.message for e in at.exception]


@pytest.fixture
def page():
    return open_page
