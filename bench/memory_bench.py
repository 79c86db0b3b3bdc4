"""(6) Memory: the Streamlit server's resident size (VmRSS) idle, with one session and with ten; and after 1,000
reruns on every page, against its size after the first 100 (goal: within 10%).

Each browser session is its own browser context (its own Streamlit session) that opens the Overview and then the
Replay page with the generated sample (the heaviest page). RSS is read from /proc after the sessions have settled.
The reruns come from a headless session (bench/session_client.py: Streamlit's protocol without a browser, so the
machine spends its time in the server), page after page, each with a view among 4 (two currencies × 2 days of
prices). The views fit the shared figure cache (pages/ui/cache.py keeps 256 built objects): after the first 100
reruns of every page each view has been seen and built, so what grows after that grows per run — a leak. (With 50
views per page the cache evicted and rebuilt on every rerun: 1,000 reruns took over 40 minutes and measured the
cache's churn, which its size bounds, not a leak.)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import print_table
from bench.goals import MEMORY_GROWTH, word
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


RERUNS = 1_000
CHECKPOINT = 100
DAYS = 2


def _views(page, i: int) -> str:
    """The i-th view of a page: the page's own setup, a currency and a day of prices."""
    day = dt.date(2026, 1, 1) + dt.timedelta(days=(i // 2) % DAYS)
    return urlencode({**page.query, "currency": ("CNY", "USD")[i % 2], "on": day.isoformat()})


async def _rerun_pages(url: str, pid: int, reruns: int, checkpoint: int) -> dict[str, Any]:
    from bench.session_client import HeadlessSession

    pages = discover_pages()
    figures: dict[str, Any] = {"errors": []}
    async with HeadlessSession(url) as session:
        await session.run(pages[0].url_path)
        for i in range(reruns):
            for page in pages:
                result = await session.run(page.url_path, _views(page, i))
                if result.exception and len(figures["errors"]) < 10:
                    figures["errors"].append(f"{page.title}: {result.exception[:160]}")
            if i + 1 == checkpoint:
                await asyncio.sleep(1.0)
                figures["after_checkpoint_mib"] = rss_mib(pid)
        await asyncio.sleep(1.0)
        figures["after_all_mib"] = rss_mib(pid)
    return figures


def run_reruns(quick: bool = False) -> dict[str, Any]:
    """The server's memory after ``RERUNS`` reruns on every page against after the first ``CHECKPOINT``."""
    from tests.e2e.conftest import start_server, stop_server

    reruns, checkpoint = (200, 20) if quick else (RERUNS, CHECKPOINT)
    proc, base = start_server()
    start = time.perf_counter()
    try:
        figures = asyncio.run(_rerun_pages(base, proc.pid, reruns, checkpoint))
    finally:
        stop_server(proc)
    growth = figures["after_all_mib"] / figures["after_checkpoint_mib"] - 1
    figures.update({"reruns_per_page": reruns, "checkpoint": checkpoint, "growth": growth,
                    "seconds": time.perf_counter() - start, "goal_met": growth <= MEMORY_GROWTH})
    print_table(f"(6b) server memory over reruns on every page ({len(discover_pages())} pages, headless session)", [
        {"after": f"{checkpoint:,} reruns per page", "RSS": f"{figures['after_checkpoint_mib']:,.0f} MiB"},
        {"after": f"{reruns:,} reruns per page", "RSS": f"{figures['after_all_mib']:,.0f} MiB"},
        {"after": f"growth (goal ≤ {MEMORY_GROWTH:.0%})",
         "RSS": f"{growth:+.1%} — {word(figures['goal_met'])} ({figures['seconds']:,.0f} s)"},
    ])
    for error in figures["errors"]:
        print(f"error: {error}")
    return figures


def run(quick: bool = False) -> dict[str, Any]:
    figures = run_sessions(quick)
    figures["reruns"] = run_reruns(quick)
    return figures


def run_sessions(quick: bool = False) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, start_server, stop_server, wait_for_app

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
        stop_server(proc)
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
