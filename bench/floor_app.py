"""The browser bench's floors: the least a Streamlit page with one Plotly chart costs on this machine (a title and a
bar chart, no sidebar, no tables), and the same page behind ``st.navigation`` with a sidebar of nine pages, as the
dashboard has (``FLOOR_NAVIGATION=1``). ``bench/browser_bench.py`` times both beside the dashboard's pages, so each
page's figure can be read against what Streamlit, its page navigation and Plotly cost by themselves."""

import os

import plotly.graph_objects as go
import streamlit as st


def chart() -> None:
    st.title("Floor")
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), theme=None, width="stretch")


if os.environ.get("FLOOR_NAVIGATION"):
    st.set_page_config(layout="wide")
    others = [st.Page(lambda: None, title=f"Page {i}", icon="📄", url_path=f"page-{i}") for i in range(1, 9)]
    st.navigation([st.Page(chart, title="Chart", icon="📈", default=True), *others]).run()
else:
    chart()
