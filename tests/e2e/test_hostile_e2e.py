"""A server started with a hostile registry layer (model names ``<img src=x onerror=alert(1)>`` and
``<script>alert(1)</script>``, HTML in provider names, notes and reporters): on every page the names show as text in
tables, chart labels and hover; no dialog ever opens, no ``<img src=x>`` (or svg/iframe) element is created from
data, and the injection marker ``window.__pwned`` is never set."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.page_list import discover_pages
from tests.e2e.conftest import ROOT, assert_no_streamlit_error, screenshot, start_server, stop_server, wait_for_app
from tests.robustness.hostile import HOSTILE_NAMES, write_hostile_registry

PAGES = [(page.url_path, Path(page.path).stem) for page in discover_pages()]
"""Every page of dashboard.py's PAGES list, as (URL path, file stem): a new page is covered without editing this."""

INJECTED = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    elements: [...document.querySelectorAll('img[src="x"], img[onerror], svg[onload], iframe, script:not([src])')]
        .filter(e => !(e.tagName === 'SCRIPT' && !/alert|__pwned/.test(e.textContent)))
        .map(e => e.outerHTML.slice(0, 120)),
})"""
TEXTS = """() => ({
    charts: [...document.querySelectorAll('.js-plotly-plot text')].map(t => t.textContent),
    tables: [...document.querySelectorAll('[data-testid="stDataFrame"] table td, [data-testid="stDataFrame"] th')]
        .map(t => t.textContent),
    body: document.body.innerText,
})"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    (ROOT / "artifacts").mkdir(exist_ok=True)
    folder = write_hostile_registry(tmp_path_factory.mktemp("hostile-registry"))
    proc, url = start_server({"LLM_COSTS_REGISTRY": str(folder)})
    yield url
    stop_server(proc)


STABLE = """() => {
    const count = document.querySelectorAll('.js-plotly-plot, [data-testid="stDataFrame"]').length;
    const seen = window.__settle;
    if (!seen || seen.count !== count) { window.__settle = {count, since: performance.now()}; return false; }
    return performance.now() - seen.since > 1000;
}"""


def settle(page, timeout_ms: int = 15_000) -> None:
    """Wait until the number of charts and tables has stopped changing for a second (they render after the run)."""
    wait_for_app(page, 60_000)
    page.evaluate("() => { window.__settle = undefined; }")
    page.wait_for_function(STABLE, timeout=timeout_ms)


def hover_texts(page, limit: int = 60) -> list[str]:
    """Hover every marker of every scatter on the page; the hover boxes' text."""
    seen = []
    points = page.locator(".js-plotly-plot .scatterlayer path.point")
    for i in range(min(points.count(), limit)):
        point = points.nth(i)
        if not point.is_visible():
            continue
        point.hover(force=True)  # plotly's hover layer sits above the markers
        try:
            page.wait_for_function("() => document.querySelector('.hoverlayer text')", timeout=2_000)
        except PlaywrightTimeout:
            continue  # a marker hidden under another one shows no hover box of its own
        text = page.evaluate("() => [...document.querySelectorAll('.hoverlayer text')].map(t => t.textContent)"
                             ".join(' | ')")
        if text:
            seen.append(text)
        injected = page.evaluate(INJECTED)
        assert not injected["elements"] and injected["pwned"] is None, injected
    return seen


def test_hostile_names_show_as_text_everywhere_and_no_script_runs(page, hostile_url, console_errors):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chart_text: list[str] = []
    table_text: list[str] = []
    hovers: list[str] = []
    for path, stem in PAGES:
        page.goto(f"{hostile_url}/{path}")
        settle(page)
        assert_no_streamlit_error(page)
        injected = page.evaluate(INJECTED)
        assert injected["pwned"] is None, f"{stem}: window.__pwned was set"
        assert not injected["elements"], f"{stem}: elements created from data: {injected['elements']}"
        texts = page.evaluate(TEXTS)
        chart_text += texts["charts"]
        table_text += texts["tables"]
        if stem == "cost_vs_hle":
            hovers = hover_texts(page)
            screenshot(page, "hostile-cost-vs-hle")
        assert not dialogs, f"{stem}: a dialog opened: {dialogs}"
    for name in HOSTILE_NAMES:
        assert any(name in t for t in chart_text), f"{name!r} not shown as text in any chart label"
        assert any(name in t for t in table_text), f"{name!r} not shown as text in any table"
    assert any(any(name in h for name in HOSTILE_NAMES) for h in hovers), f"no hostile name in hover: {hovers[:5]}"
    assert not dialogs
    assert page.evaluate("() => window.__pwned") is None
    assert not [e for e in console_errors if "alert" in e or "__pwned" in e], console_errors
