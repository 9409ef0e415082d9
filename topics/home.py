"""Home: what the playground is, a topic search, and one card per topic grouped by section."""
import streamlit as st

from ui.catalog import TOPICS, by_section, search

st.title(":material/tune: ML Playground")
st.markdown(
    "Every idea from a machine-learning interview syllabus as a live page: **move a control and the "
    "charts recompute from real numerics.** Each page ends with what to notice, a claim checked live "
    "against the numbers on screen, the key formula and an interview question.  \n"
    "The address bar always holds the page's settings — copy it to share exactly what you see.")

query = st.text_input("Search topics", key="q", placeholder="e.g. margin, gradient, clustering, precision",
                      max_chars=80, bind="query-params")
matches = set(t.slug for t in search(query)) if query.strip() else set(t.slug for t in TOPICS)
if not matches:
    st.info("No topic matches that search — try a shorter word.")

for section, topics in by_section().items():
    shown = [t for t in topics if t.slug in matches]
    if not shown:
        continue
    st.subheader(section)
    columns = st.columns(3)
    for i, topic in enumerate(shown):
        with columns[i % 3].container(border=True):
            st.page_link(topic.page_path, label=f"**{topic.title}**", icon=topic.icon)
            st.caption(topic.summary)
