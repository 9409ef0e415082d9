"""ML Playground: page config and navigation, built from ui/catalog.py."""
import streamlit as st

from ui.catalog import by_section

st.set_page_config(page_title="ML Playground", page_icon=":material/tune:", layout="wide")

navigation = {"": [st.Page("topics/home.py", title="Home", icon=":material/home:", default=True)]}
for section, topics in by_section().items():
    navigation[section] = [st.Page(t.page_path, title=t.title, icon=t.icon, url_path=t.slug) for t in topics]

st.navigation(navigation, expanded=True).run()
