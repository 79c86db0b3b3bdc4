"""The price-of-capability chart: its data worked by hand, the chart, the catalog entry, and the page."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics.charts.catalog import chart_catalog
from analytics.charts.history import capability_price_history
from analytics.core.errors import AnalyticsError
from analytics.core.history import capability_price_history_data

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


ON = dt.date(2026, 1, 28)
"""The seed report's day: the seed models' prices as it gave them (Gemini 3 Pro and Kimi K2.5 have been
retired since, so "today" would price them as unknown)."""


def steps(registry, **options) -> list[tuple]:
    data, _ = capability_price_history_data(registry, on=ON, **options)
    return [(r.band, r.date.isoformat(), r.model, round(r.blended_per_mtok, 6)) for r in data.itertuples()]


def test_default_bands_by_hand(registry):
    """3:1 blend, best score of any reporter, no disputed figure, scores published by 2026-01-28.
    Blended = (3 × input + 1 × output) / 4: Gemini 3 Pro (45.8, 2025-11-18): (6 + 12) / 4 = 4.50; DeepSeek V3.2
    (40.8, 2025-12-01): (0.84 + 0.42) / 4 = 0.315; Qwen3-Max-Thinking (49.8, its own blog; the seed's 58.3 is
    disputed, 2026-01-23): (3.6 + 6) / 4 = 2.40; Kimi K2.5 (51.8, 2026-01-27): (1.8 + 3) / 4 = 1.20. Claude
    Opus 4.5 (10.00), GPT-5.2 (4.8125) and Gemini 3 Flash (43.5, 2025-12-17, 1.125 > 0.315) are never the
    cheapest, so they make no step."""
    assert steps(registry) == [
        (40.0, "2025-11-18", "gemini-3-pro", 4.5),
        (40.0, "2025-12-01", "deepseek-v3.2", 0.315),
        (45.0, "2025-11-18", "gemini-3-pro", 4.5),
        (45.0, "2026-01-23", "qwen3-max-thinking", 2.4),
        (45.0, "2026-01-27", "kimi-k2.5", 1.2),
        (50.0, "2026-01-27", "kimi-k2.5", 1.2),
    ]


def test_only_models_released_by_the_date_count(registry):
    """On 2026-01-25 Kimi K2.5 (2026-01-27) is not out yet: the ≥ 45 band ends with Qwen3-Max-Thinking (49.8,
    published that day, as are the Qwen blog's quotes of Gemini 3 Pro); on 2026-01-24 no HLE score of 45 or more
    had been published by any source we hold, so the band is empty (a past view knows only what was published)."""
    data, _ = capability_price_history_data(registry, bands=[45], on=dt.date(2026, 1, 25))
    assert list(data["model"]) == ["gemini-3-pro", "qwen3-max-thinking"]
    data, _ = capability_price_history_data(registry, bands=[45], on=dt.date(2026, 1, 24))
    assert data.empty


def test_ratio_and_condition_change_the_answer(registry):
    """No tools, 1:1: Gemini 3 Pro 38.3 (press) at (2 + 12) / 2 = 7.00; Gemini 3 Flash 33.7 (2025-12-17) at
    (0.5 + 3) / 2 = 1.75, cheaper than Qwen3-Max-Thinking's (1.2 + 6) / 2 = 3.60 and Kimi K2.5's (0.6 + 3) / 2
    = 1.80, which therefore make no step."""
    assert steps(registry, bands=[30], condition="no-tools", ratio="1:1") == [
        (30.0, "2025-11-18", "gemini-3-pro", 7.0),
        (30.0, "2025-12-17", "gemini-3-flash", 1.75),
    ]


def test_a_band_nobody_reaches_is_empty(registry):
    data, _ = capability_price_history_data(registry, bands=[99], on=ON)
    assert data.empty
    fig, _ = capability_price_history(registry, bands=[99], on=ON)
    assert "No model reaches" in json.dumps(fig.to_plotly_json()["layout"]["annotations"])


def test_bad_band_is_a_clear_error(registry):
    with pytest.raises(AnalyticsError, match="between 0 and 100"):
        capability_price_history_data(registry, bands=[120], on=ON)
    with pytest.raises(AnalyticsError, match="between 0 and 100"):
        capability_price_history_data(registry, bands=["lots"], on=ON)


def test_chart_builds_with_a_line_and_markers_per_band(registry):
    fig, data = capability_price_history(registry, on=ON)
    assert isinstance(data, pd.DataFrame) and len(data) == 6
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["HLE ≥ 40%", "HLE ≥ 45%", "HLE ≥ 50%"]
    assert lines[-1].line.shape == "hv"
    assert str(lines[-1].x[-1]) == ON.isoformat()  # each step line runs on to the as-of date
    assert fig.layout.yaxis.type == "log"
    assert "registry as of" in fig.layout.meta["provenance"]


def test_registered_in_the_chart_catalog():
    spec = chart_catalog()["capability-price-history"]
    assert spec.build is capability_price_history
    assert {o.name for o in spec.options} >= {"bands", "ratio", "condition", "on"}


def test_page_renders():
    from tests.app.conftest import open_page

    at = open_page("pages/history.py")
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("📉 Capability over time")
    assert len(at.get("plotly_chart")) == 1


def test_page_follows_the_band_choice():
    from tests.app.conftest import open_page

    at = open_page("pages/history.py")
    at.multiselect(key="bands").set_value([50]).run()
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"] if t.get("mode") == "lines"] == ["HLE ≥ 50%"]


def test_page_follows_the_shared_as_of_date():
    """The sidebar's "Prices as of" (query parameter ``on``): on 2026-01-25 Kimi K2.5 is not released yet, so
    the ≥ 45 band ends with Qwen3-Max-Thinking."""
    from tests.app.conftest import open_page

    at = open_page("pages/history.py", query={"on": "2026-01-25", "bands": "45"})
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    markers = [t for t in spec["data"] if t.get("mode") == "markers+text"]
    names = [name for m in markers for name in m["text"]]
    assert "Qwen3-Max-Thinking" in names and "Kimi K2.5" not in names
