"""Import prices from the ``genai-prices`` package into registry YAML, so a user can load hundreds of models.

``python -m analytics import genai-prices [--provider P …] --out DIR`` writes ``DIR/providers/genai-prices-<P>.yaml``
(prices only: benchmarks stay ours), each valid against ``data/schema.json``; ``python -m analytics --registry DIR
models`` (or ``LLM_COSTS_REGISTRY=DIR`` for the dashboard) layers them on the bundled registry.

Rules, decided once here:

- **Duplicates are skipped, never renamed.** A genai-prices model that is already in the bundled registry (its
  record is the one ``drift`` compares with a bundled model, or its id is a bundled id or alias) is left out: the
  bundled, hand-checked record wins. Each skipped model is listed, with the reason, in the file's header and in
  the command's output. An alias that would clash is dropped (the model stays).
- Ids: the genai-prices id, lower-cased, with anything outside ``a-z 0-9 . -`` turned into ``-``
  (``qwen/qwen3-max`` → ``qwen-qwen3-max``); the original id is kept as an alias. Provider ids get a
  ``genai-prices-`` prefix, so they never clash with bundled providers.
- Our schema needs a context window; a model genai-prices records none for is skipped (we do not guess one).
- Prices: one schedule per dated period genai-prices records (``effective_from`` / ``effective_to``), one more
  per batch / flex / priority variant (from its start date); cliff tiers at genai-prices' tier starts; a price of
  0 (free listings) is unknown here, and a model with no input or output price is skipped. Time-of-day prices
  and non-text units (audio, images…) are not represented; the model's note says so.
- ``source`` is the provider's price page as genai-prices gives it, ``checked_on`` the import day, and every
  model's note says it was imported and not checked by hand.
- ``country`` is the provider's home where this module knows it (``PROVIDER_COUNTRY``), else ``ZZ``, the ISO
  3166 user-assigned code used here for "unknown".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from analytics.core.clock import today
from analytics.core.errors import AnalyticsError
from analytics.core.registry import DATA_DIR, Registry
from analytics.core.safeyaml import read_yaml_file
from analytics.core.schema import ID_PATTERN, Model, Provider

from .genai_prices import (
    RATE_FIELDS,
    SERVICE_TIER_CONTEXT,
    find_their_model,
    load_genai_prices,
    slug,
    their_rate,
)

PROVIDER_COUNTRY = {
    "openai": "US", "anthropic": "US", "google": "US", "x-ai": "US", "meta": "US", "perplexity": "US",
    "deepseek": "CN", "moonshotai": "CN", "zhipuai": "CN", "zai": "CN", "minimax": "CN", "mistral": "FR",
    "cohere": "CA",
}
"""genai-prices provider id → ISO 3166 code of the model maker's home (resellers are left ``ZZ``: unknown)."""
UNKNOWN_COUNTRY = "ZZ"
FALLBACK_SOURCE = "https://github.com/pydantic/genai-prices"
@dataclass
class ImportedProvider:
    their_id: str
    document: dict[str, Any] | None
    """The provider file's content (None when no model could be imported)."""
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(genai-prices model id, why it was left out)."""

    @property
    def file_name(self) -> str:
        return f"genai-prices-{slug(self.their_id)}.yaml"


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _schedule_periods(their_model: Any) -> list[tuple[dt.date | None, dt.date | None, Any]]:
    """(effective_from, effective_to, prices) for each dated period of the standard prices."""
    prices = their_model.prices
    if not isinstance(prices, list):
        return [(None, None, prices)]
    base = next((c.prices for c in prices if c.constraint is None), None)
    dated = sorted(((c.constraint.start_date, c.prices) for c in prices
                    if getattr(c.constraint, "start_date", None) is not None), key=lambda item: item[0])
    periods: list[tuple[dt.date | None, dt.date | None, Any]] = []
    starts = [start for start, _ in dated]
    if base is not None:
        periods.append((None, starts[0] if starts else None, base))
    for i, (start, price) in enumerate(dated):
        periods.append((start, starts[i + 1] if i + 1 < len(starts) else None, price))
    return periods


def _tiers(prices: Any, cap: int) -> list[dict[str, Any]]:
    bounds = sorted({int(t.start) for name in RATE_FIELDS
                     for t in (getattr(getattr(prices, name, None), "tiers", None) or []) if int(t.start) < cap})
    tiers = []
    for i, up_to in enumerate([*bounds, None]):
        sample = 1 if i == 0 else bounds[i - 1] + 1  # any prompt of this tier: cliff tiers, one rate per tier
        tier: dict[str, Any] = {"up_to": up_to}
        for name in RATE_FIELDS:
            rate = _positive(their_rate(getattr(prices, name, None), sample))
            if rate is not None or name in ("input_mtok", "output_mtok", "cache_read_mtok"):
                tier[name] = rate
        tiers.append(tier)
    return tiers


def _web_search(prices: Any) -> float | None:
    value = getattr(prices, "web_searches_kcount", None)
    return _positive(None if value is None else float(value))


def _model_document(their_provider: Any, their_model: Any, model_id: str, aliases: list[str], source: str,
                    checked_on: dt.date, version: str) -> dict[str, Any]:
    cap = int(their_model.context_window)
    note_bits = [f"Imported from genai-prices {version} ({their_provider.id}/{their_model.id}) on {checked_on}: "
                 "prices only, not checked by hand."]
    if their_model.deprecated:
        note_bits.append("genai-prices marks it deprecated.")
    prices, fees = [], []
    for start, end, period_prices in _schedule_periods(their_model):
        schedule = {"region": "global", "service_tier": "standard", "currency": "USD", "effective_from": start,
                    "effective_to": end, "source": source, "checked_on": checked_on,
                    "tiers": _tiers(period_prices, cap)}
        prices.append(schedule)
        fee = _web_search(period_prices)
        if fee is not None:
            fees.append({"tool": "web_search", "per_thousand_calls": fee, "currency": "USD",
                         "effective_from": start, "effective_to": end, "source": source,
                         "checked_on": checked_on})
    when = dt.datetime.combine(checked_on, dt.time(12, 0), tzinfo=dt.UTC)
    for tier_name, context in SERVICE_TIER_CONTEXT.items():
        variant = next((v for v in their_model.price_variants or []
                        if v.when == context and any(p is not None for p in vars(v.prices).values())), None)
        if variant is None:
            continue
        start = getattr(variant.constraint, "start_date", None)
        resolved = their_model.get_prices(max(when, dt.datetime.combine(start or checked_on, dt.time(12, 0),
                                                                         tzinfo=dt.UTC)), context)
        prices.append({"region": "global", "service_tier": tier_name, "currency": "USD", "effective_from": start,
                       "source": source, "checked_on": checked_on,
                       "note": f"genai-prices models {tier_name} prices from {start or 'release'} on.",
                       "tiers": _tiers(resolved, cap)})
    if isinstance(their_model.prices, list) and any(
            getattr(c.constraint, "start_time", None) is not None for c in their_model.prices):
        note_bits.append("Its time-of-day (peak / off-peak) prices are not represented: the undated price is used.")
    known = {"web_searches_kcount", *RATE_FIELDS}
    other_units = sorted({k for _, _, p in _schedule_periods(their_model) for k, v in vars(p).items()
                          if v is not None and k not in known and not k.startswith("_")})
    if other_units:
        note_bits.append(f"Not represented: {', '.join(other_units)}.")
    return {
        "id": model_id,
        "name": (their_model.name or their_model.id)[:120],
        "context_window": cap,
        "aliases": aliases,
        "limits_source": source,
        "note": " ".join(note_bits),
        "tool_fees": fees,
        "prices": prices,
    }


def _taken_names(bundled: Registry, out: Path, rewritten: set[str]) -> set[str]:
    """Ids and aliases already used: the bundled registry's, and those of other files already in ``out``."""
    taken = {*bundled.entries, *bundled.aliases}
    for path in sorted((out / "providers").glob("*.yaml")) if (out / "providers").is_dir() else []:
        if path.name in rewritten:
            continue
        try:
            document = read_yaml_file(path, str(path))
        except AnalyticsError:
            continue
        for model in (document or {}).get("models", []) if isinstance(document, dict) else []:
            if isinstance(model, dict):
                taken.add(str(model.get("id")))
                taken.update(str(a) for a in model.get("aliases") or [])
    return taken


def import_genai_prices(bundled: Registry, provider_ids: list[str] | None = None, out: Path | None = None,
                        checked_on: dt.date | None = None,
                        their_providers: list[Any] | None = None, version: str | None = None,
                        ) -> list[ImportedProvider]:
    """Build (not write) one provider document per genai-prices provider, skipping bundled duplicates."""
    if their_providers is None:
        version, their_providers = load_genai_prices()
    day = checked_on or today()
    by_id = {p.id: p for p in their_providers}
    chosen = provider_ids or list(by_id)
    unknown = [p for p in chosen if p not in by_id]
    if unknown:
        raise AnalyticsError(f"genai-prices has no provider {', '.join(map(repr, unknown))}; "
                             f"known: {', '.join(sorted(by_id))}")
    covered: dict[tuple[str, str], str] = {}
    for entry in bundled.models():
        found = find_their_model(entry.model, entry.provider.id, their_providers)
        if found:
            covered[(found[0].id, found[1].id)] = entry.model.id
    # Model makers first, resellers after: when two records would take the same id, the maker's keeps it.
    chosen = sorted(chosen, key=lambda p: p not in PROVIDER_COUNTRY)
    rewritten = {ImportedProvider(p, None).file_name for p in chosen}
    taken = _taken_names(bundled, out, rewritten) if out else {*bundled.entries, *bundled.aliases}
    return [_import_provider(by_id[their_id], covered, taken, day, version or "unknown") for their_id in chosen]


def _import_provider(their_provider: Any, covered: dict[tuple[str, str], str], taken: set[str], day: dt.date,
                     version: str) -> ImportedProvider:
    """One genai-prices provider as a provider document: each model imported, or skipped with the reason; the ids
    it takes are added to ``taken``."""
    their_id = their_provider.id
    result = ImportedProvider(their_id, None)
    source = next((u for u in their_provider.pricing_urls or [] if re.match(r"^https?://", u)), FALLBACK_SOURCE)
    models = []
    for their_model in their_provider.models:
        model_id = slug(their_model.id)
        aliases = [their_model.id] if their_model.id != model_id and their_model.id not in taken else []
        reason = _skip_reason(their_id, their_model, model_id, covered, taken)
        document = None
        if reason is None:
            document = _model_document(their_provider, their_model, model_id, aliases, source, day, version)
            reason = _unusable(document)
        if reason is not None:
            result.skipped.append((their_model.id, reason))
            continue
        models.append(document)
        result.imported.append(model_id)
        taken.update([model_id, *aliases])
    if models:
        result.document = {
            "id": f"genai-prices-{slug(their_id)}",
            "name": f"{their_provider.name} (imported from genai-prices {version})"[:120],
            "country": PROVIDER_COUNTRY.get(their_id, UNKNOWN_COUNTRY),
            "url": source,
            "models": models,
        }
        Provider.model_validate(result.document)
    return result


def _skip_reason(their_id: str, their_model: Any, model_id: str, covered: dict[tuple[str, str], str],
                 taken: set[str]) -> str | None:
    """Why a genai-prices model is not imported, before its document is built (None: build it)."""
    if (their_id, their_model.id) in covered:
        return f"in the bundled registry as {covered[(their_id, their_model.id)]}"
    if model_id in taken:
        return f"id {model_id!r} is already used (bundled or imported)"
    if not re.match(ID_PATTERN, model_id):
        return "no usable id"
    if not their_model.context_window:
        return "genai-prices records no context window"
    return None


def _unusable(document: dict[str, Any]) -> str | None:
    """Why a built model document is not imported (None: it is)."""
    if not any(t.get("input_mtok") and t.get("output_mtok") for s in document["prices"] for t in s["tiers"]):
        return "no input and output price (free or not priced by token)"
    try:
        Model.model_validate(document)
    except ValidationError as exc:
        return f"does not fit our schema: {exc.errors()[0]['msg']}"
    return None


def _clean(value: Any) -> Any:
    """Drop null dates and empty lists so the YAML reads like a hand-written file."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()
                if not (v is None and k in ("effective_from", "effective_to", "note")) and v != []}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class _PlainDumper(yaml.SafeDumper):
    """No ``&id001`` anchors for repeated values (dates): the file reads like a hand-written one, and the
    registry's loader bounds aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_provider(result: ImportedProvider, out: Path, version: str) -> Path | None:
    """Write one provider file into ``out/providers/``; None when it has no model to write."""
    if result.document is None:
        return None
    folder = out / "providers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / result.file_name
    header = [
        f"# yaml-language-server: $schema={(DATA_DIR / 'schema.json').as_posix()}",
        f"# Imported from genai-prices {version} by `python -m analytics import genai-prices`: prices only,",
        "# not checked by hand. Layer it on the bundled registry with `python -m analytics --registry DIR …` (or",
        "# LLM_COSTS_REGISTRY=DIR for the dashboard). Models already in the bundled registry are skipped:",
    ]
    header += [f"#   {model_id}: {reason}" for model_id, reason in result.skipped] or ["#   (none)"]
    body = yaml.dump(_clean(result.document), Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=120)
    path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    return path
