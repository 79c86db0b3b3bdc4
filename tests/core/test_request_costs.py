"""``catalog.request_cost_table``: one request on every model (the Calculator page and ``compare``).

Rates per 1M tokens on the seed day, 2026-01-28: GPT-5.2 1.75 in / 0.175 cache read / 14 out, no cache-write
rate; Claude Opus 4.5 5 / 0.5 / 25, cache write 6.25 (5 min) and 10 (1 h); Gemini 3 Pro 2 / 0.2 / 12 for prompts
≤ 200,000, 4 / 0.4 / 18 above. On 2026-12-01: GPT-6.1 Sol 2 / 0.1 / 10, cache write 2.5, no 1-hour rate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analytics.core.catalog import REQUEST_COST_COLUMNS, request_cost_table
from analytics.core.errors import AnalyticsError
from analytics.core.pricing import price_request

SEED_DAY = dt.date(2026, 1, 28)
TODAY = dt.date(2026, 12, 1)


def row(table, model: str) -> dict:
    return table.set_index("model").loc[model].to_dict()


@pytest.mark.parametrize(("prompt", "cached", "output", "expected", "tier"), [
    # (200,000 − 0) × 2 / 1M + 1,000 × 12 / 1M = 0.400 + 0.012
    (200_000, 0, 1_000, 0.412, "≤ 200,000"),
    # one token more: the whole request at the second tier: 200,001 × 4 / 1M + 1,000 × 18 / 1M
    (200_001, 0, 1_000, 0.800004 + 0.018, "> 200,000"),
    # 50,000 of which 30,000 cached: 20,000 × 2 + 30,000 × 0.2 + 2,000 × 12 = 0.04 + 0.006 + 0.024
    (50_000, 30_000, 2_000, 0.07, "≤ 200,000"),
])
def test_gemini_tier_applied(registry, prompt, cached, output, expected, tier):
    table = request_cost_table(registry, prompt, output, cached, models=["gemini-3-pro"], on=SEED_DAY)
    gemini = row(table, "gemini-3-pro")
    assert gemini["cost"] == pytest.approx(expected) and gemini["tier_label"] == tier and gemini["status"] == "ok"


def test_cache_writes_five_minutes_and_one_hour_on_claude(registry):
    """100,000 prompt: 20,000 cached, 30,000 written for 5 min, 10,000 for 1 h, 40,000 plain; 1,000 output.
    40,000 × 5 + 20,000 × 0.5 + 30,000 × 6.25 + 10,000 × 10 + 1,000 × 25 (per 1M)
    = 0.2 + 0.01 + 0.1875 + 0.1 + 0.025 = $0.5225."""
    table = request_cost_table(registry, 100_000, 1_000, 20_000, 0, 30_000, 10_000, models=["claude-opus-4.5"],
                               on=SEED_DAY)
    claude = row(table, "claude-opus-4.5")
    assert claude["cost"] == pytest.approx(0.5225)
    assert (claude["input_cost"], claude["cached_input_cost"], claude["cache_write_cost"],
            claude["cache_write_1h_cost"], claude["output_cost"]) == pytest.approx((0.2, 0.01, 0.1875, 0.1, 0.025))


def test_one_hour_writes_without_a_listed_rate_cost_the_input_rate(registry):
    """GPT-6.1 Sol lists no 1-hour write rate: 10,000 one-hour writes are billed as input, 10,000 × 2 / 1M = $0.02
    (data/README.md: a null cache-write rate means no separate charge is known)."""
    sol = row(request_cost_table(registry, 10_000, 0, 0, 0, 0, 10_000, models=["gpt-6.1-sol"], on=TODAY),
              "gpt-6.1-sol")
    assert sol["cache_write_1h_cost"] == pytest.approx(0.02) and sol["cost"] == pytest.approx(0.02)


def test_every_model_cheapest_first_unknown_last(registry):
    table = request_cost_table(registry, 50_000, 2_000, 30_000, on=TODAY)
    assert list(table.columns) == REQUEST_COST_COLUMNS
    assert len(table) == len(registry.model_ids())
    known = table["cost"].notna().to_numpy()
    first_unknown = int(np.argmin(known)) if not known.all() else len(known)
    assert known[:first_unknown].all() and not known[first_unknown:].any()  # every unknown after every known
    assert table.loc[known, "cost"].is_monotonic_increasing


def test_retired_and_unreleased_models_are_marked_never_priced(registry):
    """Kimi K2.5 retired on 2026-08-31: on 2026-12-01 its cost is unknown and its status the lifecycle label;
    on the seed day a model released later says when it was released."""
    today = request_cost_table(registry, 50_000, 2_000, models=["kimi-k2.5", "gpt-5.2"], on=TODAY)
    kimi = row(today, "kimi-k2.5")
    assert np.isnan(kimi["cost"]) and kimi["status"].startswith("retired 2026-08-31")
    assert kimi["status_code"] == "retired"
    assert "--on 2026-08-30" in kimi["detail"]
    assert list(today["model"]) == ["gpt-5.2", "kimi-k2.5"]  # unknown last
    seed = request_cost_table(registry, 50_000, 2_000, models=["gpt-5.4"], on=SEED_DAY)
    assert row(seed, "gpt-5.4")["status"].startswith("not released until")


def test_a_request_beyond_the_window_is_unknown_with_the_reason(registry):
    """Claude Opus 4.5 has a 200,000-token window: 250,000 prompt tokens cannot be sent."""
    table = request_cost_table(registry, 250_000, 1_000, models=["claude-opus-4.5"], on=SEED_DAY)
    claude = row(table, "claude-opus-4.5")
    assert np.isnan(claude["cost"]) and claude["status"] == "beyond the window"
    assert "200,000" in claude["detail"]


def test_no_price_for_a_region_or_tier(registry):
    table = request_cost_table(registry, 1_000, 100, models=["kimi-k2.5"], service_tier="priority", on=SEED_DAY)
    kimi = row(table, "kimi-k2.5")
    assert np.isnan(kimi["cost"]) and kimi["status"] == "no price" and "priority" in kimi["detail"]


def test_the_same_figure_as_price_request(registry):
    quote = price_request(registry, "claude-opus-4.5", 80_000, 3_000, 40_000, 500, 10_000, on=SEED_DAY)
    table = request_cost_table(registry, 80_000, 3_000, 40_000, 500, 10_000, models=["claude-opus-4.5"], on=SEED_DAY)
    assert row(table, "claude-opus-4.5")["cost"] == pytest.approx(quote.cost)


@pytest.mark.parametrize(("args", "message"), [
    ((1_000, 10, 2_000), r"exceed the prompt \(1,000\)"),
    ((1_000, 10, 0, 0, 600, 600), "exceed the prompt"),
    ((-1, 10), "prompt tokens must be a finite, non-negative number"),
    ((1_000, float("nan")), "output tokens must be"),
])
def test_bad_requests_are_one_clear_error(registry, args, message):
    with pytest.raises(AnalyticsError, match=message):
        request_cost_table(registry, *args, on=SEED_DAY)
