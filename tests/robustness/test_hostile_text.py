"""Names, notes and reporters are user data: with a registry whose model names are ``<img src=x onerror=…>`` and
``<script>…</script>``, every table keeps them as literal text, every chart carries them escaped (plotly renders
``&lt;`` as a visible ``<``; a raw tag would be interpreted or dropped), every export keeps them inert, and
export file names stay inside their folder. The browser half is tests/e2e/test_hostile_e2e.py."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from analytics import export
from analytics.charts.catalog import chart_catalog
from analytics.core.catalog import blended_table, price_table
from analytics.core.errors import AnalyticsError, RegistryError
from analytics.core.registry import DATA_DIR, Registry, load_registry
from tests.core.test_registry import base_files, set_path, write_registry
from tests.robustness.hostile import HOSTILE_IDS, HOSTILE_NAMES, IMG_NAME, SCRIPT_NAME, write_hostile_registry

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


ON = dt.date(2026, 1, 28)
RAW_MARKUP = re.compile(r"<\s*(img|script|svg|iframe)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Registry:
    return load_registry([DATA_DIR, write_hostile_registry(tmp_path_factory.mktemp("hostile"))])


def test_tables_keep_the_names_as_literal_text(hostile: Registry):
    prices = price_table(hostile, on=ON)
    assert set(HOSTILE_NAMES) <= set(prices["name"])
    blended = blended_table(hostile, on=ON)
    assert set(HOSTILE_NAMES) <= set(blended["name"])


def _raw_markup(value, path="fig"):
    """Paths of strings in a figure's JSON that carry an unescaped hostile tag."""
    if isinstance(value, str):
        return [path] if RAW_MARKUP.search(value) else []
    if isinstance(value, dict):
        return [p for k, v in value.items() if k != "customdata" for p in _raw_markup(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _raw_markup(v, f"{path}[{i}]")]
    return []


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


CHARTS = sorted(chart_catalog())


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_carries_the_names_escaped(hostile: Registry, name: str):
    spec = chart_catalog()[name]
    try:
        fig, _ = spec.build(hostile, **(ANY_REPORTER if any(o.name == "reporters" for o in spec.options) else {}))
    except (AnalyticsError, TypeError) as exc:  # a chart that needs more than a registry (a workload, a log)
        pytest.skip(f"{name} does not build from a registry alone: {exc}")
    document = json.loads(fig.to_json())
    # customdata is rendered only through a hovertemplate, which then needs it escaped too: checked below
    hovertemplates = " ".join(s for s in _strings(document) if "%{customdata" in s)
    bad = _raw_markup(document)
    if hovertemplates:
        bad += [f"{p} (shown by a hovertemplate)" for trace in document["data"]
                for p in _raw_markup(trace.get("customdata", []), "customdata")]
    assert not bad, f"unescaped markup in {name}: {bad[:5]}"


ANY_REPORTER = {"reporters": "any"}
"""The hostile scores are a third party's: counted only when every reporter counts (the default is the labs')."""


def test_the_scatter_shows_both_hostile_models(hostile: Registry):
    fig, data = chart_catalog()["cost-vs-hle"].build(hostile, **ANY_REPORTER)
    text = " ".join(_strings(json.loads(fig.to_json())))
    for raw in HOSTILE_NAMES:
        escaped = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert escaped in text, f"{raw!r} missing from the chart"
    assert set(HOSTILE_IDS) <= set(data["model"]) if "model" in data else True


def test_exports_keep_the_names_inert(hostile: Registry):
    fig, data = chart_catalog()["cost-vs-hle"].build(hostile, **ANY_REPORTER)
    csv_text = export.to_csv(data).decode("utf-8")
    assert IMG_NAME in csv_text and SCRIPT_NAME in csv_text, "the CSV holds the names as they are (text)"
    json_text = export.to_json(data).decode("utf-8")
    assert IMG_NAME in json_text
    html = export.to_html(fig).decode("utf-8")
    page = html.split("</head>", 1)[1]  # plotly.js itself is inlined in the head
    assert "<img src=x" not in page and SCRIPT_NAME not in page, "raw markup in the standalone HTML"
    assert page.count("<script") == page.count("</script>"), "a name closed a script element early"


@pytest.mark.skipif(not export.static_export_available(), reason="no Chromium for kaleido")
def test_svg_export_holds_the_names_as_text_not_elements(hostile: Registry):
    fig, _ = chart_catalog()["cost-vs-hle"].build(hostile, **ANY_REPORTER)
    svg = export.to_svg(fig).decode("utf-8")
    assert "<img" not in svg and "<script" not in svg and "<iframe" not in svg
    # wherever a hostile label is drawn, it is escaped text
    escaped = svg.count("&lt;img src=x onerror") + svg.count("&#60;img src=x onerror")
    assert escaped >= 1 and svg.count("onerror") == escaped, "the label is drawn, as escaped text"


@pytest.mark.parametrize("hostile_name", [*HOSTILE_NAMES, "../../../etc/passwd", "..", "a/b\\c:d", "\x00nul",
                                          "CON", "nul.txt", " .hidden", "😀" * 300, "x" * 5000])
def test_export_file_names_never_leave_their_folder(tmp_path: Path, hostile_name: str):
    for fmt in ("png", "svg", "pdf", "html", "csv", "json"):
        name = export.export_filename(hostile_name, fmt, ON, extra=hostile_name)
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name), name
        assert ".." not in name and len(name) <= 255
        target = (tmp_path / name).resolve()
        assert target.parent == tmp_path.resolve()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
                                  "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                                  "//evil.example/x", "https://ok.example/\"><script>alert(1)</script>",
                                  "file:///etc/passwd", "http://", "ftp://evil.example/x"])
def test_only_http_links_are_accepted_as_sources(tmp_path: Path, link: str):
    files = base_files()
    set_path(files["providers/acme.yaml"], "models[0].prices[0].source", link)
    write_registry(tmp_path, files)
    with pytest.raises(RegistryError, match="must be an http"):
        load_registry(tmp_path)
