"""The registry as tables (pandas DataFrames): one row per model with its base prices, and blended prices.

Raw numbers only; formatting (currency, K/M tokens) happens in ``analytics.formatting`` and the pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .clock import today
from .errors import AnalyticsError, NoPriceError, NotLiveError
from .lifecycle import status, status_label
from .presets import SEED_MODELS
from .pricing import (
    FIT_OK,
    FIT_OUTPUT_OVER_CAP,
    FIT_PROMPT_OVER_PRICED_TIERS,
    TierRates,
    blended_price,
    describe_fit,
    price_requests,
    tier_label,
    tier_labels,
    tiers_summary,
)
from .registry import Registry
from .schema import SERVICE_TIERS, PriceSchedule

PRICE_COLUMNS = [
    "id", "name", "provider", "country", "released", "lifecycle", "deprecated_on", "retired_on", "successor",
    "open_weights", "context_window", "max_input_tokens",
    "max_output_tokens", "input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok",
    "tiers", "long_context", "tier_prices", "region", "service_tier", "currency", "source", "checked_on", "status",
    "status_code", "your_prices",
]
"""``your_prices``: what override of an overlay (``overrides.yaml``) priced the row; null for a list price."""


def your_prices(registry: Registry, model_id: str, region: str = "global", service_tier: str = "standard",
                on: dt.date | None = None) -> str | None:
    """What override made the schedule of ``model_id`` in force on ``on`` ("20% off the list price (…)"); None
    when it is a list price or there is none."""
    if registry.overlay is None:
        return None
    try:
        return registry.overlay_note(model_id, registry.schedule(model_id, region, service_tier, on))
    except NoPriceError:
        return None


def tier_prices(schedule: PriceSchedule, factor: float = 1.0) -> list[dict]:
    """Each tier of a schedule as raw numbers, for a table cell the page formats as money: ``label`` (which prompts
    it covers, ``pricing.tier_label``), ``up_to``, ``input`` and ``output`` per 1M (times ``factor``; None where
    unknown). One entry for a single-tier schedule."""
    def scaled(value: float | None) -> float | None:
        return None if value is None else value * factor

    return [{"label": label, "up_to": tier.up_to, "input": scaled(tier.input_mtok),
             "output": scaled(tier.output_mtok)}
            for label, tier in zip(tier_labels(schedule), schedule.tiers, strict=True)]


def lifecycle_fields(registry: Registry, model_id: str, on: dt.date) -> dict:
    """``lifecycle`` (the status label), ``status_code``, dates and successor of one model on ``on``."""
    model = registry.model(model_id)
    life = model.lifecycle
    successor = life.successor if life else None
    successor_name = registry.model(successor).name if successor else None
    return {
        "lifecycle": status_label(model, on, successor_name), "status_code": status(model, on),
        "deprecated_on": life.deprecated_on if life else None, "retired_on": life.retired_on if life else None,
        "successor": successor,
    }


_HTTP = re.compile(r"^https?://")


def http_only(values: pd.Series) -> pd.Series:
    """Keep http(s) URLs, blank anything else (``seed-report``, or text that is not a link to render)."""
    return values.map(lambda v: v if isinstance(v, str) and _HTTP.match(v) else None)


FLAGSHIP_COLUMNS = ["name", "provider", "lifecycle", "input_per_mtok", "output_per_mtok", "context_window",
                    "long_context", "checked_on", "link"]


def flagship_table(registry: Registry, model_ids: Iterable[str], *, on: dt.date | None = None,
                   currency: str = "USD") -> pd.DataFrame:
    """``price_table`` narrowed to ``model_ids``, in their order, with the source as a link (http only): the
    Overview's table of each provider's flagship (or of the seed's models on the seed view)."""
    table = price_table(registry, on=on, currency=currency)
    order = {m: i for i, m in enumerate(model_ids)}
    chosen = table[table["id"].isin(order)].assign(_order=lambda d: d["id"].map(order)).sort_values("_order")
    return chosen.assign(link=http_only(chosen["source"]))[FLAGSHIP_COLUMNS].reset_index(drop=True)


def price_table(
    registry: Registry,
    *,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> pd.DataFrame:
    """One row per model: limits, lifecycle and the base-tier prices in force on ``on``; NaN where unknown or
    unlisted, and the lifecycle label as ``status`` where the model cannot be called on ``on``."""
    day = on or today()
    rows = []
    for entry in registry.models():
        model, provider = entry.model, entry.provider
        row = {
            "id": model.id, "name": model.name, "provider": provider.name, "country": provider.country,
            "released": model.released, "open_weights": model.open_weights,
            "context_window": model.context_window, "max_input_tokens": model.max_input_tokens,
            "max_output_tokens": model.max_output_tokens, "region": region, "service_tier": service_tier,
            "currency": currency, **lifecycle_fields(registry, model.id, day), "your_prices": None,
        }
        try:
            schedule = registry.schedule(model.id, region, service_tier, on)
        except NoPriceError as exc:
            row.update(input_per_mtok=np.nan, output_per_mtok=np.nan, cache_read_per_mtok=np.nan,
                       cache_write_per_mtok=np.nan, tiers=0, long_context="", tier_prices=[], source=None,
                       checked_on=None,
                       status=row["lifecycle"] if isinstance(exc, NotLiveError) else "no price")
            rows.append(row)
            continue
        factor = registry.convert(1.0, schedule.currency, currency)
        base = schedule.tiers[0]

        def scaled(value: float | None) -> float:
            return value * factor if value is not None else np.nan  # noqa: B023 - used inside the loop only

        row.update(
            input_per_mtok=scaled(base.input_mtok), output_per_mtok=scaled(base.output_mtok),
            cache_read_per_mtok=scaled(base.cache_read_mtok), cache_write_per_mtok=scaled(base.cache_write_mtok),
            tiers=len(schedule.tiers), source=schedule.source,
            long_context="" if len(schedule.tiers) == 1 else tiers_summary(schedule, factor),
            tier_prices=tier_prices(schedule, factor),
            checked_on=schedule.checked_on,
            status="ok" if base.input_mtok is not None and base.output_mtok is not None else "no price",
            your_prices=registry.overlay_note(model.id, schedule),
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=PRICE_COLUMNS)


def blended_table(
    registry: Registry,
    ratio: tuple[float, float] = (3, 1),
    prompt_tokens: int | None = None,
    cache_hit: float = 0.0,
    *,
    models: list[str] | None = None,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> pd.DataFrame:
    """Blended price per 1M tokens for every model (or ``models``), cheapest first; unknown last as NaN."""
    rows = []
    ids = [registry.resolve_id(m) for m in models] if models else registry.model_ids()
    for model_id in ids:
        entry = registry.entry(model_id)
        result = blended_price(registry, model_id, ratio, prompt_tokens, cache_hit, region=region,
                               service_tier=service_tier, on=on, currency=currency)
        rows.append({
            "model": model_id, "name": entry.model.name, "provider": entry.provider.name,
            "country": entry.provider.country,
            "blended_per_mtok": np.nan if result.blended_per_mtok is None else result.blended_per_mtok,
            "input_per_mtok": np.nan if result.input_per_mtok is None else result.input_per_mtok,
            "output_per_mtok": np.nan if result.output_per_mtok is None else result.output_per_mtok,
            "cache_read_per_mtok": np.nan if result.cache_read_per_mtok is None else result.cache_read_per_mtok,
            "tier": result.tier, "tier_label": result.tier_label, "status": result.status, "currency": currency,
            "your_prices": your_prices(registry, model_id, region, service_tier, on),
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values("blended_per_mtok", na_position="last", kind="stable").reset_index(drop=True)


def seed_models_now(registry: Registry, on: dt.date) -> pd.DataFrame:
    """The seed report's models on ``on``: id, name, provider, lifecycle label, status code, retirement date,
    successor and its name — what became of the comparison the project grew from."""
    rows = []
    for model_id in SEED_MODELS:
        if model_id not in registry.entries:
            continue
        entry = registry.entry(model_id)
        fields = lifecycle_fields(registry, model_id, on)
        successor = fields["successor"]
        rows.append({"id": model_id, "name": entry.model.name, "provider": entry.provider.name, **fields,
                     "successor_name": registry.model(successor).name if successor else None})
    return pd.DataFrame(rows, columns=["id", "name", "provider", "lifecycle", "status_code", "deprecated_on",
                                       "retired_on", "successor", "successor_name"])
def price_history_data(
    registry: Registry,
    models: Iterable[str] | None = None,
    currency: str = "USD",
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | str | None = None,
) -> pd.DataFrame:
    """Every schedule of every model (or ``models``) in ``region``/``service_tier``: its first-tier prices and the
    period it was in force (``effective_to`` null: still in force; drawn up to ``on``). ``changes`` counts the
    schedules the model has there: more than one means a price history."""
    ids = [registry.resolve_id(m) for m in models] if models else registry.model_ids()
    rows = []
    for model_id in ids:
        entry = registry.entry(model_id)
        schedules = [s for s in entry.model.prices if s.region == region and s.service_tier == service_tier]
        for schedule in sorted(schedules, key=lambda s: s.effective_from or dt.date.min):
            rates = TierRates.of(schedule.tiers[0])
            factor = registry.convert(1.0, schedule.currency, currency)
            rows.append({
                "model": entry.model.id, "name": entry.model.name, "provider": entry.provider.name,
                "country": entry.provider.country, "region": region, "service_tier": service_tier,
                "effective_from": schedule.effective_from or entry.model.released,
                "effective_to": schedule.effective_to, "input_per_mtok": rates.input * factor,
                "output_per_mtok": rates.output * factor, "currency": currency, "source": schedule.source,
                "checked_on": schedule.checked_on, "changes": len(schedules),
                "tiers": tiers_summary(schedule, factor), "tier_prices": tier_prices(schedule, factor),
                "your_prices": registry.overlay_note(model_id, schedule),
            })
    columns = ["model", "name", "provider", "country", "region", "service_tier", "effective_from", "effective_to",
               "input_per_mtok", "output_per_mtok", "currency", "source", "checked_on", "changes", "tiers",
               "tier_prices", "your_prices"]
    return pd.DataFrame(rows, columns=columns)


OPEN_WEIGHTS = ("any", "open", "closed")
"""The open-weights filter of the price table."""


@dataclass(frozen=True)
class PriceChoices:
    """What the price table can be filtered by, as the registry holds it."""

    regions: list[str]
    """``global`` first, then the others alphabetically."""
    service_tiers: list[str]
    """In ``SERVICE_TIERS`` order, those some schedule uses."""
    providers: list[str]
    countries: list[str]


def price_choices(registry: Registry) -> PriceChoices:
    schedules = [s for entry in registry.models() for s in entry.model.prices]
    used_tiers = {s.service_tier for s in schedules}
    return PriceChoices(
        regions=sorted({s.region for s in schedules}, key=lambda r: (r != "global", r)),
        service_tiers=[t for t in SERVICE_TIERS if t in used_tiers],
        providers=sorted({e.provider.name for e in registry.models()}),
        countries=sorted({e.provider.country for e in registry.models()}),
    )


CONTEXT_CHOICES = {"any": 0, "32K": 32_000, "128K": 128_000, "200K": 200_000, "256K": 256_000, "400K": 400_000,
                   "1M": 1_000_000}
"""Minimum context windows offered by the price table's filter, as OpenRouter's model list offers: label (also the
URL value) → tokens. A round thousand, so that a 32,768- or 131,072-token window passes "32K" or "128K"."""


def filter_prices(table: pd.DataFrame, providers: Iterable[str] = (), countries: Iterable[str] = (),
                  open_weights: str = "any", min_context: int = 0, priced_only: bool = False) -> pd.DataFrame:
    """The rows of a ``price_table`` from these providers and countries (none given: all), open or closed
    weights (``OPEN_WEIGHTS``), with a context window of at least ``min_context`` tokens, and — with
    ``priced_only`` — only those with a known input and output price (retired, unreleased and unpriced models
    out). A model whose window is unknown never passes a minimum."""
    providers, countries = list(providers), list(countries)
    if open_weights not in OPEN_WEIGHTS:
        raise AnalyticsError(f"open weights {open_weights!r}: use one of {', '.join(OPEN_WEIGHTS)}")
    if min_context < 0:
        raise AnalyticsError(f"minimum context {min_context!r}: give a token count of 0 or more")
    if providers:
        table = table[table["provider"].isin(providers)]
    if countries:
        table = table[table["country"].isin(countries)]
    if open_weights != "any":
        table = table[table["open_weights"] == (open_weights == "open")]
    if min_context:
        table = table[table["context_window"].fillna(-1) >= min_context]
    if priced_only:
        table = table[table["input_per_mtok"].notna() & table["output_per_mtok"].notna()]
    return table


def drawn_price_changes(history: pd.DataFrame, price: str) -> list[str]:
    """The models of a ``price_history_data`` frame whose drawn price (``price``: input or output, first tier)
    takes more than one value: a model whose schedules differ only in a later tier or a cache price would be a
    flat line. Worked example: Claude Sonnet 4.6 at $3 / $15 on both of its schedules is left out; GPT-5.6 Luna,
    $1 then $0.20 input, is kept."""
    column = f"{price}_per_mtok"
    if column not in history.columns:
        raise AnalyticsError(f"price {price!r}: use input or output")
    values = history.dropna(subset=[column]).groupby("model", sort=False)[column].nunique()
    return [model for model in history["model"].drop_duplicates() if values.get(model, 0) > 1]


REQUEST_COST_COLUMNS = [
    "model", "name", "provider", "country", "cost", "input_cost", "cached_input_cost", "cache_write_cost",
    "cache_write_1h_cost", "output_cost", "reasoning_cost", "tier_label", "status", "detail", "lifecycle",
    "status_code", "currency", "region", "service_tier", "source", "checked_on", "your_prices",
]
"""One row per model of ``request_cost_table``: the cost of one request and what was applied."""
REQUEST_COMPONENTS = ("input", "cached_input", "cache_write", "cache_write_1h", "output", "reasoning")
_FIT_STATUS = {FIT_OUTPUT_OVER_CAP: "output beyond the cap", FIT_PROMPT_OVER_PRICED_TIERS: "no price at this size"}


def request_cost_table(
    registry: Registry,
    prompt_tokens: float,
    output_tokens: float,
    cached_tokens: float = 0,
    reasoning_tokens: float = 0,
    cache_write_tokens: float = 0,
    cache_write_1h_tokens: float = 0,
    *,
    models: list[str] | None = None,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> pd.DataFrame:
    """The cost of one request on every model (or ``models``), cheapest first, unknown last — the calculator.

    ``prompt_tokens`` is the whole prompt: cached and cache-written tokens included. Each model bills the request
    at the tier its prompt falls in (cliff), at the schedule in force on ``on``. ``cost`` is NaN ("unknown",
    never 0) where the model cannot take the request: ``status`` says why — "no price", "beyond the window",
    "output beyond the cap", "no price at this size", or the lifecycle label of a model that cannot be called
    that day ("retired 2026-03-09 → Gemini 3.1 Pro"); ``detail`` is the sentence. ``lifecycle`` labels every
    model (deprecated ones too). Components are per ``REQUEST_COMPONENTS``; ``your_prices`` names the override
    that priced a row where an overlay did (else None).

    Example (GPT-5.2 on 2026-01-28: $1.75 input, $0.175 cache read, $14 output per 1M): 50,000 prompt tokens of
    which 30,000 cached, 2,000 output → 20,000 × 1.75 / 1M + 30,000 × 0.175 / 1M + 2,000 × 14 / 1M
    = $0.035 + $0.00525 + $0.028 = $0.06825.
    """
    tokens = {"prompt": prompt_tokens, "output": output_tokens, "cached": cached_tokens,
              "reasoning": reasoning_tokens, "cache-write (5 min)": cache_write_tokens,
              "cache-write (1 h)": cache_write_1h_tokens}
    for name, value in tokens.items():
        if not (isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value) and value >= 0):
            raise AnalyticsError(f"{name} tokens must be a finite, non-negative number, got {value!r}")
    if cached_tokens + cache_write_tokens + cache_write_1h_tokens > prompt_tokens:
        raise AnalyticsError(
            f"cached + cache-write tokens ({cached_tokens + cache_write_tokens + cache_write_1h_tokens:,.0f}) "
            f"exceed the prompt ({prompt_tokens:,.0f}): the prompt (--input) is the whole prompt, cached and "
            "cache-written tokens included — raise it or lower them")
    day = on or today()
    ids = [registry.resolve_id(m) for m in models] if models else registry.model_ids()
    rows = []
    for model_id in dict.fromkeys(ids):
        entry = registry.entry(model_id)
        life = lifecycle_fields(registry, model_id, day)
        row: dict = {
            "model": model_id, "name": entry.model.name, "provider": entry.provider.name,
            "country": entry.provider.country, "cost": np.nan,
            **{f"{c}_cost": np.nan for c in REQUEST_COMPONENTS},
            "tier_label": "", "status": "ok", "detail": "", "lifecycle": life["lifecycle"],
            "status_code": life["status_code"], "currency": currency, "region": region,
            "service_tier": service_tier, "source": None, "checked_on": None, "your_prices": None,
        }
        try:
            schedule = registry.schedule(model_id, region, service_tier, day)
        except NotLiveError as exc:
            rows.append({**row, "status": life["lifecycle"], "detail": str(exc)})
            continue
        except NoPriceError as exc:
            rows.append({**row, "status": "no price", "detail": str(exc)})
            continue
        costs = price_requests(registry, model_id, [prompt_tokens], [output_tokens], [cached_tokens],
                               [reasoning_tokens], [cache_write_tokens], currency=currency, schedule=schedule,
                               cache_write_1h_tokens=[cache_write_1h_tokens])
        index = int(costs.tier_index[0])
        row.update(source=schedule.source, checked_on=schedule.checked_on, tier_label=tier_label(schedule, index),
                   your_prices=registry.overlay_note(model_id, schedule) if registry.overlay is not None else None)
        code = int(costs.fit[0])
        if code != FIT_OK:
            row.update(status=_FIT_STATUS.get(code, "beyond the window"),
                       detail=describe_fit(entry.model, code, prompt_tokens, output_tokens + reasoning_tokens))
            rows.append(row)
            continue
        parts = {c: getattr(costs, c) for c in REQUEST_COMPONENTS}
        for component, array in parts.items():
            row[f"{component}_cost"] = 0.0 if array is None else float(array[0])
        total = float(costs.total[0])
        if np.isfinite(total):
            row["cost"] = total
        else:
            unknown = [c for c, v in parts.items() if v is not None and not np.isfinite(v[0])]
            row.update(status="no price", detail=f"{model_id}: the registry has no {' / '.join(unknown)} price for "
                                                 f"this tier ({region}/{service_tier}); unknown is not zero")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=REQUEST_COST_COLUMNS)
    return frame.sort_values("cost", na_position="last", kind="stable").reset_index(drop=True)
