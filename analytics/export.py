"""Export a chart (PNG, SVG, PDF, standalone HTML) or its data (CSV, JSON) as bytes, and name the file.

Static images are rendered by kaleido in the machine's Chromium, through one persistent browser per process
(started lazily, under a lock): the first export pays the browser start (about 2 s), the next ones take a
fraction of a second. The browser is looked for *before* kaleido starts, because a missing browser otherwise
makes kaleido's render wait forever; without one, ``ExportUnavailable`` says how to fix it, and HTML / CSV /
JSON still work (they need no browser). Pure: no streamlit here.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import json
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.base import TEMPLATE
from analytics.core.clock import today
from analytics.core.errors import AnalyticsError

IMAGE_FORMATS = ("png", "svg", "pdf")
CHART_FORMATS = (*IMAGE_FORMATS, "html", "csv")
TABLE_FORMATS = ("csv", "json")
MIME_TYPES = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
    "csv": "text/csv", "json": "application/json",
}
EXPORT_WIDTH = 1100
"""Pixels (before ``scale``): wide enough for a slide or a report page, legend and footnote included."""
EXPORT_MIN_HEIGHT = 620
"""A taller figure keeps its height; a shorter one is stretched so the footnote clears the axis title."""
SCALES = (1, 2, 3, 4)
START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 60.0
INSTALL_HINT = "install Chromium (sudo apt-get install chromium) or set BROWSER_PATH to a Chrome/Chromium binary"


class ExportUnavailable(AnalyticsError):
    """Static export (PNG / SVG / PDF) is impossible here; the message is one line that says how to fix it."""


# -- browser detection ------------------------------------------------------------------------------------------


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_browser() -> str | None:
    """The Chromium kaleido would use: ``BROWSER_PATH`` if set, else a chromium/chrome on PATH or in a usual place.

    Returns None when there is none. A ``BROWSER_PATH`` that is not an executable file is reported by
    ``require_browser`` rather than silently replaced, since the user set it on purpose.
    """
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if _is_executable(override) else None
    from choreographer.browsers.chromium import Chromium

    # skip_local: a browser downloaded by `kaleido_get_chrome` would also do, but it is never present offline.
    found = Chromium.find_browser(skip_local=False)
    return found if found and _is_executable(found) else None


def require_browser() -> str:
    """The browser path, or ``ExportUnavailable`` with the fix in one line."""
    path = find_browser()
    if path:
        return path
    override = os.environ.get("BROWSER_PATH")
    if override:
        raise ExportUnavailable(f"PNG/SVG/PDF export needs Chromium, but BROWSER_PATH={override!r} is not an "
                                "executable file: point it at a Chrome/Chromium binary (e.g. /usr/bin/chromium) "
                                "or unset it; HTML and CSV export still work")
    raise ExportUnavailable(f"PNG/SVG/PDF export needs Chromium and none was found: {INSTALL_HINT}; "
                            "HTML and CSV export still work")


def static_export_available() -> bool:
    """True when PNG / SVG / PDF can be rendered (a browser is present); cheap, starts nothing."""
    return find_browser() is not None


def static_export_problem() -> str | None:
    """The one-line reason static export is unavailable, or None when it is available."""
    try:
        require_browser()
    except ExportUnavailable as exc:
        return str(exc)
    return None


# -- the persistent renderer ------------------------------------------------------------------------------------


class _Renderer:
    """One kaleido browser on its own event loop thread; renders are submitted with a timeout (never a hang)."""

    def __init__(self, browser_path: str):
        self.browser_path = browser_path
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido-export", daemon=True)
        self._thread.start()
        try:
            self._kaleido = self._call(self._open(), START_TIMEOUT_S, "starting Chromium")
        except BaseException:
            self._stop_loop()
            raise

    async def _open(self) -> Any:
        import kaleido

        # mathjax=False: kaleido otherwise loads MathJax from a CDN, which fails offline (no LaTeX in labels).
        k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=self.browser_path)
        await k.__aenter__()
        return k

    def _call(self, coroutine: Any, timeout: float, what: str) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise ExportUnavailable(f"{what} timed out after {timeout:.0f} s: check that {self.browser_path} "
                                    f"runs (`{self.browser_path} --headless --version`)") from None

    def alive(self) -> bool:
        return self._thread.is_alive() and self._loop.is_running()

    def render(self, fig: dict[str, Any], opts: dict[str, Any]) -> bytes:
        return self._call(self._kaleido.calc_fig(fig, opts=opts), RENDER_TIMEOUT_S, "rendering the chart")

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()

    def close(self) -> None:
        # Best effort at exit: the browser dies with the process anyway.
        with contextlib.suppress(Exception):
            self._call(self._kaleido.__aexit__(None, None, None), 10, "closing Chromium")
        with contextlib.suppress(Exception):
            self._call(_cancel_pending(), 5, "stopping the export loop")
        self._stop_loop()


async def _cancel_pending() -> None:
    """Cancel what the browser left running on its loop (its watchdog), so the loop stops without complaint."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _get_renderer() -> _Renderer:
    """The process-wide renderer, started on first use; the browser is found before kaleido is started."""
    global _renderer
    with _renderer_lock:
        if _renderer is not None and not _renderer.alive():
            _renderer = None
        if _renderer is None:
            browser = require_browser()
            _renderer = _Renderer(browser)
            # Registered after kaleido made its temporary folders, so that it runs before their own exit
            # finalizers (atexit is last-in, first-out) and closes the browser cleanly, without warnings.
            atexit.register(shutdown)
        return _renderer


def shutdown() -> None:
    """Close the browser (also run at exit). The next export starts a new one."""
    global _renderer
    with _renderer_lock:
        if _renderer is not None:
            atexit.unregister(shutdown)
            _renderer.close()
            _renderer = None


# -- figures ----------------------------------------------------------------------------------------------------


def export_figure(fig: go.Figure, *, width: int = EXPORT_WIDTH, height: int | None = None) -> go.Figure:
    """A copy of ``fig`` ready to leave the app: explicit template and size; the original is untouched.

    The template is set again here because ``import streamlit`` replaces plotly's default template for the
    whole process, and an exported figure must not depend on who imported what.
    """
    copy = go.Figure(fig)
    own_height = copy.layout.height
    if height is None:
        height = max(int(own_height or 0), EXPORT_MIN_HEIGHT)
    copy.update_layout(template=TEMPLATE, width=width, height=height, autosize=False)
    return copy


def _check_scale(scale: float) -> float:
    if not isinstance(scale, (int, float)) or not 0.5 <= scale <= 4:
        raise ValueError(f"scale {scale!r} must be between 0.5 and 4 (2 = twice the pixels, for print)")
    return scale


def _render(fig: go.Figure, fmt: str, scale: float, width: int, height: int | None) -> bytes:
    out = export_figure(fig, width=width, height=height)
    opts = {"format": fmt, "scale": _check_scale(scale), "width": out.layout.width, "height": out.layout.height}
    spec = out.to_dict()
    for attempt in (1, 2):
        renderer = _get_renderer()
        try:
            return renderer.render(spec, opts)
        except ExportUnavailable:  # timed out: a browser that hangs is not reused
            _discard(renderer)
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. the browser crashed or was killed: start a fresh one once
            _discard(renderer)
            if attempt == 2:
                raise ExportUnavailable(f"Chromium failed to render the chart ({type(exc).__name__}: "
                                        f"{str(exc).strip() or 'no detail'})") from exc
    raise AssertionError("unreachable")


def _discard(renderer: _Renderer) -> None:
    """Forget a broken renderer (the next export starts a new browser) and close it in the background."""
    global _renderer
    with _renderer_lock:
        if _renderer is renderer:
            _renderer = None
    threading.Thread(target=renderer.close, name="kaleido-export-close", daemon=True).start()


def to_png(fig: go.Figure, scale: float = 2, *, width: int = EXPORT_WIDTH, height: int | None = None) -> bytes:
    """PNG of ``width × height`` layout pixels times ``scale`` (2 by default, sharp on screens and in print)."""
    return _render(fig, "png", scale, width, height)


def to_svg(fig: go.Figure, *, width: int = EXPORT_WIDTH, height: int | None = None) -> bytes:
    return _render(fig, "svg", 1, width, height)


def to_pdf(fig: go.Figure, *, width: int = EXPORT_WIDTH, height: int | None = None) -> bytes:
    return _render(fig, "pdf", 1, width, height)


def to_html(fig: go.Figure) -> bytes:
    """A standalone page: plotly.js inlined (about 4.8 MB), no MathJax, no network needed to open it."""
    out = go.Figure(fig)
    out.update_layout(template=TEMPLATE, width=None, autosize=True)
    title = out.layout.title.text or "chart"
    html = out.to_html(
        include_plotlyjs=True, include_mathjax=False, full_html=True, default_width="100%",
        config={"displaylogo": False, "responsive": True, "toImageButtonOptions": {"scale": 2}},
    )
    # plotly's page has no <title>; give the browser tab the chart's name.
    html = html.replace("<head>", f"<head><title>{_html_escape(title)}</title>", 1)
    return html.encode("utf-8")


def _html_escape(text: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", str(text), flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").strip()


# -- tables -----------------------------------------------------------------------------------------------------


def _is_nested(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict, set))


def is_nested(df: pd.DataFrame) -> bool:
    """True when some cell holds a list or a dict (then JSON is the faithful format; CSV flattens it)."""
    return any(df[c].dtype == object and df[c].map(_is_nested).any() for c in df.columns)


def _json_cell(value: Any) -> Any:
    if _is_nested(value):
        return json.dumps(_plain(value), ensure_ascii=False)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV without the index; nested cells (lists, dicts) are written as JSON text; unknown is empty."""
    flat = df.copy()
    for column in flat.columns:
        if flat[column].dtype == object:
            flat[column] = flat[column].map(_json_cell)
    return flat.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def to_json(df: pd.DataFrame) -> bytes:
    """A JSON array of records; nested cells stay nested, unknown is null, dates are ISO strings."""
    records = [{str(k): _plain(v) for k, v in row.items()} for row in df.to_dict("records")]
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def chart_data(fig: go.Figure, df: pd.DataFrame | None) -> pd.DataFrame:
    """The table behind a chart (the builder's DataFrame), or one rebuilt from the traces when there is none."""
    if df is not None:
        return df
    rows = []
    for trace in fig.data:
        xs = list(getattr(trace, "x", None) or [])
        ys = list(getattr(trace, "y", None) or [])
        for i in range(max(len(xs), len(ys))):
            rows.append({"series": trace.name, "x": xs[i] if i < len(xs) else None,
                         "y": ys[i] if i < len(ys) else None})
    return pd.DataFrame(rows, columns=["series", "x", "y"])


# -- one entry point for every format ---------------------------------------------------------------------------

_CHART_EXPORTERS: dict[str, Callable[..., bytes]] = {"svg": to_svg, "pdf": to_pdf}


def export_chart(fig: go.Figure, df: pd.DataFrame | None, fmt: str, *, scale: float = 2) -> bytes:
    """The bytes of ``fig`` (or its data, for csv/json) in ``fmt``: png, svg, pdf, html, csv or json."""
    if fmt == "png":
        return to_png(fig, scale=scale)
    if fmt in _CHART_EXPORTERS:
        return _CHART_EXPORTERS[fmt](fig)
    if fmt == "html":
        return to_html(fig)
    if fmt == "csv":
        return to_csv(chart_data(fig, df))
    if fmt == "json":
        return to_json(chart_data(fig, df))
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join((*CHART_FORMATS, 'json'))}")


# -- file names -------------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
_MAX_STEM = 120


def _slug(text: str) -> str:
    slug = _UNSAFE.sub("-", str(text))
    slug = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", slug))
    return slug.strip("-.")


def export_filename(chart_name: str, fmt: str, on: dt.date | None = None, extra: str = "") -> str:
    """``cost-vs-hle_ratio-3-1_2026-11-29.png``: says what and when; safe on every file system.

    Only ASCII letters, digits, ``.``, ``_`` and ``-`` survive, so the name holds no separator, no ``..`` and no
    character Windows, macOS or Linux rejects: it can never leave the folder it is written to.
    """
    fmt = _slug(fmt).lower()
    if fmt not in (*CHART_FORMATS, "json"):
        raise ValueError(f"unknown format {fmt!r}")
    on = on or today()
    parts = [_slug(chart_name) or "chart"]
    if _slug(extra):
        parts.append(_slug(extra))
    stem = "_".join(parts)[:_MAX_STEM].rstrip("-._")
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = f"chart-{stem}"
    return f"{stem}_{on.isoformat()}.{fmt}"


def settings_slug(settings: dict[str, Any]) -> str:
    """``{"ratio": "3:1", "condition": "tools"}`` → ``ratio-3-1_condition-tools`` for a file name."""
    parts = []
    for key, value in settings.items():
        if value is None or value == [] or value == ():
            continue
        if isinstance(value, (list, tuple)):
            value = "+".join(str(v) for v in value) if len(value) <= 3 else f"{len(value)}-items"
        parts.append(f"{key}-{value}")
    return _slug("_".join(parts))
