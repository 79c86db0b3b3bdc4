"""Load: N concurrent browser sessions on loopback against one dashboard server, each loading every page and moving
a control (the shared sidebar's currency). Counts errors, times every page, and samples the server's resident memory.

Bounded: every step has a timeout and the whole run is cancelled after ``budget_s``; it always stops by itself.
Run for the figures: ``.venv/bin/python bench/load.py`` (20 sessions; several minutes on a 2-core machine, so it
lives in bench/, not the test suite); tests/robustness/test_load_e2e.py runs a 4-session version under ``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.page_list import discover_pages  # noqa: E402 - after the path set-up above

PAGES = [page.url_path for page in discover_pages()]
"""URL paths of every page in dashboard.py's PAGES list ("" for the default page)."""
BASE_PATH_PROBE = ("/_stcore/host-config", "/_stcore/health")


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
    """The page's script has run: its main block has content and no 'Running…' status is shown."""
    await page.wait_for_selector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]',
                                 timeout=timeout_ms)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout_ms)
    await page.wait_for_timeout(300)


async def _one_session(browser, url: str, session: Session, step_timeout_ms: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(step_timeout_ms)

    def on_console(msg) -> None:
        if msg.type == "error" and not msg.location.get("url", "").endswith(BASE_PATH_PROBE):
            session.errors.append(f"console: {msg.text[:200]}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: session.errors.append(f"pageerror: {str(exc)[:200]}"))
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
            shown = await page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count()
            if shown:
                text = await page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]'
                                          ).first.inner_text()
                session.errors.append(f"{path or 'overview'}: error on page: {text[:160]}")
        # move a control: the sidebar's currency, then wait for the rerun to show it
        try:
            box = page.locator('.st-key-currency input[role="combobox"]')
            await box.click()
            await box.fill("CNY")
            await page.get_by_role("option", name="CNY").first.click()
            await page.wait_for_function(
                "() => document.querySelector('.st-key-currency input[role=combobox]').value === 'CNY'",
                timeout=step_timeout_ms)
            await _wait_for_run(page, step_timeout_ms)
            session.control_moved = "currency=CNY" in page.url or await box.input_value() == "CNY"
        except Exception as exc:  # noqa: BLE001
            session.errors.append(f"control: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await context.close()


async def _run(url: str, sessions: int, step_timeout_ms: int, budget_s: float, chromium: str,
               chromium_args: list[str]) -> tuple[list[Session], float, bool]:
    from playwright.async_api import async_playwright

    results = [Session(i) for i in range(sessions)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=chromium_args)
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


def _run_in_thread(*args) -> tuple[list[Session], float, bool]:
    """``_run`` on its own event loop in a fresh thread: the caller may already be inside one (pytest-playwright's
    sync API keeps a loop running in the main thread once any browser test has run)."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(_run(*args))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="load-driver")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def run_load(sessions: int = 20, *, budget_s: float = 480, step_timeout_ms: int = 90_000) -> dict:
    """Start a server, warm it with one session, then run ``sessions`` at once; the figures as a dict."""
    sys.path.insert(0, str(ROOT))
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_server

    (ROOT / "artifacts").mkdir(exist_ok=True)
    proc, url = start_server()
    sampler = MemorySampler(proc.pid)
    try:
        idle = rss_mb(proc.pid)
        warm, _, _ = _run_in_thread(url, 1, step_timeout_ms, budget_s, CHROMIUM, CHROMIUM_ARGS)
        warmed = rss_mb(proc.pid)
        sampler.start()
        results, elapsed, cut = _run_in_thread(url, sessions, step_timeout_ms, budget_s, CHROMIUM, CHROMIUM_ARGS)
        samples = sampler.stop()
        after = rss_mb(proc.pid)
        alive = proc.poll() is None
    finally:
        if sampler.is_alive():
            sampler.stop()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except Exception:  # noqa: BLE001
            proc.kill()
            proc.wait(timeout=15)
        log = getattr(proc, "log_file", None)
        if log is not None:
            log.close()
    times = [t for s in results for t in s.page_seconds]
    return {
        "sessions": sessions,
        "pages_per_session": len(PAGES),
        "page_loads": len(times),
        "expected_page_loads": sessions * len(PAGES),
        "controls_moved": sum(s.control_moved for s in results),
        "errors": [e for s in results for e in s.errors],
        "warm_up_errors": [e for s in warm for e in s.errors],
        "seconds": round(elapsed, 1),
        "cut_by_budget": cut,
        "page_load_s_median": round(statistics.median(times), 2) if times else None,
        "page_load_s_p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 2) if times else None,
        "server_rss_mb_idle": round(idle),
        "server_rss_mb_after_warm_up": round(warmed),
        "server_rss_mb_peak": round(max(samples, default=after)),
        "server_rss_mb_after": round(after),
        "server_alive": alive,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--budget-s", type=float, default=480, help="the whole run stops after this (default 480)")
    args = parser.parse_args()
    figures = run_load(args.sessions, budget_s=args.budget_s)
    print(json.dumps(figures, indent=2))
    return 0 if not figures["errors"] and not figures["cut_by_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
