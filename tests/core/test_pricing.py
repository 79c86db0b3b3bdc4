"""The pricing engine: tier boundaries on the bundled registry, cost arithmetic, blended prices, properties.

Every expected figure is worked by hand in the docstring or the table row: prices are per 1M tokens.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.core.errors import AnalyticsError, ContextLimitError, CurrencyError, NoPriceError, UnknownModelError
from analytics.core.pricing import (
    FIT_OK,
    FIT_OUTPUT_OVER_CAP,
    FIT_OVER_CONTEXT_WINDOW,
    FIT_PROMPT_OVER_INPUT_CAP,
    blend,
    blended_price,
    parse_ratio,
    price_request,
    price_requests,
    tier_index,
)

ON = dt.date(2026, 1, 28)
"""The seed report's day: the seed models' prices as it gave them (Gemini 3 Pro and Kimi K2.5 have been
retired since, so "today" would price them as unknown)."""


def cost(registry, model, prompt, output, **kw):
    return price_request(registry, model, prompt, output, on=ON, **kw)


# -- tier boundaries on the bundled registry ---------------------------------------------------------------------

GEMINI_BOUNDARY = [
    # prompt, output, tier up_to, expected cost
    # ≤ 200K: 2.00 in / 12.00 out. 199,999 × 2 / 1e6 + 1,000 × 12 / 1e6 = 0.399998 + 0.012
    (199_999, 1_000, 200_000, 0.399998 + 0.012),
    # at the bound (inclusive): 200,000 × 2 / 1e6 + 0.012 = 0.4 + 0.012
    (200_000, 1_000, 200_000, 0.4 + 0.012),
    # one above: the whole request at 4.00 / 18.00: 200,001 × 4 / 1e6 + 1,000 × 18 / 1e6 = 0.800004 + 0.018
    (200_001, 1_000, None, 0.800004 + 0.018),
]


@pytest.mark.parametrize(("prompt", "output", "tier", "expected"), GEMINI_BOUNDARY)
def test_gemini_200k_cliff(registry, prompt, output, tier, expected):
    quote = cost(registry, "gemini-3-pro", prompt, output)
    assert quote.tier == tier
    assert quote.cost == pytest.approx(expected, rel=1e-12)


QWEN_BOUNDARY = [
    # K = 1024 reading: tiers ≤ 32,768 (1.20 / 6.00), ≤ 131,072 (2.40 / 12.00), ≤ 258,048 (3.00 / 15.00).
    # 32,768 × 1.2 / 1e6 + 1,000 × 6 / 1e6 = 0.0393216 + 0.006
    (32_768, 32_768, 0.0393216 + 0.006),
    # 32,769 × 2.4 / 1e6 + 1,000 × 12 / 1e6 = 0.0786456 + 0.012
    (32_769, 131_072, 0.0786456 + 0.012),
    # 131,072 × 2.4 / 1e6 + 0.012 = 0.3145728 + 0.012
    (131_072, 131_072, 0.3145728 + 0.012),
    # 131,073 × 3.0 / 1e6 + 1,000 × 15 / 1e6 = 0.393219 + 0.015
    (131_073, 258_048, 0.393219 + 0.015),
    # 258,048 × 3.0 / 1e6 + 0.015 = 0.774144 + 0.015 (the input cap itself still fits)
    (258_048, 258_048, 0.774144 + 0.015),
]


@pytest.mark.parametrize(("prompt", "tier", "expected"), QWEN_BOUNDARY)
def test_qwen_tiers_both_sides_of_each_bound(registry, prompt, tier, expected):
    quote = cost(registry, "qwen3-max-thinking", prompt, 1_000)
    assert quote.tier == tier
    assert quote.cost == pytest.approx(expected, rel=1e-12)


def test_qwen_literal_32000_is_still_the_first_tier(registry):
    """LiteLLM's reading puts the bound at 32,000; ours (K = 1024) keeps 32,001–32,768 in the first tier."""
    assert cost(registry, "qwen3-max-thinking", 32_001, 0).tier == 32_768


def test_qwen_prompt_over_input_cap_is_an_error_naming_the_limit(registry):
    with pytest.raises(ContextLimitError, match=r"258,049.*258,048"):
        cost(registry, "qwen3-max-thinking", 258_049, 1_000)


def test_gpt52_input_cap_inside_400k_window(registry):
    """GPT-5.2: 272,000 input tokens max inside a 400,000 window; 128,000 output max."""
    assert cost(registry, "gpt-5.2", 272_000, 128_000).cost == pytest.approx(272_000 * 1.75 / 1e6 + 128_000 * 14 / 1e6)
    with pytest.raises(ContextLimitError, match="272,000"):
        cost(registry, "gpt-5.2", 272_001, 10)
    with pytest.raises(ContextLimitError, match="max_output_tokens"):
        cost(registry, "gpt-5.2", 1_000, 128_001)


def test_window_without_separate_input_cap(registry):
    """Claude Opus 4.5 has a 200,000 window and no separate input cap: prompt + output must fit in it."""
    model = registry.model("claude-opus-4.5")
    if model.max_input_tokens is not None:
        pytest.skip("the registry now sets a separate input cap for Opus 4.5")
    cost(registry, "claude-opus-4.5", 190_000, 10_000)
    with pytest.raises(ContextLimitError, match="context window"):
        cost(registry, "claude-opus-4.5", 190_001, 10_000)


# -- arithmetic of one request -------------------------------------------------------------------------------------


def test_cached_tokens_at_cache_read_rate(registry):
    """Kimi K2.5: 0.60 in, 0.10 cache read, 3.00 out. 100,000 prompt of which 80,000 cached, 2,000 out:
    20,000 × 0.6 / 1e6 = 0.012; 80,000 × 0.1 / 1e6 = 0.008; 2,000 × 3 / 1e6 = 0.006; total 0.026."""
    quote = cost(registry, "kimi-k2.5", 100_000, 2_000, cached_tokens=80_000)
    assert quote.breakdown["input"] == pytest.approx(0.012)
    assert quote.breakdown["cached_input"] == pytest.approx(0.008)
    assert quote.breakdown["output"] == pytest.approx(0.006)
    assert quote.cost == pytest.approx(0.026)


def test_unknown_cache_price_falls_back_to_input_rate(registry):
    """Qwen3-Max-Thinking has no known cache price: 10,000 cached of 20,000 cost like input.
    20,000 × 1.2 / 1e6 = 0.024 either way."""
    cached = cost(registry, "qwen3-max-thinking", 20_000, 0, cached_tokens=10_000)
    plain = cost(registry, "qwen3-max-thinking", 20_000, 0)
    assert cached.cost == pytest.approx(plain.cost) == pytest.approx(0.024)


def test_reasoning_billed_at_output_rate_and_reported_apart(registry):
    """GPT-5.2: 10,000 in, 1,000 out, 5,000 reasoning: 0.0175 + 0.014 + 0.07 = 0.1015."""
    quote = cost(registry, "gpt-5.2", 10_000, 1_000, reasoning_tokens=5_000)
    assert quote.breakdown["reasoning"] == pytest.approx(5_000 * 14 / 1e6)
    assert quote.cost == pytest.approx(0.0175 + 0.014 + 0.07)


def test_cache_write_at_cache_write_rate(registry):
    """Claude Opus 4.5: 50,000 prompt, all written to the 5-minute cache at 6.25: 50,000 × 6.25 / 1e6 = 0.3125."""
    quote = cost(registry, "claude-opus-4.5", 50_000, 0, cache_write_tokens=50_000)
    assert quote.breakdown["cache_write"] == pytest.approx(0.3125)
    assert quote.breakdown["input"] == 0


CACHE_WRITES = [
    # model, prompt, 5-minute writes, 1-hour writes, expected: (writes × write rate + rest × input) / 1M
    ("claude-opus-4.5", 100_000, 100_000, 0, 0.625),  # 100,000 × 6.25 / 1M
    ("claude-opus-4.5", 100_000, 0, 100_000, 1.0),  # 100,000 × 10.00 / 1M
    ("claude-opus-4.5", 100_000, 40_000, 50_000, 0.80),  # (40,000 × 6.25 + 50,000 × 10 + 10,000 × 5) / 1M
    ("claude-sonnet-4.5", 200_000, 0, 200_000, 1.2),  # 200,000 × 6.00 / 1M, at the edge of its window
    ("gpt-5.2", 100_000, 0, 100_000, 0.175),  # no write price: billed as input, 100,000 × 1.75 / 1M
]


@pytest.mark.parametrize(("model", "prompt", "writes", "writes_1h", "expected"), CACHE_WRITES)
def test_cache_writes_5m_and_1h_at_their_rates(registry, model, prompt, writes, writes_1h, expected):
    quote = cost(registry, model, prompt, 0, cache_write_tokens=writes, cache_write_1h_tokens=writes_1h)
    assert quote.cost == pytest.approx(expected)
    assert quote.breakdown["cache_write_1h"] + quote.breakdown["cache_write"] + quote.breakdown["input"] == \
        pytest.approx(expected)


def test_writes_beyond_the_prompt_are_an_error(registry):
    with pytest.raises(AnalyticsError, match="cannot exceed the prompt"):
        cost(registry, "claude-opus-4.5", 100, 0, cache_write_tokens=60, cache_write_1h_tokens=50)


def test_gemini_cache_read_follows_the_cliff(registry):
    """Above 200K, Gemini's cache read is 0.40 (0.20 below). 250,000 prompt, 200,000 cached, 0 out:
    50,000 × 4 / 1e6 + 200,000 × 0.4 / 1e6 = 0.2 + 0.08 = 0.28."""
    assert cost(registry, "gemini-3-pro", 250_000, 0, cached_tokens=200_000).cost == pytest.approx(0.28)


def test_service_tiers_of_gpt52(registry):
    """Batch halves the standard price; priority doubles it: 1M in + 1M out = 15.75 / 7.875 / 31.50."""
    standard = cost(registry, "gpt-5.2", 1_000, 0).cost
    for tier, factor in [("batch", 0.5), ("flex", 0.5), ("priority", 2.0)]:
        assert cost(registry, "gpt-5.2", 1_000, 0, service_tier=tier).cost == pytest.approx(standard * factor)


def test_currency_conversion_through_fx(registry):
    """The CNY schedule converted to USD at the dated rate: 10,000 in at ¥2.5 = ¥0.025 = 0.025 / rate USD."""
    rate = registry.units_per_usd("CNY")
    quote = cost(registry, "qwen3-max-thinking", 10_000, 0, region="cn-mainland")
    assert quote.cost == pytest.approx(0.025 / rate)
    in_cny = cost(registry, "qwen3-max-thinking", 10_000, 0, region="cn-mainland", currency="CNY")
    assert in_cny.cost == pytest.approx(0.025)
    with pytest.raises(CurrencyError, match="EUR"):
        cost(registry, "kimi-k2.5", 1, 1, currency="EUR")


def test_errors_are_the_projects_own(registry):
    with pytest.raises(UnknownModelError, match="gemini-3-pro"):
        cost(registry, "gemini-3-pr", 1, 1)
    with pytest.raises(NoPriceError, match="global/standard"):
        cost(registry, "kimi-k2.5", 1, 1, region="mars")
    with pytest.raises(AnalyticsError, match="cannot exceed the prompt"):
        cost(registry, "kimi-k2.5", 100, 1, cached_tokens=200)
    with pytest.raises(AnalyticsError, match="non-negative"):
        cost(registry, "kimi-k2.5", -5, 1)


def test_price_history_is_respected(registry):
    """A date before any schedule of the model begins has no price (unknown is not zero)."""
    model = registry.model("kimi-k2.5")
    starts = [s.effective_from for s in model.prices if s.effective_from]
    if not starts:
        pytest.skip("kimi-k2.5 schedule has no start date")
    with pytest.raises(NoPriceError, match="not released until"):
        price_request(registry, "kimi-k2.5", 1, 1, on=min(starts) - dt.timedelta(days=1))


# -- vectorised --------------------------------------------------------------------------------------------------


def test_vectorised_equals_scalar(registry):
    prompts = np.array([1_000, 199_999, 200_000, 200_001, 900_000])
    outputs = np.array([10, 500, 1_000, 2_000, 30_000])
    costs = price_requests(registry, "gemini-3-pro", prompts, outputs, on=ON)
    for i in range(len(prompts)):
        assert costs.total[i] == pytest.approx(cost(registry, "gemini-3-pro", prompts[i], outputs[i]).cost)
    assert list(costs.tier_index) == [0, 0, 0, 1, 1]


def test_vectorised_marks_requests_that_do_not_fit(registry):
    costs = price_requests(registry, "gpt-5.2", [1_000, 300_000, 1_000], [10, 10, 200_000], on=ON)
    assert list(costs.fit) == [FIT_OK, FIT_PROMPT_OVER_INPUT_CAP, FIT_OUTPUT_OVER_CAP]
    assert np.isfinite(costs.total[0]) and np.isnan(costs.total[1]) and np.isnan(costs.total[2])
    opus = price_requests(registry, "claude-opus-4.5", [199_000], [5_000], on=ON)
    if registry.model("claude-opus-4.5").max_input_tokens is None:
        assert opus.fit[0] == FIT_OVER_CONTEXT_WINDOW


def test_tier_index_is_inclusive(registry):
    schedule = registry.schedule("qwen3-max-thinking", on=ON)
    assert list(tier_index(schedule, [1, 32_768, 32_769, 131_072, 131_073, 258_048, 258_049])) == [0, 0, 1, 1, 2, 2, 3]


# -- blended ------------------------------------------------------------------------------------------------------

BLENDED = [
    # model, ratio, expected: (a × in + b × out) / (a + b)
    ("kimi-k2.5", (3, 1), (3 * 0.6 + 3.0) / 4),  # 1.20
    ("kimi-k2.5", (1, 1), (0.6 + 3.0) / 2),  # 1.80
    ("gemini-3-pro", (3, 1), (3 * 2 + 12) / 4),  # 4.50
    ("claude-opus-4.5", (3, 1), (3 * 5 + 25) / 4),  # 10.00
    ("gpt-5.2", (3, 1), (3 * 1.75 + 14) / 4),  # 4.8125
    ("qwen3-max-thinking", (10, 1), (10 * 1.2 + 6) / 11),  # 1.636…
]


@pytest.mark.parametrize(("model", "ratio", "expected"), BLENDED)
def test_blended_prices(registry, model, ratio, expected):
    assert blended_price(registry, model, ratio, on=ON).blended_per_mtok == pytest.approx(expected)


def test_blended_at_a_prompt_size_uses_that_tier(registry):
    """Gemini at a 250K prompt: (3 × 4 + 18) / 4 = 7.50."""
    result = blended_price(registry, "gemini-3-pro", (3, 1), prompt_tokens=250_000, on=ON)
    assert result.blended_per_mtok == pytest.approx(7.5)
    assert result.tier is None
    beyond = blended_price(registry, "claude-opus-4.5", (3, 1), prompt_tokens=500_000, on=ON)
    assert beyond.blended_per_mtok is None and beyond.status == "prompt beyond window"


def test_blended_with_cache_hits(registry):
    """Kimi at 3:1 with half the input cached: in_eff = 0.5 × 0.6 + 0.5 × 0.1 = 0.35; (3 × 0.35 + 3) / 4 = 1.0125."""
    assert blended_price(registry, "kimi-k2.5", (3, 1), cache_hit=0.5, on=ON).blended_per_mtok == pytest.approx(1.0125)


@pytest.mark.parametrize(("text", "expected"), [("3:1", (3.0, 1.0)), ("10/1", (10.0, 1.0)), ("0:1", (0.0, 1.0))])
def test_parse_ratio(text, expected):
    assert parse_ratio(text) == expected


@pytest.mark.parametrize("text", ["3", "a:b", "-1:2", "0:0", "1:2:3", "inf:1"])
def test_parse_ratio_rejects(text):
    with pytest.raises(AnalyticsError, match="ratio"):
        parse_ratio(text)


# -- properties ---------------------------------------------------------------------------------------------------

prices = st.floats(min_value=0.001, max_value=1_000, allow_nan=False)
weights = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1_000))
"""Ratio parts: 0, or at least 1e-6 (a subnormal part such as 5e-324 underflows to 0 when multiplied)."""


@given(prices, prices, weights, weights)
def test_blend_lies_between_input_and_output(inp, out, a, b):
    if a + b == 0:
        return
    value = float(blend(inp, out, (a, b)))
    assert min(inp, out) - 1e-9 <= value <= max(inp, out) + 1e-9


MODELS = ["qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MODELS), st.integers(0, 250_000), st.integers(0, 250_000), st.integers(0, 20_000),
       st.integers(0, 5_000), st.integers(1, 20_000))
def test_cost_never_falls_when_tokens_grow_within_a_tier(registry, model, p1, p2, out, extra_out, extra_in):
    """Within one tier, more prompt or more output never costs less; costs are finite and non-negative."""
    low, high = sorted((p1, p2))
    schedule = registry.schedule(model, on=ON)
    if tier_index(schedule, low) != tier_index(schedule, high + extra_in):
        return
    costs = price_requests(registry, model, [low, high + extra_in, high], [out, out, out + extra_out], on=ON)
    total = costs.total
    fits = costs.fit == FIT_OK
    if not fits.all():
        return
    assert np.all(total >= 0) and np.all(np.isfinite(total))
    assert total[1] >= total[0] - 1e-12
    assert total[2] >= total[0] - 1e-12


@pytest.mark.parametrize(("model", "bound"), [("gemini-3-pro", 200_000), ("qwen3-max-thinking", 32_768),
                                              ("qwen3-max-thinking", 131_072)])
def test_cliff_at_each_threshold(registry, model, bound):
    """One token over a threshold re-prices the whole request: the jump is far more than one token's price."""
    at = cost(registry, model, bound, 1_000).cost
    over = cost(registry, model, bound + 1, 1_000).cost
    one_token = registry.schedule(model, on=ON).tiers[1].input_mtok / 1e6
    assert over - at > 1_000 * one_token
    assert math.isfinite(over)


@pytest.mark.parametrize(("model", "index", "label"), [
    ("kimi-k2.5", 0, "all"), ("gemini-3-pro", 0, "≤ 200,000"), ("gemini-3-pro", 1, "> 200,000"),
    ("qwen3-max-thinking", 1, "32,769–131,072"), ("qwen3-max-thinking", 3, "beyond every tier"),
])
def test_tier_labels(registry, model, index, label):
    from analytics.core.pricing import tier_label

    assert tier_label(registry.schedule(model, on=ON), index) == label


def test_blended_price_is_converted_once(registry):
    """Regression: the blended value was multiplied by the FX factor twice. Kimi K2.5 at 3:1 is $1.20; in CNY it is
    1.20 × rate (6.97 → ¥8.364), not 1.20 × rate²; and the CNY schedule of Qwen shown in USD is 2.5·3+10 / 4 / rate."""
    rate = registry.units_per_usd("CNY")
    kimi = blended_price(registry, "kimi-k2.5", (3, 1), on=ON, currency="CNY")
    assert kimi.blended_per_mtok == pytest.approx(1.2 * rate)
    assert kimi.input_per_mtok == pytest.approx(0.6 * rate)
    qwen_cn = blended_price(registry, "qwen3-max-thinking", (3, 1), region="cn-mainland", on=ON)
    assert qwen_cn.blended_per_mtok == pytest.approx((3 * 2.5 + 10) / 4 / rate)
