"""Interview drill: a random interview question from every page's notes, its answer, and the live page that shows it.

Not a topic page (no charts or claims): it reads the questions from ``assets/notes/`` through ``ui.notes``. The
draw is seeded by the session's own counter, so "Next question" walks a fixed shuffle of the chosen sections and
never repeats a question until all have been asked; the tally of known and unknown answers lives in the session.
"""
import random

import streamlit as st

from ui import controls
from ui.catalog import SECTIONS, TOPICS, by_slug
from ui.notes import load_notes

st.title(":material/quiz: Interview drill")
st.markdown("A random question from the playground's pages. Answer it aloud, reveal the answer, then open the live "
            "page in the state that shows it. Your tally stays in this browser tab only.")

QUESTIONS = [(topic.slug, index) for topic in TOPICS for index in range(len(load_notes(topic.slug).questions))]
present = [s for s in SECTIONS if any(t.section == s for t in TOPICS)]
chosen = controls.multichoice("Sections", "drill_sections", present, default=[],
                              help="Leave empty for every section.") or present
pool = [(slug, index) for slug, index in QUESTIONS if by_slug(slug).section in chosen]
seed = controls.slider("Shuffle", "drill_seed", 0, 99, 0, help="Another shuffle of the same questions.")
order = random.Random(seed).sample(pool, len(pool))

state = st.session_state.setdefault("drill", {"position": 0, "known": 0, "unknown": 0, "answered": set()})
position = state["position"] % len(order)
slug, index = order[position]
question = load_notes(slug).questions[index]
topic = by_slug(slug)

with st.container(horizontal=True, gap="large"):
    st.metric("Question", f"{position + 1} of {len(order)}")
    st.metric("Known", state["known"])
    st.metric("Not yet", state["unknown"])

with st.container(border=True):
    st.markdown(f"**{topic.section} · {topic.title}**\n\n### {question.question}")
    with st.expander("Reveal the answer", icon=":material/visibility:"):
        st.markdown(question.answer)
        st.page_link(topic.page_path, label=f"Open {topic.title}", icon=":material/play_circle:",
                     query_params=question.state or None)


def mark(known: bool) -> None:
    key = (slug, index)
    if key not in state["answered"]:
        state["answered"].add(key)
        state["known" if known else "unknown"] += 1
    state["position"] += 1


with st.container(horizontal=True):
    st.button("I knew it", icon=":material/check:", on_click=mark, args=(True,), type="primary", key="drill_known")
    st.button("Not yet", icon=":material/close:", on_click=mark, args=(False,), key="drill_unknown")
    st.button("Skip", icon=":material/skip_next:", key="drill_skip",
              on_click=lambda: state.__setitem__("position", state["position"] + 1))
