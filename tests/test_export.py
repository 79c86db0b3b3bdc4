"""Exported files are valid files of their kind, carry the provenance footnote, and fail clearly without a browser."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import struct
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from analytics import export
from analytics.charts.base import TEMPLATE, Provenance, country_color, finish

ROOT = Path(__file__).resolve().parents[1]
MODELS = ["Qwen3-Max-Thinking", "GPT-5.2", "Gemini 3 Pro"]
AS_OF = dt.date(2026, 11, 1)
needs_browser = pytest.mark.skipif(not export.static_export_available(),
                                   reason="no Chromium: static export cannot run here")


def small_figure() -> go.Figure:
    fig = go.Figure()
    for name, country, x, y in [(MODELS[0], "CN", 2.4, 30.2), (MODELS[1], "US", 5.0, 35.2),
                                (MODELS[2], "US", 4.5, 37.5)]:
        fig.add_scatter(x=[x], y=[y], mode="markers+text", text=[name], name=name, textposition="top center",
                        marker={"color": country_color(country), "size": 12})
    fig.update_xaxes(type="log", title="Blended price, USD per 1M tokens (3:1)")
    fig.update_yaxes(title="HLE score (%)")
    return finish(fig, "HLE score vs blended price", Provenance("HLE vs price", AS_OF, {"blend ratio": "3:1"}))


@pytest.fixture(scope="module")
def fig() -> go.Figure:
    return small_figure()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# -- static images ----------------------------------------------------------------------------------------------


@needs_browser
@pytest.mark.parametrize("scale", [1, 2])
def test_png_has_the_signature_and_layout_size_times_scale(fig, scale):
    data = export.to_png(fig, scale=scale)
    assert png_size(data) == (export.EXPORT_WIDTH * scale, export.EXPORT_MIN_HEIGHT * scale)


@needs_browser
def test_png_keeps_a_taller_figure_height(fig):
    tall = go.Figure(fig).update_layout(height=900)
    assert png_size(export.to_png(tall, scale=1)) == (export.EXPORT_WIDTH, 900)


@needs_browser
def test_svg_parses_as_xml_and_holds_the_model_labels_and_the_footnote(fig):
    data = export.to_svg(fig)
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    texts = " ".join(t for t in root.itertext())
    for model in MODELS:
        assert model in texts
    assert "registry as of 2026-11-01" in texts
    assert "blend ratio: 3:1" in texts
    assert "Sources:" in texts


@needs_browser
def test_pdf_has_the_header_and_the_title(fig):
    from pypdf import PdfReader

    data = export.to_pdf(fig)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "HLE score vs blended price" in reader.pages[0].extract_text()


@needs_browser
def test_the_browser_is_started_once_and_reused(fig):
    export.to_svg(fig)
    first = export._renderer
    export.to_png(fig, scale=1)
    assert export._renderer is first


@needs_browser
def test_concurrent_exports_from_several_threads_all_succeed(fig):
    """Streamlit serves every session from its own thread; they share the one browser."""
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(export.to_png(fig, scale=1))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 3
    assert all(png_size(r) == (export.EXPORT_WIDTH, export.EXPORT_MIN_HEIGHT) for r in results)


@pytest.mark.parametrize("scale", [0, 5, "2"])
def test_a_bad_scale_is_refused_before_rendering(fig, scale):
    with pytest.raises(ValueError, match="scale"):
        export.to_png(fig, scale=scale)


# -- the exported copy ------------------------------------------------------------------------------------------


def test_export_copy_sets_the_template_explicitly_and_leaves_the_original_alone(monkeypatch):
    """``import streamlit`` changes plotly's default template; the exported copy must not depend on it."""
    monkeypatch.setattr(pio.templates, "default", "ggplot2")
    raw = go.Figure(go.Bar(x=["a"], y=[1]))
    out = export.export_figure(raw)
    assert out.layout.template == pio.templates[TEMPLATE]
    assert (out.layout.width, out.layout.height) == (export.EXPORT_WIDTH, export.EXPORT_MIN_HEIGHT)
    assert raw.layout.width is None
    assert raw.layout.template == pio.templates["ggplot2"]


# -- HTML -------------------------------------------------------------------------------------------------------


def test_html_is_standalone_with_the_figure_and_the_footnote(fig):
    html = export.to_html(fig).decode("utf-8")
    assert 'class="plotly-graph-div"' in html
    assert "Plotly.newPlot" in html
    assert len(html) > 1_000_000, "plotly.js should be inlined"
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE), "loads an external script"
    assert "MathJax.Hub.Config" not in html and "mathjax" not in html.split("<body>")[0].lower()
    assert "registry as of 2026-11-01" in html
    assert "<title>HLE score vs blended price</title>" in html
    for model in MODELS:
        assert model in html


def test_html_title_is_escaped():
    raw = finish(go.Figure(), "A <b>bold</b> & risky title", Provenance("x", AS_OF))
    html = export.to_html(raw).decode("utf-8")
    assert "<title>A bold &amp; risky title</title>" in html


# -- tables -----------------------------------------------------------------------------------------------------


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "model": ["qwen3-max-thinking", "gpt-5.2", "通义千问, \"quoted\""],
        "blended_per_mtok": [2.4, 5.0, float("nan")],
        "score": [30.2, 35.2, 37.5],
        "checked_on": [dt.date(2026, 11, 1)] * 3,
    })


def test_csv_round_trips_with_unknown_as_empty():
    df = table()
    back = pd.read_csv(io.BytesIO(export.to_csv(df)))
    assert list(back.columns) == list(df.columns)
    assert list(back["model"]) == list(df["model"])
    assert back["blended_per_mtok"].iloc[:2].tolist() == [2.4, 5.0]
    assert pd.isna(back["blended_per_mtok"].iloc[2])
    assert back["checked_on"].tolist() == ["2026-11-01"] * 3


def test_nested_cells_are_json_in_csv_and_stay_nested_in_json():
    df = pd.DataFrame({"model": ["a", "b"], "tiers": [[{"up_to": 32000, "input": 1.2}], []],
                       "cost": [1.5, float("nan")]})
    assert export.is_nested(df)
    assert not export.is_nested(table())
    back = pd.read_csv(io.BytesIO(export.to_csv(df)))
    assert json.loads(back["tiers"][0]) == [{"up_to": 32000, "input": 1.2}]
    records = json.loads(export.to_json(df))
    assert records == [{"model": "a", "tiers": [{"up_to": 32000, "input": 1.2}], "cost": 1.5},
                       {"model": "b", "tiers": [], "cost": None}]


def test_chart_data_falls_back_to_the_traces(fig):
    rebuilt = export.chart_data(fig, None)
    assert rebuilt["series"].tolist() == MODELS
    assert export.chart_data(fig, table()) is not None


def test_export_chart_dispatches_every_format_and_rejects_others(fig):
    assert export.export_chart(fig, table(), "csv").startswith(b"model,")
    assert json.loads(export.export_chart(fig, table(), "json"))[0]["model"] == "qwen3-max-thinking"
    with pytest.raises(ValueError, match="unknown format"):
        export.export_chart(fig, table(), "gif")


# -- file names -------------------------------------------------------------------------------------------------

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@pytest.mark.parametrize("name, extra", [
    ("cost-vs-hle", ""),
    ("cost-vs-hle", "ratio 3:1 / tools"),
    ("../../etc/passwd", ""),
    ("..", ".."),
    ('a/b\\c:d*e?f"g<h>i|j', "x\x00y\n"),
    ("CON", ""),
    ("nul", ""),
    ("通义千问", "模型"),
    ("", ""),
    ("x" * 500, "y" * 500),
])
def test_file_names_are_safe_everywhere_and_say_what_and_when(name, extra):
    out = export.export_filename(name, "png", on=dt.date(2026, 11, 29), extra=extra)
    assert SAFE.match(out), out
    assert os.path.basename(out) == out and ".." not in out
    assert out.endswith("_2026-11-29.png")
    assert len(out) <= 150
    assert out.split(".")[0].split("_")[0].lower() not in {"con", "nul", "prn", "aux"}


def test_file_name_examples():
    on = dt.date(2026, 11, 29)
    assert export.export_filename("cost-vs-hle", "svg", on=on) == "cost-vs-hle_2026-11-29.svg"
    extra = export.settings_slug({"ratio": "3:1", "condition": "tools", "model": ["a", "b"], "none": None})
    assert export.export_filename("cost-vs-hle", "csv", on=on, extra=extra) == \
        "cost-vs-hle_ratio-3-1_condition-tools_model-a-b_2026-11-29.csv"
    with pytest.raises(ValueError):
        export.export_filename("x", "exe", on=on)


# -- no browser ---------------------------------------------------------------------------------------------------


def test_missing_browser_gives_one_clear_line_and_never_starts_kaleido(fig, monkeypatch):
    export.shutdown()
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(export, "find_browser", lambda: None)

    def must_not_start(*args, **kwargs):
        raise AssertionError("kaleido was started without a browser")

    monkeypatch.setattr(export, "_Renderer", must_not_start)
    for render in (export.to_png, export.to_svg, export.to_pdf):
        with pytest.raises(export.ExportUnavailable) as info:
            render(fig)
        message = str(info.value)
        assert "\n" not in message
        assert "apt-get install chromium" in message and "BROWSER_PATH" in message
    assert export.static_export_problem() == message
    assert not export.static_export_available()
    # what needs no browser still works
    assert b"plotly-graph-div" in export.to_html(fig)
    assert export.to_csv(table()).startswith(b"model,")


def test_a_wrong_browser_path_fails_fast_in_a_fresh_process(tmp_path):
    """A fresh process, so no browser is already running: it must fail in seconds, not hang."""
    script = (
        "import plotly.graph_objects as go\n"
        "from analytics import export\n"
        "fig = go.Figure(go.Bar(x=['a'], y=[1]))\n"
        "try:\n"
        "    export.to_png(fig)\n"
        "except export.ExportUnavailable as exc:\n"
        "    print('UNAVAILABLE', exc)\n"
        "print('HTML', len(export.to_html(fig)) > 0)\n"
    )
    env = {**os.environ, "BROWSER_PATH": str(tmp_path / "no-such-chromium")}
    done = subprocess.run([sys.executable, "-W", "error", "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("UNAVAILABLE ") and "no-such-chromium" in lines[0] and "BROWSER_PATH" in lines[0]
    assert lines[1] == "HTML True"


def _browser_processes(process) -> dict[str, int]:
    """kaleido's browser process (choreographer's pipe wrapper) and the Chromium it runs, by role → pid."""
    pids = {"wrapper": process.pid}
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.is_file() and children.read_text().split():
        pids["chromium"] = int(children.read_text().split()[0])
    return pids


@needs_browser
@pytest.mark.parametrize("killed", ["wrapper", "chromium"])
def test_a_crashed_browser_is_replaced_on_the_next_export(fig, killed):
    """A browser killed under a long-running server (the dashboard's export renderer is one per process, kept across
    sessions) must not leave every later export failing or hanging: the next export starts a new one and succeeds.
    Killed: the process kaleido started, or the Chromium it runs (what an OOM killer or a crash would take)."""
    import signal

    export.to_svg(fig)
    before = export._renderer
    process = getattr(before._kaleido, "subprocess", None)
    if process is None or not hasattr(process, "pid"):
        pytest.skip("this kaleido does not expose its browser process")
    pids = _browser_processes(process)
    if killed not in pids:
        pytest.skip(f"this kaleido's browser has no separate {killed} process")
    os.kill(pids[killed], signal.SIGKILL)
    if killed == "wrapper":
        process.wait(timeout=10)
    assert png_size(export.to_png(fig, scale=1)) == (export.EXPORT_WIDTH, export.EXPORT_MIN_HEIGHT)
    assert export._renderer is not before
    assert png_size(export.to_png(fig, scale=1))[0] == export.EXPORT_WIDTH
    for pid in pids.values():  # the old browser does not linger
        deadline = time.monotonic() + 20
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), f"the killed browser's {pid} still runs"


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
