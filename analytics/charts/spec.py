"""What a chart is, for the catalog, the CLI and the export: a named builder with its options, and the parsers
that turn an option's text (``--ratio 3:1``, ``--on 2026-01-01``) into the value a builder takes."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from analytics.core.errors import AnalyticsError
from analytics.core.pricing import parse_ratio
from analytics.core.schema import SERVICE_TIERS
from analytics.core.scores import DEFAULT_POLICY, PICKS, REPORTER_KINDS, SUBSETS


@dataclass(frozen=True)
class ChartOption:
    """One option of a chart, shared by the CLI (``--name``) and the export catalog."""

    name: str
    """Python keyword of ``build`` (``ratio``); the CLI flag is ``--ratio``."""
    help: str
    default: object = None
    choices: tuple[str, ...] | None = None
    multiple: bool = False
    """Repeatable on the CLI (``--model a --model b``), a list in Python."""


@dataclass(frozen=True)
class ChartSpec:
    """A named chart: ``build(registry, **options)`` returns the figure and the DataFrame it plots."""

    name: str
    """kebab-case, used in file names and on the CLI: ``cost-vs-hle``."""
    title: str
    description: str
    build: object
    """Callable[[Registry, ...], tuple[plotly Figure, pandas DataFrame]]; pure."""
    options: tuple[ChartOption, ...] = ()


def parse_day(on: dt.date | str | None) -> dt.date | None:
    if on is None or on == "":
        return None
    if isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on))
    except ValueError:
        raise AnalyticsError(f"date {on!r}: write it as YYYY-MM-DD") from None


def parse_ratio_option(ratio: str | tuple[float, float]) -> tuple[tuple[float, float], str]:
    pair = parse_ratio(ratio) if isinstance(ratio, str) else (float(ratio[0]), float(ratio[1]))
    label = f"{pair[0]:g}:{pair[1]:g}"
    return pair, label


def parse_prompt(prompt: float | str | None) -> int | None:
    if prompt in (None, "", "first tier"):
        return None
    value = float(prompt)
    if not math.isfinite(value) or value < 0:
        raise AnalyticsError(f"prompt size must be a non-negative token count, got {prompt!r}")
    return int(value)


# -- options shared by several charts --------------------------------------------------------------------------

RATIO = ChartOption("ratio", "input:output token ratio, e.g. 3:1 (convention), 1:1, 10:1 (agent loop), 30:1", "3:1")
CURRENCY = ChartOption("currency", "display currency (converted with data/fx.yaml)", "USD")
ON = ChartOption("on", "prices in force on this date (YYYY-MM-DD; default today)", None)
REGION = ChartOption("region", "price region", "global")
SERVICE_TIER = ChartOption("service_tier", "service tier", "standard", SERVICE_TIERS)
CACHE_HIT = ChartOption("cache_hit", "share of input tokens read from cache, 0–1", 0.0)
PROMPT = ChartOption("prompt", "prompt size in tokens; picks the context tier (default: the first tier)", None)
REPORTERS = ChartOption("reporters", "reporter kinds that count", list(DEFAULT_POLICY.reporters),
                        (*REPORTER_KINDS, "any"), multiple=True)
PICK = ChartOption("pick", "which of several eligible scores: best or latest", DEFAULT_POLICY.pick, PICKS)
SUBSET = ChartOption("subset", "HLE subset: full-or-unstated, any, full or text-only", DEFAULT_POLICY.subset, SUBSETS)
DISPUTED = ChartOption("include_disputed", "also plot disputed figures (marked): yes or no", "no", ("no", "yes"))
MODELS = ChartOption("models", "only these models (default: every model live on the date)", None, multiple=True)
