"""ML Playground: page config, a one-off engine warm-up, and a top navigation bar built from ui/catalog.py."""
import streamlit as st

from ui.catalog import by_menu
from ui.live_chart import forget_held_charts
from ui.page import warm_up_engine

st.set_page_config(page_title="ML Playground", page_icon=":material/tune:", layout="wide")
warm_up_engine()
forget_held_charts()  # every full run may mount the page's charts anew

navigation = {"": [st.Page("topics/home.py", title="Home", icon=":material/home:", default=True),
                   st.Page("topics/interview_drill.py", title="Interview drill", icon=":material/quiz:",
                           url_path="interview_drill")]}
for menu, topics in by_menu().items():
    navigation[menu] = [st.Page(t.page_path, title=t.title, icon=t.icon, url_path=t.slug) for t in topics]

# ?embed=true (slides, an LMS) also hides the navigation, leaving just the page.
st.navigation(navigation, position="hidden" if st.context.is_embedded else "top").run()
