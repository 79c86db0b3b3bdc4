"""The dashboard's entry point and router: page config, navigation, the shared sidebar, then the chosen page.

``st.navigation`` comes before the shared helpers are imported: on a fresh server the first visitor then sees
Streamlit's own page list for milliseconds instead of about a second (see ``pages/ui/nav.py``)."""

import streamlit as st

from pages.ui.nav import page_list, run_page

st.set_page_config(page_title="LLM cost-performance", page_icon="💸", layout="wide")
pages = page_list()
page = st.navigation(pages)

from pages.ui.common import refresh_registry, shared_sidebar  # noqa: E402 - after st.navigation, see the docstring
from pages.ui.guide import page_not_found, unknown_path  # noqa: E402

shared_sidebar(refresh_registry())
missing = unknown_path(pages)
if missing is not None:
    page_not_found(missing)
else:
    run_page(page)
