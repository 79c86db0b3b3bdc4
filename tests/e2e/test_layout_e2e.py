"""Every page, readable on a laptop (1440 px) and on a phone (390 px): in every chart the legend touches neither the
title, the axis titles nor the plot area, no axis title touches the title, and no title, axis title, legend,
annotation or point or bar label runs off the figure; on a phone the page's own controls are in the page body, not
only in the collapsed sidebar.

One server, one browser, one context per width (pages visited in turn). Screenshots of every page at both widths go
to ``artifacts/screenshots/layout-<page>-<width>.png``: look at them — the boxes catch collisions, not ugliness.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from bench.page_list import discover_pages
from tests.e2e.conftest import ARTIFACTS, assert_no_streamlit_error, wait_for_app

WIDTHS = {"desktop": (1440, 900), "phone": (390, 844)}
PAGES = discover_pages()
QUERIES = {"pages/replay.py": {"log": "sample", "requests": "1,000"}}
"""Extra query parameters: a small sample keeps the Replay page quick (the layout does not depend on its size)."""

BOXES = """() => {
    const box = e => { const r = e.getBoundingClientRect(); return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
                                                                   w: r.width, h: r.height}; };
    const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(plot => {
        const holder = plot.closest('[class*="st-key-chart-"]');
        const name = holder ? holder.className.match(/st-key-chart-([\\w-]+)/)[1] : '?';
        const all = sel => [...plot.querySelectorAll(sel)].filter(visible);
        const named = (sel, label) => all(sel).map(e => ({what: label, text: e.textContent.slice(0, 60), ...box(e)}));
        return {
            name,
            figure: box(plot),
            legend: all('g.legend').map(box),
            titles: [...named('.g-gtitle text', 'title'),
                     ...named('[class^="g-x"][class$="title"] text', 'x-axis title'),
                     ...named('[class^="g-y"][class$="title"] text', 'y-axis title')],
            plots: all('rect.nsewdrag').map(box),
            annotations: named('g.annotation', 'annotation'),
            labels: named('.textpoint text, .bartext', 'label'),
        };
    });
}"""


def overlaps(a: dict, b: dict, tolerance: float = 1.0) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tolerance
            and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > tolerance)


def outside(inner: dict, outer: dict, tolerance: float = 1.5) -> bool:
    return (inner["x0"] < outer["x0"] - tolerance or inner["x1"] > outer["x1"] + tolerance
            or inner["y0"] < outer["y0"] - tolerance or inner["y1"] > outer["y1"] + tolerance)


def layout_problems(charts: list[dict]) -> list[str]:
    """Every collision or cut-off element, one line each, naming the chart and the element."""
    problems = []
    for chart in charts:
        name = chart["name"]
        for legend in chart["legend"]:
            for title in chart["titles"]:
                if overlaps(legend, title):
                    problems.append(f"{name}: the legend overlaps the {title['what']} {title['text']!r}")
            if any(overlaps(legend, plot) for plot in chart["plots"]):
                problems.append(f"{name}: the legend overlaps the plot area")
            if outside(legend, chart["figure"]):
                problems.append(f"{name}: the legend runs off the figure")
        heads = [t for t in chart["titles"] if t["what"] == "title"]
        for axis_title in (t for t in chart["titles"] if t["what"] != "title"):
            if any(overlaps(axis_title, head) for head in heads):
                problems.append(f"{name}: the {axis_title['what']} {axis_title['text']!r} overlaps the title")
        for item in chart["titles"] + chart["annotations"] + chart["labels"]:
            if outside(item, chart["figure"]):
                problems.append(f"{name}: the {item['what']} {item['text']!r} is cut off")
    return problems


@pytest.fixture(scope="module")
def pages_at(browser, app_url):
    """One browser page per width, reused across the module (one context each)."""
    tabs = {}
    contexts = []
    for label, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        tabs[label] = context.new_page()
        tabs[label].goto(app_url)  # the root first: the router runs before any deep link
        wait_for_app(tabs[label], 60_000)
    yield tabs
    for context in contexts:
        context.close()


def settle(page, timeout_ms: int = 20_000) -> None:
    """Until the first chart (or, on a page of tables such as the Calculator, the first table) has drawn and the
    number of drawn charts has stayed the same for a second."""
    page.locator(".js-plotly-plot svg.main-svg, [data-testid='stDataFrame']").first.wait_for(state="attached",
                                                                                              timeout=90_000)
    last, stable, waited = -1, 0, 0
    while waited < timeout_ms and stable < 4:
        count = page.locator(".js-plotly-plot svg.main-svg").count()
        stable = stable + 1 if count == last else 0
        last = count
        page.wait_for_timeout(250)
        waited += 250


def full_page_screenshot(page, path: Path, width: int, height: int) -> None:
    """Streamlit scrolls inside its main block: grow the viewport to the page's height, shoot, restore."""
    full = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(int(full) + 40, 12_000))})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": height})


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("ref", PAGES, ids=[Path(p.path).stem for p in PAGES])
def test_page_is_readable(pages_at, app_url, ref, width):
    page = pages_at[width]
    query = {**ref.query, **QUERIES.get(ref.path, {})}
    page.goto(f"{app_url}/{ref.url_path}{'?' + urlencode(query) if query else ''}")
    wait_for_app(page, 90_000)
    settle(page)
    assert_no_streamlit_error(page)
    charts = page.evaluate(BOXES)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = Path(ref.path).stem
    full_page_screenshot(page, ARTIFACTS / f"layout-{stem}-{WIDTHS[width][0]}.png", *WIDTHS[width])
    problems = layout_problems(charts)
    assert not problems, "\n".join(problems)
    if width == "phone":
        # the page's own controls are in its body: a phone shows the sidebar collapsed
        controls = page.locator("[data-testid='stMain'] :is(input, [role='radiogroup'], [role='combobox'])")
        if ref.path not in {"pages/overview.py"}:
            assert controls.count() > 0, f"{ref.title}: no control in the page body at {WIDTHS[width][0]} px"
