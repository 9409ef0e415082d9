"""The latency baseline: one slider, one Plotly chart, same theme and URL binding as the real pages."""
import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Trivial baseline", layout="wide")
X = np.linspace(0, 1, 200)


@st.fragment
def live():
    frequency = st.slider("Frequency", 1, 40, 5, key="f", bind="query-params")
    fig = go.Figure(go.Scatter(x=X, y=np.sin(2 * np.pi * frequency * X)))
    fig.update_layout(height=400)
    st.plotly_chart(fig, key="chart", theme=None)


live()
