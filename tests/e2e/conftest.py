"""Real-browser tests: a Streamlit server on a free port, driven by Playwright in Debian's Chromium.

Screenshots go to ``artifacts/screenshots/`` (printed at the end of the run); look at them.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter):
    if ARTIFACTS.is_dir() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"browser screenshots: {ARTIFACTS}")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(extra_env: dict[str, str] | None = None, *, port: int | None = None,
                 cpus: str | None = None, script: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run dashboard.py`` (or ``script``) on a loopback port (a free one unless given); wait for
    /_stcore/health. ``cpus`` ("0") pins the server, every thread of it, to those cores (``taskset``, which execs:
    same pid)."""
    port = port or _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    log = open(ROOT / "artifacts" / f"streamlit-{port}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [*(["taskset", "-c", cpus] if cpus else []), sys.executable, "-m", "streamlit", "run",
         str(script or ROOT / "dashboard.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    # keep the log file referenced (and close it with the server): an unreferenced open file is garbage-collected
    # with a ResourceWarning, which filterwarnings=error turns into a setup error of the first test
    proc.log_file = log  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"streamlit exited early; see {log.name}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    proc.wait(timeout=10)
    log.close()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server from ``start_server`` (terminate, then kill after 10 s) and close its log."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    log = getattr(proc, "log_file", None)
    if log is not None:
        log.close()


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a dashboard server started for this test session, on the seed report's day (2026-01-28): the
    browser tests were written against the seed's figures, and two of its models have been retired since.
    Today's market has its own server (``today_url``, in ``test_views_e2e.py``)."""
    (ROOT / "artifacts").mkdir(exist_ok=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    proc, url = start_server({"LLM_COSTS_TODAY": "2026-01-28"})
    yield url
    stop_server(proc)


def of_requests(n: int) -> re.Pattern:
    """The replay chart's title for a log of ``n`` requests: "(n requests)" when every model takes every request,
    else like for like "(the m requests every model can take, of n)"."""
    return re.compile(rf"\(({n:,} requests|the [\d,]+ requests? every model can take, of {n:,})\)")


def chart(page, name: str, has_text: str | None = None):
    """The plot of chart ``name`` (its stable key); old and new plots coexist during a rerun, so take the first
    (with ``has_text``, the first whose SVG shows that text: the one we wait for)."""
    locator = page.locator(f".st-key-chart-{name} [data-testid='stPlotlyChart']")
    if has_text is not None:
        locator = locator.filter(has=page.locator("svg text", has_text=has_text))
    return locator.first


def wait_for_chart(page, name: str, has_text: str | None = None, timeout: float = 45_000):
    plot = chart(page, name, has_text)
    plot.wait_for(state="visible", timeout=timeout)
    plot.locator("svg.main-svg").first.wait_for(state="attached", timeout=timeout)
    return plot


def svg_texts(locator) -> list[str]:
    """The text of SVG elements (``inner_text`` is None for SVG)."""
    return locator.evaluate_all("els => els.map(e => e.textContent)")


@pytest.fixture
def console_errors(page):
    """Console errors and page errors seen during the test; assert it is empty at the end."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error" and not is_base_path_probe(msg.location.get("url", "")):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


_BASE_PATH_PROBE = re.compile(r"^https?://[^/]+/[^?#]+/_stcore/(host-config|health)$")


def is_base_path_probe(url: str) -> bool:
    """Opened at a page's own URL (``/prices``), Streamlit's frontend first asks ``/prices/_stcore/host-config``
    and ``/prices/_stcore/health`` to discover the server's base path; their 404s are expected, not app errors."""
    return bool(_BASE_PATH_PROBE.match(url))


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the Streamlit script has finished running: the app's own script state is "notRunning" (the
    frontend leaves that state as soon as a widget asks for a rerun, so a wait right after a click does not pass
    before the rerun) and no status widget says "Running"."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " const status = document.querySelector('[data-testid=\"stStatusWidget\"]');"
        " return app && app.dataset.testScriptState === 'notRunning'"
        " && !(status && status.innerText.includes('Running')); }",
        timeout=timeout,
    )


def quiet(page, timeout: float = 30_000) -> None:
    """Wait until the page has had no network traffic for a while (Playwright's "networkidle"): late tracebacks,
    console errors and chart renders have arrived by then."""
    page.wait_for_load_state("networkidle", timeout=timeout)


def painted(page) -> None:
    """Wait until the browser has painted two frames (after a resize, the layout has settled)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def full_screenshot(page, name: str, max_height: int = 9000) -> Path:
    """Screenshot the whole page: Streamlit scrolls inside its main block, so grow the viewport to fit it first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, min(int(height) + 40, max_height))})
    painted(page)
    quiet(page)
    path = screenshot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def assert_no_streamlit_error(page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.first.inner_text()
