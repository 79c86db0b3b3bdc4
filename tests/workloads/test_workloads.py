"""The agent-workload engine: hand-worked cases (arithmetic in each docstring), properties, malformed workloads.

Rates used (USD per 1M tokens, bundled registry): GPT-5.2 1.75 in / 14 out; Gemini 3 Pro 2 / 12 for prompts
≤ 200,000, 4 / 18 above, web search $14 per 1,000 calls from 2026-01-05; Qwen3-Max-Thinking 1.2 / 6 up to
32,768, 2.4 / 12 up to 131,072, 3 / 15 up to 258,048, no cache price; Kimi K2.5 0.6 / 3, cache 0.1, no tool fee;
Claude Opus 4.5 5 / 25, cache read 0.5, cache write 6.25.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analytics.core.errors import RegistryError
from analytics.workloads.engine import Settings, compare, cumulative_cost, results_table, run_workload
from analytics.workloads.model import (
    MIXED,
    SCHEMA_COMMENT,
    SCHEMA_FILE,
    Workload,
    WorkloadError,
    load_workload,
    parse_workload,
    preset_names,
    preset_path,
    workload_from_data,
    workload_yaml,
)
from analytics.workloads.speeds import SpeedAssumption, speed_table
from analytics.workloads.whatifs import SENSITIVITY_PARAMETERS, benchmark_proxies, break_even, sensitivity

ON = dt.date(2026, 2, 1)
SETTINGS = Settings(on=ON)
SEED_MODELS = ["qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5"]


def role(**fields):
    base = {"name": "agent", "model": "gpt-5.2", "steps": 1, "system_prompt_tokens": 0, "task_tokens": 0,
            "output_tokens_per_step": 0}
    return {**base, **fields}


def workload(*roles, **fields) -> Workload:
    return Workload.model_validate({"name": "test", "tasks_per_month": 1000, **fields, "roles": list(roles)})


# -- hand-worked cases -------------------------------------------------------------------------------------------


def test_one_step_chat_on_gpt_5_2():
    """P1 = 1,500 + 500 = 2,000 tokens; cost = 2,000 × 1.75 / 1M + 600 × 14 / 1M = 0.0035 + 0.0084 = $0.0119.
    Monthly at 100,000 tasks: $1,190. No tool call after the only step."""
    w = workload(role(system_prompt_tokens=1500, task_tokens=500, output_tokens_per_step=600,
                      tool_calls_per_step=3, tool="web_search"), tasks_per_month=100_000)
    result = run_workload(w, registry_(), settings=SETTINGS)
    assert result.model == MIXED
    assert result.cost_per_task == pytest.approx(0.0119)
    assert result.monthly_cost == pytest.approx(1190)
    assert result.prompt_tokens == 2000 and result.cached_tokens == 0 and result.output_tokens == 600
    assert result.breakdown["input"] == pytest.approx(0.0035)
    assert result.breakdown["output"] == pytest.approx(0.0084)
    assert result.tool_calls == 0 and result.breakdown["tool_fees"] == 0
    assert result.exceeds_context_at_step is None and result.tier_switches == []


def test_one_step_with_cache_writes_on_claude():
    """Claude has a cache-write rate and cache_hit_rate > 0, so the uncached prompt is written to the cache.
    P1 = 1,000 + 1,000 = 2,000; C1 = 0.5 × 1,000 = 500; writes = 2,000 − 500 = 1,500.
    Cost = 500 × 0.5 / 1M + 1,500 × 6.25 / 1M + 100 × 25 / 1M = 0.00025 + 0.009375 + 0.0025 = $0.012125."""
    w = workload(role(model="claude-opus-4.5", system_prompt_tokens=1000, task_tokens=1000,
                      output_tokens_per_step=100, cache_hit_rate=0.5))
    result = run_workload(w, registry_(), settings=SETTINGS)
    assert result.cached_tokens == 500 and result.cache_write_tokens == 1500
    assert result.breakdown["cached_input"] == pytest.approx(0.00025)
    assert result.breakdown["cache_write"] == pytest.approx(0.009375)
    assert result.breakdown["input"] == 0
    assert result.cost_per_task == pytest.approx(0.012125)


def test_no_cache_writes_without_a_cache_write_rate_or_without_caching():
    """GPT-5.2 has no cache-write price: the uncached part is plain input. Claude with cache_hit_rate 0: no writes.
    GPT: P1 = 2,000, C1 = 500: 1,500 × 1.75 / 1M + 500 × 0.175 / 1M = 0.002625 + 0.0000875 = $0.0027125."""
    gpt = run_workload(workload(role(system_prompt_tokens=1000, task_tokens=1000, cache_hit_rate=0.5)),
                       registry_(), settings=SETTINGS)
    assert gpt.cache_write_tokens == 0 and gpt.cost_per_task == pytest.approx(0.0027125)
    claude = run_workload(workload(role(model="claude-opus-4.5", system_prompt_tokens=1000, task_tokens=1000)),
                          registry_(), settings=SETTINGS)
    assert claude.cache_write_tokens == 0 and claude.cost_per_task == pytest.approx(2000 * 5 / 1e6)


def test_loop_crossing_gemini_200k_tier():
    """P1 = 10,000 + 90,000 = 100,000; each step adds 1,000 output + 99,000 tool result = 100,000, so
    P2 = 200,000 (still ≤ 200K: the low tier, inclusive) and P3 = 300,000 (> 200K: the whole call at 4 / 18).
    Step 1: 100,000 × 2 + 1,000 × 12 = 0.212; step 2: 200,000 × 2 + 1,000 × 12 = 0.412;
    step 3: 300,000 × 4 + 1,000 × 18 = 1.218 (all / 1M). Two web searches (after steps 1 and 2) × $0.014 = 0.028.
    Total = 0.212 + 0.412 + 1.218 + 0.028 = $1.870."""
    w = workload(role(model="gemini-3-pro", steps=3, system_prompt_tokens=10_000, task_tokens=90_000,
                      output_tokens_per_step=1000, tool_result_tokens_per_step=99_000, tool_calls_per_step=1,
                      tool="web_search"))
    result = run_workload(w, registry_(), settings=SETTINGS)
    steps = result.steps
    assert list(steps["prompt_tokens"]) == [100_000, 200_000, 300_000]
    assert list(steps["tier_index"]) == [0, 0, 1]
    assert list(steps["cost"]) == pytest.approx([0.212 + 0.014, 0.412 + 0.014, 1.218])
    assert result.cost_per_task == pytest.approx(1.870)
    assert result.breakdown["tool_fees"] == pytest.approx(0.028)
    assert result.unpriced_tool_calls == 0
    assert [(s["step"], s["from_tier_up_to"], s["to_tier_up_to"]) for s in result.tier_switches] == [
        (3, 200_000, None)]
    frame = cumulative_cost(result)
    assert list(frame["cumulative_cost"]) == pytest.approx([0.226, 0.652, 1.870])
    assert list(frame.loc[frame["tier_switch"], "step"]) == [3]


def test_gemini_web_search_fee_starts_2026_01_05():
    """Before 2026-01-05 the registry knows no Gemini web-search fee: the 2 calls are counted, not priced."""
    w = workload(role(model="gemini-3-pro", steps=3, output_tokens_per_step=10, tool_calls_per_step=1,
                      tool="web_search"))
    before = run_workload(w, registry_(), settings=Settings(on=dt.date(2025, 12, 20)))
    assert before.unpriced_tool_calls == 2 and before.breakdown["tool_fees"] == 0


def test_qwen_two_thresholds_and_the_input_cap():
    """Qwen's tiers (K = 1024): ≤ 32,768 · ≤ 131,072 · ≤ 258,048 (= the input cap). No cache price is known,
    so the 50% cached share bills at the input rate: the cost is as if nothing were cached.
    P1 = 768 + 32,000 = 32,768 (tier 0, inclusive); growth 1,000 output + 97,304 tool result = 98,304:
    P2 = 131,072 (tier 1), P3 = 229,376 (tier 2), P4 = 327,680 > 258,048: cannot run (step 4).
    Step 1: 32,768 × 1.2 + 1,000 × 6 = 0.0453216; step 2: 131,072 × 2.4 + 1,000 × 12 = 0.3265728;
    step 3: 229,376 × 3 + 1,000 × 15 = 0.703128 (/ 1M). Three steps: $1.0750224."""
    fields = dict(model="qwen3-max-thinking", system_prompt_tokens=768, task_tokens=32_000,
                  output_tokens_per_step=1000, tool_result_tokens_per_step=97_304, cache_hit_rate=0.5)
    three = run_workload(workload(role(steps=3, **fields)), registry_(), settings=SETTINGS)
    assert list(three.steps["tier_index"]) == [0, 1, 2]
    assert [s["step"] for s in three.tier_switches] == [2, 3]
    assert list(three.steps["cost"]) == pytest.approx([0.0453216, 0.3265728, 0.703128])
    assert three.cost_per_task == pytest.approx(1.0750224)
    assert three.breakdown["cached_input"] > 0  # billed at the input rate, shown as cached

    four = run_workload(workload(role(steps=4, **fields)), registry_(), settings=SETTINGS)
    assert four.exceeds_context_at_step == 4
    assert "258,048" in four.exceeds_context[0]["reason"]
    assert math.isnan(four.cost_per_task)  # a task that cannot run has no cost, never a partial sum

    one_more = run_workload(workload(role(steps=1, **{**fields, "task_tokens": 32_001})), registry_(),
                            settings=SETTINGS)
    assert one_more.cost_per_task == pytest.approx((32_769 * 2.4 + 1000 * 12) / 1e6)


def test_gpt_5_2_input_cap_and_claude_window():
    """GPT-5.2: a prompt of 272,001 exceeds its 272,000 input cap. Claude: 199,000 + 1,001 output > 200,000."""
    gpt = run_workload(workload(role(task_tokens=272_001, output_tokens_per_step=1)), registry_(),
                       settings=SETTINGS)
    assert gpt.exceeds_context_at_step == 1
    ok = run_workload(workload(role(task_tokens=272_000, output_tokens_per_step=1)), registry_(), settings=SETTINGS)
    assert ok.exceeds_context_at_step is None
    claude = run_workload(workload(role(model="claude-opus-4.5", task_tokens=199_000, output_tokens_per_step=1001)),
                          registry_(), settings=SETTINGS)
    assert claude.exceeds_context_at_step == 1 and "context window" in claude.exceeds_context[0]["reason"]


SWARM = [
    role(name="orchestrator", model="kimi-k2.5", steps=2, system_prompt_tokens=1000, output_tokens_per_step=100),
    role(name="researcher", model="kimi-k2.5", parent="orchestrator", count=10, parallelism=4, steps=3,
         system_prompt_tokens=500, task_tokens=500, output_tokens_per_step=100, tool_result_tokens_per_step=1000,
         tool_calls_per_step=1, tool="web_search", tool_latency_s=2, returns_tokens=200),
]


def test_swarm_with_parallelism():
    """Researcher (×10): P = 1,000, 2,100, 3,200 → 6,300 × 0.6 + 300 × 3 = 0.00378 + 0.0009 = $0.00468 each,
    $0.0468 for ten; Kimi has no web-search fee: 10 × 2 = 20 unpriced calls.
    Orchestrator: P1 = 1,000; after step 1 it gains 100 output + 10 × 200 returns: P2 = 3,100;
    4,100 × 0.6 + 200 × 3 = $0.00306. Task: $0.04986.
    Latency at 100 tokens/s and 0.5 s to first token: a step is 0.5 + 100 / 100 = 1.5 s (+ 2 s tool but the last).
    Researcher: 3.5 + 3.5 + 1.5 = 8.5 s; waves ceil(10 / 4) = 3 → 25.5 s; orchestrator's own 3 s.
    Wall = 28.5 s; serial = 3 + 10 × 8.5 = 88 s; speed-up 88 / 28.5 = 3.0877."""
    speeds = Settings(on=ON, speed_overrides={"kimi-k2.5": SpeedAssumption(100, 0.5, "test")})
    result = run_workload(workload(*SWARM), registry_(), settings=speeds)
    assert result.cost_per_task == pytest.approx(0.04986)
    assert list(result.steps.query("role == 'orchestrator'")["prompt_tokens"]) == [1000, 3100]
    assert result.unpriced_tool_calls == 20
    assert result.prompt_tokens == 10 * 6300 + 4100
    assert result.wall_time_s == pytest.approx(28.5)
    assert result.serial_time_s == pytest.approx(88)
    assert result.speedup == pytest.approx(88 / 28.5)


def test_swarm_on_gpt_5_2_prices_the_searches():
    """Same swarm, every role on GPT-5.2: 20 web searches × $10 / 1,000 = $0.20 of tool fees, none unpriced."""
    result = run_workload(workload(*SWARM), registry_(), "gpt-5.2", settings=SETTINGS)
    assert result.model == "gpt-5.2"
    assert result.breakdown["tool_fees"] == pytest.approx(0.20) and result.unpriced_tool_calls == 0


def test_reasoning_kept_in_context_grows_the_prompt():
    """keep_reasoning_in_context adds the 500 reasoning tokens to each step's growth: P2 = 100 + 50 + 500."""
    kept = run_workload(workload(role(steps=2, task_tokens=100, output_tokens_per_step=50,
                                      reasoning_tokens_per_step=500, keep_reasoning_in_context=True)),
                        registry_(), settings=SETTINGS)
    assert list(kept.steps["prompt_tokens"]) == [100, 650]
    assert kept.output_tokens == 2 * 550  # billed output includes reasoning


def test_success_and_attempts():
    """p = 0.5, k = 3: expected attempts (1 − 0.5³) / 0.5 = 1.75; success 0.875; per success = cost / 0.5."""
    w = workload(role(task_tokens=1000), success_rate=0.5, max_attempts=3)
    result = run_workload(w, registry_(), settings=SETTINGS)
    assert result.success.expected_attempts == pytest.approx(1.75)
    assert result.success.success_probability == pytest.approx(0.875)
    assert result.cost_per_successful_task == pytest.approx(result.cost_per_task / 0.5)
    none = run_workload(workload(role(task_tokens=1000)), registry_(), settings=SETTINGS)
    assert none.cost_per_successful_task is None


def test_compare_runs_every_role_on_each_model():
    results = compare(workload(*SWARM), registry_(), ["gpt-5.2", "kimi-k2.5"], SETTINGS, tasks_per_month=10)
    assert [r.model for r in results] == ["gpt-5.2", "kimi-k2.5"]
    assert all(r.monthly_cost == pytest.approx(10 * r.cost_per_task) for r in results)
    table = results_table(results)
    assert list(table["model"]) == ["gpt-5.2", "kimi-k2.5"]


def test_break_even_gemini_overtakes_gpt():
    """Output 10,000 a step, P_i = 1,000 + 10,000 (i − 1). Per step Gemini − GPT = 0.25 P_i − 20,000 (/ 1M).
    Over N steps: Σ = 250 N + 1,250 N (N − 1) − 20,000 N = N (1,250 (N − 1) − 19,750): negative up to
    N = 16 (Gemini cheaper), positive from N = 17 (GPT-5.2 cheaper). Prompts stay below Gemini's 200K tier."""
    w = workload(role(task_tokens=1000, output_tokens_per_step=10_000, steps=5))
    result = break_even(w, registry_(), "gemini-3-pro", "gpt-5.2", max_steps=20, settings=SETTINGS)
    assert result.crossings == [17]
    row16 = result.table.set_index("steps").loc[16]
    assert row16["cost_a"] - row16["cost_b"] == pytest.approx(-16_000 / 1e6)
    assert result.table.set_index("steps").loc[17, "cheaper"] == "b"


def test_sensitivity_covers_every_parameter():
    result = sensitivity(load_workload("research-loop"), registry_(), "gpt-5.2", SETTINGS)
    assert set(result["parameter"]) == set(SENSITIVITY_PARAMETERS)
    steps = result.set_index("parameter").loc["steps"]
    assert steps["low"] < steps["base"] < steps["high"]
    cache = result.set_index("parameter").loc["cache_hit_rate"]
    assert cache["high"] < cache["base"] < cache["low"]  # more caching is cheaper on GPT-5.2


def test_speeds_default_and_override(registry):
    table = speed_table(registry, ["kimi-k2.5", "gpt-5.2"])
    assert list(table["model"]) == ["kimi-k2.5", "gpt-5.2"]
    assert (table["output_tokens_per_s"] > 0).all()
    slow = Settings(on=ON, default_speed=SpeedAssumption(10, 2, "test"))
    fast = Settings(on=ON, default_speed=SpeedAssumption(1000, 0.1, "test"))
    w = workload(role(model="deepseek-v3.2", output_tokens_per_step=100))
    if registry.model("deepseek-v3.2").speed is None:
        assert run_workload(w, registry, settings=slow).wall_time_s == pytest.approx(2 + 100 / 10)
        assert run_workload(w, registry, settings=fast).wall_time_s == pytest.approx(0.1 + 100 / 1000)


def test_benchmark_proxy(registry):
    if not registry.results("hle"):
        pytest.skip("no HLE results in the registry")
    proxies = benchmark_proxies(registry, ["kimi-k2.5", "gpt-5-nano"])
    assert proxies["kimi-k2.5"] is not None
    rate, label = proxies["kimi-k2.5"]
    assert 0 < rate <= 1 and "proxy" in label and "HLE" in label
    if not any(r.model == "gpt-5-nano" for r in registry.results("hle")):
        assert proxies["gpt-5-nano"] is None


# -- presets ---------------------------------------------------------------------------------------------------


def test_five_presets():
    assert preset_names() == ["agent-swarm", "chat-turn", "coding-agent", "long-document", "research-loop"]


@pytest.mark.parametrize("name", ["agent-swarm", "chat-turn", "coding-agent", "long-document", "research-loop"])
def test_presets_price_on_all_five_seed_models(name):
    text = preset_path(name).read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_COMMENT)
    w = load_workload(name)
    for result in compare(w, registry_(), SEED_MODELS, SETTINGS):
        assert math.isfinite(result.cost_per_task) and result.cost_per_task > 0, result.model
        assert result.exceeds_context_at_step is None, (result.model, result.exceeds_context)
    mixed = run_workload(w, registry_(), settings=SETTINGS)
    assert math.isfinite(mixed.cost_per_task)


def test_long_document_is_beyond_500k_tokens():
    w = load_workload("long-document")
    document = sum(r.count * r.task_tokens for r in w.roles)
    assert document > 500_000


def test_research_loop_crosses_both_qwen_tiers():
    result = run_workload(load_workload("research-loop"), registry_(), "qwen3-max-thinking", SETTINGS)
    assert [s["to_tier_up_to"] for s in result.tier_switches] == [131_072, 258_048]


def test_swarm_preset_has_100_agents():
    w = load_workload("agent-swarm")
    assert sum(r.count for r in w.roles if r.parent) == 100


def test_workload_schema_is_not_stale():
    from analytics.cli.workloads import schema_text

    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run `python -m analytics workload-schema`"
    assert json.loads(schema_text())["additionalProperties"] is False


def test_yaml_round_trip():
    w = load_workload("agent-swarm")
    text = workload_yaml(w)
    assert text.startswith(SCHEMA_COMMENT)
    assert parse_workload(text) == w


# -- malformed workloads -----------------------------------------------------------------------------------------


def _problems(raw) -> str:
    with pytest.raises(WorkloadError) as info:
        workload_from_data(raw, "bad.yaml")
    assert isinstance(info.value, RegistryError)
    return str(info.value)


def _raw(*roles):
    return {"name": "bad", "roles": list(roles)}


def test_unknown_parent():
    text = _problems(_raw(role(name="a", parent="boss")))
    assert "bad.yaml: roles[0] (a).parent: no role named 'boss'" in text


def test_cycle():
    text = _problems(_raw(role(name="a", parent="b", steps=2), role(name="b", parent="a", steps=2)))
    assert "cycle" in text and "a → b → a" in text


def test_self_parent_is_a_cycle():
    assert "cycle" in _problems(_raw(role(name="a", parent="a", steps=2)))


def test_negative_tokens():
    text = _problems(_raw(role(name="a", task_tokens=-5)))
    assert "roles[0] (a).task_tokens" in text and "-5" in text and "negative" in text


def test_parent_with_one_step():
    text = _problems(_raw(role(name="boss", steps=1), role(name="worker", parent="boss")))
    assert "roles[0] (boss).steps: a role with children needs at least 2 steps" in text


def test_unknown_field_and_missing_field():
    extra = _problems(_raw({**role(), "temprature": 1}))
    assert "roles[0] (agent).temprature" in extra and "unknown field" in extra
    missing = _problems(_raw({k: v for k, v in role().items() if k != "steps"}))
    assert "roles[0] (agent).steps" in missing and "required" in missing


def test_duplicate_role_names_and_bad_rates():
    assert "used twice" in _problems(_raw(role(name="a"), role(name="a")))
    assert "cache_hit_rate" in _problems(_raw(role(cache_hit_rate=1.5)))
    assert "success_rate" in _problems({**_raw(role()), "success_rate": 0})


def test_not_a_mapping_and_no_roles():
    assert "expected a YAML mapping" in _problems(["a", "b"])
    assert "roles" in _problems({"name": "x", "roles": []})


def test_unknown_model_with_suggestions():
    w = workload(role(model="gpt-5-2x"))
    with pytest.raises(WorkloadError) as info:
        run_workload(w, registry_(), settings=SETTINGS)
    assert "roles[0] (agent).model" in str(info.value) and "did you mean" in str(info.value)


def test_unsafe_yaml_is_refused():
    with pytest.raises(RegistryError, match="tag"):
        parse_workload("name: !!python/object/apply:os.system ['echo hi']\nroles: []\n")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True))
    with pytest.raises(RegistryError, match="alias"):
        parse_workload(bomb)
    with pytest.raises(RegistryError, match="larger than"):
        parse_workload("x" * (3 * 1024 * 1024))


def test_missing_file():
    with pytest.raises(WorkloadError, match="no such workload file or preset"):
        load_workload("no/such/file.yaml")


# -- properties --------------------------------------------------------------------------------------------------

counts = st.floats(min_value=0, max_value=4000, allow_nan=False)
roles_ = st.fixed_dictionaries({
    "system_prompt_tokens": counts, "task_tokens": counts, "output_tokens_per_step": counts,
    "reasoning_tokens_per_step": counts, "tool_result_tokens_per_step": counts,
    "tool_calls_per_step": st.floats(min_value=0, max_value=3), "cache_hit_rate": st.floats(0, 1),
    "keep_reasoning_in_context": st.booleans(), "steps": st.integers(1, 12),
    "tool": st.sampled_from([None, "web_search"]),
})
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY_SETTINGS
@given(fields=roles_, model=st.sampled_from([*SEED_MODELS, "deepseek-v3.2"]), extra=st.integers(1, 5))
def test_more_steps_never_cost_less(fields, model, extra):
    shorter = run_workload(workload(role(**fields)), registry_(), model, SETTINGS)
    longer = run_workload(workload(role(**{**fields, "steps": fields["steps"] + extra})), registry_(), model,
                          SETTINGS)
    assume(longer.exceeds_context_at_step is None)
    assert longer.cost_per_task >= shorter.cost_per_task - 1e-12


@PROPERTY_SETTINGS
@given(fields=roles_, model=st.sampled_from(["kimi-k2.5", "gpt-5.2", "gemini-3-pro", "deepseek-v3.2",
                                             "qwen3-max-thinking"]))
def test_caching_never_costs_more_where_cache_read_is_not_dearer(fields, model):
    """Models with no cache-write price and cache-read ≤ input (Qwen: unknown, billed at the input rate)."""
    cached = run_workload(workload(role(**fields)), registry_(), model, SETTINGS)
    uncached = run_workload(workload(role(**{**fields, "cache_hit_rate": 0})), registry_(), model, SETTINGS)
    assume(uncached.exceeds_context_at_step is None)
    assert cached.cost_per_task <= uncached.cost_per_task + 1e-12


@PROPERTY_SETTINGS
@given(fields=roles_, model=st.sampled_from([*SEED_MODELS, "deepseek-v3.2"]), count=st.integers(1, 50),
       parallelism=st.integers(1, 60))
def test_costs_and_times_finite_and_non_negative(fields, model, count, parallelism):
    child = role(**{**fields, "steps": 2}, name="child", parent="agent", count=count, parallelism=parallelism,
                 returns_tokens=100)
    result = run_workload(workload(role(**{**fields, "steps": max(2, fields["steps"])}), child), registry_(), model,
                          SETTINGS)
    assume(result.exceeds_context_at_step is None)
    assert math.isfinite(result.cost_per_task) and result.cost_per_task >= 0
    assert all(v >= 0 and math.isfinite(v) for v in result.breakdown.values())
    assert result.cost_per_task == pytest.approx(sum(result.breakdown.values()))
    assert 0 < result.wall_time_s <= result.serial_time_s + 1e-9
    assert result.speedup >= 1 - 1e-9


def registry_():
    from analytics.core.registry import bundled_registry

    return bundled_registry()


# -- editing as a table (the page's role editor) ---------------------------------------------------------------


def test_roles_table_round_trip_and_edits():
    from analytics.workloads.editing import roles_frame, workload_from_frame

    w = load_workload("agent-swarm")
    frame = roles_frame(w)
    assert workload_from_frame(w, frame) == w
    frame.loc[1, "count"] = 50.0  # a table editor hands back floats
    frame.loc[1, "tool"] = ""     # an emptied cell is null: a tool you run yourself
    edited = workload_from_frame(w, frame, success_rate=0.9)
    assert edited.role("researcher").count == 50 and edited.role("researcher").tool is None
    assert edited.success_rate == 0.9


def test_roles_table_errors_name_the_role_and_field():
    import pandas as pd

    from analytics.workloads.editing import roles_frame, workload_from_frame

    w = load_workload("agent-swarm")
    frame = roles_frame(w)
    frame.loc[1, "parent"] = "nobody"
    with pytest.raises(WorkloadError, match=r"roles\[1\] \(researcher\)\.parent: no role named 'nobody'"):
        workload_from_frame(w, frame, name="edited")
    blank = pd.concat([roles_frame(w), pd.DataFrame([{}])], ignore_index=True)
    assert workload_from_frame(w, blank) == w  # a wholly empty new row is ignored
    half = pd.concat([roles_frame(w), pd.DataFrame([{"name": "extra"}])], ignore_index=True)
    with pytest.raises(WorkloadError, match=r"roles\[2\] \(extra\)\.model.*required"):
        workload_from_frame(w, half)


# -- uploads and long names (regressions found by tests/robustness/test_workload_corpus.py) -----------------------


def test_upload_bytes_are_checked_like_a_file():
    from analytics.workloads.model import workload_from_bytes

    good = workload_yaml(load_workload("chat-turn")).encode("utf-8")
    assert workload_from_bytes(good, "chat.yaml").name == "Chat turn"
    with pytest.raises(WorkloadError, match=r"latin\.yaml: not UTF-8 text .* save the file as UTF-8"):
        workload_from_bytes("name: café\nroles: []\n".encode("latin-1"), "latin.yaml")
    with pytest.raises(WorkloadError, match="binary file"):
        workload_from_bytes(b"name: x\x00\n", "nul.yaml")
    with pytest.raises(WorkloadError, match="MiB bound"):
        workload_from_bytes(b"#" * (3 * 1024 * 1024), "big.yaml")


def test_long_role_names_are_cut_in_messages():
    text = _problems(_raw(role(name="r" * 500)))
    assert "r" * 41 not in text and "…" in text and len(text) < 300



def test_a_workload_file_bounds_its_total_steps():
    """20 roles × 100,000 steps fit in 3 KB of YAML but would take minutes to price: refused, naming the bound."""
    from analytics.workloads.model import MAX_TOTAL_STEPS

    raw = _raw(*[role(name=f"r{i}", steps=100_000) for i in range(20)])
    with pytest.raises(WorkloadError, match=r"roles: the roles have 2,000,000 steps in all, over the 20,000"):
        workload_from_data(raw, "heavy.yaml")
    ok = workload_from_data(_raw(role(steps=MAX_TOTAL_STEPS)), "ok.yaml")
    assert ok.roles[0].steps == MAX_TOTAL_STEPS
