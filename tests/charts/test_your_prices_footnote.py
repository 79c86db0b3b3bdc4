"""Every chart priced through an overlay says "Your prices" in its footnote (and so in every export); a chart of
list prices, or of scores only, says nothing of the kind."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.charts.base import OVERLAY_CHARS, Provenance
from analytics.charts.catalog import chart_catalog
from analytics.core.registry import DATA_DIR, load_registry, overrides_from_bytes

SCORES_ONLY = {"hle-conditions"}
"""Charts with no price in them."""


@pytest.fixture(scope="module")
def registries():
    listed = load_registry(DATA_DIR)
    return listed, overrides_from_bytes(listed, b"overrides: [{provider: google, discount_pct: 15}]\n", "mine.yaml")


@pytest.mark.parametrize("name", sorted(chart_catalog()))
def test_every_priced_chart_says_your_prices(registries, name):
    listed, yours = registries
    spec = chart_catalog()[name]
    with_overlay, _ = spec.build(yours)
    without, _ = spec.build(listed)
    note = with_overlay.layout.meta["provenance"]
    assert ("Your prices: 15% off the list price (provider google) (from mine.yaml), not the list prices" in note) \
        is (name not in SCORES_ONLY)
    assert "Your prices" not in without.layout.meta["provenance"]


def test_the_footnote_line_is_bold_escaped_and_bounded():
    prov = Provenance("what", dt.date(2026, 12, 1), overlay="your prices: 5% off (contract A&B) " + "x" * 300)
    text = prov.text()
    line = text.split("<br>")[-1]
    assert line.startswith("<b>Your prices</b>: 5% off (contract A&amp;B) ") and line.endswith(", not the list prices")
    assert len(line) < OVERLAY_CHARS + 60
    assert "<b>" not in prov.plain()
