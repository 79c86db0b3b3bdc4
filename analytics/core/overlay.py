"""Overlays: a company's own prices (``overrides.yaml`` at the root of a registry layer) laid over the list prices.

An entry covers every model of a provider or one model, with either a percentage discount or replacement price
schedules (``schema.Override`` says exactly how each applies). Applying one never edits the registry's files: it
builds new, marked schedules — each says "your prices" and which entry and contract it comes from — that the
pricing code then uses like any other; ``Overlay`` records what was applied, so every page, table, export and
command can say so. Problems (an unknown provider or model, one target given twice, a replacement tier beyond
the model's prompt limit, a currency without an FX rate) name the overrides file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from .errors import Problem, RegistryError, field_path, problems_from_validation
from .safeyaml import parse_yaml_text
from .schema import ContractSchedule, Model, Override, Overrides, PriceSchedule, Provider, Tier

OVERRIDES_FILE = "overrides.yaml"
"""The file a registry layer may hold at its root."""
YOUR_PRICES = "your prices"
"""The marker every page, table, export and command shows where an overlay priced something."""

ScheduleKey = tuple[str, str, str, str, dt.date | None, dt.date | None]
"""(model id, region, service tier, currency, effective_from, effective_to): one schedule of one model."""


@dataclass(frozen=True)
class Overlay:
    """What the overrides changed: the files read, each overlaid model with a description, each new schedule."""

    files: tuple[str, ...]
    models: Mapping[str, str] = field(default_factory=dict)
    """Model id → what applies to it ("20% off the list price (provider anthropic; contract MSA-7)")."""
    schedules: Mapping[ScheduleKey, str] = field(default_factory=dict)
    """Every schedule an override made → its description."""

    def label(self) -> str:
        """One line for footnotes and CLI output: "your prices: anthropic 20% off …; from overrides.yaml (…)"."""
        targets = sorted({description for description in self.models.values()})
        shown = "; ".join(targets[:3]) + (f"; and {len(targets) - 3} more" if len(targets) > 3 else "")
        return f"{YOUR_PRICES}: {shown} (from {', '.join(self.files)})"

    def note(self, model_id: str, schedule: PriceSchedule) -> str | None:
        """The description when ``schedule`` of ``model_id`` was made by an override; None for a list price."""
        return self.schedules.get(schedule_key(model_id, schedule))


def schedule_key(model_id: str, schedule: PriceSchedule) -> ScheduleKey:
    return (model_id, schedule.region, schedule.service_tier, schedule.currency, schedule.effective_from,
            schedule.effective_to)


def parse_overrides(text: str, name: str) -> Overrides:
    """Validate the text of an overrides file; ``RegistryError`` naming the file, entry and field otherwise."""
    raw = parse_yaml_text(text, name)
    if not isinstance(raw, dict):
        raise RegistryError([Problem(name, f"expected a YAML mapping at the top, got {type(raw).__name__}",
                                     hint="write `overrides:` followed by a list of entries (see data/README.md)")])
    try:
        return Overrides.model_validate(raw)
    except ValidationError as exc:
        raise RegistryError(problems_from_validation(exc, name, locate=_locate(raw))) from None


def _locate(raw: object):
    def locate(loc):
        model = None
        if len(loc) >= 2 and loc[0] == "overrides" and isinstance(loc[1], int) and isinstance(raw, dict):
            entries = raw.get("overrides")
            if isinstance(entries, list) and loc[1] < len(entries) and isinstance(entries[loc[1]], dict):
                target = entries[loc[1]].get("model") or entries[loc[1]].get("provider")
                model = str(target) if target is not None else None
            loc = [f"overrides[{loc[1]}]", *loc[2:]]
        return model, field_path(loc)

    return locate


# -- applying -------------------------------------------------------------------------------------------------

_LOW, _HIGH = dt.date.min, dt.date.max


def _scaled(tier: Tier, factor: float) -> Tier:
    def scale(value: float | None) -> float | None:
        return None if value is None else float(f"{value * factor:.12g}")

    return tier.model_copy(update={name: scale(getattr(tier, name)) for name in (
        "input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok", "reasoning_mtok")})


def _piece(schedule: PriceSchedule, start: dt.date, end: dt.date) -> PriceSchedule:
    return schedule.model_copy(update={"effective_from": None if start == _LOW else start,
                                       "effective_to": None if end == _HIGH else end})


def _cut(schedule: PriceSchedule, start: dt.date, end: dt.date) -> tuple[list[PriceSchedule], PriceSchedule | None]:
    """``schedule`` split by the window [start, end): the pieces outside it, and the piece inside (or None)."""
    a, b = schedule.effective_from or _LOW, schedule.effective_to or _HIGH
    inside_start, inside_end = max(a, start), min(b, end)
    outside = [_piece(schedule, lo, hi) for lo, hi in ((a, min(b, start)), (max(a, end), b)) if lo < hi]
    inside = _piece(schedule, inside_start, inside_end) if inside_start < inside_end else None
    return outside, inside


def _describe(entry: Override) -> str:
    what = f"{entry.discount_pct:g}% off the list price" if entry.discount_pct is not None else "replacement prices"
    whom = f"provider {entry.provider}" if entry.provider else f"model {entry.model}"
    dates = ""
    if entry.effective_from or entry.effective_to:
        dates = f", {entry.effective_from or 'always'} to {entry.effective_to or 'now'}"
    contract = f"; contract {entry.contract}" if entry.contract else ""
    return f"{what} ({whom}{dates}{contract})"


def _discounted(model: Model, entry: Override, description: str) -> tuple[list[PriceSchedule], list[PriceSchedule]]:
    """All of ``model``'s schedules with the discount applied inside its window: (every schedule, the overlaid)."""
    factor = 1 - entry.discount_pct / 100
    start, end = entry.effective_from or _LOW, entry.effective_to or _HIGH
    out, made = [], []
    for schedule in model.prices:
        outside, inside = _cut(schedule, start, end)
        out.extend(outside)
        if inside is not None:
            note = f"{YOUR_PRICES.capitalize()}: {description}. List price: {schedule.source}."
            new = inside.model_copy(update={"tiers": [_scaled(t, factor) for t in inside.tiers], "note": note})
            out.append(new)
            made.append(new)
    return out, made


def _replaced(model: Model, entry: Override, description: str) -> tuple[list[PriceSchedule], list[PriceSchedule]]:
    """``model``'s schedules with the replacement ones in force on their days (same region, tier, currency)."""
    keys = {(s.region, s.service_tier, s.currency) for s in entry.prices}
    out: list[PriceSchedule] = []
    for schedule in model.prices:
        pieces = [schedule]
        if (schedule.region, schedule.service_tier, schedule.currency) in keys:
            for replacement in entry.prices:
                if (replacement.region, replacement.service_tier, replacement.currency) != (
                        schedule.region, schedule.service_tier, schedule.currency):
                    continue
                start, end = replacement.effective_from or _LOW, replacement.effective_to or _HIGH
                pieces = [p for piece in pieces for p in _cut(piece, start, end)[0]]
        out.extend(pieces)
    note = f"{YOUR_PRICES.capitalize()}: {description}."
    made = [s.model_copy(update={"note": f"{note} {s.note}" if s.note else note}) for s in entry.prices]
    return out + made, made


Located = tuple[Override, str, int]
"""An override with the file it is in and its index there."""


def _targets(overrides: list[tuple[Overrides, str]], providers: list[Provider], ids: Mapping[str, str],
             problems: list[Problem]) -> tuple[dict[str, Located], dict[str, Located]]:
    """The overrides by provider id and by model id; unknown targets and a target given twice are problems."""
    by_provider: dict[str, Located] = {}
    by_model: dict[str, Located] = {}
    provider_ids = {p.id for p in providers}
    for document, file in overrides:
        for i, entry in enumerate(document.overrides):
            where = f"overrides[{i}]"
            if entry.provider is not None:
                if entry.provider not in provider_ids:
                    problems.append(Problem(file, f"unknown provider {entry.provider!r}", model=entry.provider,
                                            field=f"{where}.provider",
                                            hint=f"use one of: {', '.join(sorted(provider_ids))}"))
                    continue
                key, table = entry.provider, by_provider
            else:
                model_id = ids.get(entry.model) or ids.get(entry.model.lower())
                if model_id is None:
                    problems.append(Problem(file, f"unknown model {entry.model!r}", model=entry.model,
                                            field=f"{where}.model",
                                            hint="use a model id or alias of the registry (python -m analytics "
                                                 "models lists them)"))
                    continue
                key, table = model_id, by_model
            if key in table:
                _, other_file, other_i = table[key]
                problems.append(Problem(file, f"{key!r} already has an override ({other_file}: "
                                              f"overrides[{other_i}])", model=key, field=where,
                                        hint="keep one entry per provider and per model"))
                continue
            table[key] = (entry, file, i)
    return by_provider, by_model


def apply_overrides(providers: list[Provider], overrides: list[tuple[Overrides, str]], ids: Mapping[str, str],
                    currencies: Iterable[str]) -> tuple[list[Provider], Overlay, list[Problem]]:
    """The providers with every override applied, what was applied, and the problems found (then nothing is
    applied). ``ids`` maps every model id and alias to its model id; ``currencies`` are those with an FX rate."""
    problems: list[Problem] = []
    by_provider, by_model = _targets(overrides, providers, ids, problems)
    known_currencies = set(currencies)
    descriptions: dict[str, str] = {}
    made: dict[ScheduleKey, str] = {}
    result = []
    for provider in providers:
        models = []
        for model in provider.models:
            chosen = by_model.get(model.id) or by_provider.get(provider.id)
            if chosen is None:
                models.append(model)
                continue
            entry, file, i = chosen
            description = _describe(entry)
            if entry.prices is not None:
                cap = model.max_input_tokens or model.context_window
                for j, schedule in enumerate(entry.prices):
                    if schedule.currency not in known_currencies:
                        problems.append(Problem(file, f"currency {schedule.currency} has no FX rate", model=model.id,
                                                field=f"overrides[{i}].prices[{j}].currency",
                                                hint="use a currency of data/fx.yaml"))
                    if any(t.up_to is not None and t.up_to > cap for t in schedule.tiers):
                        problems.append(Problem(file, f"a tier reaches beyond the model's prompt limit ({cap:,})",
                                                model=model.id, field=f"overrides[{i}].prices[{j}].tiers",
                                                hint="lower up_to, or end the tiers with an open one"))
                schedules, new = _replaced(model, entry, description)
            else:
                schedules, new = _discounted(model, entry, description)
            descriptions[model.id] = description
            made.update({schedule_key(model.id, s): description for s in new})
            models.append(model.model_copy(update={"prices": schedules}))
        result.append(provider.model_copy(update={"models": models}) if models != provider.models else provider)
    overlay = Overlay(files=tuple(dict.fromkeys(file for _, file in overrides)), models=descriptions,
                      schedules=made)
    return result, overlay, problems


def is_contract_schedule(schedule: PriceSchedule) -> bool:
    """True for a replacement schedule from an overrides file (its source may be a contract reference)."""
    return isinstance(schedule, ContractSchedule)
