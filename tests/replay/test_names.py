"""Recorded model names → registry ids (analytics/replay/names.py): aliases, provider prefixes, date suffixes,
permaslugs and variants resolve; nothing resolves by similarity."""

from __future__ import annotations

import pytest

from analytics.replay.names import candidates, resolve_many, resolve_recorded


@pytest.mark.parametrize(("recorded", "model_id"), [
    ("gpt-5.2", "gpt-5.2"),  # the id
    ("GPT-5.2", "gpt-5.2"),  # ignoring case
    ("gpt-5.2-2025-12-11", "gpt-5.2"),  # an alias (the dated snapshot)
    ("openai/gpt-5.2-20251211", "gpt-5.2"),  # OpenRouter permaslug: prefix + YYYYMMDD
    ("openai/gpt-5.2:free", "gpt-5.2"),  # an OpenRouter variant
    ("anthropic/claude-4.5-opus-20251124", "claude-opus-4.5"),  # permaslug, version before family
    ("anthropic/claude-4.5-sonnet-20250929", "claude-sonnet-4.5"),
    ("claude-opus-4-5-20251101", "claude-opus-4.5"),  # an alias
    ("claude-opus-4-5@20251101", "claude-opus-4.5"),  # Vertex's @date
    ("us.anthropic.claude-opus-4-5-20251101-v1:0", "claude-opus-4.5"),  # Bedrock's region + provider + version
    ("moonshotai/kimi-k2.5-0127", "kimi-k2.5"),  # permaslug with MMDD
    ("google/gemini-3-pro-preview-20251117", "gemini-3-pro"),
    ("vertex_ai/gemini-3-pro-preview", "gemini-3-pro"),  # LiteLLM's provider prefix
    ("gpt-5-mini-2025-08-07", "gpt-5-mini"),
])
def test_recorded_names_resolve(registry, recorded, model_id):
    assert resolve_recorded(registry, recorded) == model_id


@pytest.mark.parametrize("recorded", ["mistralai/mistral-large-2512", "gpt-5.3", "claude-opus-4", "gemini-3-pr",
                                      "", "(empty)"])
def test_what_no_rule_makes_a_registry_name_stays_unknown(registry, recorded):
    assert resolve_recorded(registry, recorded) is None


def test_the_fewest_rules_come_first():
    """The name itself first, so a registry alias that happens to end in a date is never stripped."""
    found = candidates("openai/gpt-5.2-20251211")
    assert found[0] == "openai/gpt-5.2-20251211" and found[-1] == "gpt-5.2"


def test_many_names_at_once(registry):
    assert resolve_many(registry, ["openai/gpt-5.2-20251211", "nope"]) == {"openai/gpt-5.2-20251211": "gpt-5.2",
                                                                         "nope": None}
