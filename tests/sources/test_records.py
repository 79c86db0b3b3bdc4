"""The shared record shape both databases produce: cliff tiers, schedules over periods, genai-prices as records."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.core.registry import DATA_DIR, load_registry
from analytics.sources import genai_prices
from analytics.sources.records import TheirRecord, TheirSchedule, TheirTier, merge_periods, tiers_from_bounds


def test_tiers_from_bounds_samples_each_tier_once():
    """Bounds [200000]: tier 0 read at prompt 1, tier 1 at 200,001 (cliff: one rate per tier)."""
    seen = []

    def rate_at(name, prompt):
        seen.append(prompt)
        return 2.0 if prompt <= 200_000 else 4.0

    tiers = tiers_from_bounds([200_000], rate_at)
    assert [(t.up_to, t.input_mtok) for t in tiers] == [(200_000, 2.0), (None, 4.0)]
    assert set(seen) == {1, 200_001}


def test_schedule_rate_is_a_cliff_with_inclusive_bounds():
    schedule = TheirSchedule(tiers=(TheirTier(32_768, input_mtok=1.2), TheirTier(None, input_mtok=2.4)))
    assert [schedule.rate("input_mtok", p) for p in (1, 32_768, 32_769)] == [1.2, 1.2, 2.4]
    closed = TheirSchedule(tiers=(TheirTier(100, input_mtok=1.0),))
    assert closed.rate("input_mtok", 101) is None and closed.tier_for(101) is None


def test_schedules_over_periods():
    """``effective_from`` inclusive, ``effective_to`` exclusive, as in the registry."""
    old = TheirSchedule(effective_to=dt.date(2026, 4, 30), tiers=(TheirTier(None, input_mtok=2.0),))
    new = TheirSchedule(effective_from=dt.date(2026, 4, 30), tiers=(TheirTier(None, input_mtok=1.25),))
    record = TheirRecord("genai-prices", "0", "x/y", None, True, schedules=(old, new))
    assert record.schedule_on("standard", dt.date(2026, 4, 29)) is old
    assert record.schedule_on("standard", dt.date(2026, 4, 30)) is new
    assert record.schedule_on("batch", dt.date(2026, 4, 30)) is None
    assert record.change_days() == {dt.date(2026, 4, 30)}


def test_merge_periods_joins_equal_neighbours_only():
    tiers = (TheirTier(None, input_mtok=1.0),)
    a = TheirSchedule(effective_to=dt.date(2026, 1, 1), tiers=tiers)
    b = TheirSchedule(effective_from=dt.date(2026, 1, 1), effective_to=dt.date(2026, 6, 1), tiers=tiers)
    c = TheirSchedule(effective_from=dt.date(2026, 6, 1), tiers=(TheirTier(None, input_mtok=2.0),))
    merged = merge_periods([a, b, c])
    assert [(s.effective_from, s.effective_to) for s in merged] == [(None, dt.date(2026, 6, 1)),
                                                                    (dt.date(2026, 6, 1), None)]


genai = pytest.importorskip("genai_prices")


@pytest.mark.skipif(genai.__version__ != genai_prices.PINNED_VERSION, reason="genai-prices 0.2.3's figures")
def test_genai_prices_record_keeps_dated_history_and_variants():
    """xAI cut Grok 4.20 from 2 / 6 to 1.25 / 2.50 on 2026-04-30 (genai-prices); batch from its verification date."""
    database = genai_prices.load_database()
    registry = load_registry(DATA_DIR)
    record = database.find(registry.model("gpt-5.5"), "openai")
    assert (record.key, record.first_party, record.context_window) == ("openai/gpt-5.5", True, 1_000_000)
    assert record.schedule_on("batch", dt.date(2026, 10, 13)) is None
    assert record.schedule_on("batch", dt.date(2026, 10, 14)) is not None
    grok = next(r for r in database.provider_records("xai") if r.key == "x-ai/grok-4.20")
    before = grok.schedule_on("standard", dt.date(2026, 4, 29))
    after = grok.schedule_on("standard", dt.date(2026, 4, 30))
    assert (before.rate("input_mtok", 1), after.rate("input_mtok", 1)) == (2.0, 1.25)
    assert dt.date(2026, 4, 30) in grok.change_days()
    assert database.provider_records("alibaba") == []  # genai-prices' only Qwen listing is a reseller's
