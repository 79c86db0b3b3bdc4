"""(4) In Chromium, per page: navigation → first chart drawn, and a control change → the chart redrawn (goals:
medians ≤ 800 ms and ≤ 300 ms). A page without a chart (the Calculator) is timed to its first table, and has no
redraw figure.

A server is started as the browser tests start it (tests/e2e/conftest.py ``start_server``); the entry point is
loaded once first (a fresh server serves a first direct page URL from the pages/ folder otherwise). "Chart drawn"
is a Plotly ``.main-svg`` inside ``[data-testid="stPlotlyChart"]``; "redrawn" is a chart whose ``_fullLayout``
object is new after the change (Plotly replaces it on every draw). The control is the shared sidebar's currency.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from bench.common import median, ms, print_table
from bench.goals import CONTROL_TO_REDRAWN_S, NAVIGATION_TO_FIRST_CHART_S, at_most, word
from bench.page_list import NO_CHART, discover_pages

CHART_DRAWN = '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg'
MARK_CHARTS = """() => { window.__benchOld = new Set(Array.from(document.querySelectorAll('.js-plotly-plot'))
                                             .map(g => g._fullLayout)); }"""
REDRAWN = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
                    .some(g => g._fullLayout && !window.__benchOld.has(g._fullLayout))"""


def _url(base: str, page) -> str:
    query = urlencode(page.query)
    return f"{base}/{page.url_path}" + (f"?{query}" if query else "")


def _choose_currency(browser_page, currency: str) -> None:
    box = browser_page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Currency")
    box.click()
    option = browser_page.get_by_role("option", name=currency, exact=True)
    option.wait_for(timeout=10_000)
    browser_page.evaluate(MARK_CHARTS)
    start = time.perf_counter()
    option.click()
    return start


def _time_navigations(page, url: str, drawn: str, navigations: int) -> list[float]:
    """Seconds from opening ``url`` (from a blank tab) to ``drawn`` visible, ``navigations`` times; fewer when one
    draws nothing within 20 s (the times before it are kept)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    times: list[float] = []
    for _ in range(navigations):
        page.goto("about:blank")
        start = time.perf_counter()
        page.goto(url)
        try:
            page.locator(drawn).first.wait_for(timeout=20_000)
        except PlaywrightTimeout:
            break
        times.append(time.perf_counter() - start)
    return times


def _floor(navigations: int, with_navigation: bool) -> float | None:
    """Navigation → first chart on bench/floor_app.py (one chart; ``with_navigation``: behind ``st.navigation``
    with a sidebar of nine pages), timed as the pages are."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, start_server, stop_server

    proc, base = start_server({"FLOOR_NAVIGATION": "1"} if with_navigation else {},
                              script=ROOT / "bench" / "floor_app.py")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.goto(base)
            page.locator(CHART_DRAWN).first.wait_for(timeout=60_000)
            times = _time_navigations(page, base, CHART_DRAWN, navigations)
            browser.close()
    finally:
        stop_server(proc)
    return median(times) if times else None


def run(quick: bool = False) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from analytics.core.registry import bundled_registry
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, start_server, stop_server, wait_for_app

    (ROOT / "artifacts").mkdir(exist_ok=True)
    other = next(c for c in bundled_registry().currencies() if c != "USD")
    navigations = 2 if quick else 3
    changes = 2 if quick else 3
    proc, base = start_server()
    results: dict[str, Any] = {}
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(base)
            wait_for_app(page)
            page.locator(CHART_DRAWN).first.wait_for(timeout=60_000)  # the server is warm: caches, imports
            for ref in discover_pages():
                url = _url(base, ref)
                note = "" if ref.has_chart else "no chart: its first table"
                first_chart = _time_navigations(page, url, NO_CHART.get(ref.path, CHART_DRAWN), navigations)
                if len(first_chart) < navigations:
                    note = "nothing drawn within 20 s"
                redraw: list[float] = []
                if first_chart and ref.has_chart:
                    wait_for_app(page)
                    for i in range(changes):
                        start = _choose_currency(page, other if i % 2 == 0 else "USD")
                        try:
                            page.wait_for_function(REDRAWN, timeout=15_000)
                        except PlaywrightTimeout:
                            note = "no redraw within 15 s"
                            break
                        redraw.append(time.perf_counter() - start)
                        wait_for_app(page)
                navigation = median(first_chart) if first_chart else None
                change = median(redraw) if redraw else None
                results[ref.path] = {
                    "title": ref.title, "url": url.removeprefix(base) or "/", "has_chart": ref.has_chart,
                    "navigation_to_first_chart_s": navigation, "navigation_runs_s": first_chart,
                    "navigation_goal_met": at_most(navigation, NAVIGATION_TO_FIRST_CHART_S),
                    "change_to_redrawn_chart_s": change, "change_runs_s": redraw,
                    "change_goal_met": at_most(change, CONTROL_TO_REDRAWN_S),
                    "note": note,
                }
                rows.append({"page": ref.title, "navigation → first chart": ms(navigation),
                             f"≤ {NAVIGATION_TO_FIRST_CHART_S * 1000:.0f} ms": word(at_most(
                                 navigation, NAVIGATION_TO_FIRST_CHART_S)),
                             "currency change → redrawn": ms(change),
                             f"≤ {CONTROL_TO_REDRAWN_S * 1000:.0f} ms": word(at_most(change, CONTROL_TO_REDRAWN_S)),
                             "note": note})
            browser.close()
    finally:
        stop_server(proc)
    floor = _floor(navigations + 2, with_navigation=False)
    floor_nav = _floor(navigations + 2, with_navigation=True)
    for row, measured in zip(rows, results.values(), strict=True):  # a row per page, in the same order
        value = measured["navigation_to_first_chart_s"]
        row["× floor with navigation"] = f"{value / floor_nav:.1f}×" if value and floor_nav else "n/a"
    blank = dict.fromkeys(rows[0] if rows else {}, "—")
    rows.append({**blank, "page": "floor: one chart, nothing else", "navigation → first chart": ms(floor),
                 "note": "bench/floor_app.py: Streamlit and Plotly by themselves"})
    rows.append({**blank, "page": "floor with st.navigation", "navigation → first chart": ms(floor_nav),
                 "note": "the same chart behind st.navigation, a sidebar of nine pages"})
    print_table(f"(4) Chromium, median of {navigations} navigations and {changes} currency changes per page", rows)
    return {"floor_navigation_to_first_chart_s": floor, "floor_with_st_navigation_s": floor_nav,
            "navigations": navigations, "changes": changes,
            "goal_navigation_s": NAVIGATION_TO_FIRST_CHART_S, "goal_change_s": CONTROL_TO_REDRAWN_S, "pages": results}
