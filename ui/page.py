"""The scaffold every topic page uses, so all pages read alike (see DESIGN.md, "Page anatomy")."""
from __future__ import annotations

import contextvars
import functools
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
    """A *check*: a syllabus claim beside a live measurement that can confirm or refute it.

    The claim rule: a check must be able to fail. ``tests/pages/states/<slug>.toml`` records, for every
    check a page shows, a URL state where it holds and one where it does not, and the page tests open both.
    Measure the claim as stated, not a neighbour of it. Keep ``claim`` free of live numbers (the tests find
    a check by a phrase of it); they go in ``measured``.
    """

    claim: str
    measured: str
    holds: bool


@dataclass(frozen=True)
class Identity:
    """A *worked identity*: a theorem shown with both sides computed from the screen, never a verdict.

    For what always holds (AUC by area = AUC by pairs, softmax's shift invariance, inertia never rising
    under Lloyd's steps): ``left`` and ``right`` are the two sides as the page computes them now, and
    ``reason`` says in one line why they always agree.
    """

    claim: str
    left: str
    right: str
    reason: str


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


Checked = Claim | Identity


def topic_page(slug: str, *sections: Callable[[], list[Checked] | None]) -> None:
    """Render a topic page: title and intuition, the live sections, then the notes.

    Each section draws its controls and charts and returns the claims it checked. Each runs in its own
    ``st.fragment``, so a control reruns only the section it belongs to (a page whose parts do not
    share controls, such as the CNN calculator and the layer stack, passes one section per part). A
    ``ValueError`` from the engine becomes an ``st.error`` with its message instead of a traceback.
    "What to notice" follows the first section, and each section's claim check follows its charts.

    Headings share a markdown element with the text under them, and the claims share one: Streamlit
    re-renders every element of the page twice on each slider move (its script-run context changes when the
    run starts and ends), so fewer elements is a faster page (ROC and SVM moves were ~10 ms faster, about
    10 %, with 20 fewer elements).
    """
    if not sections:
        raise ValueError("sections: a topic page needs at least one live section")
    topic, notes = by_slug(slug), load_notes(slug)
    st.markdown(f"# {topic.icon} {topic.title}\n\n{notes.intuition}")
    for number, section in enumerate(sections):
        _live_section(section, notes.notice if number == 0 else None)
    formulas = "\n\n".join(f"$$\n{formula}\n$$" for formula in notes.formulas)
    heading = "Interview question" if len(notes.questions) == 1 else "Interview questions"
    st.markdown(f"### Key formula\n\n{formulas}\n\n### {heading}")
    for question in notes.questions:
        with st.expander(f"**{question.question}**", icon=":material/quiz:"):
            st.markdown(question.answer + (f"\n\n[:material/play_circle: See it live](/{slug}?{question.query})"
                                           if question.state else ""))
    st.markdown("### Common mistake")
    st.warning(notes.mistake, icon=":material/lightbulb:")


def show_value_error(error: ValueError) -> None:
    st.error(f"Those settings don't work: {error}", icon=":material/error:")


# The container where the running section's claims go; live parts pick it up when the section calls them.
_claims_box: contextvars.ContextVar = contextvars.ContextVar("claims_box")


@st.fragment
def _live_section(section: Callable[[], list[Checked] | None], notice: list[str] | None) -> None:
    body = st.container()
    if notice:
        st.markdown("### What to notice\n\n" + "\n".join(f"- {bullet}" for bullet in notice))
    claims_box = st.container()
    token = _claims_box.set(claims_box)
    try:
        with body:
            claims = section() or []
    except ValueError as error:
        with body:
            show_value_error(error)
        claims = []
    finally:
        _claims_box.reset(token)
    if claims:
        with claims_box:
            show_claims(claims)


def live_part(draw: Callable[..., list[Checked] | None]) -> Callable[..., None]:
    """A fragment inside a section, for the control that the page is about (a step, a threshold, C).

    Moving a control drawn inside ``draw`` reruns only ``draw``, which may write into containers the
    section made (the controls column, a chart column), so the page keeps one layout while the main
    slider redraws one or two charts instead of the whole section. Claims that depend on these controls
    are returned by ``draw`` and shown where the section's claims go (a section whose claims all come
    from its part returns none itself). ValueErrors become ``st.error`` as in ``topic_page``.
    """
    @st.fragment
    def part(claims_box, args, kwargs) -> None:
        try:
            claims = draw(*args, **kwargs)
        except ValueError as error:
            show_value_error(error)
            claims = None
        if claims:
            with claims_box:
                show_claims(claims)

    @functools.wraps(draw)
    def call(*args, **kwargs) -> None:
        part(_claims_box.get(), args, kwargs)  # the fragment keeps these arguments for its own reruns

    return call


def show_claims(claims: list[Checked]) -> None:
    """The checks and worked identities, each with what the live numbers say, in one bordered box."""
    with st.container(border=True):
        st.markdown("### Claim check\n\n" + "\n\n---\n\n".join(map(claim_text, claims)))


def claim_text(claim: Checked) -> str:
    if isinstance(claim, Identity):
        return (f"**Identity:** {claim.claim}  \n**On screen:** {claim.left} = {claim.right}  \n"
                f":blue[:material/functions: **Always holds:**] {claim.reason}")
    verdict = (":green[:material/check_circle: **holds here**]" if claim.holds
               else ":red[:material/cancel: **does not hold here**]")
    return f"**Claim:** {claim.claim}  \n**Measured now:** {claim.measured}  \n**Verdict:** {verdict}"


def metric_row(values: dict[str, str], help: dict[str, str] | None = None) -> None:
    """A row of ``st.metric`` tiles, label → formatted value.

    One horizontal container rather than ``st.columns``, which adds two blocks per tile: Streamlit
    re-renders every block and element of the page twice per slider move (see ``topic_page``)."""
    with st.container(horizontal=True, gap="large"):
        for label, value in values.items():
            st.metric(label, value, help=(help or {}).get(label), width="stretch")
