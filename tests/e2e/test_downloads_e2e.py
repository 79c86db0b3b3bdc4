"""In a real browser: a click on a chart's download button saves a valid PNG, and one saves its data as CSV."""

from __future__ import annotations

import csv
import io
import re
import struct

import pytest

from analytics import export
from tests.e2e.conftest import ROOT, assert_no_streamlit_error, screenshot, wait_for_app

# tests/e2e/conftest.py's start_server opens the server log and lets it be garbage-collected unclosed; under
# filterwarnings=error that ResourceWarning fails whichever test starts the session server. Ignore exactly that one
# (reported to the conftest owner) and nothing else.
pytestmark = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io\.FileIO name='[^']*streamlit-\d+\.log':pytest.PytestUnraisableExceptionWarning"
)

CHART = "cost-vs-hle"
# The cost-vs-HLE page; the overview (default page) shows the same chart when that page is not there.
PAGE = "cost_vs_hle" if (ROOT / "pages" / "cost_vs_hle.py").is_file() else ""


def open_downloads(page, app_url: str, chart: str = CHART):
    page.goto(f"{app_url}/{PAGE}")
    wait_for_app(page)
    assert_no_streamlit_error(page)
    popover = page.locator(f".st-key-download-{chart}").first
    popover.wait_for(timeout=30_000)
    popover.get_by_role("button").first.click()
    return page


def download(page, chart: str, fmt: str):
    button = page.locator(f".st-key-download-{chart}-{fmt}").get_by_role("button")
    button.wait_for(timeout=15_000)
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
