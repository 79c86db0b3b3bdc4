"""The dashboard in a real browser (Playwright driving Debian's Chromium): every page renders a chart with no
Streamlit error and no console error; a control redraws its chart; a shared link reproduces a view.

Screenshots of every page go to ``artifacts/screenshots/`` (the run prints the folder): look at them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_no_streamlit_error,
    chart,
    full_screenshot,
    quiet,
    start_server,
    svg_texts,
    wait_for_app,
    wait_for_chart,
)

PAGES = [
    # (url path, screenshot name, the chart every one of them must show)
    ("", "overview", "cost-vs-hle"),
    ("prices", "prices", "price-history"),
    ("blended", "blended", "blended-prices"),
    ("context_tiers", "context-tiers", "context-tiers"),
    ("cost_vs_hle", "cost-vs-hle", "cost-vs-hle"),
]


def open_page(page, app_url: str, path: str, query: str = ""):
    page.goto(f"{app_url}/{path}{'?' + query if query else ''}")
    wait_for_app(page)


@pytest.mark.parametrize(("path", "name", "chart_name"), PAGES, ids=[p[1] for p in PAGES])
def test_every_page_renders_a_chart_without_errors(page, app_url, console_errors, path, name, chart_name):
    open_page(page, app_url, path)
    plot = wait_for_chart(page, chart_name)
    assert plot.locator("svg .scatterlayer, svg .barlayer").count() > 0, "the chart has no data layer"
    assert_no_streamlit_error(page)
    quiet(page)  # let late tracebacks and console errors arrive before judging
    full_screenshot(page, name)
    assert console_errors == []


def test_blend_ratio_control_redraws_the_chart_and_updates_the_url(page, app_url, console_errors):
    open_page(page, app_url, "blended", "on=2026-01-28")  # the seed's day: Kimi K2.5 was retired on 2026-08-31
    wait_for_chart(page, "blended-prices", has_text="at 3:1")
    before = svg_texts(chart(page, "blended-prices").locator(".barlayer text"))
    assert "$1.20" in before  # Kimi K2.5 at 3:1: (3 × 0.60 + 3.00) / 4

    page.locator("[data-testid='stMain'] label").filter(has_text=re.compile(r"^1:1")).first.click()
    wait_for_chart(page, "blended-prices", has_text="at 1:1")
    wait_for_app(page)
    after = svg_texts(chart(page, "blended-prices", has_text="at 1:1").locator(".barlayer text"))
    assert "$1.80" in after  # (0.60 + 3.00) / 2
    assert after != before
    assert parse_qs(urlparse(page.url).query).get("blend") == ["1:1"]  # Blended's own key (it offers "custom")
    assert_no_streamlit_error(page)
    assert console_errors == []


def test_output_tokens_control_redraws_the_context_tier_chart(page, app_url, console_errors):
    open_page(page, app_url, "context_tiers")
    wait_for_chart(page, "context-tiers", has_text="1,000 output tokens")
    box = page.get_by_label("Output tokens per request")
    box.fill("8000")
    box.press("Enter")
    wait_for_chart(page, "context-tiers", has_text="8,000 output tokens")
    wait_for_app(page)
    assert parse_qs(urlparse(page.url).query).get("output") == ["8000"]
    assert_no_streamlit_error(page)
    assert console_errors == []


def test_condition_control_changes_the_cost_vs_hle_markers(page, app_url, console_errors):
    open_page(page, app_url, "cost_vs_hle")
    wait_for_chart(page, "cost-vs-hle", has_text="with tools")
    page.locator("[data-testid='stMain'] label").filter(has_text=re.compile(r"^no-tools")).first.click()
    wait_for_chart(page, "cost-vs-hle", has_text="· no tools")  # the legend: "China · no tools"
    wait_for_app(page)
    legend = " ".join(svg_texts(chart(page, "cost-vs-hle", has_text="· no tools").locator(".legend text")))
    assert "no tools" in legend and "with tools" not in legend
    assert_no_streamlit_error(page)
    assert console_errors == []


@pytest.mark.parametrize(
    ("path", "query", "chart_name", "expected"),
    [
        ("blended", "blend=10:1&cache=50", "blended-prices", "at 10:1"),
        ("context_tiers", "output=4000&scale=linear", "context-tiers", "4,000 output tokens"),
        ("cost_vs_hle", "condition=no-tools&reporters=vendor&ratio=1:1", "cost-vs-hle", "(1:1)"),
        ("prices", "history=output", "price-history", "Output price history"),
    ],
    ids=["blended", "context-tiers", "cost-vs-hle", "prices"],
)
def test_a_shared_link_reproduces_the_view(page, app_url, console_errors, path, query, chart_name, expected):
    open_page(page, app_url, path, query)
    wait_for_chart(page, chart_name, has_text=expected)
    assert_no_streamlit_error(page)
    # the URL still carries the view after the page has run (nothing reset it to the defaults)
    shown = parse_qs(urlparse(page.url).query)
    for key, values in parse_qs(query).items():
        assert shown.get(key) == values, (key, shown)
    full_screenshot(page, f"shared-link-{path}")
    assert console_errors == []


def test_the_shared_link_sets_the_controls_too(page, app_url, console_errors):
    open_page(page, app_url, "cost_vs_hle", "condition=no-tools&reporters=vendor&ratio=1:1")
    wait_for_chart(page, "cost-vs-hle", has_text="· no tools")
    body = page.locator("[data-testid='stMain']")  # the score policy is in the page body (phones too)
    assert body.get_by_role("radio", name=re.compile(r"^no-tools")).is_checked()
    chosen = body.locator("[data-testid='stMultiSelect'] [data-tag]")
    expect(chosen).to_have_count(1)  # the chips render after the chart: wait for them
    expect(chosen).to_have_attribute("aria-label", "vendor")
    assert console_errors == []


FRESH_LINKS = [
    # (deep link, the chart it must show, text in that chart, the page's title in the router's list)
    ("blended?blend=1:1", "blended-prices", "at 1:1", "Blended price"),
    ("context_tiers?output=4000", "context-tiers", "4,000 output tokens", "Context tiers"),
]


@pytest.mark.parametrize(("link", "chart_name", "text", "title"), FRESH_LINKS, ids=[f[1] for f in FRESH_LINKS])
def test_a_shared_link_works_as_the_first_request_of_a_fresh_server(page, console_errors, link, chart_name, text,
                                                                     title):
    """With ``pages/`` beside dashboard.py, a fresh server runs a linked page alone (legacy multipage mode: no
    router, no shared sidebar) until some session calls ``st.navigation``; the router guard at the top of every
    page (pages/ui/nav.py) hands the run to the router. Regression for both the guard and the folder name."""
    proc, url = start_server()
    try:
        page.goto(f"{url}/{link}")
        wait_for_app(page)
        wait_for_chart(page, chart_name, has_text=text)
        wait_for_app(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.get_by_text("Currency", exact=True).count() == 1  # the shared sidebar ran
        nav = " ".join(sidebar.locator("[data-testid='stSidebarNav']").all_inner_texts())
        assert title in nav and "Agent workloads" in nav  # the router's page list, not the pages/ folder's
        assert "common" not in nav and "nav" not in nav.split() and "dashboard" not in nav
        assert_no_streamlit_error(page)
        assert console_errors == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.log_file.close()


def test_an_unknown_path_says_page_not_found_and_links_to_the_calculator(page, app_url, console_errors):
    """Not silently the Overview: the router shows "Page not found" with a link per task; the link to the
    Calculator opens it, with every model priced (screenshot: calculator.png)."""
    page.goto(f"{app_url}/pricess")
    expect(page.get_by_role("heading", name="🧭 Page not found")).to_be_visible(timeout=45_000)
    expect(page.get_by_text("There is no page at /pricess")).to_be_visible()
    assert page.get_by_role("heading", name="💸 LLM cost-performance").count() == 0
    page.keyboard.press("Escape")  # Streamlit's own "page not found" dialog, shown over ours
    page.get_by_role("link", name="Price one request").click()
    expect(page.get_by_role("heading", name="🧮 Calculator")).to_be_visible(timeout=45_000)
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=45_000)
    expect(page.get_by_text("can take this request")).to_be_visible()
    wait_for_app(page)
    assert_no_streamlit_error(page)
    full_screenshot(page, "calculator")
    # Streamlit logs its own dialog's message as a console error; nothing else may appear
    assert [e for e in console_errors if "does not seem to exist" not in e] == []
