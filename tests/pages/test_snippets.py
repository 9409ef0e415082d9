"""Every page's “Reproduce in Python” script, run in a subprocess, prints the numbers the page shows.

At the page's defaults and at the second state recorded in its states file. The scripts use numpy, scipy,
scikit-learn or torch directly, so this is an independent check of the engine behind each page.
"""
import os
import subprocess
import sys

import pytest

from tests.pages.conftest import exceptions, open_page
from tests.pages.states import load_states
from ui.catalog import TOPICS
from ui.snippet import SNIPPET_MARK, snippet_key


def parse_output(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.strip().splitlines() if ": " in line)


def same_number(shown: str, printed: str) -> bool:
    """Equal as text, or as numbers to within one unit of the last digit the page shows."""
    if shown == printed:
        return True
    try:
        a, b = float(shown.replace(",", "")), float(printed.replace(",", ""))
    except ValueError:
        return False
    mantissa, _, exponent = shown.lower().replace(",", "").partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    unit = 10.0 ** (int(exponent or 0) - decimals)
    return abs(a - b) <= 1.01 * unit


def page_snippets(at) -> list[tuple[str, str]]:
    """(script, expected output) pairs, in page order, once the student opens every "Reproduce in Python"."""
    suffix = snippet_key("")
    keys = [e.proto.id.split("-", 2)[-1] for e in at.expander if e.proto.id.endswith(suffix)]  # "$$ID-<hash>-<key>"
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert not exceptions(at), exceptions(at)
    blocks = list(at.code)
    return [(block.value, blocks[i + 1].value) for i, block in enumerate(blocks)
            if block.language == "python" and block.value.startswith(SNIPPET_MARK)]


@pytest.mark.parametrize("state", ["defaults", "recorded"])
@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_snippet_prints_what_the_page_shows(topic, state):
    params = {} if state == "defaults" else load_states(topic.slug)["snippet"]["state"]
    at = open_page(topic.page_path, params)
    assert not exceptions(at)
    assert not any(block.value.startswith(SNIPPET_MARK) for block in at.code), "drawn only once opened"
    snippets = page_snippets(at)
    assert snippets, "every page has a Reproduce in Python snippet"
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    for script, expected in snippets:
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, env=env)
        assert run.returncode == 0, run.stderr[-2000:]
        shown, printed = parse_output(expected), parse_output(run.stdout)
        assert shown, "the page lists the numbers its script prints"
        mismatched = {name: (value, printed.get(name)) for name, value in shown.items()
                      if name not in printed or not same_number(value, printed[name])}
        assert not mismatched, f"page vs script: {mismatched}\n{script}"
