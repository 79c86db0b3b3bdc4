"""The browser bench's floor: the least a Streamlit page with one Plotly chart costs on this machine (a title and a
bar chart, no sidebar, no tables). ``bench/browser_bench.py`` times it beside the dashboard's pages, so each page's
figure can be read against what Streamlit and Plotly cost by themselves."""

import plotly.graph_objects as go
import streamlit as st

st.title("Floor")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), theme=None, width="stretch")
