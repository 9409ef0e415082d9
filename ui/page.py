"""The scaffold every topic page uses, so all pages read alike (see DESIGN.md, "Page anatomy")."""
from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from ui.catalog import by_slug
from ui.notes import load_notes


@dataclass(frozen=True)
class Claim:
    """A syllabus claim beside what the live numbers say about it right now."""

    claim: str
    measured: str
    holds: bool


def warm_up_engine() -> None:
    """Import every engine module under a spinner the first time this server process needs them.

    scipy and scikit-learn take a second or more to import; without this the first visitor to a
    topic page stares at a blank page.
    """
    import engine
    names = [f"engine.{m.name}" for m in pkgutil.iter_modules(engine.__path__)]
    missing = [name for name in names if name not in sys.modules]
    if missing:
        with st.spinner("Loading the maths libraries (first visit after a restart only)…"):
            for name in missing:
                importlib.import_module(name)


def topic_page(slug: str, play: Callable[[], list[Claim] | None]) -> None:
    """Render a topic page: title and intuition, the live part, then the notes.

    ``play`` draws the controls and charts and returns the claims it checked. It runs inside an
    ``st.fragment``, so moving a control reruns only the live part; a ``ValueError`` from the
    engine becomes an ``st.error`` with its message instead of a traceback.
    """
    topic, notes = by_slug(slug), load_notes(slug)
    st.title(f"{topic.icon} {topic.title}")
    st.markdown(notes.intuition)

    @st.fragment
    def live():
        try:
            claims = play() or []
        except ValueError as error:
            st.error(f"Those settings don't work: {error}", icon=":material/error:")
            claims = []
        st.subheader("What to notice")
        st.markdown("\n".join(f"- {bullet}" for bullet in notes.notice))
        if claims:
            st.subheader("Claim check")
            for claim in claims:
                show_claim(claim)

    live()
    st.subheader("Key formula")
    for formula in notes.formulas:
        st.latex(formula)
    st.subheader("Interview question")
    st.markdown(f"**{notes.question}**")
    with st.expander("Show the answer"):
        st.markdown(notes.answer)
    st.subheader("Common mistake")
    st.warning(notes.mistake, icon=":material/lightbulb:")


def show_claim(claim: Claim) -> None:
    verdict = (":green[:material/check_circle: **holds here**]" if claim.holds
               else ":red[:material/cancel: **does not hold here**]")
    with st.container(border=True):
        st.markdown(f"**Claim:** {claim.claim}  \n**Measured now:** {claim.measured}  \n**Verdict:** {verdict}")


def metric_row(values: dict[str, str], help: dict[str, str] | None = None) -> None:
    """A row of ``st.metric`` tiles, label → formatted value."""
    columns = st.columns(len(values))
    for column, (label, value) in zip(columns, values.items()):
        column.metric(label, value, help=(help or {}).get(label))
