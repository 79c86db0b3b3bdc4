"""Hypothesis drives the loaders with generated documents and the pricing and workload engines with generated
inputs. Properties: nothing escapes but the project's own errors (``AnalyticsError`` subclasses; with
``filterwarnings = error`` an overflow warning fails too); every cost is finite and non-negative, or NaN where the
request does not fit or has no price; costs never fall where they must not."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analytics.core.catalog import blended_table, price_table
from analytics.core.errors import AnalyticsError, RegistryError
from analytics.core.pricing import FIT_OK, blend, blended_price, price_request, price_requests
from analytics.core.registry import ModelEntry, Registry, bundled_registry, load_registry
from analytics.core.safeyaml import parse_yaml_text, read_yaml_file
from analytics.core.schema import MAX_PRICE, MAX_TOKENS, FxTable, Provider
from analytics.replay.engine import replay
from analytics.replay.reading import UsageLogError
from analytics.replay.usage import load_usage
from analytics.workloads.engine import Settings, run_workload
from analytics.workloads.model import WorkloadError, workload_from_data
from tests.core.test_registry import base_files, base_provider, set_path, write_registry
from tests.robustness.conftest import deadline

QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much]
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=QUIET)
FUZZ_SLOW = settings(max_examples=40, deadline=None, suppress_health_check=QUIET)
ON = dt.date(2026, 2, 1)


def finite_or_nan_non_negative(values: Any) -> bool:
    array = np.asarray(values, dtype=float)
    known = array[~np.isnan(array)]
    return bool(np.all(np.isfinite(known)) and np.all(known >= 0))


# -- YAML: text soup from the characters and tokens that matter to a YAML parser ----------------------------------

YAML_TOKENS = ["a", "b", "id", "name", ":", ": ", "- ", "\n", "  ", "\t", "[", "]", "{", "}", ",", "&x", "*x",
               "&y ", "*y", "? ", "|", ">", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n", "!!python/object:os.system",
               "!!python/name:os.system", "!!binary ", "!!int ", "!!float ", "!!set ", "!!timestamp ", "!!str ",
               "<<: ", "<<: *x", "!local ", "1", "1.5e+400", ".inf", ".nan", "-0", "0x1F", "0o17", "9" * 60, "~",
               "null", "true", "2026-13-45", "\u202e", "\x85", "\ufeff", "é", "😀", "\\", "\r\n", "<script>"]
yaml_soup = st.lists(st.sampled_from(YAML_TOKENS), max_size=80).map("".join)


@FUZZ
@given(text=st.one_of(st.text(max_size=400), yaml_soup))
def test_yaml_parser_raises_only_registry_errors(text: str):
    with deadline(10):
        try:
            parse_yaml_text(text, "fuzz.yaml")
        except RegistryError as exc:
            assert "fuzz.yaml" in str(exc) and "Traceback" not in str(exc)


@FUZZ
@given(data=st.binary(max_size=600))
def test_yaml_file_reader_raises_only_registry_errors(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        with deadline(10):
            try:
                read_yaml_file(path, "fuzz.yaml")
            except RegistryError as exc:
                assert all(p.file == "fuzz.yaml" for p in exc.problems)


# -- registries: the valid base with generated values put at the places that matter ---------------------------------

PATHS = [
    "id", "name", "country", "url", "models[0].id", "models[0].name", "models[0].context_window",
    "models[0].max_input_tokens", "models[0].max_output_tokens", "models[0].aliases", "models[0].speed",
    "models[0].prices", "models[0].prices[0].currency", "models[0].prices[0].source",
    "models[0].prices[0].checked_on", "models[0].prices[0].effective_from", "models[0].prices[0].effective_to",
    "models[0].prices[0].tiers", "models[0].prices[0].tiers[0].up_to", "models[0].prices[0].tiers[0].input_mtok",
    "models[0].prices[0].tiers[0].output_mtok", "models[0].prices[0].tiers[0].cache_read_mtok",
    "models[0].prices[0].tiers[1].input_mtok", "models[0].prices[0].tiers[1].reasoning_mtok",
    "models[0].tool_fees",
]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["2026-01-01", "2026-02-30", "javascript:alert(1)", "https://x.example/p",
                                           "seed-report", "<img src=x onerror=alert(1)>", "USD", "CNY", "usd"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


def priced_everything(registry: Registry) -> None:
    """Every pricing path the pages and the CLI use, on every model of ``registry``; asserts the cost properties."""
    price_table(registry, on=ON)
    blended_table(registry, (3, 1), on=ON)
    for model_id in registry.model_ids():
        for prompt in (0, 1_000, 150_000, 10**9):
            try:
                quote = price_request(registry, model_id, prompt, 500, on=ON)
            except AnalyticsError:
                continue
            assert math.isfinite(quote.cost) and quote.cost >= 0


@FUZZ_SLOW
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3))
def test_generated_registries_load_or_raise_registry_errors_and_price_sanely(changes):
    files = base_files()
    provider = files["providers/acme.yaml"]
    for path, value in changes:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            set_path(provider, path, value)
    with tempfile.TemporaryDirectory() as folder:
        try:
            write_registry(Path(folder), files)
        except (yaml.YAMLError, ValueError):
            assume(False)  # not representable as YAML (e.g. an int of more than 4,300 digits)
        with deadline(20):
            try:
                registry = load_registry(Path(folder))
            except RegistryError as exc:
                assert all(p.file for p in exc.problems)
                return
            priced_everything(registry)


# -- the pricing engine: generated schedules and requests ---------------------------------------------------------

prices = st.one_of(st.none(), st.floats(min_value=1e-6, max_value=MAX_PRICE))


@st.composite
def models(draw) -> Registry:
    """A one-model registry with 1–4 tiers (sorted bounds, any known/unknown rates) and random limits."""
    window = draw(st.integers(1, MAX_TOKENS))
    max_input = draw(st.one_of(st.none(), st.integers(1, window)))
    cap = max_input or window
    bounds = sorted(set(draw(st.lists(st.integers(1, cap), max_size=3))))
    tiers = [{"up_to": b, "input_mtok": draw(prices), "output_mtok": draw(prices), "cache_read_mtok": draw(prices),
              "cache_write_mtok": draw(prices), "reasoning_mtok": draw(prices)} for b in bounds]
    tiers.append({"up_to": None, "input_mtok": draw(prices), "output_mtok": draw(prices),
                  "cache_read_mtok": draw(prices)})
    provider = base_provider()
    model = provider["models"][0]
    model.update(context_window=window, max_input_tokens=max_input,
                 max_output_tokens=draw(st.one_of(st.none(), st.integers(1, MAX_TOKENS))), aliases=[])
    model["prices"][0]["tiers"] = tiers
    model["prices"][0]["currency"] = draw(st.sampled_from(["USD", "CNY"]))
    parsed = Provider.model_validate(provider)
    rate = draw(st.floats(min_value=1e-6, max_value=1e6))
    fx = FxTable.model_validate({"rates": [{"currency": "CNY", "units_per_usd": rate, "source": "seed-report",
                                            "checked_on": "2026-01-01"}]})
    entry = ModelEntry(parsed.models[0], parsed, "fuzz.yaml")
    return Registry(providers=[parsed], benchmarks={}, fx=fx, entries={entry.model.id: entry})


tokens = st.floats(min_value=0, max_value=MAX_TOKENS)


@FUZZ
@given(registry=models(), prompt=tokens, output=tokens, reasoning=tokens, cached_share=st.floats(0, 1),
       write_share=st.floats(0, 1), currency=st.sampled_from(["USD", "CNY"]))
def test_request_costs_are_finite_non_negative_or_unknown(registry, prompt, output, reasoning, cached_share,
                                                          write_share, currency):
    cached = math.floor(prompt * cached_share)
    writes = math.floor((prompt - cached) * write_share)
    costs = price_requests(registry, "acme-one", [prompt], [output], [cached], [reasoning], [writes], on=ON,
                           currency=currency)
    for part in (costs.input, costs.cached_input, costs.cache_write, costs.output, costs.reasoning, costs.total):
        assert finite_or_nan_non_negative(part)
    if costs.fit[0] != FIT_OK:
        assert np.isnan(costs.total[0]), "a request that does not fit has no cost, never 0"
    try:
        quote = price_request(registry, "acme-one", prompt, output, cached, reasoning, writes, on=ON,
                              currency=currency)
    except AnalyticsError:
        assert not np.isfinite(costs.total[0])
    else:
        assert math.isfinite(quote.cost) and quote.cost >= 0
        assert quote.cost == pytest.approx(float(costs.total[0]), rel=1e-9)


def _cap(registry: Registry) -> int:
    model = registry.model("acme-one")
    return model.max_input_tokens or model.context_window


@FUZZ
@given(registry=models(), share=st.floats(0, 1), output=st.floats(0, 1), more=st.floats(0, 1))
def test_more_output_never_costs_less(registry, share, output, more):
    """Output tokens do not change the tier (the prompt picks it): more of them never lowers the cost."""
    prompt = share * _cap(registry) / 2
    output, more = output * _cap(registry) / 4, more * _cap(registry) / 4
    costs = price_requests(registry, "acme-one", [prompt, prompt], [output, output + more], on=ON).total
    assume(np.all(np.isfinite(costs)))
    assert costs[1] >= costs[0] * (1 - 1e-12)


@FUZZ
@given(registry=models(), share=st.floats(0, 1), more=st.floats(0, 1), output=st.floats(0, 1))
def test_a_longer_prompt_in_the_same_tier_never_costs_less(registry, share, more, output):
    prompt, more, output = share * _cap(registry) / 2, more * _cap(registry) / 4, output * _cap(registry) / 8
    costs = price_requests(registry, "acme-one", [prompt, prompt + more], [output, output], on=ON)
    assume(costs.tier_index[0] == costs.tier_index[1] and np.all(np.isfinite(costs.total)))
    assert costs.total[1] >= costs.total[0] * (1 - 1e-12)


@FUZZ
@given(input_rate=st.floats(1e-6, MAX_PRICE), output_rate=st.floats(1e-6, MAX_PRICE),
       a=st.one_of(st.just(0.0), st.floats(1e-6, 1e6)), b=st.one_of(st.just(0.0), st.floats(1e-6, 1e6)))
def test_a_blended_price_lies_between_its_input_and_output_prices(input_rate, output_rate, a, b):
    assume(a + b > 0)
    value = float(blend(input_rate, output_rate, (a, b)))
    low, high = sorted((input_rate, output_rate))
    assert low * (1 - 1e-12) <= value <= high * (1 + 1e-12)


@FUZZ
@given(registry=models(), prompt=st.one_of(st.none(), st.integers(0, 2 * MAX_TOKENS)), hit=st.floats(0, 1),
       a=st.floats(0, 100), b=st.floats(0, 100))
def test_blended_price_is_unknown_or_finite_and_non_negative(registry, prompt, hit, a, b):
    assume(a + b > 0)
    result = blended_price(registry, "acme-one", (a, b), prompt, hit, on=ON)
    if result.blended_per_mtok is not None:
        assert math.isfinite(result.blended_per_mtok) and result.blended_per_mtok >= 0
    else:
        assert result.status != "ok"


junk = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20),
                 st.text(max_size=5), st.none(), st.lists(st.floats(), max_size=3))


@FUZZ
@given(prompt=junk, output=junk, cached=junk, model=st.sampled_from(["gpt-5.2", "gemini-3-pro", "nope", ""]))
def test_price_request_on_junk_raises_only_project_errors(prompt, output, cached, model):
    try:
        price_request(bundled_registry(), model, prompt, output, cached, on=ON)
    except AnalyticsError:
        pass
    except (TypeError, ValueError) as exc:  # a non-number given to the Python API: a programming error, typed
        assert not isinstance(prompt, (int, float)) or not isinstance(output, (int, float)) or \
            not isinstance(cached, (int, float)), exc


# -- the workload engine over its whole documented domain ----------------------------------------------------------

big_tokens = st.one_of(st.floats(0, 1e12), st.integers(0, 10**12), st.sampled_from([0, 1, 1e12]))
role_fields = st.fixed_dictionaries({
    "system_prompt_tokens": big_tokens, "task_tokens": big_tokens, "output_tokens_per_step": big_tokens,
    "reasoning_tokens_per_step": big_tokens, "tool_result_tokens_per_step": big_tokens,
    "tool_calls_per_step": st.floats(0, 1e6), "cache_hit_rate": st.floats(0, 1),
    "keep_reasoning_in_context": st.booleans(), "steps": st.integers(1, 40), "count": st.integers(1, 10**6),
    "parallelism": st.integers(1, 10**6), "tool": st.sampled_from([None, "web_search", "code_execution"]),
    "tool_latency_s": st.floats(0, 1e6), "returns_tokens": big_tokens,
})
BUNDLED_MODELS = ["qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5", "deepseek-v3.2"]


def _workload(lead: dict, child: dict | None, **top):
    roles = [{"name": "lead", "model": "gpt-5.2", **lead}]
    if child is not None:
        roles[0]["steps"] = max(2, lead["steps"])
        roles.append({"name": "child", "model": "kimi-k2.5", "parent": "lead", **child})
    return workload_from_data({"name": "fuzz", "roles": roles, **top}, "fuzz.yaml")


@FUZZ_SLOW
@given(lead=role_fields, child=st.one_of(st.none(), role_fields), model=st.sampled_from([None, *BUNDLED_MODELS]),
       tasks=st.floats(0, 1e12))
def test_workload_costs_are_finite_non_negative_or_unknown(lead, child, model, tasks):
    workload = _workload(lead, child, tasks_per_month=tasks)
    with deadline(30):
        result = run_workload(workload, bundled_registry(), model, Settings(on=ON))
    cost = result.cost_per_task
    assert finite_or_nan_non_negative([cost, result.monthly_cost, *result.breakdown.values()])
    if math.isnan(cost):
        assert result.exceeds_context or result.no_price or any(
            (run.steps["limit"] != "").any() for run in result.roles), "a cost is unknown only for a reason shown"
    for value in (result.prompt_tokens, result.cached_tokens, result.output_tokens, result.wall_time_s,
                  result.serial_time_s):
        assert math.isfinite(value) and value >= 0
    assert result.wall_time_s <= result.serial_time_s * (1 + 1e-9) + 1e-9


small_role_fields = role_fields.map(lambda r: {**r, **{k: min(v, 5e4) for k, v in r.items() if k.endswith("tokens")
                                                       or k.endswith("_step") and k != "tool_calls_per_step"}})


@FUZZ_SLOW
@given(lead=small_role_fields, model=st.sampled_from(BUNDLED_MODELS), extra=st.floats(1, 1e5))
def test_more_output_per_step_never_costs_less(lead, model, extra):
    """Every bundled schedule's tiers get dearer as prompts grow, so more output (which also grows the context)
    never lowers the cost per task while the loop still fits."""
    lead = {**lead, "count": min(lead["count"], 1000)}
    registry = bundled_registry()
    base = run_workload(_workload(lead, None), registry, model, Settings(on=ON))
    grown = min(lead["output_tokens_per_step"] + extra, 1e12)
    more = run_workload(_workload({**lead, "output_tokens_per_step": grown}, None),
                        registry, model, Settings(on=ON))
    assume(math.isfinite(base.cost_per_task) and math.isfinite(more.cost_per_task))
    assert more.cost_per_task >= base.cost_per_task * (1 - 1e-9)


@FUZZ
@given(raw=values)
def test_workload_validation_raises_only_workload_errors(raw):
    try:
        workload_from_data({"name": "fuzz", "roles": [raw]} if isinstance(raw, dict) else raw, "fuzz.yaml")
    except WorkloadError as exc:
        assert all(p.file == "fuzz.yaml" for p in exc.problems)


# -- usage logs: generated CSV text ---------------------------------------------------------------------------------

COLUMNS = ["prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "timestamp", "model", "other", ""]
CELLS = ["", "0", "1", "1200", "-5", "1e400", "inf", "nan", "NaN", "1.5", "1,5", "abc", "true", "2026-01-10",
         "2026-01-10T10:00:00Z", "10000-01-01", "1767225600", "1767225600000", "gpt-5.2", "gemini-3-pro",
         "<img src=x onerror=alert(1)>", '"quoted, comma"', '"', "\u00e9", "1e12", "999999999999999999999"]


@st.composite
def csv_texts(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6))
    separator = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(st.sampled_from(CELLS), min_size=max(0, len(header) - 1),
                                  max_size=len(header) + 1), max_size=8))
    text = separator.join(header) + "\n" + "".join(separator.join(r) + "\n" for r in rows)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"])), errors="replace")


@FUZZ_SLOW
@given(data=st.one_of(csv_texts(), st.binary(max_size=300)))
def test_usage_logs_load_or_raise_usage_errors_and_replay_sanely(data: bytes):
    with deadline(30):
        try:
            usage = load_usage(data, "fuzz.csv")
        except UsageLogError as exc:
            assert "fuzz.csv" in str(exc)
            return
        try:
            result = replay(bundled_registry(), usage, ["gpt-5.2", "gemini-3-pro"], on=ON)
        except AnalyticsError:
            return
    for costs in result.costs.values():
        assert finite_or_nan_non_negative(costs)
    assert finite_or_nan_non_negative(result.summary["total_cost"])
