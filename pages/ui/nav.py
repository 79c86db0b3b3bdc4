"""The page list, and the guard that makes every page run through the router (``dashboard.py``).

Why a guard: a folder named ``pages/`` beside the entry script makes Streamlit, until some session has called
``st.navigation``, run a deep-linked page by itself — without the router, its sidebar or its page list (legacy
multipage mode: ``PagesManager`` and ``_mpa_v1`` in Streamlit's source). ``require_router()`` is every page's first
statement: when the router has not run in this session it registers the page list, hidden, and reruns, so the
router runs with the requested page. Public APIs only. ``tests/e2e`` opens a deep link as a fresh server's first
request to prove it.

This module imports nothing but streamlit: a guarded page pays for nothing else before the rerun.
"""

from __future__ import annotations

import streamlit as st

ROUTER_RAN = "router-ran"
"""Session-state flag: true only while ``run_page`` runs the chosen page (set just before, cleared after, so a
page that runs by itself — legacy mode, or AppTest's ``switch_page`` — never sees a stale flag)."""


def page_list() -> list[st.Page]:
    """Every page, built anew on each run: ``st.navigation`` mutates its ``st.Page`` objects, so a list held at
    module level would be shared (and raced on) by every session of the server."""
    return [
        st.Page("pages/overview.py", title="Overview", icon="🏠", default=True),
        st.Page("pages/prices.py", title="Prices", icon="💲"),
        st.Page("pages/calculator.py", title="Calculator", icon="🧮"),
        st.Page("pages/blended.py", title="Blended price", icon="⚖️"),
        st.Page("pages/context_tiers.py", title="Context tiers", icon="📏"),
        st.Page("pages/cost_vs_hle.py", title="Cost vs HLE", icon="🎯"),
        st.Page("pages/history.py", title="Capability over time", icon="📉"),
        st.Page("pages/replay.py", title="Replay usage", icon="🧾"),
        st.Page("pages/workloads.py", title="Agent workloads", icon="🤖"),
    ]


def run_page(page: st.Page) -> None:
    """Run the page the router chose, with the "router ran" flag set for exactly that run."""
    st.session_state[ROUTER_RAN] = True
    try:
        page.run()
    finally:
        st.session_state[ROUTER_RAN] = False


def require_router() -> None:
    """Every page's first statement: when the router did not start this run, hand the run over to it.

    The flag is used up here: when a page ends its run with ``st.stop()``, ``run_page``'s ``finally`` cannot clear
    it (once a stop is requested, Streamlit no longer applies session-state writes), and a stale flag would let the
    session's next direct page run (AppTest's ``switch_page``) pass without the router."""
    if not st.session_state.get(ROUTER_RAN):
        st.navigation(page_list(), position="hidden")
        st.rerun()
    st.session_state[ROUTER_RAN] = False
