"""In a real browser: download buttons save valid PNG, SVG, PDF, HTML and CSV files; without a browser, HTML and CSV."""

from __future__ import annotations

import csv
import io
import re
import struct
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from analytics import export
from tests.e2e.conftest import (
    assert_no_streamlit_error,
    screenshot,
    start_server,
    stop_server,
    wait_for_app,
)

CHART = "cost-vs-hle"
PAGE = "cost_vs_hle"


@pytest.fixture(scope="module")
def no_browser_url(tmp_path_factory):
    """A second dashboard server whose kaleido can find no browser (BROWSER_PATH names a missing file)."""
    missing = tmp_path_factory.mktemp("nobrowser") / "no-such-chromium"
    proc, url = start_server({"BROWSER_PATH": str(missing)})
    yield url
    stop_server(proc)


def open_downloads(page, app_url: str, chart: str = CHART, path: str = PAGE):
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    assert_no_streamlit_error(page)
    popover = page.locator(f".st-key-download-{chart}").first
    popover.wait_for(timeout=30_000)
    popover.get_by_role("button").first.click()
    # opening the popover reruns the page, which fills it: wait for its buttons and for the run to end
    page.locator(f".st-key-download-{chart}-csv").get_by_role("button").wait_for(timeout=30_000)
    wait_for_app(page)
    return page


def download(page, chart: str, fmt: str):
    button = page.locator(f".st-key-download-{chart}-{fmt}").get_by_role("button")
    button.wait_for(timeout=15_000)
    # the popover floats beside its anchor: bring the anchor on screen, and wait until the button is there too
    # (a long page, like Agent workloads, may move while the run that filled the popover ends)
    page.locator(f".st-key-download-{chart}").first.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport(timeout=15_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    return info.value


@pytest.mark.skipif(not export.static_export_available(), reason="no Chromium for kaleido")
def test_png_download_saves_a_valid_png_at_2x(page, app_url, tmp_path):
    open_downloads(page, app_url)
    screenshot(page, "downloads-popover")
    saved = download(page, CHART, "png")
    assert re.fullmatch(rf"{CHART}_\d{{4}}-\d{{2}}-\d{{2}}\.png", saved.suggested_filename)
    path = tmp_path / saved.suggested_filename
    saved.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == export.EXPORT_WIDTH * 2 and height >= export.EXPORT_MIN_HEIGHT * 2


def test_csv_download_saves_the_chart_data(page, app_url, tmp_path):
    open_downloads(page, app_url)
    saved = download(page, CHART, "csv")
    assert saved.suggested_filename.endswith(".csv") and saved.suggested_filename.startswith(CHART)
    path = tmp_path / saved.suggested_filename
    saved.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) >= 3
    assert any("Qwen" in " ".join(row.values()) for row in rows)
    assert_no_streamlit_error(page)


def test_table_csv_download(page, app_url, tmp_path):
    page.goto(f"{app_url}/{PAGE}")
    wait_for_app(page)
    button = page.locator("[class*='st-key-download-table-'][class*='-csv']").first.get_by_role("button")
    button.wait_for(timeout=30_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    saved = info.value
    assert saved.suggested_filename.endswith(".csv")
    path = tmp_path / saved.suggested_filename
    saved.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) >= 2 and len(rows[0]) >= 2


def test_without_a_browser_the_page_says_so_and_still_offers_html_and_csv(page, no_browser_url, tmp_path):
    open_downloads(page, no_browser_url)
    screenshot(page, "downloads-no-browser")
    notice = page.get_by_text(re.compile(r"PNG/SVG/PDF export needs Chromium")).first
    notice.wait_for(timeout=15_000)
    assert "no-such-chromium" in notice.inner_text() and "HTML and CSV export still work" in notice.inner_text()
    for fmt in ("png", "svg", "pdf"):
        assert page.locator(f".st-key-download-{CHART}-{fmt}").count() == 0
    saved = download(page, CHART, "html")
    path = tmp_path / saved.suggested_filename
    saved.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert 'class="plotly-graph-div"' in html and not re.search(r"<script[^>]*\bsrc\s*=", html)
    assert download(page, CHART, "csv").suggested_filename.endswith(".csv")
    assert_no_streamlit_error(page)


def check_file(fmt: str, data: bytes) -> None:
    """A valid file of its kind, carrying the provenance footnote where it is a figure."""
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24])[0] == export.EXPORT_WIDTH * 2
    elif fmt == "svg":
        assert "registry as of" in " ".join(ET.fromstring(data).itertext())
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "html":
        html = data.decode("utf-8")
        assert 'class="plotly-graph-div"' in html and "registry as of" in html
        assert not re.search(r"<script[^>]*\bsrc\s*=", html)
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert len(rows) >= 2 and len(rows[0]) >= 2


@pytest.mark.skipif(not export.static_export_available(), reason="no Chromium for kaleido")
@pytest.mark.parametrize("path, chart", [
    ("cost_vs_hle", "cost-vs-hle"), ("context_tiers", "context-tiers"), ("workloads", "workload-cost-breakdown"),
])
def test_every_format_downloads_from_the_page(page, app_url, tmp_path, path, chart):
    open_downloads(page, app_url, chart, path)
    for fmt in export.CHART_FORMATS:
        saved = download(page, chart, fmt)
        assert re.fullmatch(rf"{chart}_\d{{4}}-\d{{2}}-\d{{2}}\.{fmt}", saved.suggested_filename)
        target = tmp_path / saved.suggested_filename
        saved.save_as(target)
        check_file(fmt, target.read_bytes())
    assert_no_streamlit_error(page)
