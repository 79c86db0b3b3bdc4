"""The dashboard's entry point and router: page config, navigation, the shared sidebar, then the chosen page."""

import streamlit as st

from views.common import registry, shared_sidebar

st.set_page_config(page_title="LLM cost-performance", page_icon="💸", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="Overview", icon="🏠", default=True),
    st.Page("views/prices.py", title="Prices", icon="💲"),
    st.Page("views/blended.py", title="Blended price", icon="⚖️"),
    st.Page("views/context_tiers.py", title="Context tiers", icon="📏"),
    st.Page("views/cost_vs_hle.py", title="Cost vs HLE", icon="🎯"),
    st.Page("views/history.py", title="Capability over time", icon="📉"),
    st.Page("views/replay.py", title="Replay usage", icon="🧾"),
    st.Page("views/workloads.py", title="Agent workloads", icon="🤖"),
]

page = st.navigation(PAGES)
shared_sidebar(registry())
page.run()
