"""Tool calls with no known fee: an assumed fee prices them visibly, or the cost is a lower bound (issue 17).

Rates (bundled registry, on 2026-02-01): Kimi K2.5 0.6 in / 3 out per 1M, no web-search fee; GPT-5.2 web search
$10 per 1,000 calls. The swarm below makes 10 researchers × 2 searches = 20 web searches per task; on Kimi its cost
without them is $0.04986 (hand-worked in test_workloads.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.core.registry import bundled_registry
from analytics.workloads.engine import Settings, run_workload
from analytics.workloads.model import (
    AssumedToolFee,
    Workload,
    WorkloadError,
    load_workload,
    parse_workload,
    workload_yaml,
)
from analytics.workloads.whatifs import break_even, sensitivity
from tests.workloads.test_workloads import SWARM

SETTINGS = Settings(on=dt.date(2026, 2, 1))


@pytest.fixture(scope="module")
def reg():
    return bundled_registry()


def swarm(fee: AssumedToolFee | None = None) -> Workload:
    return Workload.model_validate({"name": "swarm", "roles": SWARM,
                                    "assumed_tool_fee": fee.model_dump() if fee else None})


def test_without_a_fee_the_cost_is_a_lower_bound(reg):
    """20 searches with no known fee: counted, not priced; the cost ($0.04986) is a lower bound."""
    result = run_workload(swarm(), reg, settings=SETTINGS)
    assert result.cost_per_task == pytest.approx(0.04986)
    assert result.unpriced_tool_calls == 20 and result.assumed_fee_tool_calls == 0
    assert result.lower_bound is True
    summary = result.summary()
    assert summary["lower_bound"] is True and summary["breakdown"]["assumed_tool_fees"] == 0


def test_an_assumed_fee_prices_the_unpriced_calls(reg):
    """$10 per 1,000 assumed: 20 × $0.010 = $0.20 more, in its own component; no longer a lower bound."""
    result = run_workload(swarm(AssumedToolFee(per_thousand_calls=10)), reg, settings=SETTINGS)
    assert result.cost_per_task == pytest.approx(0.04986 + 0.20)
    assert result.breakdown["assumed_tool_fees"] == pytest.approx(0.20)
    assert result.breakdown["tool_fees"] == 0
    assert result.unpriced_tool_calls == 0 and result.assumed_fee_tool_calls == 20
    assert result.lower_bound is False


def test_the_assumed_fee_never_replaces_a_known_fee(reg):
    """On GPT-5.2 the provider's $10 / 1,000 applies whatever is assumed: 20 × 0.01 = $0.20 of tool fees."""
    plain = run_workload(swarm(), reg, "gpt-5.2", SETTINGS)
    assumed = run_workload(swarm(AssumedToolFee(per_thousand_calls=99)), reg, "gpt-5.2", SETTINGS)
    assert assumed.cost_per_task == pytest.approx(plain.cost_per_task)
    assert assumed.breakdown["tool_fees"] == pytest.approx(0.20) and assumed.breakdown["assumed_tool_fees"] == 0
    assert assumed.assumed_fee_tool_calls == 0 and not assumed.lower_bound


def test_an_assumed_fee_in_another_currency_is_converted(reg):
    """A fee in CNY is converted through USD with data/fx.yaml: 20 calls × fee / 1,000 / (CNY per USD)."""
    cny = reg.units_per_usd("CNY")
    result = run_workload(swarm(AssumedToolFee(per_thousand_calls=70, currency="CNY")), reg, settings=SETTINGS)
    assert result.breakdown["assumed_tool_fees"] == pytest.approx(20 * 70 / 1000 / cny)


def test_zero_is_an_assumption_not_a_lower_bound(reg):
    """Assuming the calls are free is a stated assumption: the cost is not marked as a lower bound."""
    result = run_workload(swarm(AssumedToolFee(per_thousand_calls=0)), reg, settings=SETTINGS)
    assert result.cost_per_task == pytest.approx(0.04986)
    assert not result.lower_bound and result.assumed_fee_tool_calls == 20


def test_a_task_that_cannot_run_is_not_a_lower_bound(reg):
    """Unknown stays unknown: a cost that is NaN is not "at least" anything."""
    result = run_workload(swarm(), reg, settings=Settings(on=dt.date(2026, 12, 1)))  # Kimi K2.5 retired
    assert result.unpriced_tool_calls == 20 and not result.lower_bound


def test_the_agent_swarm_preset_seed_day(reg):
    """The issue's case: agent-swarm on Kimi K2.5 on the seed day; 100 researchers × 7 searches = 700 calls;
    assuming $10 per 1,000 adds exactly 700 × $0.010 = $7.00."""
    preset = load_workload("agent-swarm")
    seed_day = Settings(on=dt.date(2026, 1, 28))
    plain = run_workload(preset, reg, "kimi-k2.5", seed_day)
    assumed = run_workload(preset.model_copy(update={"assumed_tool_fee": AssumedToolFee(per_thousand_calls=10)}),
                           reg, "kimi-k2.5", seed_day)
    assert plain.unpriced_tool_calls == 700 and plain.lower_bound
    assert assumed.cost_per_task - plain.cost_per_task == pytest.approx(700 * 0.010, rel=1e-12)


def test_break_even_and_sensitivity_carry_the_assumption(reg):
    """The break-even curve at the role's own length equals the workload's cost (the last step's fee, assumed
    or not, is dropped exactly); the tornado says when its base is a lower bound."""
    fee = swarm(AssumedToolFee(per_thousand_calls=10))
    whole = run_workload(fee, reg, "kimi-k2.5", SETTINGS)
    curve = break_even(fee, reg, "kimi-k2.5", "gpt-5.2", "researcher", 6, SETTINGS)
    assert curve.table.set_index("steps").loc[3, "cost_a"] == pytest.approx(whole.cost_per_task)
    assert not curve.lower_bound_a and not curve.lower_bound_b
    assert break_even(swarm(), reg, "kimi-k2.5", "gpt-5.2", "researcher", 6, SETTINGS).lower_bound_a
    tornado = sensitivity(swarm(), reg, "kimi-k2.5", SETTINGS)
    assert tornado["lower_bound"].all() and (tornado["unpriced_tool_calls"] == 20).all()
    # with no fee known or assumed, tool calls move nothing: the reason the chart must say "lower bound"
    calls = tornado.set_index("parameter").loc["tool_calls_per_step"]
    assert calls["low_delta"] == 0 and calls["high_delta"] == 0


def test_the_yaml_field_round_trips_and_is_validated():
    fee = swarm(AssumedToolFee(per_thousand_calls=12.5, currency="EUR"))
    again = parse_workload(workload_yaml(fee))
    assert again.assumed_tool_fee == AssumedToolFee(per_thousand_calls=12.5, currency="EUR")
    with pytest.raises(WorkloadError) as info:
        parse_workload("name: x\nassumed_tool_fee: {per_thousand_calls: -1}\nroles:\n"
                       "  - {name: a, model: gpt-5.2, steps: 1, system_prompt_tokens: 1, task_tokens: 1,\n"
                       "     output_tokens_per_step: 1}\n", "fee.yaml")
    assert "fee.yaml: assumed_tool_fee.per_thousand_calls" in str(info.value)
