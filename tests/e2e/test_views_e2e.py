"""Today's market and the seed report's view, in a real browser.

Today (the suite pins 2026-12-01): the Cost vs HLE page plots at least 15 models that can be called today, none of
them at a disputed figure, and none retired. The seed view (one click in the sidebar, or ``?view=seed``) shows the
seed's five models on 2026-01-28 with the report's own figures, its disputed ones marked. Screenshots of both go to
``artifacts/screenshots/`` and into the README.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    assert_no_streamlit_error,
    chart,
    full_screenshot,
    start_server,
    stop_server,
    svg_texts,
    wait_for_app,
    wait_for_chart,
)

SEED_NAMES = {"Qwen3-Max-Thinking", "Kimi K2.5", "GPT-5.2", "Gemini 3 Pro"}
"""The seed's four models with an HLE figure in the report (Claude Opus 4.5 has none there)."""


@pytest.fixture(scope="module")
def today_url():
    """A server whose "today" is the registry's date, 2026-12-01 (the session's shared one runs on the seed's day)."""
    proc, url = start_server({"LLM_COSTS_TODAY": "2026-12-01"})
    yield url
    stop_server(proc)


def point_labels(page) -> list[str]:
    return svg_texts(chart(page, "cost-vs-hle").locator(".scatterlayer .textpoint text"))


PLOTTED = """el => el.querySelector('.js-plotly-plot').data
    .filter(t => t.customdata && t.mode && t.mode.includes('markers'))
    .flatMap(t => t.customdata.map(row => row[0]))"""
"""The names of the models plotted (the hover's first field): labels are thinned where points crowd, markers not."""


def test_today_plots_current_models_and_no_disputed_figure(page, today_url, console_errors):
    page.goto(f"{today_url}/cost_vs_hle")
    wait_for_app(page)
    wait_for_chart(page, "cost-vs-hle", has_text="Claude Opus 5")
    plotted = chart(page, "cost-vs-hle").first.evaluate(PLOTTED)
    assert len(set(plotted)) >= 15, plotted
    labels = point_labels(page)
    assert labels and set(labels) <= set(plotted), labels
    assert not any("disputed" in label for label in labels), labels
    assert not {"Gemini 3 Pro", "Kimi K2.5"} & set(plotted), "retired models are never plotted as live"
    assert {"Claude Opus 5.5", "Kimi K2.6", "DeepSeek V4 Pro"} <= set(plotted), plotted
    assert_no_streamlit_error(page)
    full_screenshot(page, "today-cost-vs-hle")
    assert console_errors == []


def test_one_click_opens_the_seed_view_as_the_report_had_it(page, today_url, console_errors):
    page.goto(f"{today_url}/")
    wait_for_app(page)
    wait_for_chart(page, "cost-vs-hle")
    overview = page.get_by_text(re.compile(r"can no longer be called"))
    assert overview.count() >= 1, "the Overview says which seed models have been retired"
    page.locator("[data-testid='stSidebar'] a").filter(has_text="seed report's view").first.click()
    wait_for_app(page)
    wait_for_chart(page, "cost-vs-hle", has_text="Qwen3-Max-Thinking (disputed)")
    assert "view=seed" in page.url
    labels = point_labels(page)
    plain = {label.replace(" (disputed)", "") for label in labels}
    assert plain == SEED_NAMES, labels
    assert "Qwen3-Max-Thinking (disputed)" in labels  # the seed's 58.3: press only, marked
    assert_no_streamlit_error(page)
    full_screenshot(page, "seed-view-cost-vs-hle")
    assert console_errors == []
