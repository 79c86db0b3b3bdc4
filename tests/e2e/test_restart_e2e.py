"""The server killed (SIGKILL) and started again on its port: the open tab reconnects, and at the next control it
says the uploaded file must be given again; a shared link opened afterwards shows the same view (the view lives in
the URL; files are never part of it)."""

from __future__ import annotations

import re
import signal

from tests.e2e.conftest import (
    ROOT,
    assert_no_streamlit_error,
    of_requests,
    screenshot,
    start_server,
    stop_server,
    wait_for_app,
)

CHART = '[data-testid="stPlotlyChart"]'
UPLOAD_NEEDED = ".st-key-upload-needed"
LOG = ("timestamp,model,prompt_tokens,cached_tokens,output_tokens\n"
       "2026-11-01T10:00:00Z,gpt-5.2,12000,8000,900\n"
       "2026-11-02T11:00:00Z,gpt-5.2,250000,0,1200\n"
       "2026-11-03T12:00:00Z,claude-opus-4.5,3000,0,400\n")


def test_after_a_restart_a_shared_link_restores_the_view_and_the_page_asks_for_the_upload(page, tmp_path):
    (ROOT / "artifacts").mkdir(exist_ok=True)
    proc, base = start_server()
    port = int(base.rsplit(":", 1)[1])
    try:
        # a view set entirely by its link: the generated sample (1,000 requests, seed 7), priced in CNY
        shared = f"{base}/replay?log=sample&requests=1%2C000&seed=7&currency=CNY"
        page.goto(shared)
        page.locator(CHART, has_text=of_requests(1_000)).wait_for(timeout=90_000)
        wait_for_app(page)
        assert page.get_by_text(re.compile(r"1,000 requests, from")).first.is_visible()

        # the same tab switches to an uploaded log
        page.get_by_text("upload", exact=True).click()  # the "Usage log" radio's first option
        page.locator(UPLOAD_NEEDED).wait_for(timeout=30_000)
        log = tmp_path / "usage.csv"
        log.write_text(LOG)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(log))
        page.locator(CHART, has_text=of_requests(3)).wait_for(timeout=60_000)
        wait_for_app(page)
        with_upload = page.url

        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        stop_server(proc)  # closes its log
        proc, _ = start_server(port=port)

        # the open tab reconnects to the new server (Streamlit's frontend retries by itself); the next control the
        # user moves reruns the page there: the file is gone, and the page says to give it again
        page.locator('[data-testid="stApp"][data-test-connection-state="CONNECTED"]').wait_for(timeout=90_000)
        box = page.locator('.st-key-currency input[role="combobox"]')
        box.click()
        box.fill("USD")
        page.get_by_role("option", name="USD").first.click()
        notice = page.locator(UPLOAD_NEEDED)
        notice.wait_for(timeout=90_000)
        assert "give the file again" in notice.inner_text()
        assert page.locator(CHART, has_text=of_requests(3)).count() == 0
        screenshot(page, "restart-upload-needed")

        # the shared links, opened after the restart: the sample view comes back whole from its URL; the upload's
        # link brings back everything but the file, and says so
        fresh = page.context.new_page()
        fresh.goto(shared)
        fresh.locator(CHART, has_text=of_requests(1_000)).wait_for(timeout=90_000)
        wait_for_app(fresh)
        assert_no_streamlit_error(fresh)
        assert fresh.locator('.st-key-currency input[role="combobox"]').input_value() == "CNY"
        fresh.goto(with_upload)
        fresh.locator(UPLOAD_NEEDED).wait_for(timeout=60_000)
        assert "give the file again" in fresh.locator(UPLOAD_NEEDED).inner_text()
        assert fresh.locator('.st-key-currency input[role="combobox"]').input_value() == "CNY", with_upload
        screenshot(fresh, "restart-shared-link")
        fresh.close()
    finally:
        stop_server(proc)
