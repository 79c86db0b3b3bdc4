"""The price table's filters (minimum context, priced only), its tiers as numbers, and which models' drawn price
changed — the Prices page's domain logic (issue 17, item 9), on a small registry written for these tests:

- ``long``: Lab A (US), open weights, window 1,000,000; tiers ≤ 200,000: 2 / 12, then 4 / 18.
- ``short``: Lab A (US), closed, window 32,768; one tier 1 / 5; its price changed on 2026-03-01 (was 2 / 10).
- ``tiered``: Lab B (CN), closed, window 262,144; two schedules that differ only in the second tier (flat line).
- ``bare``: Lab B (CN), window 128,000, no price at all.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.core.catalog import (
    CONTEXT_CHOICES,
    FLAGSHIP_COLUMNS,
    drawn_price_changes,
    filter_prices,
    flagship_table,
    http_only,
    price_history_data,
    price_table,
)
from analytics.core.errors import AnalyticsError
from analytics.core.registry import load_registry
from analytics.formatting import tier_prices_text

ON = dt.date(2026, 6, 1)
PROVIDERS = {
    "a.yaml": """
id: lab-a
name: Lab A
country: US
models:
  - id: long
    name: Long
    open_weights: true
    context_window: 1000000
    prices:
      - {source: "https://a.example/prices", checked_on: 2026-01-01, tiers: [
          {up_to: 200000, input_mtok: 2.0, output_mtok: 12.0}, {input_mtok: 4.0, output_mtok: 18.0}]}
  - id: short
    name: Short
    open_weights: false
    context_window: 32768
    prices:
      - {source: "https://a.example/old", checked_on: 2026-01-01, effective_to: 2026-03-01,
         tiers: [{input_mtok: 2.0, output_mtok: 10.0}]}
      - {source: "https://a.example/new", checked_on: 2026-03-01, effective_from: 2026-03-01,
         tiers: [{input_mtok: 1.0, output_mtok: 5.0}]}
""",
    "b.yaml": """
id: lab-b
name: Lab B
country: CN
models:
  - id: tiered
    name: Tiered
    open_weights: false
    context_window: 262144
    prices:
      - {source: "https://b.example/old", checked_on: 2026-01-01, effective_to: 2026-03-01, tiers: [
          {up_to: 32768, input_mtok: 1.0, output_mtok: 4.0}, {input_mtok: 2.0, output_mtok: 8.0}]}
      - {source: "https://b.example/new", checked_on: 2026-03-01, effective_from: 2026-03-01, tiers: [
          {up_to: 32768, input_mtok: 1.0, output_mtok: 4.0}, {input_mtok: 1.5, output_mtok: 6.0}]}
  - id: bare
    name: Bare
    open_weights: false
    context_window: 128000
    prices: []
""",
}


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalog-registry")
    (folder / "providers").mkdir()
    for name, text in PROVIDERS.items():
        (folder / "providers" / name).write_text(text)
    return load_registry(folder)


@pytest.fixture(scope="module")
def table(reg):
    return price_table(reg, on=ON)


@pytest.mark.parametrize(("min_context", "expected"), [
    (0, {"long", "short", "tiered", "bare"}),
    (32_768, {"long", "short", "tiered", "bare"}),   # inclusive: a 32,768 window passes a 32,768 minimum
    (32_769, {"long", "tiered", "bare"}),
    (200_000, {"long", "tiered"}),
    (1_000_000, {"long"}),
    (1_000_001, set()),
])
def test_minimum_context(table, min_context, expected):
    assert set(filter_prices(table, min_context=min_context)["id"]) == expected


def test_priced_only_hides_the_rows_without_a_price(table):
    assert set(filter_prices(table, priced_only=True)["id"]) == {"long", "short", "tiered"}
    assert table.set_index("id").loc["bare", "status"] == "no price"  # shown, and says why, when not hidden


def test_filters_combine(table):
    rows = filter_prices(table, countries=["CN"], min_context=100_000, priced_only=True)
    assert list(rows["id"]) == ["tiered"]
    assert list(filter_prices(table, providers=["Lab A"], open_weights="open")["id"]) == ["long"]


@pytest.mark.parametrize("kwargs", [{"open_weights": "maybe"}, {"min_context": -1}])
def test_bad_filters_are_refused(table, kwargs):
    with pytest.raises(AnalyticsError):
        filter_prices(table, **kwargs)


def test_context_choices_start_with_any_and_round_down_to_the_thousand():
    assert list(CONTEXT_CHOICES)[0] == "any" and CONTEXT_CHOICES["any"] == 0
    tokens = list(CONTEXT_CHOICES.values())
    assert tokens == sorted(tokens)
    assert CONTEXT_CHOICES["32K"] <= 32_768 and CONTEXT_CHOICES["128K"] <= 131_072 <= CONTEXT_CHOICES["200K"]


def test_tier_prices_are_numbers_and_format_as_money(reg, table):
    rows = table.set_index("id")
    assert rows.loc["long", "tier_prices"] == [
        {"label": "≤ 200,000", "up_to": 200_000, "input": 2.0, "output": 12.0},
        {"label": "> 200,000", "up_to": None, "input": 4.0, "output": 18.0},
    ]
    assert tier_prices_text(rows.loc["long", "tier_prices"], "USD") == (
        "≤ 200,000: $2.00 / $12.00 · > 200,000: $4.00 / $18.00")
    assert tier_prices_text(rows.loc["short", "tier_prices"], "USD") == "one tier"
    assert tier_prices_text(rows.loc["bare", "tier_prices"], "USD") == ""
    # a currency without a symbol is written after the amount (formatting.money)
    assert tier_prices_text(rows.loc["long", "tier_prices"], "CHF").startswith("≤ 200,000: 2.00 CHF / 12.00 CHF")


def test_history_draws_only_models_whose_drawn_price_changed(reg):
    """``short`` went from 2 / 10 to 1 / 5: drawn for input and for output. ``tiered`` changed only its second
    tier (2 / 8 → 1.5 / 6): its first-tier line would be flat, so it is not drawn. ``long`` has one schedule."""
    history = price_history_data(reg, on=ON)
    assert set(history.loc[history["changes"] > 1, "model"]) == {"short", "tiered"}
    assert drawn_price_changes(history, "input") == ["short"]
    assert drawn_price_changes(history, "output") == ["short"]
    with pytest.raises(AnalyticsError):
        drawn_price_changes(history, "cache")


def test_flagship_table_keeps_the_order_asked_for_and_links_only_http_sources(reg):
    """The Overview's table: the models asked for, in that order (not the registry's); an id the registry does not
    hold is left out; on 2026-06-01 "short" is priced from its 2026-03-01 record."""
    shown = flagship_table(reg, ["tiered", "missing", "short", "long"], on=ON)
    assert list(shown.columns) == FLAGSHIP_COLUMNS
    assert shown["name"].tolist() == ["Tiered", "Short", "Long"]
    assert shown["link"].tolist() == ["https://b.example/new", "https://a.example/new", "https://a.example/prices"]
    assert shown["input_per_mtok"].tolist() == [1.0, 1.0, 2.0]


@pytest.mark.parametrize(("value", "link"), [
    ("https://a.example/p", "https://a.example/p"),
    ("http://a.example", "http://a.example"),
    ("seed-report", None),
    ("javascript:alert(1)", None),
    (None, None),
])
def test_http_only_keeps_web_links_and_blanks_the_rest(value, link):
    assert http_only(pd.Series([value])).tolist() == [link]
