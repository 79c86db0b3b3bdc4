"""LiteLLM's price table as a database: read from the installed wheel without importing litellm, its keys mapped to
our models (first-party keys first), its fields to ours as LiteLLM's own cost calculator reads them."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import subprocess
import sys

import pytest

from analytics.core.registry import DATA_DIR, load_registry
from analytics.sources import litellm
from analytics.sources.litellm import record_of
from analytics.sources.records import per_mtok

pytestmark = pytest.mark.skipif(
    importlib.metadata.version("litellm") != litellm.PINNED_VERSION,
    reason=f"these figures are LiteLLM {litellm.PINNED_VERSION}'s",
)


@pytest.fixture(scope="module")
def database():
    return litellm.load_database()


@pytest.fixture(scope="module")
def registry():
    return load_registry(DATA_DIR)


def test_the_table_is_read_without_importing_litellm():
    code = ("import sys; from analytics.sources.litellm import load_litellm; v, t = load_litellm(); "
            "print(v, len(t), 'litellm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "1.110.2"
    assert int(out[1]) > 4000
    assert out[2] == "False"


@pytest.mark.parametrize(("model", "key"), [
    ("claude-opus-4.7", "claude-opus-4-7"),       # anthropic: no prefix, by alias
    ("claude-opus-4.5", "claude-opus-4-5"),
    ("gpt-5.5", "gpt-5.5"),                        # openai: no prefix, by id
    ("gemini-3.1-pro", "gemini/gemini-3.1-pro-preview"),
    ("qwen3-max-thinking", "dashscope/qwen3-max-2026-01-23"),  # the snapshot alias
    ("kimi-k2.6", "moonshot/kimi-k2.6"),
    ("deepseek-v4-pro", "deepseek-v4-pro"),        # DeepSeek's own API has bare keys too; the first found wins
    ("deepseek-v4.1-flash", "deepseek-flash"),
    ("grok-4.7", "xai/grok-4.7"),
    ("gemini-2.5-pro", "gemini/gemini-2.5-pro"),
])
def test_first_party_keys(database, registry, model, key):
    entry = registry.entry(model)
    record = database.find(entry.model, entry.provider.id)
    assert (record.key, record.first_party) == (key, True)
    assert record.database == "litellm" and record.source.startswith(f"litellm 1.110.2 {key}")


def test_a_model_only_another_platform_lists(database, registry):
    """Gemini 3 Pro is gone from Google's own API (and from LiteLLM's gemini/ keys); Vertex AI still lists it: that
    record is used, marked as not the maker's own API."""
    entry = registry.entry("gemini-3-pro")
    record = database.find(entry.model, entry.provider.id)
    assert (record.key, record.first_party) == ("vertex_ai/gemini-3-pro-preview", False)


def test_per_token_to_per_mtok():
    """3e-06 per token × 1,000,000 = 3.00 per 1M; 2.5e-06 → 2.5 exactly (no 2.4999999999999996); 0 and bad
    values are unknown."""
    assert per_mtok(3e-06) == 3.0
    assert per_mtok(2.5e-06) == 2.5
    assert per_mtok(1.25e-07) == 0.125
    assert per_mtok(0.0) is None and per_mtok(None) is None and per_mtok(True) is None and per_mtok("x") is None


ENTRY = {
    "litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1_050_000, "max_output_tokens": 128_000,
    "input_cost_per_token": 5e-06, "output_cost_per_token": 3e-05, "cache_read_input_token_cost": 5e-07,
    "input_cost_per_token_above_272k_tokens": 1e-05, "output_cost_per_token_above_272k_tokens": 4.5e-05,
    "input_cost_per_token_batches": 2.5e-06, "output_cost_per_token_batches": 1.5e-05,
    "input_cost_per_token_above_272k_tokens_batches": 5e-06,
    "input_cost_per_token_flex": 2.5e-06, "output_cost_per_token_flex": 1.5e-05,
    "input_cost_per_token_priority": 1.25e-05, "output_cost_per_token_priority": 7.5e-05,
    "regional_processing_uplift_multiplier_eu": 1.1, "fedramp_uplift_multiplier": 1.1,
    "search_context_cost_per_query": {"search_context_size_low": 0.01, "search_context_size_medium": 0.01},
    "deprecation_date": "2027-04-01", "successor_model": "gpt-6", "source": "https://example.com/pricing",
}


def test_above_threshold_keys_are_cliff_tiers():
    """``_above_272k_tokens``: a prompt over 272,000 pays 10 / 45 for the whole request.

    | prompt  | tier           | input | output |
    |---------|----------------|-------|--------|
    | 272,000 | up_to 272000   | 5     | 30     |
    | 272,001 | open           | 10    | 45     |
    """
    record = record_of("gpt-x", ENTRY, "1.110.2", True)
    standard = record.schedule_on("standard", dt.date(2026, 12, 1))
    assert [t.up_to for t in standard.tiers] == [272_000, None]
    assert (standard.rate("input_mtok", 272_000), standard.rate("output_mtok", 272_000)) == (5.0, 30.0)
    assert (standard.rate("input_mtok", 272_001), standard.rate("output_mtok", 272_001)) == (10.0, 45.0)
    assert standard.rate("cache_read_mtok", 272_001) == 0.5  # no key above the bound: the rate below stays
    assert standard.web_search_per_thousand == 10.0  # $0.01 per query × 1,000
    assert (record.max_input_tokens, record.max_output_tokens) == (1_050_000, 128_000)
    assert (record.retired_on, record.successor, record.url) == (dt.date(2027, 4, 1), "gpt-6",
                                                                 "https://example.com/pricing")
    assert "FedRAMP uplift ×1.1" in record.not_represented


def test_service_tiers():
    """Batch reads only ``*_batches`` keys (no fallback: output above 272K stays 15); flex and priority fall back
    to the standard keys where they have none, as LiteLLM does (priority above 272K: the standard 10 / 45)."""
    record = record_of("gpt-x", ENTRY, "1.110.2", True)
    day = dt.date(2026, 12, 1)
    batch = record.schedule_on("batch", day)
    assert [(t.up_to, t.input_mtok, t.output_mtok) for t in batch.tiers] == [(272_000, 2.5, 15.0), (None, 5.0, 15.0)]
    flex = record.schedule_on("flex", day)
    assert [(t.up_to, t.input_mtok, t.output_mtok, t.cache_read_mtok) for t in flex.tiers] == [
        (272_000, 2.5, 15.0, 0.5), (None, 10.0, 45.0, 0.5)]
    priority = record.schedule_on("priority", day)
    assert (priority.rate("input_mtok", 1), priority.rate("input_mtok", 272_001)) == (12.5, 10.0)
    assert record.service_tiers_on(day) == ["standard", "batch", "flex", "priority"]


def test_regional_uplift():
    record = record_of("gpt-x", ENTRY, "1.110.2", True)
    eu = record.schedule_on("standard", dt.date(2026, 12, 1), "eu")
    assert eu.uplift == 1.1 and eu.rate("input_mtok", 1) == 5.5 and eu.rate("output_mtok", 272_001) == 49.5
    assert record.regions() == ["global", "eu"]


def test_xai_thresholds_are_inclusive():
    """LiteLLM bills xAI's higher rate from 200,000 itself: ``up_to: 199999``."""
    entry = {"litellm_provider": "xai", "input_cost_per_token": 2e-06, "output_cost_per_token": 6e-06,
             "input_cost_per_token_above_200k_tokens": 4e-06, "output_cost_per_token_above_200k_tokens": 1.2e-05}
    standard = record_of("xai/grok-x", entry, "1", True).schedules[0]
    assert [t.up_to for t in standard.tiers] == [199_999, None]
    assert (standard.rate("input_mtok", 199_999), standard.rate("input_mtok", 200_000)) == (2.0, 4.0)


def test_tiered_pricing_ranges():
    """Alibaba's ``range: [start, end]``: ``start < prompt ≤ end``; beyond the last range the last tier applies,
    so our last tier is open. 32,000 is the first tier, 32,001 the second."""
    entry = {"litellm_provider": "dashscope", "tiered_pricing": [
        {"input_cost_per_token": 1.2e-06, "output_cost_per_token": 6e-06, "range": [0, 32000.0]},
        {"input_cost_per_token": 2.4e-06, "output_cost_per_token": 1.2e-05, "range": [32000.0, 128000.0]},
        {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "range": [128000.0, 252000.0]}]}
    standard = record_of("dashscope/q", entry, "1", True).schedules[0]
    assert [t.up_to for t in standard.tiers] == [32_000, 128_000, None]
    assert [standard.rate("input_mtok", p) for p in (32_000, 32_001, 128_001, 300_000)] == [1.2, 2.4, 3.0, 3.0]


def test_cache_writes_and_reasoning():
    """``cache_creation_input_token_cost`` is the 5-minute write, ``…_above_1hr`` the 1-hour one; a reasoning rate
    equal to the output rate is "billed as output" (null), a different one is kept."""
    entry = {"litellm_provider": "anthropic", "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05,
             "cache_creation_input_token_cost": 6.25e-06, "cache_creation_input_token_cost_above_1hr": 1e-05,
             "output_cost_per_reasoning_token": 2.5e-05, "provider_specific_entry": {"us": 1.1, "fast": 2.0}}
    record = record_of("claude-x", entry, "1", True)
    tier = record.schedules[0].tiers[0]
    assert (tier.cache_write_mtok, tier.cache_write_1h_mtok, tier.reasoning_mtok) == (6.25, 10.0, None)
    assert record.schedule_on("standard", dt.date(2026, 1, 1), "us").uplift == 1.1
    assert "fast mode ×2.0" in record.not_represented
    entry["output_cost_per_reasoning_token"] = 3e-05
    assert record_of("claude-x", entry, "1", True).schedules[0].tiers[0].reasoning_mtok == 30.0


def test_provider_records_are_first_party_only(database):
    records = database.provider_records("anthropic")
    assert len(records) >= 20 and all(r.first_party and r.key.startswith("claude-") for r in records)
    assert {r.key for r in database.provider_records("google")} >= {"gemini/gemini-4-argon"}
    assert database.provider_records("nobody") == []
