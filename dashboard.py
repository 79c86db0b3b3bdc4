"""The dashboard's entry point and router: page config, navigation, then the chosen page."""

import streamlit as st

st.set_page_config(page_title="LLM cost-performance", page_icon="💸", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="🏠", default=True),
]

st.navigation(PAGES).run()
