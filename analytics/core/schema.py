"""One strict pydantic model per YAML concept of the registry (``data/``); the JSON Schema is generated from these.

Units live in field names: ``*_mtok`` is a price per 1,000,000 tokens in the schedule's currency.
Unknown is ``null`` (``None``) everywhere, never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$"
ServiceTier = Literal["standard", "batch", "flex", "priority"]
SERVICE_TIERS: tuple[str, ...] = get_args(ServiceTier)
"""The service tiers, in this order everywhere (the schema, the CLI's choices, the pages)."""
Condition = Literal["tools", "no-tools"]
Subset = Literal["full", "text-only"]
ReporterKind = Literal["vendor", "maintainer", "third-party", "press", "seed-report"]
"""``maintainer``: the benchmark's own authors (for HLE: CAIS / Scale AI's leaderboard or paper)."""
Status = Literal["unreleased", "preview", "available", "deprecated", "retired"]
"""A model's lifecycle status on a date, derived from ``released`` and its ``lifecycle`` (never stored)."""



def _not_a_boolean(value: object) -> object:
    # pydantic's lax mode reads YAML `true` as 1: a price or a token count written as true/false is a mistake
    if isinstance(value, bool):
        raise ValueError(f"got {str(value).lower()}: write a number, not true/false")
    return value


NotBool = BeforeValidator(_not_a_boolean)
MAX_PRICE = 1_000_000
"""Bound on any price (per 1M tokens, per 1,000 calls): far above every real one, low enough that no cost of
a plausible request can overflow to infinity."""
MAX_TOKENS = 1_000_000_000_000
"""Bound on any token limit (10^12, as for the CLI's token counts): keeps tier bounds within 64-bit integers."""

PositivePrice = Annotated[float, NotBool, Field(gt=0, le=MAX_PRICE, allow_inf_nan=False)]
"""A known price is > 0 and finite; an unknown one is null (never 0)."""
TokenLimit = Annotated[int, NotBool, Field(gt=0, le=MAX_TOKENS)]
"""A positive whole number of tokens, at most ``MAX_TOKENS``."""

SEED_REPORT = "seed-report"
"""The ``source`` value that cites the January 2026 market report the project grew from."""

_URL = re.compile(r"^https?://[^\s<>\"']+$")


def check_source(value: str) -> str:
    """A source is an http(s) URL or the literal ``seed-report``; nothing else is a link we will render."""
    value = value.strip()
    if value == SEED_REPORT or _URL.match(value):
        return value
    raise ValueError(f"source must be an http(s) URL or {SEED_REPORT!r}, got {value[:80]!r}")


class Strict(BaseModel):
    """Base of every registry type: unknown keys are errors, so a typo in the YAML is caught, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Sourced(Strict):
    source: str
    """Where the figure was read: an http(s) URL, or ``seed-report`` for the January 2026 market report."""
    checked_on: dt.date
    """The date the figure was read at its source (YYYY-MM-DD)."""

    @field_validator("source")
    @classmethod
    def _source_is_link(cls, value: str) -> str:
        return check_source(value)


class Tier(Strict):
    """Prices for prompts up to ``up_to`` tokens.

    Cliff semantics: the *whole* request — uncached input, cached input, cache writes, output and reasoning — is
    billed at the rates of the one tier its prompt (input + cached tokens) falls in. Crossing a threshold
    re-prices every token of the request, not just the tokens above it (Gemini's 200K, Qwen's 32K/128K).
    """

    up_to: TokenLimit | None = None
    """Largest prompt (input + cached tokens) this tier covers, inclusive; null on an open last tier."""
    input_mtok: PositivePrice | None
    """Uncached input, per 1M tokens; null if unknown."""
    output_mtok: PositivePrice | None
    """Output, per 1M tokens; null if unknown."""
    cache_read_mtok: PositivePrice | None = None
    """Cached input (cache hit), per 1M tokens; null if unknown (then the input rate applies)."""
    cache_write_mtok: PositivePrice | None = None
    """Writing input to the cache (5-minute TTL where the provider has two), per 1M; null: no separate charge."""
    cache_write_1h_mtok: PositivePrice | None = None
    """Writing input to a 1-hour cache, per 1M tokens; null where the provider has none."""
    reasoning_mtok: PositivePrice | None = None
    """Reasoning (thinking) tokens, per 1M; null means they are billed as output."""


class PriceSchedule(Sourced):
    """The prices of one model in one region, service tier and currency, over a period of time."""

    region: str = "global"
    """Where the price applies: ``global``, ``cn-mainland``, ``us``, ``eu``…"""
    service_tier: ServiceTier = "standard"
    """``standard``, ``batch`` (async, usually half price), ``flex`` or ``priority``."""
    currency: str = "USD"
    """ISO 4217 code; any code but USD needs a rate in data/fx.yaml."""
    effective_from: dt.date | None = None
    """First day these prices apply; null: since the model was released."""
    effective_to: dt.date | None = None
    """First day they no longer apply (exclusive); null: still in force."""
    note: str | None = None
    tiers: list[Tier] = Field(min_length=1)
    """Context tiers sorted by ``up_to``; only the last may be open (null)."""

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"currency must be a 3-letter ISO 4217 code such as USD or CNY, got {value!r}")
        return value

    @model_validator(mode="after")
    def _tiers_and_dates(self) -> PriceSchedule:
        bounds = [t.up_to for t in self.tiers]
        for i, bound in enumerate(bounds[:-1]):
            if bound is None:
                raise ValueError(
                    f"tiers[{i}] has up_to: null but is not the last tier — only the last tier may be open; "
                    "sort the tiers by up_to and give every tier but the last a bound"
                )
        known = [b for b in bounds if b is not None]
        for i in range(1, len(known)):
            if known[i] <= known[i - 1]:
                raise ValueError(
                    f"tiers overlap or are unsorted: up_to {known[i]} follows up_to {known[i - 1]} — "
                    "list tiers in increasing up_to, each bound larger than the one before"
                )
        if self.effective_from and self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError(
                f"effective_to {self.effective_to} is not after effective_from {self.effective_from} — "
                "effective_to is the first day the price no longer applies"
            )
        return self

    def in_force(self, on: dt.date) -> bool:
        """True when this schedule applies on ``on`` (``effective_from`` inclusive, ``effective_to`` exclusive)."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on < self.effective_to
        )


class ToolFee(Sourced):
    """A per-call fee for a server-side tool (e.g. web search), charged on top of tokens."""

    tool: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Tool name as workloads refer to it: ``web_search``, ``code_execution``…"""
    per_thousand_calls: PositivePrice
    """Fee per 1,000 calls."""
    currency: str = "USD"
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str | None = None

    def in_force(self, on: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on < self.effective_to
        )


class Speed(Sourced):
    """Measured serving speed; used for latency estimates of agent workloads."""

    output_tokens_per_s: float | None = Field(default=None, gt=0, le=1_000_000, allow_inf_nan=False)
    time_to_first_token_s: float | None = Field(default=None, ge=0, le=3_600, allow_inf_nan=False)


class Parameters(Strict):
    """Parameter counts in billions (mixture-of-experts models: total and active per token)."""

    total_b: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    active_b: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    source: str

    @field_validator("source")
    @classmethod
    def _source_is_link(cls, value: str) -> str:
        return check_source(value)


Database = Literal["genai-prices", "litellm"]
"""The external price databases the drift check compares the registry with (``analytics/sources``)."""


class Disagreement(Sourced):
    """Another source's figure that differs from ours, kept beside ours with the reason we did not use it.

    With ``database`` set it is also the drift check's explanation of that database's figure: it explains a
    difference with the same database, field, region, service tier and value, and nothing else.
    """

    field: str
    """Which figure: ``input_mtok``, ``output_mtok``, ``cache_read_mtok``, ``tier_bounds``, ``context_window``,
    ``max_input_tokens``, ``max_output_tokens``, ``lifecycle.retired_on``, ``prices``, ``region_uplift``…"""
    value: float | dt.date | None
    """Their figure (null: they list none); a date for ``lifecycle.retired_on``."""
    database: Database | None = None
    """The price database whose figure this is (``genai-prices`` or ``litellm``); null: another source (a
    press report, a vendor's older page), which the drift check does not read."""
    region: str = "global"
    service_tier: ServiceTier = "standard"
    reason: str
    """Why it differs and why ours stands (a reseller's price, a different definition of context…). Saying
    only that a figure is missing ("not in our notes") is not a reason: the drift check ignores such an entry."""


class Exclusion(Strict):
    """Models of a provider that the registry leaves out on purpose, so that ``refresh`` reports them as
    excluded (with the reason) rather than as missing."""

    models: list[str] = Field(min_length=1)
    """Their names as the databases give them, without a provider prefix; ``*`` matches any characters
    (``gpt-4*``, ``*-audio-*``)."""
    reason: str = Field(min_length=10)
    """Why they are left out (a specialised variant, a generation the dashboard does not cover…)."""
    source: str | None = None
    """A page that supports the reason, where there is one (an http(s) URL)."""

    @field_validator("source")
    @classmethod
    def _source_is_link(cls, value: str | None) -> str | None:
        return None if value is None else check_source(value)


class Lifecycle(Sourced):
    """Where a model stands in its provider's lifecycle, with the page that says so.

    ``retired_on`` is the **shutdown date**: the first day the model can no longer be called (exclusive, like
    ``effective_to``). From that day on the model has no price: it is never priced as live.
    """

    preview: bool = False
    """The provider serves it as a preview / experimental model (may change or be shut down at short notice)."""
    deprecated_on: dt.date | None = None
    """The day the provider announced the model's deprecation (still callable until ``retired_on``)."""
    retired_on: dt.date | None = None
    """The shutdown date: the first day the model can no longer be called; null when none is announced."""
    successor: str | None = Field(default=None, pattern=ID_PATTERN)
    """The registry model id the provider names as the replacement; null when it names none."""
    note: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Lifecycle:
        if self.deprecated_on and self.retired_on and self.retired_on < self.deprecated_on:
            raise ValueError(
                f"retired_on {self.retired_on} is before deprecated_on {self.deprecated_on} — a model is "
                "deprecated (announced) first and retired (shut down) on or after that day"
            )
        return self


class Model(Strict):
    """One model of one provider, with its limits, facts and price schedules."""

    id: str = Field(pattern=ID_PATTERN)
    """Stable kebab-case id (``gemini-3-pro``); what the CLI, workloads and benchmark results refer to."""
    name: str = Field(min_length=1, max_length=120)
    segment: Literal["flagship", "mid", "small"] | None = None
    """The model's place in its provider's line-up; ``flagship`` marks the provider's top general model of its
    generation: the newest live flagship of each provider is the dashboard's default selection on a date."""
    released: dt.date | None = None
    """First day the model could be called through the provider's API; null if unknown."""
    released_source: str | None = None
    """Where the release date was read (an http(s) URL); null where only a comment in the YAML says."""
    lifecycle: Lifecycle | None = None
    """Preview flag, deprecation, shutdown and successor, with their source; null: generally available, no
    deprecation known."""
    context_window: TokenLimit
    """Total tokens (prompt + output) the model can hold, as the provider advertises it."""
    max_input_tokens: TokenLimit | None = None
    """Where the provider caps the prompt separately (GPT-5.2: 272K inside 400K; Gemini: the 1M input window).
    When set, the prompt is checked against it and the output against ``max_output_tokens``, instead of
    prompt + output against ``context_window``."""
    max_output_tokens: TokenLimit | None = None
    open_weights: bool | None = None
    parameters: Parameters | None = None
    aliases: list[str] = Field(default_factory=list)
    """Other names (API ids such as ``qwen3-max-2026-01-23``) that resolve to this model."""
    limits_source: str | None = None
    """Where the context window and caps were read."""
    speed: Speed | None = None
    tool_fees: list[ToolFee] = Field(default_factory=list)
    prices: list[PriceSchedule] = Field(default_factory=list)
    """Every price schedule: regions, service tiers, and history (non-overlapping dates per region + tier)."""
    disagreements: list[Disagreement] = Field(default_factory=list)
    note: str | None = None

    @field_validator("limits_source", "released_source")
    @classmethod
    def _limits_source_is_link(cls, value: str | None) -> str | None:
        return None if value is None else check_source(value)

    @model_validator(mode="after")
    def _limits_and_schedules(self) -> Model:
        cap = self.max_input_tokens or self.context_window
        if self.max_input_tokens and self.max_input_tokens > self.context_window:
            raise ValueError(
                f"max_input_tokens {self.max_input_tokens} exceeds context_window {self.context_window}"
            )
        retired_on = self.lifecycle.retired_on if self.lifecycle else None
        if self.lifecycle and self.lifecycle.successor == self.id:
            raise ValueError("lifecycle.successor names the model itself — name the model that replaces it")
        seen: dict[tuple[str, str, str], list[PriceSchedule]] = {}
        for i, schedule in enumerate(self.prices):
            if retired_on and schedule.effective_from and schedule.effective_from >= retired_on:
                raise ValueError(
                    f"prices[{i}] starts on {schedule.effective_from}, on or after the model's retirement "
                    f"({retired_on}) — a retired model has no price; fix the dates or lifecycle.retired_on"
                )
            for tier in schedule.tiers:
                if tier.up_to is not None and tier.up_to > cap:
                    raise ValueError(
                        f"prices[{i}]: a tier reaches up_to {tier.up_to}, beyond the model's prompt limit {cap} "
                        "(max_input_tokens, else context_window) — lower up_to or fix the limit"
                    )
            key = (schedule.region, schedule.service_tier, schedule.currency)
            for other in seen.get(key, []):
                if _periods_overlap(schedule, other):
                    raise ValueError(
                        f"prices[{i}]: two {schedule.region}/{schedule.service_tier}/{schedule.currency} "
                        "schedules are in force on the same day — end the older one with effective_to "
                        "on the day the newer one's effective_from begins"
                    )
            seen.setdefault(key, []).append(schedule)
        fees: dict[str, list[ToolFee]] = {}
        for i, fee in enumerate(self.tool_fees):
            for other in fees.get(fee.tool, []):
                if _periods_overlap(fee, other):
                    raise ValueError(
                        f"tool_fees[{i}]: two {fee.tool} fees are in force on the same day — end the older one "
                        "with effective_to on the day the newer one's effective_from begins"
                    )
            fees.setdefault(fee.tool, []).append(fee)
        return self


def _periods_overlap(a: PriceSchedule | ToolFee, b: PriceSchedule | ToolFee) -> bool:
    start_a, start_b = a.effective_from or dt.date.min, b.effective_from or dt.date.min
    end_a, end_b = a.effective_to or dt.date.max, b.effective_to or dt.date.max
    return start_a < end_b and start_b < end_a


class Provider(Strict):
    """One file of ``data/providers/``: a provider and its models."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=120)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    """ISO 3166 alpha-2 code of the provider's home (the seed report colours CN red, US blue)."""
    url: str | None = None
    models: list[Model] = Field(min_length=1)
    disagreements: list[Disagreement] = Field(default_factory=list)
    """Disagreements that hold for every model of the provider (a database's regional uplift, say): the drift
    check reads them for each model, after the model's own."""
    excluded: list[Exclusion] = Field(default_factory=list)
    """Models the databases list for this provider that the registry leaves out on purpose, with the reason."""

    @field_validator("url")
    @classmethod
    def _url_is_link(cls, value: str | None) -> str | None:
        return None if value is None else check_source(value)


class BenchmarkResult(Strict):
    """One reported score of one model; several per model and condition are normal (who reported it matters)."""

    model: str
    """A model id (or alias) of the registry."""
    score: float = Field(ge=0, le=100, allow_inf_nan=False)
    """Percent correct."""
    condition: Condition
    """``tools`` (search, code…) or ``no-tools``."""
    subset: Subset | None
    """``full`` benchmark or its ``text-only`` subset; null when the reporter does not say."""
    reporter_kind: ReporterKind
    reporter: str = Field(min_length=1)
    source: str
    date: dt.date
    """When the score was published (or read, for the seed report)."""
    disputed: bool = False
    """No primary source (the vendor or the benchmark's maintainers) confirms the figure: never plotted by
    default, marked when the user includes it; ``note`` says why."""
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _source_is_link(cls, value: str) -> str:
        return check_source(value)


class Benchmark(Strict):
    """One file of ``data/benchmarks/``: a benchmark's definition and its results."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    url: str | None = None
    description: str | None = None
    higher_is_better: bool = True
    results: list[BenchmarkResult] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _url_is_link(cls, value: str | None) -> str | None:
        return None if value is None else check_source(value)


class FxRate(Sourced):
    """How many units of ``currency`` one US dollar buys, on a date."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    units_per_usd: PositivePrice
    """At least 10^-6 (and at most 10^6): any real currency, and no conversion that overflows."""
    note: str | None = None

    @field_validator("units_per_usd")
    @classmethod
    def _plausible_rate(cls, value: float) -> float:
        if value < 1e-6:
            raise ValueError(f"units_per_usd {value:g} is below 0.000001: no currency is worth a million dollars")
        return value


class FxTable(Strict):
    """``data/fx.yaml``: currency rates against USD (the registry's base currency)."""

    base: Literal["USD"] = "USD"
    rates: list[FxRate] = Field(default_factory=list)


# -- overlays: a company's own prices (overrides.yaml at the root of a registry layer) ---------------------------

_CONTRACT = re.compile(r"^[^\x00-\x1f\x7f<>]{1,200}$")


def check_contract(value: str) -> str:
    """Your contract or agreement reference: plain text (no markup, no control characters, at most 200
    characters) such as ``MSA-2026-014 §3``, or an http(s) URL."""
    value = value.strip()
    if _URL.match(value) or (_CONTRACT.match(value) and not value.lower().startswith(("javascript:", "data:"))):
        return value
    raise ValueError(f"a contract reference is plain text of at most 200 characters without < or >, or an "
                     f"http(s) URL; got {value[:80]!r}")


class ContractSchedule(PriceSchedule):
    """A replacement price schedule in ``overrides.yaml``: a registry price schedule whose ``source`` may be your
    contract reference (plain text) instead of a URL; ``checked_on`` is the day you entered or last checked it."""

    @field_validator("source")
    @classmethod
    def _source_is_link(cls, value: str) -> str:
        return check_contract(value)


class Override(Strict):
    """One entry of ``overrides.yaml``: your own prices for every model of a provider, or for one model.

    Either ``discount_pct`` (every token price of the provider's or the model's schedules, in every region,
    service tier and currency, ``discount_pct`` percent lower, between ``effective_from`` and ``effective_to``;
    tool fees stay at list price) or ``prices`` (replacement schedules for one model: on the days one of them is
    in force, it replaces the registry's schedules of the same region, service tier and currency). An entry for
    a model wins over an entry for its provider.
    """

    provider: str | None = Field(default=None, pattern=ID_PATTERN)
    """A provider id of the registry (``anthropic``): the entry covers each of its models."""
    model: str | None = Field(default=None, min_length=1, max_length=200)
    """A model id or alias of the registry (``claude-opus-4.5``)."""
    discount_pct: float | None = Field(default=None, gt=0, lt=100, allow_inf_nan=False)
    """Your discount off the list price, in percent: 20 bills $5.00 per 1M as $4.00."""
    prices: list[ContractSchedule] | None = Field(default=None, min_length=1)
    """Replacement price schedules (for ``model`` only), in the registry's format."""
    contract: str | None = None
    """Your contract or agreement reference (plain text or a URL); shown wherever these prices are used."""
    effective_from: dt.date | None = None
    """First day the discount applies (inclusive); null: always. Replacement schedules carry their own dates."""
    effective_to: dt.date | None = None
    """First day the discount no longer applies (exclusive); null: still in force."""
    note: str | None = None

    @field_validator("contract")
    @classmethod
    def _contract_reference(cls, value: str | None) -> str | None:
        return None if value is None else check_contract(value)

    @model_validator(mode="after")
    def _one_target_one_kind(self) -> Override:
        if (self.provider is None) == (self.model is None):
            raise ValueError("give exactly one of provider (every model of a provider) or model (one model)")
        if (self.discount_pct is None) == (self.prices is None):
            raise ValueError("give exactly one of discount_pct (a percentage off the list price) or prices "
                             "(replacement schedules)")
        if self.prices is not None and self.model is None:
            raise ValueError("replacement prices are per model: write model: <id> (a provider takes discount_pct)")
        if self.prices is not None and (self.effective_from or self.effective_to):
            raise ValueError("effective_from / effective_to belong on each replacement schedule, not on the entry")
        if self.effective_from and self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError(f"effective_to {self.effective_to} is not after effective_from {self.effective_from}")
        seen: dict[tuple[str, str, str], list[ContractSchedule]] = {}
        for i, schedule in enumerate(self.prices or []):
            key = (schedule.region, schedule.service_tier, schedule.currency)
            if any(_periods_overlap(schedule, other) for other in seen.get(key, [])):
                raise ValueError(f"prices[{i}]: two {'/'.join(key)} schedules are in force on the same day — end "
                                 "the older one with effective_to on the day the newer one's effective_from begins")
            seen.setdefault(key, []).append(schedule)
        return self

    def in_force(self, on: dt.date) -> bool:
        """For a discount: it applies on ``on`` (``effective_from`` inclusive, ``effective_to`` exclusive)."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on < self.effective_to
        )


class Overrides(Strict):
    """``overrides.yaml`` at the root of a registry layer: your prices, laid over the registry's list prices.

    The bundled data never changes; every page and command that prices through an override says so ("your
    prices"), and the drift check never reads overrides (they are meant to differ from the list prices)."""

    overrides: list[Override] = Field(min_length=1, max_length=10_000)


SCHEMA_ROOTS: dict[str, type[Strict]] = {"provider": Provider, "benchmark": Benchmark, "fx": FxTable,
                                         "overrides": Overrides}


def registry_json_schema() -> dict:
    """The JSON Schema of every registry file kind, one document (``data/schema.json``) that editors use."""
    from pydantic.json_schema import models_json_schema

    _, top = models_json_schema(
        [(kind, "validation") for kind in SCHEMA_ROOTS.values()], ref_template="#/$defs/{model}"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "LLM cost dashboard registry file (provider, benchmark, fx or overrides)",
        "description": "Generated from analytics/core/schema.py by `make schema`; do not edit by hand.",
        "anyOf": [{"$ref": f"#/$defs/{kind.__name__}"} for kind in SCHEMA_ROOTS.values()],
        "$defs": top["$defs"],
    }
