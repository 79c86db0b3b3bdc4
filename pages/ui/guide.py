"""Where to start: the Overview's "what are you trying to do?" block, and the page shown for an unknown path.

Layout only, self-contained (the Overview calls ``task_guide()``; the router calls ``unknown_path`` and
``page_not_found``). Not in ``nav.py``: a guarded page imports nothing but streamlit before its rerun.
"""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st

from pages.ui.common import md_escape

TASKS = (
    ("pages/prices.py", "💲", "Compare prices",
     "every model's input, output and cache prices, long-context tiers, regions and service tiers"),
    ("pages/calculator.py", "🧮", "Price one request",
     "your prompt, cached, output and reasoning tokens → its cost on every model"),
    ("pages/workloads.py", "🤖", "Budget an agent",
     "cost per task and per month of a loop or a swarm of agents, tool fees and latency included"),
    ("pages/replay.py", "🧾", "Check my bill",
     "upload a usage log: what last month's traffic cost, and would have cost on other models"),
    ("pages/cost_vs_hle.py", "🎯", "Capability per dollar",
     "HLE score against blended price, with the Pareto frontier"),
)
"""(page, icon, the task in the visitor's words, what the page gives)."""

SEED_REPORT = ("**The seed report** is the January 2026 market report this project started from: it compared five "
               "models (Qwen3-Max-Thinking, Kimi K2.5, GPT-5.2, Gemini 3 Pro, Claude Opus 4.5) on price and HLE; "
               "its figures are kept in the registry as the source “seed report”.")


def task_guide() -> None:
    """"What are you trying to do?": one link per task, each to the page that answers it, and the seed report in
    one line."""
    st.subheader("What are you trying to do?")
    columns = st.columns(len(TASKS))
    for column, (path, icon, task, what) in zip(columns, TASKS, strict=True):
        with column:
            st.page_link(path, label=task, icon=icon)
            st.caption(what)
    st.caption(SEED_REPORT)


def page_not_found(path: str) -> None:
    """What an unknown address shows (instead of silently another page): the path, and links to every task."""
    st.title("🧭 Page not found")
    st.error(f"There is no page at /{md_escape(path)}. Check the address, or pick a page below or in the sidebar.",
             icon="🚫")
    st.page_link("pages/overview.py", label="Overview: what this dashboard answers", icon="🏠")
    task_guide()


def unknown_path(pages: list[st.Page]) -> str | None:
    """The path the visitor asked for when no page has it (``/pricess``), else None — called after
    ``st.navigation``, which falls back to the default page for an unknown path (its own "page not found" dialog
    then says it runs the main page: the router shows a not-found page instead, with links).

    Reads ``st.context.url`` (the browser's address, public API): None outside a browser (AppTest)."""
    url = st.context.url
    if not url:
        return None
    path = urlparse(url).path.strip("/")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base):].strip("/")
    known = {page.url_path for page in pages}
    return None if path in known or path == "" else path
