"""The bundled registry's breadth and history: every FACTS.md model with its figures and sources, and the as-of
date (`--on` in the CLI, "Prices as of" in the dashboard) re-pricing everything as it was on that day."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analytics.cli.main import main
from analytics.core.catalog import price_table
from analytics.core.errors import NoPriceError

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


# model id → (input, output, cache read, context window) for the standard global USD schedule in force today,
# as FACTS.md states them ("Further models"); None where FACTS.md gives none.
FACTS = {
    "gpt-5": (1.25, 10, 0.125, 400_000),
    "gpt-5.1": (1.25, 10, 0.125, 400_000),
    "gpt-5-mini": (0.25, 2, 0.025, 400_000),
    "gpt-5.2-pro": (21, 168, None, 400_000),
    "gemini-2.5-pro": (1.25, 10, 0.125, 1_048_576),
    "gemini-2.5-flash": (0.30, 2.50, 0.03, 1_048_576),
    "claude-sonnet-4.5": (3, 15, 0.30, 200_000),
    "claude-haiku-4.5": (1, 5, 0.10, 200_000),
    "kimi-k2-thinking": (0.60, 2.50, 0.15, 262_144),
    "deepseek-v3.2": (0.28, 0.42, 0.028, 128_000),
    "grok-4": (3, 15, 0.75, 256_000),
    "grok-4.1-fast": (0.20, 0.50, 0.05, 2_000_000),
    "qwen3-max": (1.20, 6.00, None, 262_144),
}
TODAY = dt.date(2026, 1, 28)
"""The seed report's day: FACTS.md's "Further models" figures are January's (several are retired since)."""


def test_at_least_twenty_models_each_with_sources(registry):
    assert len(registry.model_ids()) >= 20
    for entry in registry.models():
        model = entry.model
        assert model.prices, model.id
        assert model.limits_source, model.id
        assert model.note, f"{model.id}: say what was and was not confirmed"
        for schedule in model.prices:
            assert schedule.source and schedule.checked_on, model.id
            assert schedule.note, f"{model.id}: the note says which aggregator the figure was checked against"


@pytest.mark.parametrize("model_id", sorted(FACTS))
def test_facts_figures(registry, model_id):
    input_rate, output_rate, cache_read, window = FACTS[model_id]
    model = registry.model(model_id)
    tier = registry.schedule(model_id, on=TODAY).tiers[0]
    assert (tier.input_mtok, tier.output_mtok, tier.cache_read_mtok) == (input_rate, output_rate, cache_read)
    assert model.context_window == window


def test_gemini_25_pro_has_the_200k_cliff(registry):
    """FACTS.md: 1.25 / 10 up to 200K prompt tokens, 2.50 / 15 above; cache 0.125 / 0.25."""
    first, second = registry.schedule("gemini-2.5-pro", on=TODAY).tiers
    assert (first.up_to, first.input_mtok, first.output_mtok, first.cache_read_mtok) == (200_000, 1.25, 10, 0.125)
    assert (second.up_to, second.input_mtok, second.output_mtok, second.cache_read_mtok) == (None, 2.5, 15, 0.25)


def test_xai_is_a_us_provider(registry):
    entry = registry.entry("grok-4-0709")
    assert (entry.provider.id, entry.provider.country, entry.model.id) == ("xai", "US", "grok-4")


def test_facts_models_without_a_figure_say_unknown_not_zero(registry):
    assert registry.schedule("gpt-5.2-pro", on=TODAY).tiers[0].cache_read_mtok is None
    assert registry.model("grok-4.1-fast").released is None


# -- as-of date --------------------------------------------------------------------------------------------------


def _models_on(capsys, day: str) -> dict[str, dict]:
    assert main(["models", "--json", "--on", day]) == 0
    return {row["id"]: row for row in json.loads(capsys.readouterr().out)}


def test_cli_on_date_before_a_release_has_no_price(capsys):
    """GPT-5 is priced from its release (2025-08-07); the day before it has no price, and Grok 4 (2025-07-09) has."""
    before, after = _models_on(capsys, "2025-08-06"), _models_on(capsys, "2025-08-07")
    assert before["gpt-5"]["input_per_mtok"] is None and before["gpt-5"]["tiers"] == 0
    assert after["gpt-5"]["input_per_mtok"] == 1.25
    assert before["grok-4"]["input_per_mtok"] == 3.0


def test_cli_on_date_sees_the_sonnet_long_context_tier_end(capsys):
    """Claude Sonnet 4.5's > 200K tier (1M beta) is in force up to 2026-04-29 and gone from 2026-04-30."""
    assert _models_on(capsys, "2026-04-29")["claude-sonnet-4.5"]["tiers"] == 2
    assert _models_on(capsys, "2026-04-30")["claude-sonnet-4.5"]["tiers"] == 1


def test_price_on_before_release_is_an_error_not_zero(capsys):
    code = main(["price", "gpt-5.2-pro", "--input", "1000", "--output", "100", "--on", "2025-12-10"])
    assert code == 1
    assert "gpt-5.2-pro was not released until 2025-12-11" in capsys.readouterr().err
    assert main(["price", "gpt-5.2-pro", "--input", "1000", "--output", "100", "--on", "2025-12-11",
                 "--json"]) == 0
    # 1,000 × $21 / 1M + 100 × $168 / 1M = $0.021 + $0.0168 = $0.0378
    assert json.loads(capsys.readouterr().out)["cost"] == pytest.approx(0.0378)


def test_web_search_fee_on_gemini_3_pro_starts_2026_01_05(registry):
    assert registry.tool_fee("gemini-3-pro", "web_search", on=dt.date(2026, 1, 4)) is None
    assert registry.tool_fee("gemini-3-pro", "web_search", on=dt.date(2026, 1, 5)).per_thousand_calls == 14


def test_price_table_reprices_by_date(registry):
    early = price_table(registry, on=dt.date(2025, 10, 15)).set_index("id")
    assert early.loc["claude-haiku-4.5", "status"] == "ok"  # released 2025-10-15 (Anthropic's overview page)
    assert early.loc["gemini-3-pro", "status"] == "not released until 2025-11-18"
    with pytest.raises(NoPriceError):
        registry.schedule("claude-haiku-4.5", on=dt.date(2025, 10, 14))


def test_dashboard_as_of_date_reprices_the_prices_page():
    """The shared "Prices as of" control (query parameter ``on``) re-prices the Prices page."""
    from tests.app.conftest import open_page

    def row(day: str) -> dict:
        at = open_page("pages/prices.py", query={"on": day})
        assert not at.exception, at.exception
        frame = at.dataframe[0].value
        frame = getattr(frame, "data", frame)
        return frame.set_index("name").loc["GPT-5"].to_dict()

    assert row("2025-08-06")["status"] == "not released until 2025-08-07"
    assert row("2025-08-07")["input_per_mtok"] == 1.25
