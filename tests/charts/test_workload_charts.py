"""Workload charts: every spec builds with its defaults, carries provenance, and draws what the engine computed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analytics.charts.base import TEMPLATE
from analytics.charts.catalog import chart_catalog
from analytics.charts.workloads import (
    CHART_SPECS,
    breakdown_figure,
    workload_break_even,
    workload_cost_breakdown,
    workload_cumulative_cost,
    workload_monthly,
    workload_sensitivity,
)
from analytics.core.errors import AnalyticsError
from analytics.workloads.engine import Settings, compare
from analytics.workloads.model import Workload

ON = "2026-02-01"
NAMES = {"workload-cost-breakdown", "workload-cumulative-cost", "workload-sensitivity", "workload-latency",
         "workload-monthly", "workload-break-even"}


def _values(array):
    """Plotly ≥ 6 may hold arrays as numpy or as typed-array dicts; give a plain list."""
    return list(np.asarray(array, dtype=float))


def test_specs_in_the_catalog():
    assert {s.name for s in CHART_SPECS} == NAMES
    assert set(chart_catalog()) >= NAMES


@pytest.mark.parametrize("spec", CHART_SPECS, ids=lambda s: s.name)
def test_every_chart_builds_with_defaults(registry, spec):
    fig, frame = spec.build(registry, on=ON)
    assert len(fig.data) > 0 and not frame.empty
    assert "registry as of" in fig.layout.meta["provenance"]
    assert "workload:" in fig.layout.meta["provenance"]
    assert fig.layout.title.text


def test_template_is_explicit(registry):
    fig, _ = workload_cost_breakdown(registry, on=ON)
    assert fig.layout.template == __import__("plotly.io", fromlist=["templates"]).templates[TEMPLATE]


def test_breakdown_stacks_to_the_cost_per_task(registry):
    fig, table = workload_cost_breakdown(registry, "coding-agent", ["claude-opus-4.5", "kimi-k2.5"], on=ON)
    totals = np.zeros(2)
    for trace in fig.data:
        totals += np.asarray(_values(trace.x))
    assert list(totals) == pytest.approx(list(table["cost_per_task"]))
    names = {t.name for t in fig.data}
    assert "Cache writes" in names  # Claude writes the uncached prompt to the cache
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("$") for t in texts)


def test_breakdown_says_when_a_model_cannot_run(registry):
    w = Workload.model_validate({"name": "huge", "roles": [
        {"name": "reader", "model": "gemini-3-pro", "steps": 1, "system_prompt_tokens": 0,
         "task_tokens": 600_000, "output_tokens_per_step": 100}]})
    settings = Settings(on=dt.date(2026, 2, 1))
    results = compare(w, registry, ["gemini-3-pro", "claude-opus-4.5"], settings)
    fig = breakdown_figure(registry, results, settings)
    texts = " ".join(a.text.replace(" <br>", " ") for a in fig.layout.annotations)  # notes wrap for a phone
    assert "cannot run: reader exceeds the window at step 1" in texts


def test_cumulative_marks_qwen_tier_switches(registry):
    fig, data = workload_cumulative_cost(registry, "research-loop", ["qwen3-max-thinking", "kimi-k2.5"], on=ON)
    diamonds = [t for t in fig.data if t.marker.symbol == "diamond"]
    assert len(diamonds) == 1 and len(_values(diamonds[0].x)) == 2  # 32,768 and 131,072 crossed
    assert "tier 2" in diamonds[0].text[0] and "tier 3" in diamonds[0].text[1]
    qwen = data[data["model"] == "qwen3-max-thinking"]
    assert list(qwen.loc[qwen["tier_switch"], "step"]) == list(_values(diamonds[0].x))


def test_cumulative_unknown_role(registry):
    with pytest.raises(AnalyticsError, match="no role 'boss'"):
        workload_cumulative_cost(registry, "research-loop", role="boss", on=ON)


def test_break_even_marks_the_crossing(registry):
    fig, table = workload_break_even(registry, on=ON)
    texts = [a.text.replace(" <br>", " ") for a in fig.layout.annotations]  # labels wrap for a phone
    assert any("from 43 steps: Claude Opus 4.5 cheaper" in t for t in texts)
    assert "crosses at 43 steps" in fig.layout.meta["provenance"]
    assert table["steps"].min() == 1
    with pytest.raises(AnalyticsError, match="two models"):
        workload_break_even(registry, model=["kimi-k2.5"], on=ON)


def test_monthly_is_linear_in_volume(registry):
    fig, data = workload_monthly(registry, "chat-turn", ["gpt-5.2"], tasks_per_month=1000, on=ON)
    gpt = data[data["model"] == "gpt-5.2"]
    assert gpt["monthly_cost"].iloc[-1] == pytest.approx(2000 * 0.0119)
    assert any("$12" in a.text for a in fig.layout.annotations)  # 1,000 × $0.0119 = $11.90 → "$12"


def test_sensitivity_on_one_model(registry):
    fig, frame = workload_sensitivity(registry, "agent-swarm", "gpt-5.2", on=ON)
    assert len(fig.data) == 2 and len(frame) == 10
    assert frame["base"].nunique() == 1


def test_workload_text_is_escaped(registry):
    w = Workload.model_validate({"name": "<b>bold</b> & co", "roles": [
        {"name": "a", "model": "kimi-k2.5", "steps": 1, "system_prompt_tokens": 10, "task_tokens": 10,
         "output_tokens_per_step": 10}]})
    fig, _ = workload_cost_breakdown(registry, w, ["kimi-k2.5"], on=ON)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in fig.layout.title.text
    assert "<b>bold" not in fig.layout.meta["provenance"]
