"""The dashboard with your prices: an overrides file uploaded for the session (the Prices page stores it in the
session) or a LLM_COSTS_REGISTRY layer prices every page and says so; a layer with nothing to load is an error box,
never the bundled prices in silence."""

from __future__ import annotations

import json

import pytest
import streamlit as st

from pages.ui.common import YOUR_PRICES_KEY
from tests.app.conftest import open_page

UPLOAD = ("mine.yaml", b"overrides: [{provider: anthropic, discount_pct: 20, contract: MSA-7}]\n")


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def footnotes(at) -> list[str]:
    """Each chart's provenance footnote: on screen it is a caption below the chart (the figure keeps it as meta)."""
    return [json.loads(chart.proto.spec)["layout"]["meta"]["provenance"] for chart in at.get("plotly_chart")]


def with_upload(page: str, query: dict[str, str] | None = None):
    at = open_page(page, query)
    at.session_state[YOUR_PRICES_KEY] = UPLOAD
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_prices_page_marks_your_prices():
    at = with_upload("pages/prices.py")
    table = at.dataframe[0].value
    frame = getattr(table, "data", table).set_index("name")
    assert frame.loc["Claude Opus 4.7", "input_per_mtok"] == pytest.approx(4.0)  # 5.00 × 0.8
    assert frame.loc["Claude Opus 4.7", "your_prices"] == "20% off the list price (provider anthropic; contract MSA-7)"
    assert frame.loc["GPT-5.5", "input_per_mtok"] == 5.0
    sidebar = [i.value for i in at.sidebar.info]
    assert any(v.startswith("**Your prices** are in use") and "MSA" in v for v in sidebar)
    assert any("Your prices from mine" in s.value for s in at.success)


def test_every_page_prices_with_the_upload():
    """Cost vs HLE and Blended price: the footnote says your prices are in use."""
    at = with_upload("pages/cost_vs_hle.py", {"on": "2026-01-28"})
    notes = footnotes(at)
    assert any("Your prices: 20% off the list price (provider anthropic; contract MSA-7)" in n for n in notes)
    blended = with_upload("pages/blended.py")
    assert any("Your prices:" in n for n in footnotes(blended))


def test_without_an_upload_nothing_says_so():
    at = open_page("pages/prices.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert "your_prices" not in getattr(table, "data", table).columns
    assert not any("Your prices" in n for n in footnotes(open_page("pages/blended.py")))


def test_a_layer_from_the_environment(tmp_path, monkeypatch):
    (tmp_path / "overrides.yaml").write_text("overrides: [{provider: openai, discount_pct: 10}]\n", encoding="utf-8")
    monkeypatch.setenv("LLM_COSTS_REGISTRY", str(tmp_path))
    at = open_page("pages/prices.py")
    assert not at.exception, at.exception
    frame = getattr(at.dataframe[0].value, "data", at.dataframe[0].value).set_index("name")
    assert frame.loc["GPT-5.5", "input_per_mtok"] == pytest.approx(4.5)
    assert any("10% off the list price" in i.value and "openai" in i.value for i in at.sidebar.info)


@pytest.mark.parametrize("page", [None, "pages/prices.py"])
def test_an_empty_layer_is_an_error_box(tmp_path, monkeypatch, page):
    monkeypatch.setenv("LLM_COSTS_REGISTRY", str(tmp_path))
    at = open_page(page)
    assert not at.exception, at.exception
    [error] = at.error
    assert "LLM\\_COSTS\\_REGISTRY" in error.value and "holds no registry file" in error.value
    assert not at.get("plotly_chart") and not at.dataframe  # the page stops: no list prices in silence
