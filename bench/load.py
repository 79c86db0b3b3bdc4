"""Load and server capacity: the Streamlit server measured apart from the browsers that drive it.

On a machine with two cores or more the server is pinned to core 0 (``taskset``) and every client (Playwright's
driver and the Chromium processes it starts, the headless sessions) to core 1, and the server process's CPU time is
read from /proc (utime + stime, every thread included). All parts run against one server:

1. **first view**: one browser opens every page once on the fresh server (caches empty): server CPU per page.
2. **server CPU per page view**: the same browser opens each page ``views`` times; a view is the page's URL opened
   (a new Streamlit session: the script run and every element sent) and left (the session closed). The server is
   let go idle before and after, so each view's CPU time is its own. From the mean: page views/s one core sustains.
   The browser is new, so its first view also fetches Streamlit's static files: that view is measured apart (a
   first-time visitor's cost, printed beside), and the views per page are a returning visitor's.
3. **browsers** (5, 10 and 20 at once): each session opens every page and moves a control (the shared sidebar's
   currency); errors, page latency in the browser (URL opened → script finished: with all the browsers on one
   core, this measures them as much as the server), the server's CPU per page view and how busy its core was.
4. **headless sessions** (5, 10 and 20 at once; bench/session_client.py: Streamlit's protocol without a browser,
   so the clients cost next to nothing): the same visits; the latency is the server's (request sent → run
   finished, queueing included), and the page views per second the server's core sustains are measured.

Bounded: every step has a timeout and each concurrent run is cancelled after ``budget_s``; it always stops by itself.
``.venv/bin/python bench/load.py`` prints the figures; tests/robustness/test_load_e2e.py runs a 4-session version
(``run_load``) under ``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import p95, print_table  # noqa: E402 - after the path set-up above
from bench.goals import LOAD_SESSIONS, SERVER_CPU_MS_PER_VIEW, at_most, word  # noqa: E402
from bench.page_list import discover_pages  # noqa: E402

PAGE_REFS = discover_pages()
PAGES = [page.url_path + (f"?{urlencode(page.query)}" if page.query else "") for page in PAGE_REFS]
"""URL of every page in the router's page list ("" for the default page), with the widget values a page needs
before it shows a chart (Replay: the generated sample)."""
BASE_PATH_PROBE = ("/_stcore/host-config", "/_stcore/health")
SCRIPT_DONE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.dataset.testScriptState === 'notRunning'
    && document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]') !== null;
}"""
"""The page's script has finished (Streamlit's own run state on the app root) and the page shows content."""
ERRORS_SHOWN = '[data-testid="stException"], [data-testid="stAlertContentError"]'
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_s(pid: int) -> float:
    """CPU time (user + system) of process ``pid``, every thread included, also the threads that have ended."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (MB), from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


async def wait_idle(pid: int, quiet_s: float = 0.25, timeout_s: float = 15.0) -> None:
    """Until the server has used no CPU for ``quiet_s`` (its work for the last request is done)."""
    deadline = time.monotonic() + timeout_s
    last, since = server_cpu_s(pid), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        now = server_cpu_s(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


@dataclass(frozen=True)
class Pinning:
    server: str
    """taskset's core list for the server: "0"."""
    browsers: frozenset[int]


def pinning() -> Pinning | None:
    """Server on core 0, browsers on core 1 (when there are two cores and taskset); None: nothing pinned."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or shutil.which("taskset") is None:
        return None
    return Pinning(server=str(cores[0]), browsers=frozenset(cores[1:2]))


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every_s: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every_s, self.samples = pid, every_s, []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.samples.append(rss_mb(self.pid))
            self._stop_event.wait(self.every_s)

    def stop(self) -> list[float]:
        self._stop_event.set()
        self.join(timeout=5)
        return self.samples


@dataclass
class Session:
    index: int
    page_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    control_moved: bool = False


async def _wait_for_run(page, timeout_ms: int) -> None:
    await page.wait_for_function(SCRIPT_DONE, timeout=timeout_ms)


def _watch_console(page, errors: list[str]) -> None:
    def on_console(msg) -> None:
        if msg.type == "error" and not msg.location.get("url", "").endswith(BASE_PATH_PROBE):
            errors.append(f"console: {msg.text[:200]}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {str(exc)[:200]}"))


async def _errors_shown(page, path: str, errors: list[str]) -> None:
    if await page.locator(ERRORS_SHOWN).count():
        text = await page.locator(ERRORS_SHOWN).first.inner_text()
        errors.append(f"{path or 'overview'}: error on page: {text[:160]}")


async def _one_session(browser, url: str, session: Session, step_timeout_ms: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(step_timeout_ms)
    _watch_console(page, session.errors)
    try:
        for path in PAGES:
            start = time.monotonic()
            try:
                await page.goto(f"{url}/{path}", timeout=step_timeout_ms)
                await _wait_for_run(page, step_timeout_ms)
            except Exception as exc:  # noqa: BLE001 - a timeout is a result to count, not a crash
                session.errors.append(f"{path or 'overview'}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
                continue
            session.page_seconds.append(time.monotonic() - start)
            await _errors_shown(page, path, session.errors)
        # move a control: the sidebar's currency, then wait for the rerun to show it
        try:
            box = page.locator('.st-key-currency input[role="combobox"]')
            await box.click()
            await box.fill("CNY")
            await page.get_by_role("option", name="CNY").first.click()
            await page.wait_for_function(
                "() => document.querySelector('.st-key-currency input[role=combobox]').value === 'CNY'",
                timeout=step_timeout_ms)
            await page.wait_for_function("() => new URLSearchParams(location.search).get('currency') === 'CNY'",
                                         timeout=step_timeout_ms)
            await _wait_for_run(page, step_timeout_ms)
            session.control_moved = True
        except Exception as exc:  # noqa: BLE001
            session.errors.append(f"control: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await context.close()


async def _launch(playwright, chromium: str, chromium_args: list[str]):
    return await playwright.chromium.launch(executable_path=chromium, args=chromium_args)


async def _sessions(url: str, sessions: int, step_timeout_ms: int, budget_s: float, chromium: str,
                    chromium_args: list[str]) -> tuple[list[Session], float, bool]:
    from playwright.async_api import async_playwright

    results = [Session(i) for i in range(sessions)]
    async with async_playwright() as p:
        browser = await _launch(p, chromium, chromium_args)
        start = time.monotonic()
        tasks = [asyncio.create_task(_one_session(browser, url, s, step_timeout_ms)) for s in results]
        done, pending = await asyncio.wait(tasks, timeout=budget_s)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                results[tasks.index(task)].errors.append(f"session crashed: {task.exception()!r}"[:200])
        elapsed = time.monotonic() - start
        await browser.close()
    return results, elapsed, bool(pending)


async def _page_views(url: str, pid: int, views: int, step_timeout_ms: int, chromium: str,
                      chromium_args: list[str], settle: bool = True) -> dict[str, Any]:
    """Open each page ``views`` times in one browser tab; the server's CPU time and the latency of each view.
    ``settle``: first open the first page once, unmeasured but for its CPU time (see below)."""
    from playwright.async_api import async_playwright

    figures: dict[str, Any] = {}
    async with async_playwright() as p:
        browser = await _launch(p, chromium, chromium_args)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        page.set_default_timeout(step_timeout_ms)
        errors: list[str] = []
        _watch_console(page, errors)
        # A new browser's first view also fetches Streamlit's static files (about 8 MB of JavaScript, compressed
        # by the server): what a first-time visitor costs, once. Measured apart; the views below are a returning
        # visitor's, whose browser has them cached (as every view after the first).
        if settle:
            await wait_idle(pid)
            before = server_cpu_s(pid)
            await page.goto(f"{url}/{PAGES[0]}", timeout=step_timeout_ms)
            await _wait_for_run(page, step_timeout_ms)
            await page.goto("about:blank")
            await wait_idle(pid)
            new_browser_ms = (server_cpu_s(pid) - before) * 1000
        for ref, path in zip(PAGE_REFS, PAGES, strict=True):
            cpu_ms, latency = [], []
            for _ in range(views):
                await page.goto("about:blank")
                await wait_idle(pid)
                before, start = server_cpu_s(pid), time.monotonic()
                try:
                    await page.goto(f"{url}/{path}", timeout=step_timeout_ms)
                    await _wait_for_run(page, step_timeout_ms)
                except Exception as exc:  # noqa: BLE001 - counted, and the next view goes on
                    errors.append(f"{path or 'overview'}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
                    continue
                latency.append(time.monotonic() - start)
                await _errors_shown(page, path, errors)
                await page.goto("about:blank")  # the session closes: part of a view's cost
                await wait_idle(pid)
                cpu_ms.append((server_cpu_s(pid) - before) * 1000)
            figures[ref.path] = {"title": ref.title, "url": "/" + path, "cpu_ms": cpu_ms, "latency_s": latency}
        figures["errors"] = errors
        if settle:
            figures["new_browser_first_view_cpu_ms"] = new_browser_ms
        await context.close()
        await browser.close()
    return figures


@dataclass
class HeadlessResult:
    latency_s: list[float] = field(default_factory=list)
    views: int = 0
    errors: list[str] = field(default_factory=list)


async def _headless_visit(url: str, result: HeadlessResult, timeout_s: float) -> None:
    """Like a browser session: each page opened in a new session (its default view), then the currency moved."""
    from bench.session_client import HeadlessSession

    for ref in PAGE_REFS:
        query = urlencode(ref.query)
        try:
            async with HeadlessSession(url, timeout_s) as session:
                for view in (query, urlencode({**ref.query, "currency": "CNY"})):
                    run = await session.run(ref.url_path, view)
                    result.latency_s.append(run.seconds)
                    result.views += 1
                    if run.exception:
                        result.errors.append(f"{ref.title}: exception on page: {run.exception[:160]}")
        except Exception as exc:  # noqa: BLE001 - counted
            result.errors.append(f"{ref.title}: {type(exc).__name__}: {str(exc)[:160]}")


async def _headless(url: str, sessions: int, budget_s: float, timeout_s: float) -> tuple[list[HeadlessResult], float,
                                                                                          bool]:
    results = [HeadlessResult() for _ in range(sessions)]
    start = time.monotonic()
    tasks = [asyncio.create_task(_headless_visit(url, r, timeout_s)) for r in results]
    done, pending = await asyncio.wait(tasks, timeout=budget_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return results, time.monotonic() - start, bool(pending)


def _headless_level(proc, url: str, sessions: int, budget_s: float, clients: frozenset[int] | None) -> dict[str, Any]:
    cpu_before = server_cpu_s(proc.pid)
    results, elapsed, cut = _run_in_thread(lambda: _headless(url, sessions, budget_s, budget_s), clients)
    cpu_s = server_cpu_s(proc.pid) - cpu_before
    latency = [t for r in results for t in r.latency_s]
    views = sum(r.views for r in results)
    return {
        "sessions": sessions, "views": views, "expected_views": sessions * len(PAGES) * 2,
        "errors": [e for r in results for e in r.errors], "cut_by_budget": cut, "seconds": round(elapsed, 1),
        "latency_s_median": round(statistics.median(latency), 3) if latency else None,
        "latency_s_p95": round(p95(latency), 3) if latency else None,
        "server_cpu_ms_per_view": round(cpu_s * 1000 / views, 1) if views else None,
        "server_core_busy": round(cpu_s / elapsed, 3) if elapsed else None,
        "page_views_per_s": round(views / elapsed, 2) if elapsed else None,
    }


def _run_in_thread(coroutine: Callable[[], Coroutine[Any, Any, Any]], cpus: frozenset[int] | None = None) -> Any:
    """Run ``coroutine()`` on its own event loop in a fresh thread, pinned to ``cpus``: the browsers this thread
    starts inherit its affinity. (Also: the caller may already be inside an event loop — pytest-playwright's sync
    API keeps one running in the main thread once any browser test has run.)"""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            if cpus:
                os.sched_setaffinity(0, cpus)  # this thread only; the processes it spawns inherit it
            box["result"] = asyncio.run(coroutine())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="load-driver")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]


def _stop(proc) -> None:
    from tests.e2e.conftest import stop_server

    stop_server(proc)


def _concurrent(proc, url: str, sessions: int, budget_s: float, step_timeout_ms: int,
                browsers: frozenset[int] | None) -> dict[str, Any]:
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    sampler = MemorySampler(proc.pid)
    sampler.start()
    cpu_before = server_cpu_s(proc.pid)
    try:
        results, elapsed, cut = _run_in_thread(
            lambda: _sessions(url, sessions, step_timeout_ms, budget_s, CHROMIUM, CHROMIUM_ARGS), browsers)
    finally:
        samples = sampler.stop()
    cpu_s = server_cpu_s(proc.pid) - cpu_before
    times = [t for s in results for t in s.page_seconds]
    views = len(times) + sum(s.control_moved for s in results)
    return {
        "sessions": sessions,
        "pages_per_session": len(PAGES),
        "page_loads": len(times),
        "expected_page_loads": sessions * len(PAGES),
        "controls_moved": sum(s.control_moved for s in results),
        "errors": [e for s in results for e in s.errors],
        "seconds": round(elapsed, 1),
        "cut_by_budget": cut,
        "page_load_s_median": round(statistics.median(times), 3) if times else None,
        "page_load_s_p95": round(p95(times), 3) if times else None,
        "server_cpu_s": round(cpu_s, 2),
        "server_cpu_ms_per_view": round(cpu_s * 1000 / views, 1) if views else None,
        "server_core_busy": round(cpu_s / elapsed, 3) if elapsed else None,
        "page_views_per_s": round(views / elapsed, 2) if elapsed else None,
        "server_rss_mb_peak": round(max(samples, default=rss_mb(proc.pid))),
        "server_alive": proc.poll() is None,
    }


def run_load(sessions: int = 20, *, budget_s: float = 480, step_timeout_ms: int = 90_000) -> dict:
    """Start a server, warm it with one session, then run ``sessions`` at once; the figures as a dict (the suite's
    load test; not pinned)."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_server

    (ROOT / "artifacts").mkdir(exist_ok=True)
    proc, url = start_server()
    try:
        idle = rss_mb(proc.pid)
        warm, _, _ = _run_in_thread(lambda: _sessions(url, 1, step_timeout_ms, budget_s, CHROMIUM, CHROMIUM_ARGS))
        warmed = rss_mb(proc.pid)
        figures = _concurrent(proc, url, sessions, budget_s, step_timeout_ms, None)
        after = rss_mb(proc.pid)
    finally:
        _stop(proc)
    return {**figures, "warm_up_errors": [e for s in warm for e in s.errors], "server_rss_mb_idle": round(idle),
            "server_rss_mb_after_warm_up": round(warmed), "server_rss_mb_after": round(after)}


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f} s"


def _millis(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} ms"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _cpu_row(title: str, cpu_ms: list[float], latency: list[float]) -> dict[str, Any]:
    return {"page": title, "views": len(cpu_ms),
            "server CPU mean": f"{statistics.mean(cpu_ms):,.0f} ms" if cpu_ms else "n/a",
            "p95": f"{p95(cpu_ms):,.0f} ms" if cpu_ms else "n/a",
            "latency median": f"{statistics.median(latency) * 1000:,.0f} ms" if latency else "n/a"}


def run_capacity(levels: tuple[int, ...] = (5, 10, LOAD_SESSIONS), views: int = 6, budget_s: float = 240,
                 step_timeout_ms: int = 90_000) -> dict[str, Any]:
    """The whole capacity benchmark (see the module docstring); prints its tables and returns the figures."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_server

    (ROOT / "artifacts").mkdir(exist_ok=True)
    pin = pinning()
    proc, url = start_server(cpus=pin.server if pin else None)
    browsers = pin.browsers if pin else None
    figures: dict[str, Any] = {
        "pinned": {"server_cores": pin.server, "browser_cores": sorted(pin.browsers)} if pin else None,
        "clock_tick_ms": 1000 / CLOCK_TICKS,
    }
    try:
        figures["server_rss_mb_idle"] = round(rss_mb(proc.pid))
        first = _run_in_thread(lambda: _page_views(url, proc.pid, 1, step_timeout_ms, CHROMIUM, CHROMIUM_ARGS,
                                                   settle=False), browsers)
        warm = _run_in_thread(lambda: _page_views(url, proc.pid, views, step_timeout_ms, CHROMIUM, CHROMIUM_ARGS),
                              browsers)
        figures["server_rss_mb_after_warm_up"] = round(rss_mb(proc.pid))
        figures["first_view"] = {k: v for k, v in first.items() if k != "errors"}
        figures["new_browser_first_view_cpu_ms"] = warm.pop("new_browser_first_view_cpu_ms")
        figures["views"] = {k: v for k, v in warm.items() if k != "errors"}
        figures["view_errors"] = first["errors"] + warm["errors"]
        figures["levels"] = {}
        for sessions in levels:
            figures["levels"][str(sessions)] = _concurrent(proc, url, sessions, budget_s, step_timeout_ms, browsers)
        figures["headless"] = {}
        for sessions in levels:
            figures["headless"][str(sessions)] = _headless_level(proc, url, sessions, budget_s, browsers)
        figures["server_rss_mb_after"] = round(rss_mb(proc.pid))
    finally:
        _stop(proc)

    per_page = {path: statistics.mean(v["cpu_ms"]) for path, v in figures["views"].items() if v["cpu_ms"]}
    mean_cpu = statistics.mean(per_page.values()) if per_page else None
    figures["server_cpu_ms_per_view_mean"] = mean_cpu
    figures["page_views_per_s_one_core"] = 1000 / mean_cpu if mean_cpu else None
    top = figures["levels"].get(str(LOAD_SESSIONS))
    figures["cpu_goal_met"] = at_most(mean_cpu, SERVER_CPU_MS_PER_VIEW)
    figures["sessions_goal_met"] = None if top is None else (
        not top["errors"] and not top["cut_by_budget"] and top["page_loads"] == top["expected_page_loads"]
        and top["controls_moved"] == LOAD_SESSIONS)

    where = (f"server on core {pin.server}, browsers on core {','.join(map(str, sorted(pin.browsers)))}" if pin
             else "NOT pinned (fewer than 2 cores or no taskset)")
    print_table(f"(7a) server CPU per page view ({where}; {views} views per page, each opened and left; "
                f"/proc ticks of {1000 / CLOCK_TICKS:.0f} ms)",
                [_cpu_row(v["title"], v["cpu_ms"], v["latency_s"]) for v in figures["views"].values()])
    print_table("(7b) the first view of each page on a fresh server (caches empty)",
                [_cpu_row(v["title"], v["cpu_ms"], v["latency_s"]) for v in figures["first_view"].values()])
    rows = []
    for level in figures["levels"].values():
        rows.append({"sessions": level["sessions"],
                     "page loads": f"{level['page_loads']}/{level['expected_page_loads']}",
                     "errors": len(level["errors"]),
                     "latency median": _seconds(level["page_load_s_median"]),
                     "p95": _seconds(level["page_load_s_p95"]),
                     "server CPU/view": _millis(level["server_cpu_ms_per_view"]),
                     "server core busy": _share(level["server_core_busy"]),
                     "views/s": level["page_views_per_s"], "peak RSS": f"{level['server_rss_mb_peak']} MB",
                     "seconds": level["seconds"]})
    print_table("(7c) concurrent browser sessions (all on one core): every page + a currency change each", rows)
    rows = [{"sessions": level["sessions"], "views": f"{level['views']}/{level['expected_views']}",
             "errors": len(level["errors"]), "server latency median": _seconds(level["latency_s_median"]),
             "p95": _seconds(level["latency_s_p95"]),
             "server CPU/view": _millis(level["server_cpu_ms_per_view"]),
             "server core busy": _share(level["server_core_busy"]),
             "views/s": level["page_views_per_s"], "seconds": level["seconds"]}
            for level in figures["headless"].values()]
    print_table("(7d) concurrent headless sessions (no browser): each page opened, then the currency moved", rows)
    print(f"server CPU per page view, mean over the pages: "
          f"{'n/a' if mean_cpu is None else f'{mean_cpu:,.1f} ms'} (goal ≤ {SERVER_CPU_MS_PER_VIEW:.0f} ms: "
          f"{word(figures['cpu_goal_met'])}); one core sustains "
          f"{'n/a' if mean_cpu is None else f'{1000 / mean_cpu:,.1f}'} page views/s")
    print(f"a new browser's first view (Streamlit's static files served besides the page; not in the mean): "
          f"{_millis(figures['new_browser_first_view_cpu_ms'])} server CPU")
    print(f"{LOAD_SESSIONS} sessions with 0 errors: {word(figures['sessions_goal_met'])}")
    errors = figures["view_errors"] + [e for part in ("levels", "headless") for lv in figures[part].values()
                                       for e in lv["errors"]]
    for error in errors[:10]:
        print(f"  error: {error}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[5, 10, LOAD_SESSIONS],
                        help="concurrent sessions, one run per number (default 5 10 20)")
    parser.add_argument("--views", type=int, default=6, help="views per page for the CPU figures (default 6)")
    parser.add_argument("--budget-s", type=float, default=240, help="each concurrent run stops after this")
    args = parser.parse_args()
    figures = run_capacity(tuple(args.sessions), args.views, args.budget_s)
    Path(ROOT / "artifacts" / "load.json").write_text(json.dumps(figures, indent=2, default=str))
    return 0 if figures["sessions_goal_met"] is not False else 1


if __name__ == "__main__":
    sys.exit(main())
