"""What changed in the market: registry YAML proposals from both price databases, for a maintainer to review.

``python -m analytics refresh --out DIR`` writes ``DIR/providers/<provider>.yaml`` (never into ``data/``) with:

(a) **new models** — a model either database lists under one of our providers (the maker's own record: LiteLLM's
    first-party keys, genai-prices' maker providers) that the registry has neither as an id nor as an alias, is not
    retired in that database, is a chat model (not embeddings, speech, transcription, realtime, image, music or
    video) and is not left out on purpose (the provider's ``excluded`` list in the registry, with its reason);
(b) **price changes** — for every unexplained ``drift`` difference in a price, a new schedule from the day the
    database says it starts (else today), and the current schedule ended that day: history is never edited;
(c) **retirements** — for every unexplained ``drift`` difference in the retirement date, the lifecycle the
    database gives, the model's open schedules ended on that day.

Each proposal carries both databases' figures and where they disagree (in the model's ``note`` and the summary).
Existing models are written whole, with the change; a ``successor`` outside the file is moved into a comment so
that the folder validates on its own (``python -m analytics validate DIR``). A model with no context window in
either database cannot be written and is listed with that reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from analytics.core.clock import today as clock_today
from analytics.core.registry import DATA_DIR, Registry
from analytics.core.schema import ID_PATTERN, Model, Provider

from .drift import RETIRED_FIELD, Disagreement, check_drift
from .records import RATE_FIELDS, PriceDatabase, TheirRecord, TheirSchedule

NOT_CHAT = re.compile(r"(^|[-_./])(tts|transcribe|whisper|audio|realtime|live|image|images|nano-banana|lyria|veo|"
                      r"imagen|embed|embedding|moderation|voice|sora|dall-e|container)([-_./]|$)")
"""Names of models that are not chat models: speech, transcription, realtime, image, music, video, embeddings."""
CHAT_MODES = frozenset({"chat", "responses", None})
"""LiteLLM modes of chat models (genai-prices gives none)."""
_DATED = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|-(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))$")
"""A snapshot date at the end of a name: -2026-04-23, -20251101, -0309 (MMDD)."""
_POINTER = re.compile(r"(^|-)latest$|^chat-latest$")
PRICE_FIELDS = frozenset({*RATE_FIELDS, "tier_bounds", "prices", "tool_fees.web_search"})


def bare_name(record: TheirRecord) -> str:
    """The model's own name in a database key: ``gemini/gemini-3.1-pro-preview`` → ``gemini-3.1-pro-preview``."""
    return record.key.split("/", 1)[1] if "/" in record.key else record.key


def undated(name: str) -> str:
    return _DATED.sub("", name)


_MODE_SUFFIX = re.compile(r"-(non-)?reasoning$")


def group_name(record: TheirRecord) -> str:
    """The name a proposal groups a database's keys under: undated, versions dotted, lower case, and without a
    ``-reasoning`` / ``-non-reasoning`` mode suffix (xAI lists the two modes of one model as two keys)."""
    name = dotted(undated(bare_name(record))).lower()
    return _MODE_SUFFIX.sub("", undated(_MODE_SUFFIX.sub("", name))) or name


def dotted(name: str) -> str:
    """``claude-opus-4-5`` → ``claude-opus-4.5``: version digits joined by a dot, as our ids write them."""
    return re.sub(r"(?<=\d)-(?=\d\b|\d$)", ".", name)


def is_chat(record: TheirRecord) -> bool:
    return record.mode in CHAT_MODES and not NOT_CHAT.search(bare_name(record).lower())


def our_model(registry: Registry, record: TheirRecord) -> str | None:
    """Our model id for a database record, by id or alias (also undated and with dotted versions)."""
    bare = bare_name(record)
    for name in dict.fromkeys([record.key, bare, undated(bare), dotted(bare), dotted(undated(bare))]):
        for candidate in (name, name.lower()):
            if candidate in registry.entries:
                return candidate
            if candidate in registry.aliases:
                return registry.aliases[candidate]
    return None


def exclusion(provider: Provider, record: TheirRecord) -> str | None:
    """The registry's reason for leaving the record's model out on purpose (``Provider.excluded``), if any."""
    names = {bare_name(record).lower(), undated(bare_name(record)).lower()}
    for rule in provider.excluded:
        if any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in rule.models for name in names):
            return rule.reason
    return None


# -- proposals ------------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """One proposal (or one model left out): what, for which model, why, and both databases' figures."""

    kind: str
    """``new model``, ``price change``, ``retirement``, or a reason it is not proposed (``excluded``, ``retired``,
    ``not a chat model``, ``no price``, ``no context window``, ``moving alias``)."""
    provider: str
    model: str
    records: dict[str, str] = field(default_factory=dict)
    """Database → the key of its record."""
    figures: dict[str, str] = field(default_factory=dict)
    """Database → its figures in one line."""
    disagree: list[str] = field(default_factory=list)
    """Where the databases disagree ("input_mtok: litellm 2, genai-prices 1.25")."""
    why: str = ""
    written: bool = False

    @property
    def proposed(self) -> bool:
        return self.kind in ("new model", "price change", "retirement")

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "provider": self.provider, "model": self.model, "records": self.records,
                "figures": self.figures, "disagree": self.disagree, "why": self.why, "written": self.written}


@dataclass
class RefreshReport:
    on: dt.date
    databases: dict[str, str]
    proposals: list[Proposal] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Our provider id → the provider document to write (only the proposed models)."""
    comments: dict[str, list[str]] = field(default_factory=dict)
    """Our provider id → comment lines for the file's header (what each model there proposes)."""

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.proposals:
            counts[p.kind] = counts.get(p.kind, 0) + 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on, "databases": self.databases, "counts": self.counts(),
                "proposals": [p.as_dict() for p in self.proposals]}


def _fmt(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def _summary(record: TheirRecord, on: dt.date) -> str:
    schedule = record.schedule_on("standard", on)
    parts = []
    if schedule is not None:
        first = schedule.tiers[0]
        parts.append(f"{_fmt(first.input_mtok)} / {_fmt(first.output_mtok)} per 1M (cache read "
                     f"{_fmt(first.cache_read_mtok)})")
        if schedule.bounds():
            parts.append("tiers above " + ", ".join(f"{b:,}" for b in schedule.bounds()))
    window = record.context_window or record.max_input_tokens
    if window:
        parts.append(f"window {window:,}")
    if record.max_output_tokens:
        parts.append(f"max output {record.max_output_tokens:,}")
    others = [t for t in record.service_tiers_on(on) if t != "standard"]
    if others:
        parts.append("also " + ", ".join(others))
    if record.retired_on:
        parts.append(f"retires {record.retired_on}")
    return "; ".join(parts) or "no price"


def _disagreements(records: dict[str, TheirRecord], on: dt.date) -> list[str]:
    if len(records) < 2:
        return []
    (name_a, a), (name_b, b) = list(records.items())[:2]
    out = []
    sa, sb = a.schedule_on("standard", on), b.schedule_on("standard", on)
    if sa and sb:
        if sa.bounds() != sb.bounds():
            out.append(f"tier bounds: {name_a} {sa.bounds()}, {name_b} {sb.bounds()}")
        for name in ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"):
            va, vb = sa.tiers[0].rate(name), sb.tiers[0].rate(name)
            if va != vb:
                out.append(f"{name}: {name_a} {_fmt(va)}, {name_b} {_fmt(vb)}")
    window_a, window_b = a.context_window or a.max_input_tokens, b.context_window or b.max_input_tokens
    if window_a and window_b and window_a != window_b:
        out.append(f"window: {name_a} {window_a:,}, {name_b} {window_b:,}")
    if set(a.service_tiers_on(on)) != set(b.service_tiers_on(on)):
        out.append(f"service tiers: {name_a} {a.service_tiers_on(on)}, {name_b} {b.service_tiers_on(on)}")
    return out


def _tier_dict(tier: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"up_to": tier.up_to}
    for name in RATE_FIELDS:
        value = tier.rate(name)
        if value is not None or name in ("input_mtok", "output_mtok"):
            out[name] = value
    return out


def _schedule_dict(schedule: TheirSchedule, record: TheirRecord, on: dt.date, cap: int | None) -> dict[str, Any]:
    tiers = [t for t in schedule.tiers if t.up_to is None or cap is None or t.up_to < cap]
    if tiers and tiers[-1].up_to is not None:  # their last tier ends past our limit: it is the open one here
        tiers[-1] = dataclasses.replace(tiers[-1], up_to=None)
    document = {"region": schedule.region, "service_tier": schedule.service_tier, "currency": "USD",
                "effective_from": schedule.effective_from, "effective_to": schedule.effective_to,
                "source": record.url if record.url and re.match(r"^https?://", record.url) else _SOURCES[
                    record.database], "checked_on": on,
                "note": f"Proposed by refresh from {record.database} {record.version} ({record.key}): check it at "
                        "the provider's page.",
                "tiers": [_tier_dict(t) for t in tiers]}
    return {k: v for k, v in document.items() if v is not None or k in ("effective_from",)}


_SOURCES = {"litellm": "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
            "genai-prices": "https://github.com/pydantic/genai-prices"}


def _new_model(model_id: str, records: dict[str, TheirRecord], on: dt.date, disagree: list[str]) -> dict[str, Any]:
    """A registry model document from the records (the dated one first: genai-prices keeps price history)."""
    ordered = sorted(records.values(), key=lambda r: (r.database != "genai-prices", r.key))
    main = ordered[0]
    window = next((r.context_window for r in ordered if r.context_window), None) or next(
        (r.max_input_tokens for r in ordered if r.max_input_tokens), None)
    max_input = next((r.max_input_tokens for r in ordered if r.max_input_tokens), None)
    max_output = next((r.max_output_tokens for r in ordered if r.max_output_tokens), None)
    if max_input and window and max_input > window:
        window = max_input
    aliases = sorted({r.key for r in ordered if r.key != model_id} | {bare_name(r) for r in ordered
                                                                       if bare_name(r) != model_id})
    prices = [_schedule_dict(s, main, on, max_input or window) for s in main.schedules if s.region == "global"]
    figures = "; ".join(f"{r.database} {r.version} {r.key}: {_summary(r, on)}" for r in ordered)
    note = (f"Proposed by `python -m analytics refresh` on {on} — not checked by hand. {figures}."
            + (f" The databases disagree on {'; '.join(disagree)}." if disagree else
               (" The databases agree." if len(records) > 1 else "")))
    document = {
        "id": model_id, "name": (main.name or bare_name(main))[:120], "released": None,
        "context_window": window, "max_input_tokens": max_input if max_input and max_input < window else None,
        "max_output_tokens": max_output,
        "aliases": aliases, "limits_source": _SOURCES[main.database], "note": note, "prices": prices,
    }
    return document


def _model_document(model: Model) -> dict[str, Any]:
    return model.model_dump(mode="python", exclude_none=False)


def _amended(model: Model, change: str, schedules: list[dict[str, Any]] | None = None,
             lifecycle: dict[str, Any] | None = None, ends: dt.date | None = None) -> dict[str, Any]:
    """An existing model with the change: current schedules of the same key ended, the new ones added (prices),
    or the lifecycle set and open schedules ended at the retirement."""
    document = _model_document(model)
    prices = document["prices"]
    for new in schedules or []:
        key = (new["region"], new["service_tier"], new["currency"])
        for old in prices:
            if (old["region"], old["service_tier"], old["currency"]) == key and old["effective_to"] is None:
                old["effective_to"] = new["effective_from"]
        prices.append(new)
    if lifecycle is not None:
        document["lifecycle"] = lifecycle
        for old in prices:
            if old["effective_to"] is None or old["effective_to"] > ends:
                old["effective_to"] = ends
        document["prices"] = [p for p in prices if p["effective_from"] is None or p["effective_from"] < ends]
    document["note"] = f"{change} {document.get('note') or ''}".strip()
    return document


def _price_proposal(model: Model, items: list[Disagreement], record: TheirRecord, on: dt.date,
                    ) -> tuple[dict[str, Any], str] | None:
    tiers = sorted({d.service_tier for d in items})
    schedules = []
    for service_tier in tiers:
        theirs = record.schedule_on(service_tier, on)
        ours = next((s for s in model.prices if (s.region, s.service_tier, s.currency) == (
            "global", service_tier, "USD") and s.in_force(on)), None)
        if theirs is None:
            continue  # they list no price for it: a disagreement to explain, not a price to propose
        start = theirs.effective_from if theirs.effective_from and (
            ours is None or ours.effective_from is None or theirs.effective_from > ours.effective_from) else on
        document = _schedule_dict(theirs, record, on, model.max_input_tokens or model.context_window)
        document["effective_from"] = start
        schedules.append(document)
    if not schedules:
        return None
    fields = sorted({d.field for d in items})
    change = (f"PROPOSED by refresh on {on}: new {', '.join(tiers)} price from {schedules[0]['effective_from']} "
              f"({record.source}), which differs on {', '.join(fields)}; the current schedule ends that day.")
    return _amended(model, change, schedules=schedules), change


def _retirement_proposal(model: Model, item: Disagreement, record: TheirRecord, registry: Registry,
                         on: dt.date) -> tuple[dict[str, Any], str] | None:
    if record.retired_on is None:
        return None
    successor = None
    if record.successor:
        successor = our_model(registry, TheirRecord(record.database, record.version, record.successor, None, True))
    lifecycle = {"preview": False, "deprecated_on": None, "retired_on": record.retired_on, "successor": successor,
                 "source": record.url if record.url and re.match(r"^https?://", record.url) else _SOURCES[
                     record.database], "checked_on": on,
                 "note": f"Proposed by refresh: {record.database} {record.version} ({record.key}) gives "
                         f"{record.retired_on} as the date it stops working"
                         + (f", successor {record.successor}" if record.successor else "") + "; check it."}
    change = f"PROPOSED by refresh on {on}: retired on {record.retired_on} per {record.source}."
    return _amended(model, change, lifecycle=lifecycle, ends=record.retired_on), change


def refresh(registry: Registry, databases: list[PriceDatabase], on: dt.date | None = None) -> RefreshReport:
    """Every proposal for the registry (the list prices: run it on a registry without overrides)."""
    day = on or clock_today()
    report = RefreshReport(on=day, databases={d.name: d.version for d in databases})
    matched = {(d.name, r.key) for d in databases for e in registry.models()
               if (r := d.find(e.model, e.provider.id)) is not None}
    for provider in registry.providers:
        for name, records in sorted(_unknown_models(registry, provider, databases, matched).items()):
            report.proposals.append(_propose_new(report, provider, name, records, day))
    _propose_changes(report, registry, databases, day)
    _self_contained(report)
    return report


def _unknown_models(registry: Registry, provider: Provider, databases: list[PriceDatabase],
                    matched: set[tuple[str, str]]) -> dict[str, dict[str, TheirRecord]]:
    """The provider's models the databases list and the registry does not hold, by name: per database, its record
    (the one under the bare name where it lists several modes)."""
    groups: dict[str, dict[str, TheirRecord]] = {}
    for database in databases:
        for record in database.provider_records(provider.id):
            if (database.name, record.key) in matched or our_model(registry, record):
                continue
            name = group_name(record)
            if name in registry.entries or name in registry.aliases:
                continue  # another mode of one of our models (grok-4-1-fast-non-reasoning)
            group = groups.setdefault(name, {})
            best = group.get(database.name)
            if best is None or bare_name(best) != name and bare_name(record) == name:
                group[database.name] = record
    return groups


def _propose_new(report: RefreshReport, provider: Provider, name: str, records: dict[str, TheirRecord],
                 day: dt.date) -> Proposal:
    """A model to add, or why not (a moving alias, not a chat model, excluded, retired, no price, …)."""
    proposal = Proposal("new model", provider.id, name, {k: r.key for k, r in records.items()},
                        {k: _summary(r, day) for k, r in records.items()})
    sample = next(iter(records.values()))
    reason = exclusion(provider, sample)
    retired = [r for r in records.values() if r.retired_on and r.retired_on <= day]
    if _POINTER.search(bare_name(sample)):
        proposal.kind, proposal.why = "moving alias", "a name that points at whichever model is newest"
    elif not all(is_chat(r) for r in records.values()):
        proposal.kind, proposal.why = "not a chat model", f"mode {sample.mode or 'unknown'} / name"
    elif reason is not None:
        proposal.kind, proposal.why = "excluded", reason
    elif retired:
        proposal.kind = "retired"
        proposal.why = f"{retired[0].database} gives {retired[0].retired_on} as the day it stops working"
    elif not any(r.schedule_on("standard", day) for r in records.values()):
        proposal.kind, proposal.why = "no price", "neither database gives a standard price today"
    else:
        _draft_new_model(report, provider, name, records, day, proposal)
    return proposal


def _draft_new_model(report: RefreshReport, provider: Provider, name: str, records: dict[str, TheirRecord],
                     day: dt.date, proposal: Proposal) -> None:
    """The new model's document, added to the report unless its id is taken or unusable or it has no window."""
    proposal.disagree = _disagreements(records, day)
    model_id = re.sub(r"[^a-z0-9.-]+", "-", name).strip("-.")
    document = _new_model(model_id, records, day, proposal.disagree)
    elsewhere = next((pid for pid, d in report.documents.items()
                      if any(m["id"] == model_id for m in d["models"])), None)
    if elsewhere is not None:
        proposal.kind, proposal.why = "duplicate", f"already proposed under {elsewhere}"
    elif not document["context_window"]:
        proposal.kind, proposal.why = "no context window", "neither database gives a context window"
    elif not re.match(ID_PATTERN, model_id):
        proposal.kind, proposal.why = "no usable id", model_id
    else:
        proposal.model, proposal.why = model_id, "listed by " + ", ".join(records) + ", not in the registry"
        _add(report, provider, document, f"{model_id}: NEW — {proposal.why}", proposal)


def _propose_changes(report: RefreshReport, registry: Registry, databases: list[PriceDatabase],
                     day: dt.date) -> None:
    """From drift's unexplained disagreements: a retirement, or one price change per model and database."""
    drift = check_drift(registry, databases, day, today=day)
    unexplained: dict[tuple[str, str], list[Disagreement]] = {}
    for item in drift.unexplained:
        unexplained.setdefault((item.model, item.database), []).append(item)
    by_name = {d.name: d for d in databases}
    for (model_id, database_name), items in unexplained.items():
        entry = registry.entry(model_id)
        record = by_name[database_name].find(entry.model, entry.provider.id)
        if record is None:
            continue
        figures = {database_name: _summary(record, day)}
        for item in items:
            made = _retirement_proposal(entry.model, item, record, registry, day) \
                if item.field == RETIRED_FIELD else None
            if made:
                proposal = Proposal("retirement", entry.provider.id, model_id, {database_name: record.key}, figures,
                                    why=made[1])
                _add(report, entry.provider, made[0], f"{model_id}: {made[1]}", proposal)
                report.proposals.append(proposal)
        price_items = [i for i in items if i.field in PRICE_FIELDS]
        retired_on = entry.model.lifecycle.retired_on if entry.model.lifecycle else None
        if price_items and (retired_on is None or retired_on > day):
            made = _price_proposal(entry.model, price_items, record, day)
            if made:
                proposal = Proposal("price change", entry.provider.id, model_id, {database_name: record.key},
                                    figures, disagree=[f"{i.field} ({i.service_tier}): ours {i.ours}, theirs "
                                                       f"{i.theirs}" for i in price_items], why=made[1])
                _add(report, entry.provider, made[0], f"{model_id}: {made[1]}", proposal)
                report.proposals.append(proposal)


def _add(report: RefreshReport, provider: Provider, model: dict[str, Any], comment: str, proposal: Proposal) -> None:
    document = report.documents.setdefault(provider.id, {
        "id": provider.id, "name": provider.name, "country": provider.country, "url": provider.url, "models": []})
    ids = [m["id"] for m in document["models"]]
    if model["id"] in ids:  # a second change to the same model: apply it to the copy already there
        index = ids.index(model["id"])
        previous = document["models"][index]
        previous["prices"] = model["prices"] if len(model["prices"]) > len(previous["prices"]) else previous["prices"]
        if model.get("lifecycle"):
            previous["lifecycle"] = model["lifecycle"]
        previous["note"] = f"{model['note']} {previous.get('note') or ''}"
    else:
        document["models"].append(model)
    report.comments.setdefault(provider.id, []).append(comment)
    proposal.written = True


def _self_contained(report: RefreshReport) -> None:
    """Successors outside a file go into a comment, so that the folder validates on its own."""
    for provider_id, document in report.documents.items():
        ids = {m["id"] for m in document["models"]}
        for model in document["models"]:
            life = model.get("lifecycle")
            if life and life.get("successor") and life["successor"] not in ids:
                report.comments[provider_id].append(f"{model['id']}: lifecycle.successor {life['successor']} "
                                                    "(in the bundled registry; left out here so this file "
                                                    "validates on its own)")
                life["successor"] = None


# -- writing --------------------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()
                if not (v is None and k not in ("input_mtok", "output_mtok", "up_to", "value")) and v != []}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class _PlainDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_proposals(report: RefreshReport, out: Path) -> list[Path]:
    """Write one provider file per provider with proposals into ``out/providers/``; never into ``data/``."""
    if out.resolve() == DATA_DIR.resolve() or DATA_DIR.resolve() in out.resolve().parents:
        raise ValueError(f"refresh never writes into the bundled registry ({DATA_DIR}): give another --out")
    written = []
    for provider_id, document in report.documents.items():
        try:
            Provider.model_validate(document)
        except ValidationError as exc:  # a proposal that does not fit the schema is a bug here, not the user's
            raise RuntimeError(f"refresh built an invalid {provider_id} document: {exc.errors()[0]}") from exc
        folder = out / "providers"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{provider_id}.yaml"
        header = [f"# yaml-language-server: $schema={(DATA_DIR / 'schema.json').as_posix()}",
                  f"# Proposals by `python -m analytics refresh` on {report.on} from "
                  + ", ".join(f"{k} {v}" for k, v in report.databases.items()) + ": review each, then copy what",
                  "# holds into data/providers/ (new schedules and lifecycles as they are; nothing here edits "
                  "history).", *[f"#   {line}" for line in report.comments.get(provider_id, [])]]
        body = yaml.dump(_clean(document), Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=116)
        path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
        written.append(path)
    return written
