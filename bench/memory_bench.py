"""(6) Memory: the Streamlit server's resident size (VmRSS) idle, with one session and with ten.

Each session is its own browser context (its own Streamlit session) that opens the Overview and then the Replay
page with the generated sample (the heaviest page). RSS is read from /proc after the sessions have settled.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import print_table
from bench.page_list import discover_pages

SESSIONS = 10
CHART_DRAWN = '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg'


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _settled(pid: int, seconds: float = 2.0) -> float:
    time.sleep(seconds)
    return rss_mib(pid)


def run(quick: bool = False) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, start_server, wait_for_app

    (ROOT / "artifacts").mkdir(exist_ok=True)
    replay = next((p for p in discover_pages() if p.path == "pages/replay.py"), None)
    proc, base = start_server()
    figures: dict[str, Any] = {}
    notes: list[str] = []
    try:
        figures["idle_mib"] = _settled(proc.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            contexts = []

            def open_sessions(count: int) -> None:
                # all at once, as concurrent users would: each waits for its Overview, then its Replay chart
                pages = []
                for _ in range(count):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    contexts.append(context)
                    page = context.new_page()
                    page.goto(base, wait_until="commit")
                    pages.append(page)
                for page in pages:
                    # the entry point has run (its navigation is drawn) before a page URL is opened directly
                    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=120_000)
                    wait_for_app(page, timeout=120_000)
                    if replay is not None:
                        page.goto(f"{base}/{replay.url_path}?{urlencode(replay.query)}", wait_until="commit")
                for i, page in enumerate(pages):
                    try:
                        if replay is not None:
                            page.locator(CHART_DRAWN).first.wait_for(timeout=120_000)
                        wait_for_app(page, timeout=120_000)
                    except PlaywrightTimeout:
                        shot = ROOT / "artifacts" / f"bench-memory-session-{len(contexts) - len(pages) + i + 1}.png"
                        page.screenshot(path=str(shot))
                        notes.append(f"a session showed no chart within 120 s (see {shot.relative_to(ROOT)})")

            open_sessions(1)
            figures["one_session_mib"] = _settled(proc.pid)
            open_sessions(SESSIONS - 1)
            figures["ten_sessions_mib"] = _settled(proc.pid)
            for context in contexts:
                context.close()
            browser.close()
        figures["after_close_mib"] = _settled(proc.pid, 3.0)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            proc.kill()
    figures["notes"] = notes
    figures["per_extra_session_mib"] = (figures["ten_sessions_mib"] - figures["one_session_mib"]) / (SESSIONS - 1)
    rows = [
        {"server": "idle, no session", "RSS": f"{figures['idle_mib']:,.0f} MiB"},
        {"server": "1 session (Overview + Replay sample)", "RSS": f"{figures['one_session_mib']:,.0f} MiB"},
        {"server": f"{SESSIONS} sessions", "RSS": f"{figures['ten_sessions_mib']:,.0f} MiB"},
        {"server": "per extra session", "RSS": f"{figures['per_extra_session_mib']:,.1f} MiB"},
        {"server": "after the sessions closed", "RSS": f"{figures['after_close_mib']:,.0f} MiB"},
    ]
    print_table("(6) server memory (VmRSS of the streamlit process)", rows)
    for note in notes:
        print(f"note: {note}")
    return figures
