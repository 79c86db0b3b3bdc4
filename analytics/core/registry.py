"""Loading and querying the registry in ``data/``: providers and their models, benchmark results, FX rates.

``load_registry`` validates everything and raises one ``RegistryError`` listing every problem, each naming the
file, the model id and the field; ``bundled_registry`` loads the bundled data once per process (cached by the
files' sizes and modification times); ``LiveRegistry`` serves a long-running server whose files may be edited
while it runs (reloaded whole, or the last good one kept with the problems).

Layers: folders given after the first (``--registry DIR``, ``LLM_COSTS_REGISTRY``) add their providers, benchmark
results and FX rates, and may hold ``overrides.yaml`` — a company's own prices (``overlay.py``), applied over the
list prices unless ``overrides=False`` (the drift check). A folder that does not exist, cannot be read or holds no
registry file is a ``LayerError``, never silently skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .clock import today
from .errors import (
    CurrencyError,
    LayerError,
    Location,
    Locator,
    NoPriceError,
    NotLiveError,
    Problem,
    RegistryError,
    UnknownModelError,
    field_path,
    problems_from_validation,
)
from .lifecycle import not_live_reason
from .overlay import OVERRIDES_FILE, Overlay, apply_overrides, parse_overrides
from .safeyaml import read_yaml_file, yaml_text_from_bytes
from .schema import Benchmark, BenchmarkResult, FxTable, Model, Overrides, PriceSchedule, Provider, ToolFee

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The bundled registry."""
MAX_REGISTRY_FILES = 500
"""A registry folder with more YAML files than this is refused (uploads and imports are bounded)."""

_HINTS = {
    "extra_forbidden": "unknown field: check its spelling against data/schema.json",
    "missing": "this field is required: add it",
    "greater_than": "must be positive; if the figure is unknown write null, never 0",
    "greater_than_equal": "must not be negative",
    "less_than_equal": "is above the allowed maximum",
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD",
    "date_parsing": "write dates as YYYY-MM-DD",
    "date_type": "write dates as YYYY-MM-DD",
    "string_pattern_mismatch": "see data/schema.json for the allowed form",
    "literal_error": "use one of the allowed values",
    "finite_number": "must be a finite number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "list_type": "must be a YAML list",
    "model_type": "must be a YAML mapping (key: value)",
    "dict_type": "must be a YAML mapping (key: value)",
}


def _label(path: Path) -> str:
    """A short name for a file in messages: relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _locate(raw: Any) -> Locator:
    """A registry file's error location: the model (or benchmark result) it is in, then the field within it."""
    def locate(loc: Location) -> tuple[str | None, str]:
        model_id = None
        if len(loc) >= 2 and loc[0] == "models" and isinstance(loc[1], int) and isinstance(raw, dict):
            models = raw.get("models")
            if isinstance(models, list) and loc[1] < len(models) and isinstance(models[loc[1]], dict):
                candidate = models[loc[1]].get("id")
                model_id = str(candidate) if candidate is not None else f"#{loc[1] + 1} (no id)"
            loc = loc[2:]
        elif len(loc) >= 2 and loc[0] == "results" and isinstance(loc[1], int) and isinstance(raw, dict):
            results = raw.get("results")
            if isinstance(results, list) and loc[1] < len(results) and isinstance(results[loc[1]], dict):
                model_id = str(results[loc[1]].get("model"))
            loc = [f"results[{loc[1]}]", *loc[2:]]
        return model_id, field_path(loc)

    return locate


def _validate_file(path: Path, kind: type, problems: list[Problem]) -> Any:
    label = _label(path)
    try:
        raw = read_yaml_file(path, label)
    except RegistryError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(raw, dict):
        problems.append(
            Problem(label, f"expected a YAML mapping at the top, got {type(raw).__name__}",
                    hint="see data/README.md for the format")
        )
        return None
    try:
        return kind.model_validate(raw)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, label, locate=_locate(raw), hints=_HINTS))
        return None


@dataclass(frozen=True)
class ModelEntry:
    """A model together with the provider it belongs to and the file it came from."""

    model: Model
    provider: Provider
    file: str


@dataclass
class Registry:
    """The validated registry. Immutable in use: build a new one to change it."""

    providers: list[Provider]
    benchmarks: dict[str, Benchmark]
    fx: FxTable
    files: list[str] = field(default_factory=list)
    entries: dict[str, ModelEntry] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    overlay: Overlay | None = None
    """Your prices, when a layer's ``overrides.yaml`` (or a session upload) changed some: what and from where."""
    list_providers: list[Provider] | None = None
    """The providers with their list prices, when an overlay changed them (``providers`` holds your prices)."""
    overrides: list[tuple[Overrides, str]] = field(default_factory=list)
    """The overrides applied, with the file each came from."""

    # -- models -------------------------------------------------------------------------------------------
    def model_ids(self) -> list[str]:
        return list(self.entries)

    def models(self) -> Iterator[ModelEntry]:
        return iter(self.entries.values())

    def resolve_id(self, model_id: str) -> str:
        """The canonical id for ``model_id`` or one of its aliases; a clear error with suggestions otherwise."""
        if model_id in self.entries:
            return model_id
        if model_id in self.aliases:
            return self.aliases[model_id]
        lowered = model_id.lower()
        for known in [*self.entries, *self.aliases]:
            if known.lower() == lowered:
                return self.aliases.get(known, known)
        close = difflib.get_close_matches(model_id, [*self.entries, *self.aliases], n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "run `python -m analytics models` to list them"
        raise UnknownModelError(f"unknown model {model_id!r}: {hint}")

    def entry(self, model_id: str) -> ModelEntry:
        return self.entries[self.resolve_id(model_id)]

    def model(self, model_id: str) -> Model:
        return self.entry(model_id).model

    # -- prices -------------------------------------------------------------------------------------------
    def schedules(self, model_id: str) -> list[PriceSchedule]:
        return list(self.model(model_id).prices)

    def schedule(
        self,
        model_id: str,
        region: str = "global",
        service_tier: str = "standard",
        on: dt.date | None = None,
    ) -> PriceSchedule:
        """The price schedule in force for ``model_id`` in ``region`` and ``service_tier`` on ``on`` (default
        today). Raises ``NoPriceError`` naming what does exist when there is none: unknown is not zero; and
        ``NotLiveError`` (a ``NoPriceError``) when the model is retired or not yet released on that day: a
        retired model is never priced as live."""
        model = self.model(model_id)
        day = on or today()
        reason = not_live_reason(model, day)
        if reason:
            raise NotLiveError(reason)
        for schedule in model.prices:
            if schedule.region == region and schedule.service_tier == service_tier and schedule.in_force(day):
                return schedule
        offered = sorted({f"{s.region}/{s.service_tier}" for s in model.prices})
        if not offered:
            raise NoPriceError(f"{model.id}: the registry has no price for this model")
        dated = [
            s for s in model.prices if s.region == region and s.service_tier == service_tier
        ]
        if dated:
            spans = ", ".join(f"{s.effective_from or 'release'} to {s.effective_to or 'now'}" for s in dated)
            raise NoPriceError(f"{model.id}: no {region}/{service_tier} price in force on {day} (known: {spans})")
        raise NoPriceError(
            f"{model.id}: no price for region {region!r} and service tier {service_tier!r}; "
            f"the registry has {', '.join(offered)}"
        )

    def require_live(self, model_id: str, on: dt.date | None = None) -> str:
        """The canonical id of ``model_id`` when it can be called on ``on`` (default today); ``NotLiveError``
        naming the retirement (or release) date, the successor and ``--on`` otherwise."""
        model = self.model(model_id)
        reason = not_live_reason(model, on or today())
        if reason:
            raise NotLiveError(reason)
        return model.id

    def tool_fee(self, model_id: str, tool: str, on: dt.date | None = None) -> ToolFee | None:
        """The fee for ``tool`` on ``model_id`` in force on ``on``; None where no fee is known."""
        day = on or today()
        for fee in self.model(model_id).tool_fees:
            if fee.tool == tool and fee.in_force(day):
                return fee
        return None

    # -- currencies ---------------------------------------------------------------------------------------
    def currencies(self) -> list[str]:
        return ["USD", *sorted(r.currency for r in self.fx.rates)]

    def units_per_usd(self, currency: str) -> float:
        if currency == "USD":
            return 1.0
        for rate in self.fx.rates:
            if rate.currency == currency:
                return rate.units_per_usd
        raise CurrencyError(
            f"no FX rate for {currency!r}: add it to data/fx.yaml (known: {', '.join(self.currencies())})"
        )

    def convert(self, amount: Any, from_currency: str, to_currency: str) -> Any:
        """Convert ``amount`` (a number or numpy array) between currencies through USD."""
        if from_currency == to_currency:
            return amount
        return amount / self.units_per_usd(from_currency) * self.units_per_usd(to_currency)

    # -- benchmarks ---------------------------------------------------------------------------------------
    def results(self, benchmark_id: str = "hle") -> list[BenchmarkResult]:
        bench = self.benchmarks.get(benchmark_id)
        return list(bench.results) if bench else []

    def as_of(self) -> dt.date:
        """The newest date any price was checked: what the registry can vouch for."""
        days = [s.checked_on for e in self.models() for s in e.model.prices]
        return max(days) if days else today()

    # -- overlays -----------------------------------------------------------------------------------------
    def overlay_label(self) -> str | None:
        """"your prices: 20% off the list price (provider anthropic) (from overrides.yaml)", or None when every
        price is a list price: the marker footnotes, tables, exports and the CLI show."""
        return self.overlay.label() if self.overlay and self.overlay.models else None

    def overlay_note(self, model_id: str, schedule: PriceSchedule) -> str | None:
        """What override made ``schedule`` of ``model_id`` ("20% off the list price (…)"); None for a list price."""
        return self.overlay.note(self.resolve_id(model_id), schedule) if self.overlay else None


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


@dataclass
class _Files:
    """What the files of every folder held, before the registry-wide checks."""

    providers: list[tuple[Provider, str]] = field(default_factory=list)
    benchmarks: dict[str, Benchmark] = field(default_factory=dict)
    result_files: dict[tuple[str, int], str] = field(default_factory=dict)
    """(benchmark id, result index) → "file: results[i]", to locate a result after benchmarks are merged."""
    fx_rates: list = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    provider_failed: bool = False
    override_files: list[tuple[Path, str]] = field(default_factory=list)
    """(path, label) of each layer's ``overrides.yaml``: your prices, applied over the list prices."""


def load_registry(roots: Iterable[Path | str] | Path | str = DATA_DIR, *, overrides: bool = True) -> Registry:
    """Load and validate the registry from one folder, or several layered ones (the first is the base).

    Each folder may hold ``providers/*.yaml``, ``benchmarks/*.yaml``, ``fx.yaml`` and ``overrides.yaml`` (your
    prices, applied unless ``overrides`` is False). Every problem in every file is collected before raising, so a
    user fixes them all in one pass; a folder with nothing to load is a ``LayerError``.
    """
    if isinstance(roots, (str, Path)):
        roots = [roots]
    folders = [Path(r) for r in roots]
    problems: list[Problem] = []
    loaded = _Files()
    for folder in folders:
        check_layer(folder)
        if overrides and (folder / OVERRIDES_FILE).is_file():
            loaded.override_files.append((folder / OVERRIDES_FILE, _label(folder / OVERRIDES_FILE)))
        _read_folder(folder, loaded, problems)
    if not loaded.providers and not problems:
        problems.append(
            Problem(", ".join(str(f) for f in folders), "no provider files found", hint="add providers/*.yaml")
        )
    registry = Registry(providers=[p for p, _ in loaded.providers], benchmarks=loaded.benchmarks,
                        fx=FxTable(rates=loaded.fx_rates), files=loaded.files)
    problems.extend(_index_models(registry, loaded.providers))
    problems.extend(_check_currencies(registry))
    if not loaded.provider_failed:  # a provider file failed: its models would all look unknown here
        problems.extend(_check_references(registry, loaded.result_files))
    documents = _read_overrides(loaded, problems)
    if problems:
        raise RegistryError(problems)
    return with_overrides(registry, documents) if documents else registry


def _read_overrides(loaded: _Files, problems: list[Problem]) -> list[tuple[Overrides, str]]:
    """Each layer's ``overrides.yaml``, parsed and validated (its problems added to ``problems``)."""
    documents = []
    for path, label in loaded.override_files:
        loaded.files.append(label)
        try:
            documents.append((parse_overrides(yaml_text_from_bytes(path.read_bytes(), label), label), label))
        except RegistryError as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem(label, f"cannot be read: {exc.strerror or exc}"))
    return documents


def with_overrides(registry: Registry, documents: list[tuple[Overrides, str]]) -> Registry:
    """``registry`` with more overrides applied over its list prices (with the ones it already has: one entry per
    provider and per model in all); ``RegistryError`` naming the file, entry and field otherwise."""
    base = registry.list_providers or registry.providers
    applied = [*registry.overrides, *documents]
    ids = {**{m.id: m.id for p in base for m in p.models}, **{a: m.id for p in base for m in p.models
                                                              for a in m.aliases}}
    ids.update({k.lower(): v for k, v in list(ids.items())})
    overlaid, overlay, problems = apply_overrides(base, applied, ids, registry.currencies())
    if problems:
        raise RegistryError(problems)
    result = Registry(providers=overlaid, benchmarks=registry.benchmarks, fx=registry.fx, files=list(registry.files),
                      overlay=overlay, list_providers=base, overrides=applied)
    file_of = {e.model.id: e.file for e in registry.models()}
    result.entries = {m.id: ModelEntry(m, p, file_of[m.id]) for p in overlaid for m in p.models}
    result.aliases = dict(registry.aliases)
    return result


def overrides_from_bytes(registry: Registry, data: bytes, name: str) -> Registry:
    """``registry`` with an uploaded overrides file applied (the dashboard's session upload): the same checks as a
    file on disk (size, UTF-8, plain YAML, the schema, known providers and models)."""
    return with_overrides(registry, [(parse_overrides(yaml_text_from_bytes(data, name), name), name)])


REGISTRY_ENTRIES = ("providers", "benchmarks", "fx.yaml", OVERRIDES_FILE)
"""What a registry folder may hold; a layer with none of them is an error."""


def check_layer(folder: Path) -> None:
    """``LayerError`` (one line) when ``folder`` does not exist, cannot be read, or holds no registry file."""
    try:
        if not folder.exists():
            raise LayerError(f"registry folder {folder} not found: give a folder holding providers/*.yaml, "
                             f"benchmarks/*.yaml, fx.yaml or {OVERRIDES_FILE}")
        if not folder.is_dir():
            raise LayerError(f"{folder} is not a folder: give the folder that holds providers/ or {OVERRIDES_FILE}")
        found = [name for name in REGISTRY_ENTRIES if (folder / name).exists()]
        has_yaml = any(_yaml_files(folder / sub) for sub in ("providers", "benchmarks")) or any(
            (folder / name).is_file() for name in ("fx.yaml", OVERRIDES_FILE))
    except PermissionError:
        raise LayerError(f"registry folder {folder} cannot be read (permission denied)") from None
    except OSError as exc:
        raise LayerError(f"registry folder {folder} cannot be read: {exc.strerror or exc}") from None
    if not has_yaml:
        what = f" ({', '.join(found)} without YAML files)" if found else ""
        raise LayerError(f"registry folder {folder} holds no registry file{what}: expected providers/*.yaml, "
                         f"benchmarks/*.yaml, fx.yaml or {OVERRIDES_FILE}")


def _read_folder(folder: Path, loaded: _Files, problems: list[Problem]) -> None:
    """Validate one folder's files, adding what they hold to ``loaded`` and what is wrong to ``problems``."""
    if not folder.is_dir():
        problems.append(Problem(str(folder), "registry folder not found", hint="give a folder holding providers/"))
        return
    provider_files = _yaml_files(folder / "providers")
    bench_files = _yaml_files(folder / "benchmarks")
    if len(provider_files) + len(bench_files) > MAX_REGISTRY_FILES:
        problems.append(Problem(str(folder), f"more than {MAX_REGISTRY_FILES} registry files"))
        return
    for path in provider_files:
        provider = _validate_file(path, Provider, problems)
        loaded.files.append(_label(path))
        if provider is not None:
            loaded.providers.append((provider, _label(path)))
        else:
            loaded.provider_failed = True
    for path in bench_files:
        bench = _validate_file(path, Benchmark, problems)
        loaded.files.append(_label(path))
        if bench is not None:
            _merge_benchmark(bench, _label(path), loaded)
    fx_path = folder / "fx.yaml"
    if fx_path.is_file():
        fx = _validate_file(fx_path, FxTable, problems)
        loaded.files.append(_label(fx_path))
        if fx is not None:
            loaded.fx_rates.extend(fx.rates)


def _merge_benchmark(bench: Benchmark, label: str, loaded: _Files) -> None:
    """Add a benchmark file's results to those of the same benchmark from earlier files, remembering each one's
    file."""
    earlier = loaded.benchmarks.get(bench.id)
    offset = len(earlier.results) if earlier else 0
    for i in range(len(bench.results)):
        loaded.result_files[(bench.id, offset + i)] = f"{label}: results[{i}]"
    if earlier:
        bench = bench.model_copy(update={"results": [*earlier.results, *bench.results]})
    loaded.benchmarks[bench.id] = bench


def _index_models(registry: Registry, providers: list[tuple[Provider, str]]) -> list[Problem]:
    """Fill the registry's model and alias index: provider ids, model ids and aliases are unique."""
    problems: list[Problem] = []
    provider_ids: dict[str, str] = {}
    for provider, file in providers:
        if provider.id in provider_ids:
            problems.append(Problem(file, f"provider id {provider.id!r} is also used in {provider_ids[provider.id]}",
                                    field="id", hint="give each provider one file"))
        provider_ids.setdefault(provider.id, file)
        for model in provider.models:
            if model.id in registry.entries or model.id in registry.aliases:
                other = registry.entries.get(registry.aliases.get(model.id, model.id))
                problems.append(Problem(file, f"duplicate model id (also in {other.file if other else '?'})",
                                        model=model.id, field="id", hint="model ids must be unique"))
                continue
            registry.entries[model.id] = ModelEntry(model, provider, file)
            for alias in model.aliases:
                if alias in registry.entries or alias in registry.aliases:
                    problems.append(Problem(file, f"alias {alias!r} is already a model id or alias",
                                            model=model.id, field="aliases", hint="remove one of them"))
                else:
                    registry.aliases[alias] = model.id
    return problems


def _check_currencies(registry: Registry) -> list[Problem]:
    """One FX rate per currency, and one for every currency a price or a tool fee is in."""
    problems: list[Problem] = []
    seen_fx: set[str] = set()
    for rate in registry.fx.rates:
        if rate.currency in seen_fx:
            problems.append(Problem("fx.yaml", f"two rates for {rate.currency}", field="rates",
                                    hint="keep one rate per currency"))
        seen_fx.add(rate.currency)
    known_currencies = {"USD", *seen_fx}
    for entry in registry.entries.values():
        priced = [(f"prices[{i}]", s.currency) for i, s in enumerate(entry.model.prices)]
        priced += [(f"tool_fees[{i}]", fee.currency) for i, fee in enumerate(entry.model.tool_fees)]
        for where, currency in priced:
            if currency not in known_currencies:
                problems.append(Problem(entry.file, f"currency {currency} has no FX rate", model=entry.model.id,
                                        field=f"{where}.currency", hint="add a dated rate to data/fx.yaml"))
    return problems


def _check_references(registry: Registry, result_files: dict[tuple[str, int], str]) -> list[Problem]:
    """Every model id named elsewhere exists: a successor (an id, not an alias), a benchmark result's model."""
    problems: list[Problem] = []
    for entry in registry.entries.values():
        successor = entry.model.lifecycle.successor if entry.model.lifecycle else None
        if successor and successor not in registry.entries:
            problems.append(Problem(entry.file, f"successor {successor!r} is not a model id of the registry",
                                    model=entry.model.id, field="lifecycle.successor",
                                    hint="add the successor to data/providers/ or fix the id "
                                         "(aliases are not accepted)"))
    for bench in registry.benchmarks.values():
        for i, result in enumerate(bench.results):
            if result.model not in registry.entries and result.model not in registry.aliases:
                where = result_files.get((bench.id, i), f"benchmarks/{bench.id}: results[{i}]")
                file, _, path = where.partition(": ")
                problems.append(Problem(file, "result for a model that is not in the registry",
                                        model=result.model, field=f"{path}.model",
                                        hint="add the model to data/providers/ or fix the id"))
    return problems


def _signature(folder: Path) -> tuple:
    """Every registry file of ``folder`` as (path, size, modification time, inode): an edit changes the size or the
    time, an editor that saves by renaming a new file over the old one changes the inode."""
    check_layer(folder)
    items = []
    for sub in (folder / "providers", folder / "benchmarks"):
        try:
            entries = sorted(os.scandir(sub), key=lambda e: e.name)
        except OSError:  # no such folder
            continue
        for entry in entries:
            if entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                stat = entry.stat()
                items.append((entry.path, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    for name in ("fx.yaml", OVERRIDES_FILE):
        try:
            stat = (folder / name).stat()
        except OSError:
            continue
        items.append((str(folder / name), stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(items)


def _digest(signatures: tuple) -> str:
    return hashlib.blake2b(repr(signatures).encode(), digest_size=8).hexdigest()


def registry_signature(folders: Iterable[Path | str]) -> str:
    """A short digest of every registry file's path, size, modification time and inode: it changes when any
    registry file is edited, added, removed or replaced. Cheap (no file is read): a key for caches."""
    return _digest(tuple(_signature(Path(f)) for f in folders))


@lru_cache(maxsize=8)
def _cached(folders: tuple[str, ...], signature: tuple, overrides: bool) -> Registry:
    del signature  # part of the cache key only: a changed file loads anew
    return load_registry([Path(f) for f in folders], overrides=overrides)


def cached_registry(roots: Iterable[Path | str] | Path | str = DATA_DIR, *, overrides: bool = True) -> Registry:
    """``load_registry`` once per process for the same files (keyed by path, size and mtime)."""
    if isinstance(roots, (str, Path)):
        roots = [roots]
    folders = tuple(str(Path(r).resolve()) for r in roots)
    return _cached(folders, tuple(_signature(Path(f)) for f in folders), overrides)


REGISTRY_VARIABLE = "LLM_COSTS_REGISTRY"


def env_layers() -> list[Path]:
    """The folders in ``LLM_COSTS_REGISTRY`` (separated by ``os.pathsep``); an empty entry is skipped, a folder
    with nothing to load is a ``LayerError`` when the registry is loaded."""
    return [Path(p) for p in os.environ.get(REGISTRY_VARIABLE, "").split(os.pathsep) if p.strip()]


def bundled_registry() -> Registry:
    """The bundled registry, plus the folders in ``LLM_COSTS_REGISTRY`` layered on top (with their overrides)."""
    try:
        return cached_registry([DATA_DIR, *env_layers()])
    except LayerError as exc:
        raise LayerError(f"{REGISTRY_VARIABLE}: {exc}") from None


def bundled_folders() -> tuple[str, ...]:
    """The bundled registry's folder, plus the folders in ``LLM_COSTS_REGISTRY`` layered on top (resolved)."""
    return _resolved((str(DATA_DIR), *map(str, env_layers())))


@lru_cache(maxsize=16)
def _resolved(folders: tuple[str, ...]) -> tuple[str, ...]:
    """Absolute paths, resolved once per list (a page asks on every run; resolving stats every path component)."""
    return tuple(str(Path(f).resolve()) for f in folders)


@dataclass(frozen=True)
class RegistrySnapshot:
    """The registry a long-running process uses now, and why it may not be what the files say."""

    registry: Registry
    version: str
    """``registry_signature`` of the files it was loaded from."""
    loaded_at: dt.datetime
    error: RegistryError | None = None
    """The files changed and no longer validate: ``registry`` is the last good one, loaded at ``loaded_at``."""


class LiveRegistry:
    """The registry of a long-running process (the dashboard server), whose files may be edited while it runs.

    ``refresh()`` looks at the files' signature and, when it changed, loads them anew — whole or not at all:
    - files are taken once they have been left alone for ``settle_s`` (a file is not read while it is being
      written: until then the previous registry is kept);
    - the new registry is kept only if the signature is the same after the load as before it, so a registry is
      always one state of the files, never some files read before an edit and others after it (a file written
      while it was read is read again).
    When the edited files do not validate, the last good registry is kept and the snapshot carries the problems.
    Thread-safe; keeps the last few versions so that one page run can finish with the version it started with
    (``get``) while another session loads a newer one.
    """

    KEPT_VERSIONS = 4
    LOAD_ATTEMPTS = 3
    SETTLE_S = 0.5
    STABLE_S = 0.05
    FIRST_LOAD_WAIT_S = 10.0
    """With no registry yet, how long to wait for files that keep changing before giving up."""

    def __init__(self, roots: Iterable[Path | str] | Path | str = DATA_DIR, *, settle_s: float = SETTLE_S):
        if isinstance(roots, (str, Path)):
            roots = [roots]
        self.folders = tuple(str(Path(r).resolve()) for r in roots)
        self.settle_ns = int(settle_s * 1e9)
        self._lock = threading.Lock()
        self._versions: dict[str, RegistrySnapshot] = {}
        self._current: RegistrySnapshot | None = None
        self._failed: tuple[str, RegistryError] | None = None

    def _look(self) -> tuple[str, int]:
        """The files' version, and how long ago (ns) the newest of them was modified."""
        signatures = tuple(_signature(Path(f)) for f in self.folders)
        newest = max((item[2] for folder in signatures for item in folder), default=0)
        return _digest(signatures), time.time_ns() - newest

    def refresh(self) -> RegistrySnapshot:
        """The registry to use now. Raises ``RegistryError`` (or ``LayerError``, for a layer folder that cannot be
        read) only when no version of the files has ever loaded."""
        try:
            version, age_ns = self._look()
        except LayerError as exc:  # a layer folder removed or unreadable under a running server
            if self._current is None:
                raise
            return dataclasses.replace(self._current, error=RegistryError([Problem("registry layer", str(exc))]))
        current = self._current
        if current is not None and current.version == version:
            return current
        with self._lock:
            deadline = time.monotonic() + self.FIRST_LOAD_WAIT_S
            attempts = 0
            while attempts < self.LOAD_ATTEMPTS or (self._current is None and time.monotonic() < deadline):
                attempts += 1
                current = self._current
                if current is not None and current.version == version:
                    return current
                if self._failed is not None and self._failed[0] == version:
                    if current is None:
                        raise self._failed[1]
                    return dataclasses.replace(current, error=self._failed[1])
                if age_ns < self.settle_ns:
                    if current is not None:  # being written: keep the registry we have
                        return current
                    time.sleep((self.settle_ns - age_ns) / 1e9)  # none yet: wait until the files settle
                    version, age_ns = self._look()
                    continue
                # Look once more a moment later: a file being truncated can show its new size with its old
                # modification time for a few milliseconds (seen on ext4), which the age alone would take as settled.
                time.sleep(self.STABLE_S)
                again, age_ns = self._look()
                if again != version:
                    version = again
                    continue
                try:
                    registry = load_registry([Path(f) for f in self.folders])
                except (RegistryError, LayerError) as exc:
                    after, age_ns = self._look()
                    if after != version:  # written while read: look again
                        version = after
                        continue
                    error = exc if isinstance(exc, RegistryError) else RegistryError([Problem("registry layer",
                                                                                              str(exc))])
                    self._failed = (version, error)
                    if current is None:
                        raise
                    return dataclasses.replace(current, error=error)
                after, age_ns = self._look()
                if after != version:  # written while read: this load may mix two states of the files
                    version = after
                    continue
                snapshot = RegistrySnapshot(registry, version, dt.datetime.now())
                self._current, self._failed = snapshot, None
                self._versions[version] = snapshot
                while len(self._versions) > self.KEPT_VERSIONS:
                    del self._versions[next(iter(self._versions))]
                return snapshot
            # the files kept changing under every attempt: keep what we have, try again on the next refresh
            if self._current is None:
                raise RegistryError([Problem(", ".join(self.folders), "the registry files kept changing while "
                                             "they were read", hint="try again once they are saved")])
            return self._current

    def version_of(self, registry: Registry) -> str | None:
        """The version a kept registry was loaded as (by identity), or None."""
        return next((v for v, snapshot in self._versions.items() if snapshot.registry is registry), None)

    def get(self, version: str | None) -> Registry | None:
        """The registry of ``version`` if it is still kept (a page run that started with it finishes with it)."""
        snapshot = self._versions.get(version) if version else None
        return snapshot.registry if snapshot is not None else None
