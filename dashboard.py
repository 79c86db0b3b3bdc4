"""The dashboard's entry point and router: page config, navigation, the shared sidebar, then the chosen page.

``st.navigation`` comes before the shared helpers are imported: on a fresh server the first visitor then sees
Streamlit's own page list for milliseconds instead of about a second (see ``pages/ui/nav.py``)."""

import streamlit as st

from pages.ui.nav import page_list, run_page

st.set_page_config(page_title="LLM cost-performance", page_icon="💸", layout="wide")
page = st.navigation(page_list())

from pages.ui.common import refresh_registry, shared_sidebar  # noqa: E402 - after st.navigation, see the docstring

shared_sidebar(refresh_registry())
run_page(page)
