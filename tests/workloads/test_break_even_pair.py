"""The break-even's default pair (issue 17): two models whose lines actually cross on the workload shown, found with
one run per model; ``break_even`` itself unchanged by the refactor that made that possible."""

from __future__ import annotations

import datetime as dt

from analytics.workloads.engine import Settings
from analytics.workloads.model import Workload, load_workload
from analytics.workloads.whatifs import break_even, crossing_pair

SETTINGS = Settings(on=dt.date(2026, 2, 1))


def _workload(output_per_step: int) -> Workload:
    return Workload.model_validate({"name": "test", "roles": [
        {"name": "agent", "model": "gpt-5.2", "steps": 5, "system_prompt_tokens": 0, "task_tokens": 1_000,
         "output_tokens_per_step": output_per_step}]})


def test_the_pair_found_crosses_where_the_preferred_one_does_not(registry):
    """Agent swarm (researcher loop, 8 steps, drawn to 16): Qwen3-Max-Thinking and Claude Opus 4.5 (the old default)
    never cross; Qwen3-Max-Thinking and GPT-5.2 do (Qwen's 32K tier)."""
    swarm = load_workload("agent-swarm")
    preferred = ("qwen3-max-thinking", "claude-opus-4.5")
    assert not break_even(swarm, registry, *preferred, settings=SETTINGS).crossings
    models = ["qwen3-max-thinking", "gpt-5.2", "claude-opus-4.5"]
    pair = crossing_pair(swarm, registry, models, settings=SETTINGS, preferred=preferred)
    assert pair == ("qwen3-max-thinking", "gpt-5.2")
    assert break_even(swarm, registry, *pair, settings=SETTINGS).crossings


def test_the_preferred_pair_wins_when_it_crosses(registry):
    """Research loop (40 steps, drawn to 80): Qwen3-Max-Thinking and Claude Opus 4.5 cross at 43 steps."""
    loop = load_workload("research-loop")
    preferred = ("qwen3-max-thinking", "claude-opus-4.5")
    pair = crossing_pair(loop, registry, ["gpt-5.2", "qwen3-max-thinking", "claude-opus-4.5"], settings=SETTINGS,
                         preferred=preferred)
    assert pair == preferred
    assert break_even(loop, registry, *pair, settings=SETTINGS).crossings == [43]


def test_no_pair_when_nothing_crosses(registry):
    """One chat turn on two flat-priced models: the cheaper stays cheaper at every loop length."""
    chat = _workload(100)
    assert crossing_pair(chat, registry, ["gpt-5.2", "claude-opus-4.5"], settings=SETTINGS) is None


def test_break_even_by_hand_is_unchanged(registry):
    """Output 10,000 a step, P_i = 1,000 + 10,000 (i − 1). Per step Gemini − GPT = 0.25 P_i − 20,000 (/ 1M); over N
    steps N (1,250 (N − 1) − 19,750): negative up to N = 16, positive from 17."""
    result = break_even(_workload(10_000), registry, "gemini-3-pro", "gpt-5.2", max_steps=20, settings=SETTINGS)
    assert result.crossings == [17]
    assert crossing_pair(_workload(10_000), registry, ["gemini-3-pro", "gpt-5.2"], max_steps=20,
                         settings=SETTINGS) == ("gemini-3-pro", "gpt-5.2")
