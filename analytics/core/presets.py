"""Defaults defined once for every face of the project: the seed report's models, the headline set and the
input:output ratios offered as presets."""

from __future__ import annotations

from .registry import Registry

SEED_MODELS = ("qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5")
"""The five models of the seed report, in its order: the default selection wherever models are compared."""
HEADLINE_MODELS = (*SEED_MODELS, "deepseek-v3.2")
"""The seed report's five models and DeepSeek V3.2: the default set where one line per model would crowd a chart."""


def seed_models(registry: Registry) -> list[str]:
    """The seed models the registry holds (every model when it holds none of them)."""
    present = [m for m in SEED_MODELS if m in registry.entries]
    return present or registry.model_ids()


def headline_models(registry: Registry) -> list[str]:
    """The headline models the registry holds (all models when it holds none of them)."""
    present = [m for m in HEADLINE_MODELS if m in registry.entries]
    return present or registry.model_ids()


RATIO_PRESETS = {"3:1": "3:1 convention", "1:1": "1:1", "10:1": "10:1 agent loop", "30:1": "30:1 retrieval"}
"""Input:output ratios offered as presets; any other ``a:b`` may be entered."""
