"""“Reproduce in Python”: a self-contained script for the page's current settings and what it prints.

The script is written against the libraries a student would use (numpy, scipy, scikit-learn, torch), not
against ``engine/``, and prints the page's headline numbers as ``name: value`` lines. The page passes the
same numbers, formatted the same way, from its own engine results; ``tests/pages/test_snippets.py`` runs
every page's script in a subprocess and checks that it prints them, so each snippet is a second,
independent check of the engine.
"""
from __future__ import annotations

import textwrap

import streamlit as st

SNIPPET_MARK = "# Reproduce this page's numbers"


def snippet_output(prints: dict[str, str]) -> str:
    """The lines the script must print: ``name: value``, one per headline number."""
    return "\n".join(f"{name}: {value}" for name, value in prints.items())


def snippet_key(slug: str) -> str:
    """The session-state key of a page's "Reproduce in Python" expander: True while it is open."""
    return f"{slug}_snippet_open"


def reproduce(slug: str, code: str, prints: dict[str, str], needs: str = "numpy scipy scikit-learn") -> None:
    """An expander with the script (Streamlit's code block has a copy button), a download and its output.

    ``code`` is the script body (dedented here); ``prints`` the numbers the page shows, formatted exactly as
    the script prints them; ``needs`` the packages it imports.
    """
    with st.expander("Reproduce in Python", icon=":material/code:", key=snippet_key(slug), on_change="rerun"):
        if not st.session_state.get(snippet_key(slug)):
            return  # filled in when opened: a highlighted code block is dear to re-render on every slider move
        script = f"{SNIPPET_MARK} ({slug}). Needs: pip install {needs}\n" + textwrap.dedent(code).strip() + "\n"
        st.code(script, language="python")
        st.download_button("Download the script", script, file_name=f"{slug}.py", mime="text/x-python",
                           on_click="ignore", icon=":material/download:")
        st.markdown("Running it prints the numbers on this page:")
        st.code(snippet_output(prints), language="text")
