"""Replay usage in a real browser: the generated sample, an uploaded log, and a malformed upload."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import assert_no_streamlit_error, of_requests, screenshot, wait_for_app

CHART = '[data-testid="stPlotlyChart"]'


def _open(page, app_url):
    # through the sidebar, as a visitor goes (a link straight to /replay works too: tests/e2e/test_dashboard_e2e.py)
    page.goto(app_url)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Replay usage").click()
    wait_for_app(page)
    page.get_by_text("Upload a usage log, or use a generated sample").wait_for(timeout=30_000)


def test_sample_shows_the_summary_and_the_charts(page, app_url, console_errors):
    _open(page, app_url)
    page.get_by_role("button", name="Use a generated sample").click()
    page.locator(CHART, has_text="What the log would have cost on each model").wait_for(timeout=60_000)
    page.locator(CHART, has_text="Distribution of the cost per request").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_streamlit_error(page)
    assert page.get_by_text("10,000 requests, from").is_visible()
    assert page.get_by_text("Currency").is_visible()  # the shared sidebar: run through dashboard.py
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    screenshot(page, "replay-sample")
    page.locator(CHART, has_text="What the log would have cost").scroll_into_view_if_needed()
    screenshot(page, "replay-sample-cost-chart")
    page.locator(CHART, has_text="Distribution of the cost per request").scroll_into_view_if_needed()
    screenshot(page, "replay-sample-distribution-chart")
    assert not [e for e in console_errors if "favicon" not in e]


def test_upload_a_log(page, app_url, tmp_path):
    log = tmp_path / "my-usage.csv"
    log.write_text("timestamp,model,prompt_tokens,cached_tokens,output_tokens\n"
                   "2026-11-01T10:00:00Z,gpt-5.2,12000,8000,900\n"
                   "2026-11-02T11:00:00Z,gpt-5.2,250000,0,1200\n"
                   "2026-11-03T12:00:00Z,claude-opus-4.5,3000,0,400\n")
    _open(page, app_url)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(log))
    page.locator(CHART, has_text=of_requests(3)).wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_streamlit_error(page)
    assert page.get_by_text("3 requests, from 2026-11-01 to 2026-11-03").is_visible()
    screenshot(page, "replay-upload")


def test_malformed_upload_is_a_clear_error(page, app_url, tmp_path):
    log = tmp_path / "broken.csv"
    log.write_text("prompt_tokens,output_tokens\n100,20\n100,lots\n")
    _open(page, app_url)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(log))
    error = page.locator('[data-testid="stAlertContentError"]')
    error.wait_for(timeout=30_000)
    text = error.inner_text()
    assert "output_tokens" in text and "row 2 (line 3)" in text and "'lots' is not a number" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "replay-malformed")


def test_upload_an_export_with_multi_line_cells(page, app_url):
    """A Langfuse observations export (every field quoted, prompts with their newlines, JSON-quoted dates): detected
    by its header, the span skipped and counted, as recorded equal to the export's own cost."""
    sample = Path(__file__).resolve().parents[1] / "replay" / "samples" / "langfuse_observations.csv"
    _open(page, app_url)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sample))
    page.locator(CHART, has_text=of_requests(4)).wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_streamlit_error(page)
    assert page.get_by_text("Langfuse observations / generations export (detected from its header)").first.is_visible()
    assert page.get_by_text("skipped 1 row: not model calls (type: SPAN ×1)", exact=False).is_visible()
    assert page.get_by_text("(+0.0% difference)", exact=False).is_visible()
    screenshot(page, "replay-langfuse-export")


def test_a_sample_export_in_one_click(page, app_url):
    _open(page, app_url)
    page.get_by_role("button", name="OpenRouter", exact=True).click()
    page.locator(CHART, has_text="What the log would have cost on each model").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_streamlit_error(page)
    assert page.get_by_text("OpenRouter activity export (detected from its header)").first.is_visible()
    screenshot(page, "replay-openrouter-sample")
