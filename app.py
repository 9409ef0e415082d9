"""ML Playground: page config, a one-off engine warm-up, the pages, and the bar of topic menus (ui/nav.py)."""
import streamlit as st

from ui.catalog import TOPICS
from ui.live_chart import forget_held_charts
from ui.nav import nav_bar
from ui.page import warm_up_engine

st.set_page_config(page_title="ML Playground", page_icon=":material/tune:", layout="wide")
warm_up_engine()
forget_held_charts()  # every full run may mount the page's charts anew

LOOSE_PAGES = [st.Page("topics/home.py", title="Home", icon=":material/home:", default=True),
               st.Page("topics/interview_drill.py", title="Interview drill", icon=":material/quiz:",
                       url_path="interview_drill")]
TOPIC_PAGES = [st.Page(t.page_path, title=t.title, icon=t.icon, url_path=t.slug) for t in TOPICS]

# Streamlit's own navigation stays hidden (so no grouping): ui.nav draws a lighter bar of menus (see its
# docstring). ?embed=true (slides, an LMS) leaves the bar out, just the page.
page = st.navigation(LOOSE_PAGES + TOPIC_PAGES, position="hidden")
if not st.context.is_embedded:
    nav_bar(page.url_path, [(p.url_path, p.title) for p in LOOSE_PAGES])
page.run()
