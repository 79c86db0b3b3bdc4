"""LiteLLM's price table as a price database: ``model_prices_and_context_window_backup.json``, read as a file
from the installed ``litellm`` wheel and never imported (importing it costs seconds and pulls in network code).

Our models map to its keys by id and alias, first-party keys first (``FIRST_PARTY``: the key under the model
maker's own ``litellm_provider`` — ``claude-opus-4-7``, ``gpt-5.5``, ``gemini/…``, ``dashscope/…``, ``moonshot/…``,
``deepseek/…``, ``xai/…``), then another platform's (``vertex_ai/<alias>``) where the maker has none. Its fields map to
ours as LiteLLM's own cost calculator reads them (``litellm_core_utils/llm_cost_calc``), so a record says what
LiteLLM would bill:

- ``input_cost_per_token``, ``output_cost_per_token``, ``cache_read_input_token_cost``,
  ``cache_creation_input_token_cost`` (the 5-minute write), ``cache_creation_input_token_cost_above_1hr`` and
  ``output_cost_per_reasoning_token`` × 1,000,000 → ``input_mtok`` … ``reasoning_mtok``.
- ``*_above_200k_tokens`` → a cliff tier above 200,000 (a prompt *over* the bound pays the higher rate: ``up_to:
  200000``); for xAI the threshold is inclusive (LiteLLM bills the higher rate from 200,000 itself: ``up_to:
  199999``). A field with no key above a bound keeps the rate below it.
- ``*_flex`` / ``*_priority``: those service tiers; a missing flex/priority key falls back to the standard one,
  as in LiteLLM. ``*_batches`` (with ``*_above_Nk_tokens_batches``): the batch tier, with no fallback.
- ``tiered_pricing`` (Alibaba): a list of ``range: [start, end]`` tiers, a prompt in ``start < n ≤ end``; it
  wins over flat keys and a prompt beyond the last range pays the last tier (our last tier is open).
- ``search_context_cost_per_query`` × 1,000 → the web-search fee per 1,000 calls.
- ``max_input_tokens``, ``max_output_tokens``; ``deprecation_date`` (LiteLLM's date the model stops working) →
  the retirement (shutdown) date; ``successor_model``.
- ``provider_specific_entry.us`` and ``regional_processing_uplift_multiplier_{us,eu}``: a regional schedule at that
  multiple of the global prices (``uplift``).
- Not represented, and listed as such: other service tiers (``_ultrafast``, ``_decisions``, ``_balanced``, fast
  mode), 12-hour cache writes, off-peak prices, FedRAMP uplift, non-text units (audio, image, video…).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

from analytics.core.schema import Model

from .records import (
    RATE_FIELDS,
    DatabaseMissing,
    PriceDatabase,
    TheirRecord,
    TheirSchedule,
    TheirTier,
    per_mtok,
    tiers_from_bounds,
)

DATABASE = "litellm"
PINNED_VERSION = "1.110.2"
"""The LiteLLM version the registry's explanations were written against (the ``drift`` extra pins it)."""
TABLE_FILE = "model_prices_and_context_window_backup.json"
SOURCE_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
"""Where the table lives upstream; a record's own ``source`` field (the provider's page) is preferred."""

FIRST_PARTY: dict[str, tuple[str, str]] = {
    "anthropic": ("anthropic", ""),
    "openai": ("openai", ""),
    "google": ("gemini", "gemini/"),
    "alibaba": ("dashscope", "dashscope/"),
    "moonshot": ("moonshot", "moonshot/"),
    "deepseek": ("deepseek", "deepseek/"),
    "xai": ("xai", "xai/"),
}
"""Our provider id → (LiteLLM's ``litellm_provider`` of the maker's own API, the key prefix its keys use)."""
RESELLER_PREFIXES = ("vertex_ai/",)
"""Another platform's keys, tried with each name only when the maker's own API has no record (a record from
them is marked ``first_party=False``): Google's Vertex AI, which resells Google's and partners' models. LiteLLM
1.110.2 has no ``openrouter/`` keys."""
INCLUSIVE_THRESHOLDS = frozenset({"xai"})
"""Providers whose ``above_N`` rate applies from N itself (LiteLLM's ``_INCLUSIVE_THRESHOLD_PROVIDERS``)."""

_BASES = {
    "input_cost_per_token": "input_mtok",
    "output_cost_per_token": "output_mtok",
    "cache_read_input_token_cost": "cache_read_mtok",
    "cache_creation_input_token_cost": "cache_write_mtok",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h_mtok",
    "output_cost_per_reasoning_token": "reasoning_mtok",
}
"""LiteLLM rate-key stem → our field."""
_FIELD_BASE = {v: k for k, v in _BASES.items()}
_TIER_SUFFIX = {"standard": "", "flex": "_flex", "priority": "_priority", "batch": "_batches"}
_RATE_KEY = re.compile(
    r"^(?P<base>input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
    r"|cache_creation_input_token_cost(?:_above_1hr)?|output_cost_per_reasoning_token)"
    r"(?:_above_(?P<n>\d+)(?P<k>k?)_tokens)?(?:_(?P<tier>batches|flex|priority))?$"
)
_IGNORED = frozenset({"input_cost_per_token_cache_hit", "search_context_cost_per_query"})
"""Pricing keys read elsewhere or duplicates (``input_cost_per_token_cache_hit`` repeats the cache-read rate)."""


class LitellmMissing(DatabaseMissing):
    """The optional ``litellm`` package is not installed, or its wheel holds no price table."""


def load_litellm() -> tuple[str, dict[str, Any]]:
    """The installed LiteLLM version and its bundled price table, located through the package's metadata (the
    file list of the installed wheel), never by importing litellm and never fetched from the network."""
    hint = f"pip install 'litellm=={PINNED_VERSION}' (or the project's `drift` extra)"
    try:
        distribution = importlib.metadata.distribution("litellm")
    except importlib.metadata.PackageNotFoundError:
        raise LitellmMissing(f"the LiteLLM price table needs the litellm package: {hint}") from None
    entry = next((f for f in distribution.files or [] if f.name == TABLE_FILE), None)
    path = Path(distribution.locate_file(entry)) if entry is not None else None
    if path is None or not path.is_file():
        raise LitellmMissing(f"litellm {distribution.version} is installed but holds no {TABLE_FILE}: {hint}")
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LitellmMissing(f"cannot read {path}: {exc}") from None
    if not isinstance(table, dict):
        raise LitellmMissing(f"{path} is not a JSON object of models")
    return distribution.version, {k: v for k, v in table.items() if isinstance(v, dict) and k != "sample_spec"}


def _threshold(match: re.Match) -> int | None:
    if match.group("n") is None:
        return None
    return int(match.group("n")) * (1000 if match.group("k") else 1)


def _parsed_keys(entry: dict[str, Any]) -> list[tuple[str, int | None, str, float | None]]:
    """(our field, threshold or None, service tier, per-1M rate) for every rate key of an entry."""
    out = []
    for key, value in entry.items():
        match = _RATE_KEY.match(key)
        if match and value is not None:
            tier = {"batches": "batch", None: "standard"}.get(match.group("tier"), match.group("tier"))
            out.append((_BASES[match.group("base")], _threshold(match), tier, per_mtok(value)))
    return out


def _standard_like(entry: dict[str, Any], service_tier: str, inclusive: bool) -> TheirSchedule | None:
    """Standard, flex or priority as LiteLLM resolves them: the tier's key, else the standard key; above each
    threshold crossed (standard thresholds and this tier's own), the threshold key, else the rate below."""
    parsed = _parsed_keys(entry)
    if service_tier != "standard" and not any(t == service_tier for _, _, t, _ in parsed):
        return None
    suffix = _TIER_SUFFIX[service_tier]

    def key_rate(key: str) -> float | None:
        value = entry.get(key + suffix) if suffix else None
        return per_mtok(value if value is not None else entry.get(key))

    thresholds = sorted({n for _, n, t, _ in parsed if n is not None and t in ("standard", service_tier)})

    def rate_at(name: str, prompt: int) -> float | None:
        if name == "reasoning_mtok":
            return reasoning_at(prompt)
        base = _FIELD_BASE[name]
        rate = key_rate(base)
        for n in thresholds:
            if prompt > n or (inclusive and prompt == n):
                above = key_rate(f"{base}_above_{n // 1000}k_tokens") if n % 1000 == 0 else None
                above = above if above is not None else key_rate(f"{base}_above_{n}_tokens")
                rate = above if above is not None else rate
        return rate

    def reasoning_at(prompt: int) -> float | None:
        """LiteLLM's ``_resolve_reasoning_token_cost``: the tier's reasoning key, else — for a tier with its own
        output key — the tier's output rate, else the standard reasoning key, else the output rate. None when it
        comes to the output rate (reasoning billed as output, our null)."""
        output = rate_at("output_mtok", prompt)
        tier_key = per_mtok(entry.get(f"output_cost_per_reasoning_token{suffix}")) if suffix else None
        if tier_key is not None:
            rate = tier_key
        elif suffix and entry.get(f"output_cost_per_token{suffix}") is not None:
            rate = output
        else:
            standard = per_mtok(entry.get("output_cost_per_reasoning_token"))
            rate = standard if standard is not None else output
        return None if rate == output else rate

    # the sample prompt of the tier above bound b is b + 1: the threshold itself when it is inclusive
    tiers = tiers_from_bounds([n - 1 if inclusive else n for n in thresholds], rate_at)
    return TheirSchedule(service_tier, "global", tiers=tiers, web_search_per_thousand=(
        _web_search(entry) if service_tier == "standard" else None))


def _batch(entry: dict[str, Any], inclusive: bool) -> TheirSchedule | None:
    """Batch as LiteLLM resolves it: ``*_batches``, above a threshold ``*_above_Nk_tokens_batches``; no fallback."""
    parsed = [(name, n, rate) for name, n, tier, rate in _parsed_keys(entry) if tier == "batch"]
    if not parsed:
        return None
    thresholds = sorted({n for _, n, _ in parsed if n is not None})

    def rate_at(name: str, prompt: int) -> float | None:
        flat = next((rate for field, n, rate in parsed if field == name and n is None), None)
        crossed = [n for field, n, _ in parsed
                   if field == name and n is not None and (prompt > n or (inclusive and prompt == n))]
        if not crossed:
            return flat
        above = next((rate for field, n, rate in parsed if field == name and n == max(crossed)), None)
        return above if above is not None else flat

    return TheirSchedule("batch", "global",
                         tiers=tiers_from_bounds([n - 1 if inclusive else n for n in thresholds], rate_at))


def _tiered(entry: dict[str, Any]) -> TheirSchedule | None:
    """``tiered_pricing``: ``start < prompt ≤ end``; beyond the last range, the last tier (so it is open here)."""
    ranged = []
    for tier in entry.get("tiered_pricing") or []:
        bounds = tier.get("range") if isinstance(tier, dict) else None
        if isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, (int, float)) for b in bounds):
            ranged.append((float(bounds[0]), float(bounds[1]), tier))
    if not ranged:
        return None
    ranged.sort(key=lambda item: item[0])
    tiers = []
    for i, (_, end, tier) in enumerate(ranged):
        rates = {name: per_mtok(tier.get(base)) for name, base in _FIELD_BASE.items()}
        tiers.append(TheirTier(int(end) if i < len(ranged) - 1 else None, **rates))
    return TheirSchedule("standard", "global", tiers=tuple(tiers), web_search_per_thousand=_web_search(entry))


def _web_search(entry: dict[str, Any]) -> float | None:
    costs = entry.get("search_context_cost_per_query")
    if not isinstance(costs, dict):
        return None
    value = costs.get("search_context_size_medium", next(iter(costs.values()), None))
    rate = per_mtok(value)  # per query × 1e6 …
    return None if rate is None else float(f"{rate / 1000:.10g}")  # … / 1e3 = per 1,000 queries


def _regional(schedule: TheirSchedule, region: str, uplift: float) -> TheirSchedule:
    def scaled(tier: TheirTier) -> TheirTier:
        rates = {n: None if tier.rate(n) is None else float(f"{tier.rate(n) * uplift:.10g}") for n in RATE_FIELDS}
        return TheirTier(tier.up_to, **rates)

    return TheirSchedule(schedule.service_tier, region, tiers=tuple(scaled(t) for t in schedule.tiers),
                         uplift=uplift)


def _uplifts(entry: dict[str, Any]) -> dict[str, float]:
    found = {}
    specific = entry.get("provider_specific_entry")
    if isinstance(specific, dict) and isinstance(specific.get("us"), (int, float)):
        found["us"] = float(specific["us"])
    for region in ("us", "eu"):
        value = entry.get(f"regional_processing_uplift_multiplier_{region}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found[region] = float(value)
    return found


def _not_represented(entry: dict[str, Any]) -> tuple[str, ...]:
    notes: set[str] = set()
    for key, value in entry.items():
        if value is None or key in _IGNORED or _RATE_KEY.match(key):
            continue
        if key.endswith(("_ultrafast", "_decisions", "_balanced")):
            notes.add(f"service tier {key.rsplit('_', 1)[1]}")
        elif "12hr" in key:
            notes.add("12-hour cache writes")
        elif key == "off_peak_pricing":
            notes.add("off-peak prices")
        elif key == "fedramp_uplift_multiplier":
            notes.add(f"FedRAMP uplift ×{value}")
        elif re.search(r"(audio|image|video|character|pixel|second)", key) and "cost" in key:
            notes.add("non-text units (audio, image, video…)")
        elif "cost" in key and isinstance(value, (int, float)) and value > 0:
            notes.add(key)
    specific = entry.get("provider_specific_entry")
    if isinstance(specific, dict):
        notes.update(f"{k} mode ×{v}" for k, v in specific.items() if k != "us" and isinstance(v, (int, float)))
    return tuple(sorted(notes))


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return int(value)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def record_of(key: str, entry: dict[str, Any], version: str, first_party: bool) -> TheirRecord:
    """One LiteLLM entry as a record (the mapping in the module docstring)."""
    provider = entry.get("litellm_provider")
    inclusive = provider in INCLUSIVE_THRESHOLDS
    standard = _tiered(entry) or _standard_like(entry, "standard", inclusive)
    schedules = [standard] if standard and any(t.input_mtok or t.output_mtok for t in standard.tiers) else []
    for service_tier in ("batch", "flex", "priority"):
        schedule = _batch(entry, inclusive) if service_tier == "batch" else _standard_like(entry, service_tier,
                                                                                            inclusive)
        if schedule is not None:
            schedules.append(schedule)
    if schedules and schedules[0].service_tier == "standard":
        schedules += [_regional(schedules[0], region, uplift) for region, uplift in _uplifts(entry).items()]
    url = entry.get("source") if isinstance(entry.get("source"), str) else None
    return TheirRecord(
        database=DATABASE, version=version, key=key, url=url, first_party=first_party, name=None,
        mode=entry.get("mode"), max_input_tokens=_int(entry.get("max_input_tokens")),
        max_output_tokens=_int(entry.get("max_output_tokens")), retired_on=_date(entry.get("deprecation_date")),
        successor=entry.get("successor_model") if isinstance(entry.get("successor_model"), str) else None,
        schedules=tuple(schedules), not_represented=_not_represented(entry),
    )


def _bare(name: str) -> str:
    """``openai/gpt-5.5`` → ``gpt-5.5``: an alias written with some provider's prefix."""
    return name.split("/", 1)[1] if "/" in name else name


class LiteLLM(PriceDatabase):
    """LiteLLM's table as a ``PriceDatabase``: current prices (no dates), caps, retirement dates, regions."""

    def __init__(self, version: str, table: dict[str, Any]):
        super().__init__(DATABASE, version, PINNED_VERSION, frozenset(
            {"max_input_tokens", "max_output_tokens", "retired_on", "reasoning_mtok", "regions", "web_search"}))
        self.table = table

    def first_party_key(self, names: list[str], provider_id: str) -> str | None:
        """The first of ``names`` (an id, then aliases) that is a key of the maker's own API in the table."""
        their_provider, prefix = FIRST_PARTY.get(provider_id, (None, ""))
        if their_provider is None:
            return None
        for name in names:
            for key in dict.fromkeys([name, prefix + _bare(name), _bare(name)]):
                entry = self.table.get(key)
                if entry is not None and entry.get("litellm_provider") == their_provider:
                    return key
        return None

    def find(self, model: Model, provider_id: str) -> TheirRecord | None:
        names = [model.id, *model.aliases]
        key = self.first_party_key(names, provider_id)
        if key is not None:
            return record_of(key, self.table[key], self.version, first_party=True)
        for name in names:
            for prefix in RESELLER_PREFIXES:
                key = prefix + _bare(name)
                if key in self.table:
                    return record_of(key, self.table[key], self.version, first_party=False)
        return None

    def provider_records(self, provider_id: str) -> list[TheirRecord]:
        their_provider, _ = FIRST_PARTY.get(provider_id, (None, ""))
        return [record_of(key, entry, self.version, first_party=True) for key, entry in self.table.items()
                if their_provider is not None and entry.get("litellm_provider") == their_provider]


def load_database() -> LiteLLM:
    return LiteLLM(*load_litellm())
