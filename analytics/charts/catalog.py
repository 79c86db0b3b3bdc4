"""Every chart of every feature module, by name: the one list the CLI, the export and the tests read."""

from __future__ import annotations

from . import blended, context_tiers, cost_vs_hle, history, prices, replay, workloads
from .spec import ChartSpec

FEATURES = (cost_vs_hle, context_tiers, blended, prices, workloads, replay, history)
"""Each exposes ``CHART_SPECS``; their order is the catalog's order."""


def chart_catalog() -> dict[str, ChartSpec]:
    """Every chart, by name (``cost-vs-hle``)."""
    return {spec.name: spec for module in FEATURES for spec in module.CHART_SPECS}
